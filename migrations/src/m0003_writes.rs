//! What writing needs: tokens, archiving, registry stewardship, confirmations of
//! co-owned records, idempotency keys and the audit log. DDL in `writes.sql`.
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

use crate::m0001_schema::{fill, statements};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_writes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in statements(&fill(
            include_str!("writes.sql"),
            manager.get_database_backend(),
        )) {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in [
            "audit_entry",
            "idempotency_key",
            "confirmation",
            "api_token",
        ] {
            db.execute_unprepared(&format!("DROP TABLE IF EXISTS {table}"))
                .await?;
        }
        for table in [
            "event",
            "agreement",
            "curriculum_standard",
            "training_centre",
            "indicator",
            "organisation",
            "person",
            "source",
            "consortium",
        ] {
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN archived_at"))
                .await?;
        }
        for table in ["organisation", "person", "source"] {
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN maintainer_id"))
                .await?;
        }
        Ok(())
    }
}
