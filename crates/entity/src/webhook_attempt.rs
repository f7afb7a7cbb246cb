//! One attempt to send a webhook delivery.
use sea_orm::entity::prelude::*;

/// One POST of a delivery and how it went.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "webhook_attempt")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub delivery_id: i64,
    /// 1 for the first attempt of the delivery, and so on.
    pub number: i32,
    pub started_at: DateTimeUtc,
    pub duration_ms: i32,
    /// The endpoint's HTTP status; none when no answer came.
    pub status_code: Option<i32>,
    /// Why it failed (a timeout, a refused connection, a redirect, a status).
    pub error: Option<String>,
    pub succeeded: bool,
    /// The server instance that sent it.
    pub sent_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
