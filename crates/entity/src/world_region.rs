//! A world region (UN M49): a continent, or a sub-region of one, keyed by its M49 code.
use sea_orm::entity::prelude::*;

/// A world region (UN M49): a continent, or a sub-region of one, keyed by its M49 code.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "world_region")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name_en: String,
    pub name_zh: String,
    pub parent_code: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
