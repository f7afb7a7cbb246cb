//! The registry's search table and merge marks. `search_key` holds every organisation's
//! and person's names folded by the service (`service::domain::SearchKey`: accents,
//! case, width, punctuation), whole (`part` 0) and from each later word onward (`part`
//! 1), so that exact, prefix and word matches are one range of `search_key_term_idx`.
//! The service keeps it, not triggers: the folding (Unicode decomposition) is not SQL
//! either database has. It fills the table after migrating when it is empty.
//!
//! `merged_into_id` marks a duplicate merged into a survivor, so that the duplicate's
//! id keeps resolving (`node(id:)`) and the survivor lists what it absorbed.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0012_search_keys"
    }
}

/// `{collate}`: PostgreSQL compares in byte order only under the "C" collation, which a
/// range or `LIKE 'abc%'` on the index needs; SQLite's default (BINARY) is byte order.
const TABLE: &str = "
CREATE TABLE search_key (
    kind      TEXT NOT NULL CHECK (kind IN ('organisation','person')),
    record_id BIGINT NOT NULL,
    term      TEXT {collate} NOT NULL,
    part      INTEGER NOT NULL CHECK (part IN (0, 1)),
    PRIMARY KEY (kind, record_id, term, part)
)";

/// Covering: a search reads the matching records and how they matched from the index.
const INDEX: &str = "CREATE INDEX search_key_term_idx ON search_key (kind, term, part, record_id)";

const MERGES: [&str; 4] = [
    "ALTER TABLE organisation ADD COLUMN merged_into_id BIGINT REFERENCES organisation (id)",
    "CREATE INDEX organisation_merged_into_idx ON organisation (merged_into_id)",
    "ALTER TABLE person ADD COLUMN merged_into_id BIGINT REFERENCES person (id)",
    "CREATE INDEX person_merged_into_idx ON person (merged_into_id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let collate = match manager.get_database_backend() {
            DatabaseBackend::Postgres => "COLLATE \"C\"",
            _ => "",
        };
        db.execute_unprepared(&TABLE.replace("{collate}", collate))
            .await?;
        db.execute_unprepared(INDEX).await?;
        for statement in MERGES {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in [
            "DROP INDEX IF EXISTS person_merged_into_idx",
            "ALTER TABLE person DROP COLUMN merged_into_id",
            "DROP INDEX IF EXISTS organisation_merged_into_idx",
            "ALTER TABLE organisation DROP COLUMN merged_into_id",
            "DROP TABLE IF EXISTS search_key",
        ] {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}
