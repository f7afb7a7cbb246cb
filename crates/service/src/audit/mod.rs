//! The audit log: every successful write leaves an entry, in the same transaction
//! (`Audit`, used by the writes, which also writes the change feed's entry);
//! reading it back is `select`.
mod query;

use chrono::Utc;
use entity::audit_entry;
use entity::enums::Visibility;
pub use query::*;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use serde::Serialize;

use crate::{Principal, Result};

/// Audit entries written per statement by [`Audit::write_created`]: 10 values each.
const ENTRIES_PER_INSERT: usize = 1_000;

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

    /// Writes the entries of records just created in `db` (an import's batch), each
    /// with its record's visibility (`None` for the registry), and their feed entries:
    /// what `write` does for each, in a few statements whatever their number.
    pub(crate) async fn write_created(
        db: &impl ConnectionTrait,
        entries: Vec<(Audit, Option<Visibility>)>,
    ) -> Result<()> {
        let mut created = Vec::with_capacity(entries.len());
        let mut rows = Vec::with_capacity(entries.len());
        for (audit, visibility) in entries {
            let e = &audit.entry;
            created.push(crate::changes::Created {
                record_type: e.record_type.clone().unwrap(),
                record_id: e.record_id.clone().unwrap(),
                owner_id: e.owner_id.clone().unwrap(),
                visibility,
            });
            rows.push(audit.entry);
        }
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<audit_entry::ActiveModel> =
                rows.by_ref().take(ENTRIES_PER_INSERT).collect();
            audit_entry::Entity::insert_many(chunk)
                .exec_without_returning(db)
                .await?;
        }
        crate::changes::record_created(db, &created).await
    }
}
