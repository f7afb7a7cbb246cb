//! A figure an organisation reported for a period, with its source.
use crate::enums::{IndicatorCode, IndicatorMetric, Visibility};
use sea_orm::entity::prelude::*;

/// A figure an organisation reported for a period, with its source.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "indicator")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The member organisation that owns the record.
    pub owner_id: i64,
    /// Who may read it.
    pub visibility: Visibility,
    pub organisation_id: i64,
    pub event_id: Option<i64>,
    pub metric: IndicatorMetric,
    /// The definition the figure is measured by, where its metric has one.
    pub definition_code: Option<IndicatorCode>,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
    pub value: f64,
    pub unit: Option<String>,
    pub note: Option<String>,
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
