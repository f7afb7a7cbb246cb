//! Concord's domain: who may read what, queries, pagination, the demo data.
//!
//! Every read goes through a [`Scope`] (a connection plus the calling [`Principal`]), and
//! every query a scope builds starts from [`Record::readable_by`]: that is the one place
//! where visibility is decided. Nothing here knows about GraphQL.

// The shared machinery: who may do what, reading through a scope, paging, writing.
mod access;
pub use access::ReadRule;
pub mod auth;
mod db;
pub mod domain;
mod error;
mod page;
mod principal;
pub mod query;
mod relation;
mod scope;
pub mod search;
pub mod write;

// One room per resource: its filters and lists (`query.rs`) and its writes (`write.rs`).
pub mod agreements;
pub mod audit;
pub mod centres;
pub mod changes;
pub mod consortia;
pub mod countries;
pub mod events;
pub mod indicators;
pub mod organisations;
pub mod partnerships;
pub mod people;
pub mod sources;
pub mod standards;
pub mod statistics;
pub mod tokens;
pub mod translations;
pub mod webhooks;

// Data to load: the articles' demo, and generated data for measurements.
pub mod demo;
pub mod export;
pub mod import;
pub mod synthetic;

pub use access::Record;
pub use db::{Database, connect, migrate, readiness};
pub use entity;
pub use error::{Error, Result};
pub use page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, PageArgs, Slice};
pub use principal::Principal;
pub use relation::{ChildModel, Joined, JoinedModel, Relation, page_of, rel};
pub use scope::{Keyed, Scope};
pub use sea_orm::DatabaseConnection;
