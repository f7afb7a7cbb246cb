//! The audit log list.
use chrono::{DateTime, Utc};
use entity::audit_entry;
use sea_orm::{ColumnTrait, Condition, QueryFilter};

use crate::Scope;
use crate::query::{Direction, RootList, all_of, one_of};

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Entries about one record: its type (`event`, `agreement`, ...) and id.
    pub record: Option<(String, i64)>,
    /// Entries written with any of these tokens.
    pub tokens: Option<Vec<i64>>,
    /// Entries by callers acting for any of these organisations.
    pub actor_organisations: Option<Vec<i64>>,
    pub operations: Option<Vec<String>>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Entries the caller may read (the rule is in `access.rs`), newest first by default.
pub fn select(
    scope: &Scope,
    filter: &AuditFilter,
    direction: Direction,
) -> RootList<audit_entry::Entity> {
    use audit_entry::Column as C;
    let condition = all_of([
        filter.record.as_ref().map(|(t, id)| {
            Condition::all()
                .add(C::RecordType.eq(t.as_str()))
                .add(C::RecordId.eq(*id))
        }),
        one_of(C::TokenId, &filter.tokens),
        one_of(C::ActorOrganisationId, &filter.actor_organisations),
        one_of(C::Operation, &filter.operations),
        filter.from.map(|f| Condition::all().add(C::At.gte(f))),
        filter.to.map(|t| Condition::all().add(C::At.lte(t))),
    ]);
    RootList::new(scope.find::<audit_entry::Entity>().filter(condition))
        .by(C::At, direction)
        .by(C::Id, direction)
}
