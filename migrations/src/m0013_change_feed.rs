//! The change feed: one entry per committed write, written in the write's transaction
//! (`service::changes`). Ids follow commit order; readers page by id.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

use crate::m0001_schema::{fill, statements};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0013_change_feed"
    }
}

// No foreign keys: an entry keeps the owner as it was when it was written (a merge
// moves records, not their history), and pruning deletes entries alone.
const DDL: &str = "
CREATE TABLE change_entry (
    id                   {id},
    record_type          TEXT NOT NULL,
    record_id            BIGINT NOT NULL,
    operation            TEXT NOT NULL
        CHECK (operation IN ('create','update','archive','restore','merge','delete')),
    version              INTEGER NOT NULL,
    committed_at         {ts} NOT NULL,
    owner_id             BIGINT,
    visibility           TEXT NOT NULL CHECK (visibility IN ('private','consortium','public')),
    previous_owner_id    BIGINT,
    previous_visibility  TEXT CHECK (previous_visibility IN ('private','consortium','public'))
);
CREATE INDEX change_entry_record_idx ON change_entry (record_type, record_id, id);
CREATE INDEX change_entry_committed_idx ON change_entry (committed_at);
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in statements(&fill(DDL, manager.get_database_backend())) {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE IF EXISTS change_entry")
            .await?;
        Ok(())
    }
}
