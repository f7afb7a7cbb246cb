//! An organisation in the shared registry; units have a parent.
use crate::enums::OrganisationKind;
use sea_orm::entity::prelude::*;

/// An organisation in the shared registry; units have a parent.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
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
    /// When the record was archived; archived records are hidden from lists.
    pub archived_at: Option<DateTimeUtc>,
    /// The member organisation that added this registry entry and maintains it.
    pub maintainer_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
