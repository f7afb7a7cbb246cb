//! The audit log: every successful write leaves an entry, in the same transaction
//! (`Audit`, used by the writes, which also writes the change feed's entry);
//! reading it back is `select`.
mod query;

use chrono::Utc;
use entity::audit_entry;
pub use query::*;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::Serialize;

use crate::{Principal, Result};

/// One audit entry under construction.
pub(crate) struct Audit {
    entry: audit_entry::ActiveModel,
}

impl Audit {
    /// An entry for `operation` on `record_type` #`record_id`, owned (or maintained) by `owner`.
    pub(crate) fn new(
        actor: &Principal,
        operation: &str,
        record_type: &str,
        record_id: i64,
        owner: Option<i64>,
    ) -> Self {
        Audit {
            entry: audit_entry::ActiveModel {
                at: Set(Utc::now()),
                token_id: Set(actor.token()),
                actor: Set(actor.label()),
                actor_organisation_id: Set(actor.organisation()),
                operation: Set(operation.to_owned()),
                record_type: Set(record_type.to_owned()),
                record_id: Set(record_id),
                owner_id: Set(owner),
                before: Set(None),
                after: Set(None),
                ..Default::default()
            },
        }
    }

    pub(crate) fn before(mut self, state: &impl Serialize) -> Self {
        self.entry.before = Set(serde_json::to_string(state).ok());
        self
    }

    pub(crate) fn after(mut self, state: &impl Serialize) -> Self {
        self.entry.after = Set(serde_json::to_string(state).ok());
        self
    }

    /// Writes the entry and, for a record in the change feed, its feed entry: every
    /// write passes here once, so none can commit without its change.
    pub(crate) async fn write(self, db: &impl ConnectionTrait) -> Result<()> {
        let entry = self.entry.insert(db).await?;
        crate::changes::record_change(db, &entry.record_type, entry.record_id, &entry.operation)
            .await
    }
}
