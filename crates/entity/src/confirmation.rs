//! A party's sign-off of one version of a co-owned record.
use sea_orm::entity::prelude::*;

/// A party's sign-off of one version of a co-owned record (an agreement or event).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "confirmation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `agreement` or `event`.
    pub record_type: String,
    pub record_id: i64,
    pub organisation_id: i64,
    /// The record version that was confirmed.
    pub version: i32,
    pub confirmed_at: DateTimeUtc,
    pub confirmed_by: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
