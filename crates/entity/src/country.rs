//! A country or region, keyed by its ISO 3166-1 alpha-2 code.
use sea_orm::entity::prelude::*;

/// A country or region, keyed by its ISO 3166-1 alpha-2 code.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "country")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name_en: String,
    pub name_zh: String,
    /// Counted as a region (e.g. Hong Kong, Macao, Taiwan) rather than a country.
    pub is_region: bool,
    /// Its continent (UN M49 region code, e.g. `142` Asia); none for Antarctica.
    pub region_code: Option<String>,
    /// Its sub-region (the finest M49 level: `030` Eastern Asia, `014` Eastern Africa).
    pub subregion_code: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
