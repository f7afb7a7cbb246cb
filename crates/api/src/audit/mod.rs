//! The audit log: who changed which record when, before and after.
mod inputs;
mod query;
mod terms;
mod types;

pub use inputs::*;
pub use query::AuditQuery;
pub use types::*;

use crate::ids::Kind;

/// The kinds of record the audit log names, with the table name it records them by.
pub(crate) const AUDITED: &[(Kind, &str)] = &[
    (Kind::Event, "event"),
    (Kind::Agreement, "agreement"),
    (Kind::CurriculumStandard, "curriculum_standard"),
    (Kind::TrainingCentre, "training_centre"),
    (Kind::Indicator, "indicator"),
    (Kind::Partnership, "partnership"),
    (Kind::Organisation, "organisation"),
    (Kind::Person, "person"),
    (Kind::Source, "source"),
    (Kind::Consortium, "consortium"),
    (Kind::Token, "token"),
    (Kind::WebhookEndpoint, "webhook_endpoint"),
    (Kind::WebhookDelivery, "webhook_delivery"),
];
