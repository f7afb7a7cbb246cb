//! Each subscription event runs like a request of its own: a fresh scope with the
//! subscriber's principal as last proved, and a fresh batch loader whose cache lives for
//! that event only. Without this, an event's resolvers would read through the scope and
//! cache of the moment the subscription began: stale records, and visibility decided
//! for a principal that may have changed since.
//!
//! An async-graphql extension is the one place that runs around each event's
//! execution and may hand it data (`NextExecute::run_with_data`); it is installed on the
//! WebSocket schema only ([`crate::live_schema_with`]), so HTTP requests pay nothing for it.
//!
//! The loader of an event is shared by every subscriber with the same read rule that
//! delivers the same feed entry: the record is read once per rule, not per
//! subscription. Each subscription names the entry it is about to deliver in its
//! [`Slot`] (the events of one subscription run one after another, so the slot is
//! never in doubt).
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextPrepareRequest,
};
use async_graphql::{Data, Request, Response, ServerResult};
use service::ReadRule;

use crate::batch::{Batched, Batcher};
use crate::changes::Subscriber;
use crate::loader::{self, RequestLoader};

/// How long an entry's shared loader is kept for subscribers that deliver it late.
const KEEP: Duration = Duration::from_secs(30);

/// Installs [`EventScope`], one per subscription, all with the process's shared loaders.
#[derive(Default)]
pub struct Delivery {
    shared: Arc<Shared>,
}

/// An entry's loader for one read rule, with when it was made.
type Made = (Instant, Arc<RequestLoader>);

/// The loaders of entries being delivered, by read rule and entry id.
#[derive(Default)]
struct Shared(Mutex<HashMap<(ReadRule, i64), Made>>);

impl Shared {
    fn loader(&self, key: (ReadRule, i64), scope: &service::Scope) -> Arc<RequestLoader> {
        let mut loaders = self.0.lock().expect("shared loaders lock");
        if loaders.len() >= 256 {
            let now = Instant::now();
            loaders.retain(|_, (made, _)| now.duration_since(*made) < KEEP);
        }
        loaders
            .entry(key)
            .or_insert_with(|| {
                (
                    Instant::now(),
                    Batcher::detached(loader::Loaders::new(scope.clone())),
                )
            })
            .1
            .clone()
    }
}

/// The feed entry a subscription is about to deliver, set by its stream and taken by
/// its next event's execution.
#[derive(Default)]
pub struct Slot(Mutex<Option<i64>>);

impl Slot {
    pub fn set(&self, entry: i64) {
        *self.0.lock().expect("slot lock") = Some(entry);
    }

    fn take(&self) -> Option<i64> {
        self.0.lock().expect("slot lock").take()
    }
}

impl ExtensionFactory for Delivery {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(EventScope {
            shared: self.shared.clone(),
            slot: Arc::default(),
        })
    }
}

struct EventScope {
    shared: Arc<Shared>,
    slot: Arc<Slot>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for EventScope {
    /// Hands the subscription its slot.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        request.data.insert(self.slot.clone());
        next.run(ctx, request).await
    }

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
        let batcher = match self.slot.take() {
            Some(entry) => self
                .shared
                .loader((ReadRule::of(scope.principal()), entry), &scope),
            None => Batcher::new(loader::Loaders::new(scope.clone())),
        };
        let mut data = Data::default();
        data.insert(scope);
        data.insert(batcher.clone());
        Batched::new(next.run_with_data(ctx, operation_name, data), batcher).await
    }
}
