//! The Concord server: configuration, the HTTP app, and the commands of the `concord`
//! binary. The GraphQL schema lives in the `api` crate, the rules in `service`.
use std::net::SocketAddr;

use async_graphql::http::GraphiQLSource;
use axum::extract::DefaultBodyLimit;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};
use service::Database;
use tower_http::trace::TraceLayer;

/// The SQLite file used when no database is configured.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://concord.db?mode=rwc";

/// Largest request body accepted, in bytes. GraphQL documents are small; this stops a
/// client from making the server buffer megabytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

mod http;

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
        .route("/graphql", get(http::graphql).post(http::graphql))
        .route("/health", get(health))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
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
