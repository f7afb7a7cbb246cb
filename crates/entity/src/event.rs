//! A symposium, meeting or other gathering.
use crate::enums::{EventFormat, EventKind, EventStatus, Visibility};
use sea_orm::entity::prelude::*;

/// A symposium, meeting or other gathering.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The member organisation that owns the record.
    pub owner_id: i64,
    /// Who may read it.
    pub visibility: Visibility,
    pub kind: EventKind,
    pub status: EventStatus,
    pub format: EventFormat,
    pub title: String,
    pub theme: Option<String>,
    pub description: Option<String>,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub venue: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
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
