//! An organisation in a role at an event.
use crate::enums::EventOrganisationRole;
use sea_orm::entity::prelude::*;

/// An organisation in a role at an event.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "event_organisation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub event_id: i64,
    pub organisation_id: i64,
    pub role: EventOrganisationRole,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
