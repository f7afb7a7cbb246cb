//! The first result of a create, by the key its caller sent.
use sea_orm::entity::prelude::*;

/// The first result of a create, by the idempotency key its caller sent.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "idempotency_key")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub token_id: i64,
    pub key: String,
    pub operation: String,
    /// Hash of the input, to tell a retry from a different request with the same key.
    pub input_hash: String,
    pub record_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
