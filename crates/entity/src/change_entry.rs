//! One committed write in the change feed.
use crate::enums::{ChangeOperation, Visibility};
use sea_orm::entity::prelude::*;

/// One committed write: which record, what happened, its version, owner and visibility
/// after the write (and before it, so that a reader who lost access learns of it).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "change_entry")]
pub struct Model {
    /// Follows commit order.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The table, e.g. `event`.
    pub record_type: String,
    pub record_id: i64,
    pub operation: ChangeOperation,
    pub version: i32,
    pub committed_at: DateTimeUtc,
    pub owner_id: Option<i64>,
    pub visibility: Visibility,
    pub previous_owner_id: Option<i64>,
    pub previous_visibility: Option<Visibility>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
