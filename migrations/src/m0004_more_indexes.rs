//! Indexes for the remaining foreign key and the columns lists filter or sort on.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_more_indexes"
    }
}

const INDEXES: [(&str, &str, &str); 8] = [
    ("isced_field_parent_idx", "isced_field", "parent_code"),
    ("adoption_kind_idx", "adoption", "kind"),
    ("adoption_adopted_idx", "adoption", "adopted_on"),
    ("training_centre_opened_idx", "training_centre", "opened_on"),
    ("indicator_period_end_idx", "indicator", "period_end"),
    ("source_published_idx", "source", "published_on"),
    (
        "curriculum_standard_issued_idx",
        "curriculum_standard",
        "issued_on",
    ),
    (
        "confirmation_record_idx",
        "confirmation",
        "record_type, record_id",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, table, columns) in INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON {table} ({columns})"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _, _) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        Ok(())
    }
}
