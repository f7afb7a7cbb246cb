//! Concord's GraphQL schema: types, resolvers, dataloaders. Resolvers parse arguments and
//! call the service crate; they never build SQL and never decide visibility.

mod batch;
mod connection;
mod error;
mod ids;
mod inputs;
mod loader;
mod mutation;
mod query;
mod scalars;
mod types;

use async_graphql::{EmptySubscription, Schema};
use batch::{Batched, Batcher};
use service::{Principal, Scope};

pub use mutation::Mutation;
pub use query::Query;

/// The executable schema.
pub type ConcordSchema = Schema<Query, Mutation, EmptySubscription>;

/// Builds the schema. Per-request state (the caller's scope and its dataloader) is added
/// by [`prepare`].
pub fn schema() -> ConcordSchema {
    Schema::build(Query, Mutation, EmptySubscription).finish()
}

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    schema().sdl()
}

/// The response to a request whose credentials were refused: UNAUTHENTICATED, and
/// nothing executed.
pub fn unauthenticated(error: &service::Error) -> async_graphql::Response {
    let mut error = error::to_gql(error).into_server_error(async_graphql::Pos::default());
    error.locations.clear();
    async_graphql::Response::from_errors(vec![error])
}

/// Executes `request` for `principal`, with a scope for the service and a fresh batch
/// loader (its cache lives for this request only, so no caller sees another's rows).
pub async fn execute(
    schema: &ConcordSchema,
    request: async_graphql::Request,
    db: &service::DatabaseConnection,
    principal: Principal,
) -> async_graphql::Response {
    let scope = Scope::new(db.clone(), principal);
    let batcher = Batcher::new(loader::Loaders::new(scope.clone()));
    let request = request.data(scope).data(batcher.clone());
    Batched::new(schema.execute(request), batcher).await
}

/// An organisation's key from its global id or its plain number (for the command line).
pub fn organisation_key(text: &str) -> Option<i64> {
    text.parse().ok().or_else(|| {
        ids::decode_as(
            "org",
            ids::Kind::Organisation,
            &async_graphql::ID(text.to_owned()),
        )
        .ok()
    })
}
