//! A further name of an organisation, tagged by language and kind.
use crate::enums::NameKind;
use sea_orm::entity::prelude::*;

/// A further name of an organisation, tagged by language and kind.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "organisation_name")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub lang: String,
    pub kind: NameKind,
    pub value: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
