//! The webhook endpoints list.
use async_graphql::{Context, Object};

use super::WebhookEndpoint;
use crate::connection::{WebhookEndpointConnection, args, root};
use crate::error::Result;
use crate::record::scope;

#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// Webhook endpoints the caller manages: a member admin its organisation's, the
    /// coordinator all. Newest first.
    #[graphql(complexity = "crate::connection::page_cost(first, last, child_complexity)")]
    async fn webhook_endpoints(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<WebhookEndpointConnection> {
        let list = service::webhooks::select(scope(ctx));
        root(ctx, list, args(first, after, last, before), WebhookEndpoint).await
    }
}
