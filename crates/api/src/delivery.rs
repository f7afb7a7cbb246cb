//! Each subscription event runs like a request of its own: a fresh scope with the
//! subscriber's principal as last proved, and a fresh batch loader whose cache lives for
//! that event only. Without this, an event's resolvers would read through the scope and
//! cache of the moment the subscription began: stale records, and visibility decided
//! for a principal that may have changed since.
//!
//! An async-graphql extension is the one place that runs around each event's
//! execution and may hand it data (`NextExecute::run_with_data`); it is installed on the
//! WebSocket schema only ([`crate::live_schema_with`]), so HTTP requests pay nothing for it.
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
use async_graphql::{Data, Response};

use crate::batch::{Batched, Batcher};
use crate::changes::Subscriber;
use crate::loader;

/// Installs [`EventScope`].
pub struct Delivery;

impl ExtensionFactory for Delivery {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(EventScope)
    }
}

struct EventScope;

#[async_graphql::async_trait::async_trait]
impl Extension for EventScope {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let Some(subscriber) = ctx.data_opt::<Arc<Subscriber>>() else {
            return next.run(ctx, operation_name).await;
        };
        let _turn = subscriber.turn().await;
        let scope = subscriber.scope();
        let batcher = Batcher::new(loader::Loaders::new(scope.clone()));
        let mut data = Data::default();
        data.insert(scope);
        data.insert(batcher.clone());
        Batched::new(next.run_with_data(ctx, operation_name, data), batcher).await
    }
}
