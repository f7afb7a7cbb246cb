//! Indexes the benchmark's query plans asked for: public events newest first with the
//! id tiebreak, so the home page reads 21 index entries instead of sorting every event;
//! and on PostgreSQL, country codes as text. The codes are `CHAR(2)`; a filter binds its
//! value as text, so PostgreSQL compares `country_code::text` and could not use the plain
//! index (the search by partner country read every organisation).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0005_plan_indexes"
    }
}

const INDEXES: [(&str, &str, &str); 1] = [(
    "event_visibility_start_id_idx",
    "event",
    "visibility, start_date, id",
)];

/// Tables whose country code lists filter on, with the text index each gets.
const TEXT_CODES: [(&str, &str); 4] = [
    ("organisation_country_text_idx", "organisation"),
    ("event_country_text_idx", "event"),
    ("adoption_country_text_idx", "adoption"),
    ("training_centre_country_text_idx", "training_centre"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, table, columns) in INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON {table} ({columns})"))
                .await?;
        }
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            for (name, table) in TEXT_CODES {
                db.execute_unprepared(&format!(
                    "CREATE INDEX {name} ON {table} ((country_code::text))"
                ))
                .await?;
            }
        }
        // The new event index covers what (visibility, start_date) did.
        db.execute_unprepared("DROP INDEX IF EXISTS event_visibility_start_idx")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX event_visibility_start_idx ON event (visibility, start_date)",
        )
        .await?;
        for (name, _) in TEXT_CODES {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        for (name, _, _) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        Ok(())
    }
}
