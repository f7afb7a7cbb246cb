//! An organisation in the shared registry; units have a parent.
use crate::enums::OrganisationKind;
use sea_orm::entity::prelude::*;

/// An organisation in the shared registry; units have a parent.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: OrganisationKind,
    pub parent_id: Option<i64>,
    pub name_en: String,
    pub name_zh: Option<String>,
    pub abbreviation: Option<String>,
    pub country_code: Option<String>,
    pub city: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub ror_id: Option<String>,
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
