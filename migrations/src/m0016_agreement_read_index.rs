//! An index that answers "which of these agreements may the caller read, and in what
//! order" without visiting the table: (visibility, archived_at, id, signed_on, owner_id).
//! An organisation's agreements (a member has a thousand links at scale 1) are numbered
//! by `signed_on` after the read rule; PostgreSQL hashed every public agreement's whole
//! row for it (a bitmap heap scan of the table), and now hashes this index's entries in
//! an index-only scan. SQLite reads an agreement by its row id there, so it gets none
//! (an index it would not use would only slow its writes).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0016_agreement_read_index"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared(
                "CREATE INDEX agreement_read_idx ON agreement \
                 (visibility, archived_at, id, signed_on, owner_id)",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS agreement_read_idx")
            .await?;
        Ok(())
    }
}
