//! Partnerships: a member's standing relationship with a partner organisation, an owned
//! record like the others (owner, visibility, version, archive), so that a member's
//! partner list is more than its agreements (SSPU's 171 partners include companies).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

use crate::m0001_schema::{fill, statements};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0010_partnerships"
    }
}

// `since` and `until` are quoted: keywords in some SQL dialects, plain names in both of ours.
// That a member is not its own partner is checked by the service, not here: a merge of an
// organisation into its partner must still be able to move both references.
const SCRIPT: &str = r#"
CREATE TABLE partnership (
    id            {id},
    owner_id      BIGINT NOT NULL REFERENCES organisation (id),
    visibility    TEXT NOT NULL CHECK (visibility IN ('private','consortium','public')),
    member_id     BIGINT NOT NULL REFERENCES organisation (id),
    partner_id    BIGINT NOT NULL REFERENCES organisation (id),
    kind          TEXT NOT NULL CHECK (kind IN ('academic','industry','government','other')),
    "since"       {date},
    "until"       {date},
    status        TEXT NOT NULL CHECK (status IN ('active','ended')),
    source_id     BIGINT REFERENCES source (id),
    notes         TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    {ts} NOT NULL,
    updated_at    {ts} NOT NULL,
    created_by    TEXT,
    updated_by    TEXT,
    archived_at   {ts},
    CHECK ("until" IS NULL OR "since" IS NULL OR "since" <= "until")
);
CREATE INDEX partnership_owner_idx ON partnership (owner_id);
CREATE INDEX partnership_visibility_idx ON partnership (visibility, "since", id);
CREATE INDEX partnership_member_idx ON partnership (member_id, "since");
CREATE INDEX partnership_partner_idx ON partnership (partner_id, "since");
CREATE INDEX partnership_source_idx ON partnership (source_id);
CREATE INDEX partnership_archived_idx ON partnership (archived_at)
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in statements(&fill(SCRIPT, manager.get_database_backend())) {
            db.execute_unprepared(&statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE IF EXISTS partnership")
            .await?;
        Ok(())
    }
}
