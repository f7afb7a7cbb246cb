//! A country or region an agreement has a party in, with the agreement's columns that
//! searches filter on. Kept by database triggers (migration m0006), never written by
//! Concord: the search by partner country reads it instead of every party of every
//! partner there.
use crate::enums::{AgreementStatus, Visibility};
use sea_orm::entity::prelude::*;

/// One country of one agreement's parties.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agreement_country")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub agreement_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub country_code: String,
    pub owner_id: i64,
    pub visibility: Visibility,
    pub status: AgreementStatus,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
