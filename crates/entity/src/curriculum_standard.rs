//! A professional curriculum standard developed by a member.
use crate::enums::Visibility;
use sea_orm::entity::prelude::*;

/// A professional curriculum standard developed by a member.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "curriculum_standard")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The member organisation that owns the record.
    pub owner_id: i64,
    /// Who may read it.
    pub visibility: Visibility,
    pub developer_id: i64,
    pub title: String,
    pub code: Option<String>,
    pub isced_code: Option<String>,
    pub level: Option<String>,
    pub edition: Option<String>,
    pub issued_on: Option<Date>,
    pub source_id: Option<i64>,
    /// Incremented by every change; used for optimistic concurrency.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Who created it (a principal label).
    pub created_by: Option<String>,
    /// Who changed it last.
    pub updated_by: Option<String>,
    /// When the record was archived; archived records are hidden from lists.
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
