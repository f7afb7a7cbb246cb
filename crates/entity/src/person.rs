//! A person in the shared registry.
use sea_orm::entity::prelude::*;

/// A person in the shared registry.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
