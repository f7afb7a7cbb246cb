//! A text of a record's field in a language other than English.
use sea_orm::entity::prelude::*;

/// A record's field in another language: the English text is the record's own column.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "translation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The record's table (`event`, `isced_field`, ...).
    pub record_type: String,
    /// The record's key as text: its id, or its code for reference data.
    pub record_id: String,
    /// The GraphQL field the text is for (`title`, `description`, ...).
    pub field: String,
    /// A BCP 47 tag in its conventional case (`zh`, `zh-Hant`, `zh-CN`).
    pub lang: String,
    pub value: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
