//! Concord's GraphQL schema: types, resolvers, dataloaders. Resolvers parse arguments and
//! call the service crate; they never build SQL and never decide visibility.
//!
//! One folder per resource holds its object types, its inputs (with their conversions to
//! the service's inputs), its root list and its mutations; the roots below merge them.

// A list field's arguments are the schema (a filter, an order and the four Relay
// arguments), so resolvers with many of them are not a smell here.
#![allow(clippy::too_many_arguments)]

// The machinery every resource uses.
mod batch;
pub mod code;
mod connection;
mod delivery;
mod error;
pub mod export;
mod field_errors;
mod ids;
pub mod import;
mod input;
mod loader;
mod node;
mod record;
mod scalars;

// One room per resource.
mod agreements;
mod audit;
mod centres;
mod changes;
mod consortia;
mod countries;
mod events;
mod indicators;
mod organisations;
mod partnerships;
mod people;
mod sources;
mod standards;
mod statistics;
mod tokens;
mod translations;
mod webhooks;

use async_graphql::{MergedObject, MergedSubscription, Schema};
use batch::{Batched, Batcher};
pub use changes::Subscriber;
use service::{Principal, Scope};
pub use translations::AcceptLanguage;
pub use webhooks::{
    body as webhook_body, delivery_id as webhook_delivery_id, record_json as webhook_record_json,
};

/// Read access to Concord. Lists are Relay connections: pass `first`/`after` (or
/// `last`/`before`); pages hold at most 100 items (20 when no size is given).
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    tokens::TokenQuery,
    audit::AuditQuery,
    node::PageSizeQuery,
    countries::CountryQuery,
    consortia::ConsortiumQuery,
    organisations::OrganisationQuery,
    people::PersonQuery,
    events::EventQuery,
    agreements::AgreementQuery,
    agreements::ExpiringQuery,
    standards::StandardQuery,
    centres::CentreQuery,
    indicators::IndicatorQuery,
    partnerships::PartnershipQuery,
    statistics::StatisticsQuery,
    sources::SourceQuery,
    translations::LabelQuery,
    changes::ChangeQuery,
    webhooks::WebhookQuery,
);

/// Writes for members and the coordinator. Every mutation needs a bearer token, takes
/// one `input` and returns a payload; it runs in one transaction and is audited.
#[derive(MergedObject, Default)]
pub struct Mutation(
    events::EventMutation,
    agreements::AgreementMutation,
    standards::StandardMutation,
    centres::CentreMutation,
    indicators::IndicatorMutation,
    partnerships::PartnershipMutation,
    organisations::OrganisationMutation,
    people::PersonMutation,
    sources::SourceMutation,
    consortia::ConsortiumMutation,
    tokens::TokenMutation,
    webhooks::WebhookMutation,
);

/// Changes pushed as they are committed, over WebSocket (`graphql-transport-ws` at
/// `/graphql`); the token goes in `connection_init`.
#[derive(MergedSubscription, Default)]
pub struct Subscription(changes::ChangeSubscription);

/// The executable schema.
pub type ConcordSchema = Schema<Query, Mutation, Subscription>;

/// Limits on what one request may ask for.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Deepest field nesting.
    pub depth: usize,
    /// Most complexity: each field costs 1, and a list page costs its size times its items.
    pub complexity: usize,
    /// Whether clients may introspect the schema (off also turns off "did you mean").
    pub introspection: bool,
    /// Which webhook endpoint URLs are accepted.
    pub webhook_urls: service::webhooks::UrlPolicy,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            depth: 15,
            complexity: 200_000,
            introspection: true,
            webhook_urls: Default::default(),
        }
    }
}

/// Builds the schema with `limits`. Per-request state (the caller's scope and its
/// loader, and the date in the server's time zone) is added by [`execute`].
pub fn schema_with(limits: &Limits) -> ConcordSchema {
    builder(limits).finish()
}

/// The schema for WebSocket connections: the same, with each subscription event run
/// in a scope of its own ([`delivery`]). Its connection data must hold the
/// [`Subscriber`].
pub fn live_schema_with(limits: &Limits) -> ConcordSchema {
    builder(limits)
        .extension(delivery::Delivery::default())
        .finish()
}

fn builder(limits: &Limits) -> async_graphql::SchemaBuilder<Query, Mutation, Subscription> {
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .limit_depth(limits.depth)
    .limit_complexity(limits.complexity)
    .limit_recursive_depth(64)
    .limit_directives(8)
    .override_output_type_description::<scalars::DateTime>(scalars::DATE_TIME)
    .override_input_type_description::<scalars::DateTime>(scalars::DATE_TIME)
    .override_output_type_description::<async_graphql::Json<serde_json::Value>>(scalars::JSON);
    if !limits.introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder
        .data(countries::CountryTable::default())
        .data(limits.webhook_urls)
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
    db: &service::Database,
    principal: Principal,
    operation: Operation,
) -> async_graphql::Response {
    let scope = match operation {
        Operation::Read => Scope::pinned(db.clone(), principal),
        Operation::Write => Scope::new(db.clone(), principal),
    }
    .on(db.today());
    let batcher = Batcher::new(loader::Loaders::new(scope.clone()));
    let mut request = request.data(scope).data(batcher.clone());
    // Kept for the errors' nulls (`field_errors`); a document is small next to its answer.
    let document = request.parsed_query().ok().cloned();
    let operation_name = request.operation_name.clone();
    let mut response = Batched::new(schema.execute(request), batcher).await;
    if let Some(document) = document {
        field_errors::complete(&mut response, &document, operation_name.as_deref());
    }
    if operation == Operation::Write {
        // Whatever it committed is in the change feed: subscriptions look (SQLite; on
        // PostgreSQL the write's notification already said so).
        db.hub().poke();
    }
    response
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
