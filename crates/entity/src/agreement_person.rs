//! A signatory or witness of an agreement, with the title held then.
use crate::enums::AgreementPersonRole;
use sea_orm::entity::prelude::*;

/// A signatory or witness of an agreement, with the title held then.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "agreement_person")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub agreement_id: i64,
    pub person_id: i64,
    pub role: AgreementPersonRole,
    pub title: Option<String>,
    pub organisation_id: Option<i64>,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
