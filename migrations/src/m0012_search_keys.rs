//! The registry's search table and merge marks. `search_key` holds every organisation's
//! and person's names folded by the service (`service::domain::SearchKey`: accents,
//! case, width, punctuation), whole (`part` 0) and from each later word onward (`part`
//! 1), so that exact, prefix and word matches are one range of `search_key_term_idx`.
//! The service keeps it, not triggers: the folding (Unicode decomposition) is not SQL
//! either database has. It fills the table after migrating when it is empty.
//!
//! `registry_merge` records each duplicate merged into a survivor, so that the
//! duplicate's id keeps resolving (`node(id:)`) and the survivor lists what it absorbed.
//! A table of its own rather than a column on the registry tables: those keep their
//! shape, so code reading them works on either side of this migration.
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

/// One row per duplicate (the key), naming the survivor its id resolves to.
const MERGES: [&str; 2] = [
    "CREATE TABLE registry_merge (
        kind         TEXT NOT NULL CHECK (kind IN ('organisation','person')),
        duplicate_id BIGINT NOT NULL,
        survivor_id  BIGINT NOT NULL,
        merged_at    {ts} NOT NULL,
        PRIMARY KEY (kind, duplicate_id)
    )",
    "CREATE INDEX registry_merge_survivor_idx ON registry_merge (kind, survivor_id, duplicate_id)",
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
            let backend = manager.get_database_backend();
            db.execute_unprepared(&crate::m0001_schema::fill(statement, backend))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in [
            "DROP TABLE IF EXISTS registry_merge",
            "DROP TABLE IF EXISTS search_key",
        ] {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}
