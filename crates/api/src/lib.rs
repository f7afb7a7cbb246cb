//! Concord's GraphQL schema: types, resolvers, dataloaders. Resolvers parse arguments and
//! call the service crate; they never build SQL and never decide visibility.

mod batch;
pub mod code;
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

/// Limits on what one request may ask for.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Deepest field nesting.
    pub depth: usize,
    /// Most complexity: each field costs 1, and a list page costs its size times its items.
    pub complexity: usize,
    /// Whether clients may introspect the schema (off also turns off "did you mean").
    pub introspection: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            depth: 15,
            complexity: 200_000,
            introspection: true,
        }
    }
}

/// Builds the schema with `limits`. Per-request state (the caller's scope and its
/// loader) is added by [`execute`].
pub fn schema_with(limits: &Limits) -> ConcordSchema {
    let mut builder = Schema::build(Query, Mutation, EmptySubscription)
        .limit_depth(limits.depth)
        .limit_complexity(limits.complexity)
        .limit_recursive_depth(64)
        .limit_directives(8);
    if !limits.introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.data(types::CountryTable::default()).finish()
}

/// The schema with the default limits.
pub fn schema() -> ConcordSchema {
    schema_with(&Limits::default())
}

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    schema().sdl()
}

/// What the request's operation does, as its type says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// A query: it only reads, so its reads share one connection (`Scope::pinned`).
    Read,
    /// A mutation: its writes begin their own transactions, and its answer must read
    /// what they wrote, so each read takes a connection from the pool.
    Write,
}

/// Executes `request` for `principal`, with a scope for the service and a fresh batch
/// loader (its cache lives for this request only, so no caller sees another's rows).
/// The scope, and with it a read's pinned connection, is dropped when this returns.
pub async fn execute(
    schema: &ConcordSchema,
    request: async_graphql::Request,
    db: &service::DatabaseConnection,
    principal: Principal,
    operation: Operation,
) -> async_graphql::Response {
    let scope = match operation {
        Operation::Read => Scope::pinned(db.clone(), principal),
        Operation::Write => Scope::new(db.clone(), principal),
    };
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
