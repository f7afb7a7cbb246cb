//! One change queued for one webhook endpoint.
use crate::enums::{ChangeOperation, WebhookDeliveryStatus};
use sea_orm::entity::prelude::*;

/// A change to send to an endpoint, with what it sends (the change, and the record as
/// the endpoint's owner could read it when it was queued) and where sending stands.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "webhook_delivery")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub endpoint_id: i64,
    /// The change entry's id (its feed cursor names it).
    pub change_id: i64,
    pub record_type: String,
    pub record_id: i64,
    pub operation: ChangeOperation,
    pub version: i32,
    pub committed_at: DateTimeUtc,
    /// The record as JSON; none when the owner may not read it (a removal).
    pub record: Option<String>,
    pub status: WebhookDeliveryStatus,
    /// Attempts made, all told.
    pub attempts: i32,
    /// Failed attempts since it was last queued (the backoff's exponent).
    pub failures: i32,
    pub next_attempt_at: Option<DateTimeUtc>,
    /// A sender's lease: until then no other sender takes it.
    pub locked_until: Option<DateTimeUtc>,
    pub locked_by: Option<String>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
