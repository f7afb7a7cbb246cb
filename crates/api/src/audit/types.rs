//! The audit entry object type.
use crate::scalars::DateTime;
use async_graphql::{Context, ID, Json, Object};
use serde_json::Value;
use service::entity::audit_entry;

use super::{AUDITED, terms};
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
    async fn at(&self) -> DateTime {
        self.0.at.into()
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
    /// The record's type, as the schema names it, e.g. `Event`.
    async fn record_type(&self) -> &'static str {
        // An import's own entry is about the import, not one record (its `after` holds
        // the file name, kind and totals).
        if self.0.record_type == "import" {
            return "Import";
        }
        self.kind().name()
    }
    /// The record's global id.
    async fn record_id(&self) -> ID {
        encode(self.kind(), self.0.record_id)
    }
    /// The record as it was before, if it existed: its fields by their GraphQL names,
    /// references as global ids (a part's row, such as an adoption, under the part's field).
    async fn before(&self) -> Option<Json<Value>> {
        present(terms::state(self.kind(), self.0.before.as_deref()))
    }
    /// The record as it was after, in the same terms as `before`.
    async fn after(&self) -> Option<Json<Value>> {
        present(terms::state(self.kind(), self.0.after.as_deref()))
    }
    /// The fields whose values the write changed, each with its value before and after
    /// (on a creation, every field, from null).
    async fn changes(&self) -> Vec<FieldChange> {
        let kind = self.kind();
        let before = terms::state(kind, self.0.before.as_deref());
        let after = terms::state(kind, self.0.after.as_deref());
        terms::changes(&before, &after)
            .into_iter()
            .map(FieldChange)
            .collect()
    }
}

impl AuditEntry {
    /// The kind of record the entry is about, from the table the service names.
    fn kind(&self) -> Kind {
        AUDITED
            .iter()
            .find(|(_, table)| *table == self.0.record_type)
            .map_or(Kind::Token, |(kind, _)| *kind)
    }
}

pub struct FieldChange(terms::Change);

/// One field an audited write changed.
#[Object]
impl FieldChange {
    /// The field, as the record's GraphQL type names it, e.g. `startDate`.
    async fn field(&self) -> &str {
        &self.0.field
    }
    /// Its value before (null when it had none, or the record did not exist).
    async fn before(&self) -> Option<Json<&Value>> {
        (!self.0.before.is_null()).then_some(Json(&self.0.before))
    }
    /// Its value after (null when it has none, or the record was removed).
    async fn after(&self) -> Option<Json<&Value>> {
        (!self.0.after.is_null()).then_some(Json(&self.0.after))
    }
}

/// A JSON null as GraphQL's null, so a nullable `JSON` field is null, not a JSON null.
fn present(value: Value) -> Option<Json<Value>> {
    (!value.is_null()).then_some(Json(value))
}
