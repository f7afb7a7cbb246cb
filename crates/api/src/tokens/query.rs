//! The tokens list: those the caller manages, newest first.
use async_graphql::{Context, Object};

use super::Token;
use crate::connection::{TokenConnection, args, root};
use crate::error::Result;
use crate::record::scope;

#[derive(Default)]
pub struct TokenQuery;

#[Object]
impl TokenQuery {
    /// Bearer tokens the caller manages: a member admin its organisation's, the
    /// coordinator all. Newest first; revoked ones only with `includeRevoked`.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn tokens(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] include_revoked: bool,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<TokenConnection> {
        let list = service::tokens::select(scope(ctx), include_revoked);
        root(ctx, list, args(first, after, last, before), Token).await
    }
}
