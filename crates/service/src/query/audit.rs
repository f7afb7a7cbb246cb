//! The audit log and token lists.
use chrono::{DateTime, Utc};
use entity::{api_token, audit_entry};
use sea_orm::{ColumnTrait, Condition, QueryFilter};

use super::{Direction, RootList, all_of, one_of};
use crate::Scope;

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
pub fn select_audit(
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

/// Tokens the caller may manage, newest first; revoked ones only when asked.
pub fn select_tokens(scope: &Scope, include_revoked: bool) -> RootList<api_token::Entity> {
    let mut select = scope.find::<api_token::Entity>();
    if !include_revoked {
        select = select.filter(api_token::Column::RevokedAt.is_null());
    }
    RootList::new(select)
        .by(api_token::Column::CreatedAt, Direction::Desc)
        .by(api_token::Column::Id, Direction::Desc)
}
