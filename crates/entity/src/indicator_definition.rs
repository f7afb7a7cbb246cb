//! A defined indicator: what a figure counts, computed from the records. Reference data
//! that ships with the product (migration m0011).
use sea_orm::entity::prelude::*;

/// A defined indicator: what a figure counts, computed from the records.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "indicator_definition")]
pub struct Model {
    /// The stable code (`IndicatorCode`'s stored value).
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name_en: String,
    pub name_zh: String,
    /// What one counted record is, e.g. `institutions`.
    pub unit: String,
    /// What is counted, and when a record counts.
    pub description: String,
    /// The place in the registry's list.
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
