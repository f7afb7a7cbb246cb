//! A person in the shared registry.
use sea_orm::entity::prelude::*;

/// A person in the shared registry.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "person")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub family_name: String,
    pub given_name: Option<String>,
    pub name_zh: Option<String>,
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
    /// The member organisation that added this registry entry and maintains it.
    pub maintainer_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
