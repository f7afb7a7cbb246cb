//! Concord's GraphQL schema: types, resolvers, dataloaders. Resolvers parse arguments and
//! call the service crate; they never build SQL and never decide visibility.

mod connection;
mod error;
mod ids;
mod inputs;
mod loader;
mod query;
mod scalars;
mod types;

use async_graphql::dataloader::{DataLoader, HashMapCache};
use async_graphql::{EmptyMutation, EmptySubscription, Schema};
use service::{Principal, Scope};

pub use query::Query;

/// The executable schema.
pub type ConcordSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// Builds the schema. Per-request state (the caller's scope and its dataloader) is added
/// by [`prepare`].
pub fn schema() -> ConcordSchema {
    Schema::build(Query, EmptyMutation, EmptySubscription).finish()
}

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    schema().sdl()
}

/// Attaches what a request needs to run for `principal`: a scope for the service and a
/// fresh dataloader (its cache lives for this request only, so no caller sees another's rows).
pub fn prepare(
    request: async_graphql::Request,
    db: &service::DatabaseConnection,
    principal: Principal,
) -> async_graphql::Request {
    let scope = Scope::new(db.clone(), principal);
    let loader = std::sync::Arc::new(DataLoader::with_cache(
        loader::Loaders::new(scope.clone()),
        tokio::spawn,
        HashMapCache::default(),
    ));
    request.data(scope).data(loader)
}
