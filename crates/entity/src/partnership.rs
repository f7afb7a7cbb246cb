//! A member's standing relationship with a partner organisation (a university, a
//! company, a government body), beyond any one agreement.
use crate::enums::{PartnershipKind, PartnershipStatus, Visibility};
use sea_orm::entity::prelude::*;

/// A member's standing relationship with a partner organisation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "partnership")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The member organisation that owns the record.
    pub owner_id: i64,
    /// Who may read it.
    pub visibility: Visibility,
    /// The member (or a unit of one) whose partner this is.
    pub member_id: i64,
    /// The partner organisation.
    pub partner_id: i64,
    pub kind: PartnershipKind,
    pub since: Option<Date>,
    pub until: Option<Date>,
    pub status: PartnershipStatus,
    pub source_id: Option<i64>,
    pub notes: Option<String>,
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
