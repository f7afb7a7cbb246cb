//! Webhooks: endpoints a member admin registers, the queue of deliveries (one per
//! endpoint and change, so a change is never queued twice for an endpoint) and every
//! attempt to send one (`service::webhooks`).
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

use crate::m0001_schema::{fill, statements};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0015_webhooks"
    }
}

// `change_id` has no foreign key: the feed is pruned, a delivery keeps what it sends.
// The secret is stored as given (it signs every delivery, so it must be readable).
const DDL: &str = "
CREATE TABLE webhook_endpoint (
    id            {id},
    owner_id      BIGINT NOT NULL REFERENCES organisation (id),
    url           TEXT NOT NULL,
    description   TEXT,
    record_types  TEXT,
    owner_filter  TEXT,
    secret        TEXT NOT NULL,
    enabled       BOOLEAN NOT NULL DEFAULT TRUE,
    feed_cursor   BIGINT NOT NULL,
    version       INTEGER NOT NULL,
    created_at    {ts} NOT NULL,
    updated_at    {ts} NOT NULL,
    secret_rotated_at {ts} NOT NULL
);
CREATE INDEX webhook_endpoint_owner_idx ON webhook_endpoint (owner_id, id);
CREATE TABLE webhook_delivery (
    id               {id},
    endpoint_id      BIGINT NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
    change_id        BIGINT NOT NULL,
    record_type      TEXT NOT NULL,
    record_id        BIGINT NOT NULL,
    operation        TEXT NOT NULL,
    version          INTEGER NOT NULL,
    committed_at     {ts} NOT NULL,
    record           TEXT,
    status           TEXT NOT NULL CHECK (status IN ('pending','delivered','failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    failures         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  {ts},
    locked_until     {ts},
    locked_by        TEXT,
    last_status_code INTEGER,
    last_error       TEXT,
    created_at       {ts} NOT NULL,
    delivered_at     {ts},
    UNIQUE (endpoint_id, change_id)
);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (status, next_attempt_at);
CREATE INDEX webhook_delivery_endpoint_idx ON webhook_delivery (endpoint_id, id);
CREATE TABLE webhook_attempt (
    id            {id},
    delivery_id   BIGINT NOT NULL REFERENCES webhook_delivery (id) ON DELETE CASCADE,
    number        INTEGER NOT NULL,
    started_at    {ts} NOT NULL,
    duration_ms   INTEGER NOT NULL,
    status_code   INTEGER,
    error         TEXT,
    succeeded     BOOLEAN NOT NULL,
    sent_by       TEXT NOT NULL,
    UNIQUE (delivery_id, number)
);
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
        let db = manager.get_connection();
        for table in ["webhook_attempt", "webhook_delivery", "webhook_endpoint"] {
            db.execute_unprepared(&format!("DROP TABLE IF EXISTS {table}"))
                .await?;
        }
        Ok(())
    }
}
