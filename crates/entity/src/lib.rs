//! Concord's tables as SeaORM entities, and the enumerations stored in them.
//!
//! Nothing here knows about rules or GraphQL: the service crate decides who may read a
//! row, the api crate how it is shown. With the `graphql` feature the enumerations also
//! derive `async_graphql::Enum`, so each value and its description is written once.

pub mod enums;

pub mod adoption;
pub mod affiliation;
pub mod agreement;
pub mod agreement_country;
pub mod agreement_field;
pub mod agreement_party;
pub mod agreement_person;
pub mod api_token;
pub mod audit_entry;
pub mod change_entry;
pub mod confirmation;
pub mod consortium;
pub mod consortium_member;
pub mod country;
pub mod curriculum_standard;
pub mod event;
pub mod event_organisation;
pub mod event_outcome;
pub mod event_participant;
pub mod idempotency_key;
pub mod indicator;
pub mod indicator_definition;
pub mod isced_field;
pub mod organisation;
pub mod organisation_identifier;
pub mod organisation_name;
pub mod partnership;
pub mod person;
pub mod presentation;
pub mod presentation_presenter;
pub mod registry_merge;
pub mod search_key;
pub mod source;
pub mod training_centre;
pub mod training_centre_field;
pub mod translation;
pub mod webhook_attempt;
pub mod webhook_delivery;
pub mod webhook_endpoint;
pub mod world_region;
