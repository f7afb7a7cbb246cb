//! The Concord server: configuration, the HTTP app, and the commands of the `concord`
//! binary. The GraphQL schema lives in the `api` crate, the rules in `service`.
use std::net::SocketAddr;

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use service::Database;
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

async fn graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> Response {
    let header = headers
        .get(AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("\u{fffd}"));
    let principal = match service::auth::authenticate(&state.db.connection, header).await {
        Ok(principal) => principal,
        Err(error @ service::Error::Unauthenticated(_)) => {
            let body = GraphQLResponse::from(api::unauthenticated(&error));
            return (StatusCode::UNAUTHORIZED, body).into_response();
        }
        Err(error) => {
            tracing::error!(%error, "authentication failed");
            let body =
                GraphQLResponse::from(api::unauthenticated(&service::Error::Unauthenticated(
                    "credentials could not be checked; try again".into(),
                )));
            return (StatusCode::SERVICE_UNAVAILABLE, body).into_response();
        }
    };
    let response = api::execute(
        &state.schema,
        request.into_inner(),
        &state.db.connection,
        principal,
    )
    .await;
    GraphQLResponse::from(response).into_response()
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
