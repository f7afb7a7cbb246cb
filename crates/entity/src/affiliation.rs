//! A person's position at an organisation over a period.
use sea_orm::entity::prelude::*;

/// A person's position at an organisation over a period.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "affiliation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    pub organisation_id: i64,
    pub title: Option<String>,
    pub started_on: Option<Date>,
    pub ended_on: Option<Date>,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
