//! Texts in other languages than English, for every translatable field of every record,
//! in one table: a new language or a new translatable field needs no migration. The
//! English text stays in the record's own column (the canonical text); a row here is
//! (record type, record key, field, language) → text. Also the Chinese names of the
//! ISCED-F 2013 fields, from `isced_fields_zh.tsv` beside this module.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

use crate::m0001_schema::fill;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0009_translations"
    }
}

/// `record_id` is text: reference data is keyed by code (an ISCED field's `0912`), owned
/// records by number (kept as its decimal digits).
const TABLE: &str = "CREATE TABLE translation (
    id          {id},
    record_type TEXT NOT NULL CHECK (length(record_type) > 0),
    record_id   TEXT NOT NULL CHECK (length(record_id) > 0),
    field       TEXT NOT NULL CHECK (length(field) > 0),
    lang        TEXT NOT NULL CHECK (length(lang) BETWEEN 2 AND 35),
    value       TEXT NOT NULL CHECK (length(value) > 0),
    UNIQUE (record_type, record_id, field, lang)
)";

/// Rows of a tab-separated file, header skipped.
fn rows(tsv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&fill(TABLE, manager.get_database_backend()))
            .await?;
        let mut names = Query::insert();
        names.into_table("translation").columns([
            "record_type",
            "record_id",
            "field",
            "lang",
            "value",
        ]);
        for r in rows(include_str!("isced_fields_zh.tsv")) {
            names.values_panic([
                "isced_field".into(),
                r[0].into(),
                "name".into(),
                "zh".into(),
                r[1].trim().into(),
            ]);
        }
        db.execute(&names).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE translation")
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_isced_field_has_a_chinese_name() {
        let english: Vec<_> = rows(include_str!("isced_fields.tsv"))
            .map(|r| r[0])
            .collect();
        let chinese: Vec<_> = rows(include_str!("isced_fields_zh.tsv")).collect();
        assert_eq!(chinese.iter().map(|r| r[0]).collect::<Vec<_>>(), english);
        assert!(
            chinese
                .iter()
                .all(|r| r.len() == 2 && !r[1].trim().is_empty())
        );
    }
}
