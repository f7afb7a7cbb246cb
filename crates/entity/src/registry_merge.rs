//! A duplicate registry entry merged into a survivor: the duplicate's id resolves to
//! the survivor, which lists the ids it absorbed.
use sea_orm::entity::prelude::*;

/// One merged duplicate.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registry_merge")]
pub struct Model {
    /// `organisation` or `person`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub duplicate_id: i64,
    /// Where the duplicate's id resolves now (the end of any chain of merges).
    pub survivor_id: i64,
    pub merged_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
