//! The recognition or adoption of a curriculum standard in a country or region.
use crate::enums::AdoptionKind;
use sea_orm::entity::prelude::*;

/// The recognition or adoption of a curriculum standard in a country or region.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "adoption")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub standard_id: i64,
    pub country_code: String,
    pub institution_id: Option<i64>,
    pub kind: AdoptionKind,
    pub adopted_on: Option<Date>,
    pub evidence: Option<String>,
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
