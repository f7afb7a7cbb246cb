//! One successful write: who, when, what, before and after.
use sea_orm::entity::prelude::*;

/// One successful write: who, when, which record, before and after (JSON).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "audit_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub token_id: Option<i64>,
    /// A label for the actor (token label and public id, or `seed`, `cli`).
    pub actor: String,
    pub actor_organisation_id: Option<i64>,
    /// e.g. `createEvent`.
    pub operation: String,
    /// e.g. `event`.
    pub record_type: String,
    pub record_id: i64,
    /// The record's owner (or maintainer) at the time, for members' audit views.
    pub owner_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
