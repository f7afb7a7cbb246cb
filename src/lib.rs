//! The Concord server: configuration, the HTTP app, and the commands of the `concord`
//! binary. The GraphQL schema lives in the `api` crate, the rules in `service`.
use std::net::SocketAddr;

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::{DefaultBodyLimit, State};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};
use service::{Database, Principal};
use tower_http::trace::TraceLayer;

/// The SQLite file used when no database is configured.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://concord.db?mode=rwc";

/// Largest request body accepted, in bytes. GraphQL documents are small; this stops a
/// client from making the server buffer megabytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

#[derive(Clone)]
struct AppState {
    schema: api::ConcordSchema,
    db: Database,
}

/// The HTTP app over `db`: GraphiQL at `/`, GraphQL at `/graphql`, liveness at `/health`.
pub fn app(db: Database) -> Router {
    let state = AppState {
        schema: api::schema(),
        db,
    };
    Router::new()
        .route("/", get(graphiql))
        .route("/graphql", get(graphql).post(graphql))
        .route("/health", get(health))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn graphql(State(state): State<AppState>, request: GraphQLRequest) -> GraphQLResponse {
    // Tokens arrive with the authentication work; until then every caller is anonymous.
    api::execute(
        &state.schema,
        request.into_inner(),
        &state.db.connection,
        Principal::Anonymous,
    )
    .await
    .into()
}

async fn graphiql() -> impl IntoResponse {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("Concord")
            .finish(),
    )
}

async fn health() -> impl IntoResponse {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Serves `app` on `listener` until the process is stopped.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await
}
