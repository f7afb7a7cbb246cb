//! The audit log list.
use async_graphql::{Context, Object};

use super::{AuditEntry, AuditFilter};
use crate::connection::{AuditEntryConnection, args, root};
use crate::error::Result;
use crate::input::OrderDirection;
use crate::record::scope;

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The audit log: the coordinator sees every entry, a member the entries on records
    /// its organisation owns or maintains. Newest first unless `orderBy: ASC`.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditFilter>,
        order_by: Option<OrderDirection>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<AuditEntryConnection> {
        let direction = order_by
            .map(Into::into)
            .unwrap_or(service::query::Direction::Desc);
        let list = service::audit::select(scope(ctx), &AuditFilter::parse(filter)?, direction);
        root(ctx, list, args(first, after, last, before), AuditEntry).await
    }
}
