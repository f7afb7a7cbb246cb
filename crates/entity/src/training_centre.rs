//! A vocational education and training centre abroad.
use crate::enums::{CentreStatus, Visibility};
use sea_orm::entity::prelude::*;

/// A vocational education and training centre abroad.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "training_centre")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The member organisation that owns the record.
    pub owner_id: i64,
    /// Who may read it.
    pub visibility: Visibility,
    pub name: String,
    pub operator_id: i64,
    pub partner_id: Option<i64>,
    pub country_code: String,
    pub city: Option<String>,
    pub opened_on: Option<Date>,
    pub status: CentreStatus,
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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
