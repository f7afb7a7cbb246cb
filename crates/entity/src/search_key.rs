//! A registry record's name folded for search (`service::domain::SearchKey`), whole or
//! from one of its words onward. Kept by the service whenever names change (migration
//! m0012 says why not by triggers).
use sea_orm::entity::prelude::*;

/// One search term of one organisation or person.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_key")]
pub struct Model {
    /// `organisation` or `person`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub record_id: i64,
    /// The folded text.
    #[sea_orm(primary_key, auto_increment = false)]
    pub term: String,
    /// 0: a whole name; 1: a name from one of its later words onward.
    #[sea_orm(primary_key, auto_increment = false)]
    pub part: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
