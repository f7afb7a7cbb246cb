//! A person in a role at an event, with the title held then.
use crate::enums::ParticipantRole;
use sea_orm::entity::prelude::*;

/// A person in a role at an event, with the title held then.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "event_participant")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: i64,
    pub person_id: i64,
    pub role: ParticipantRole,
    pub title: Option<String>,
    pub organisation_id: Option<i64>,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
