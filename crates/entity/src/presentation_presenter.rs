//! A presenter of a presentation.
use sea_orm::entity::prelude::*;

/// A presenter of a presentation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "presentation_presenter")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub presentation_id: i64,
    pub person_id: i64,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
