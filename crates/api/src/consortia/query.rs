//! The consortia list: ordered by name, in one direction or the other.
use async_graphql::{Context, Object};

use super::{Consortium, ConsortiumFilter};
use crate::connection::{ConsortiumConnection, args, root};
use crate::error::Result;
use crate::input::OrderDirection;
use crate::record::scope;

#[derive(Default)]
pub struct ConsortiumQuery;

#[Object]
impl ConsortiumQuery {
    /// Consortia of member universities.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn consortia(
        &self,
        ctx: &Context<'_>,
        filter: Option<ConsortiumFilter>,
        order_by: Option<OrderDirection>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<ConsortiumConnection> {
        let since = filter.as_ref().and_then(|f| f.updated_since).map(|at| at.0);
        let filter = ConsortiumFilter::parse(filter)?;
        let list =
            service::consortia::select(scope(ctx), &filter, order_by.unwrap_or_default().into())
                .updated_since(since);
        root(ctx, list, args(first, after, last, before), Consortium).await
    }
}
