//! An agreement or joint programme between organisations.
use crate::enums::{AgreementKind, AgreementStatus, Visibility};
use sea_orm::entity::prelude::*;

/// An agreement or joint programme between organisations.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "agreement")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The member organisation that owns the record.
    pub owner_id: i64,
    /// Who may read it.
    pub visibility: Visibility,
    pub kind: AgreementKind,
    pub status: AgreementStatus,
    pub title: String,
    pub description: Option<String>,
    pub signed_on: Option<Date>,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    pub signed_at_event_id: Option<i64>,
    pub renewal_of_id: Option<i64>,
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
