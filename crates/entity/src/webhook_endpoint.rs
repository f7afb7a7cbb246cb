//! A URL a member has Concord POST its changes to.
use sea_orm::entity::prelude::*;

/// A webhook endpoint of a member organisation. The secret signs every delivery, so it
/// is stored as given; it is never serialised (the audit log records the rest).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "webhook_endpoint")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The member organisation whose reading rights the deliveries have.
    pub owner_id: i64,
    pub url: String,
    pub description: Option<String>,
    /// Feed tables to send, comma-separated; none for all.
    pub record_types: Option<String>,
    /// Owners of the records to send, comma-separated organisation ids; none for all.
    pub owner_filter: Option<String>,
    #[serde(skip)]
    pub secret: String,
    /// Off: nothing is queued or sent until it is switched on again.
    pub enabled: bool,
    /// The last change entry considered for this endpoint.
    pub feed_cursor: i64,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub secret_rotated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
