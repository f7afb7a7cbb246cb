//! The audit entry object type.
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use service::entity::audit_entry;

use super::AUDITED;
use crate::error::Result;
use crate::ids::{Kind, encode};
use crate::organisations::Organisation;
use crate::record::organisation_opt;

pub struct AuditEntry(pub audit_entry::Model);

/// One successful write: who, when, which record, before and after.
#[Object]
impl AuditEntry {
    /// The entry's global id.
    pub async fn id(&self) -> ID {
        encode(Kind::AuditEntry, self.0.id)
    }
    /// When.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// The mutation, e.g. `updateEvent`.
    async fn operation(&self) -> &str {
        &self.0.operation
    }
    /// Who: the token's label and public id.
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    /// The organisation the actor acted for; null for the coordinator.
    async fn actor_organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        organisation_opt(ctx, self.0.actor_organisation_id).await
    }
    /// The record's type, e.g. `event`.
    async fn record_type(&self) -> &str {
        &self.0.record_type
    }
    /// The record's global id.
    async fn record_id(&self) -> ID {
        let kind = AUDITED
            .iter()
            .find(|(_, table)| *table == self.0.record_type)
            .map_or(Kind::Token, |(kind, _)| *kind);
        encode(kind, self.0.record_id)
    }
    /// The record as it was before (JSON), if it existed.
    async fn before(&self) -> Option<&str> {
        self.0.before.as_deref()
    }
    /// The record as it was after (JSON).
    async fn after(&self) -> Option<&str> {
        self.0.after.as_deref()
    }
}
