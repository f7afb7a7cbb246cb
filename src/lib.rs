//! The Concord server: configuration, the HTTP app, and the commands of the `concord`
//! binary. The GraphQL schema lives in the `api` crate, the rules in `service`.
// The query root's merged resolvers nest async blocks deeper than the default 128
// allows when the compiler lays them out for a release build.
#![recursion_limit = "256"]
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use service::Database;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The SQLite file used when no database is configured.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://concord.db?mode=rwc";

/// Largest request body accepted, in bytes. GraphQL documents are small; this stops a
/// client from making the server buffer megabytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

mod export;
mod graphiql;
mod http;
mod import;
pub use http::DocumentLimits;
mod limit;
mod live;
pub use live::{GoingAway, SubscriptionLimits};
mod persisted;
pub use persisted::TrustedDocuments;
mod metrics;
mod server;
pub use server::ConnectionTimeouts;
pub mod webhooks;

/// How the server behaves: limits and what it exposes. Defaults suit development; the
/// `concord serve` flags (and their environment variables) set them for production.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Query depth, complexity and introspection.
    pub limits: api::Limits,
    /// Serve GraphiQL at `/`.
    pub graphiql: bool,
    /// Origins allowed to call from browsers (CORS); none means same origin only.
    pub cors_origins: Vec<String>,
    /// Longest a request may take.
    pub request_timeout: Duration,
    /// Requests per minute per authenticated token (or, without one, client address);
    /// `None` for no limit.
    pub rate_limit_per_minute: Option<u32>,
    /// Checks of unfamiliar tokens per minute per client address, taken before the
    /// database is asked (429 past it); a token that authenticated is familiar for ten
    /// minutes and passes without. In effect, failed authentications per address.
    /// `None` for no limit.
    pub auth_failures_per_minute: Option<u32>,
    /// The header a trusted reverse proxy puts the client's address in (its right-most
    /// entry counts); `None`: the socket's peer is the client.
    pub trusted_proxy_header: Option<axum::http::HeaderName>,
    /// How long a connection may sit idle or take to send a request's headers.
    pub connections: ConnectionTimeouts,
    /// Aliases, fields and tokens a document may have.
    pub document_limits: DocumentLimits,
    /// Request headers browsers may send cross-origin (CORS preflight).
    pub cors_headers: Vec<String>,
    /// How long a browser may reuse a preflight's answer.
    pub cors_max_age: Duration,
    /// How long a CDN or browser may keep an anonymous `GET` answer.
    pub public_max_age: Duration,
    /// Automatic persisted queries kept (least recently used go first).
    pub persisted_queries: NonZeroUsize,
    /// When set, only these documents run (see `persisted`).
    pub trusted_documents: Option<TrustedDocuments>,
    /// Connections and subscriptions over WebSocket (see `live`).
    pub subscriptions: SubscriptionLimits,
    /// How [`serve_until`] tells the app's WebSockets that the server is stopping.
    pub going_away: GoingAway,
}

/// Request headers browsers may send cross-origin by default: credentials and media
/// types, a request id and trace context to join logs, and Apollo's client-awareness
/// headers.
pub const DEFAULT_CORS_HEADERS: [&str; 7] = [
    "authorization",
    "content-type",
    "accept",
    "x-request-id",
    "traceparent",
    "apollographql-client-name",
    "apollographql-client-version",
];

/// Response headers browser code may read cross-origin: the request id (to report a
/// problem) and the rate limit's (to back off). Both the IETF draft's spellings of the
/// rate-limit headers are listed, so the limiter may send either.
pub const CORS_EXPOSED_HEADERS: [&str; 7] = [
    "x-request-id",
    "retry-after",
    "ratelimit",
    "ratelimit-policy",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
];

impl Default for Settings {
    fn default() -> Self {
        Settings {
            limits: api::Limits::default(),
            graphiql: true,
            cors_origins: Vec::new(),
            request_timeout: Duration::from_secs(30),
            rate_limit_per_minute: None,
            auth_failures_per_minute: None,
            trusted_proxy_header: None,
            connections: ConnectionTimeouts::default(),
            document_limits: DocumentLimits::default(),
            cors_headers: DEFAULT_CORS_HEADERS.map(str::to_owned).to_vec(),
            cors_max_age: Duration::from_secs(600),
            public_max_age: Duration::from_secs(60),
            persisted_queries: NonZeroUsize::new(1_000).expect("not zero"),
            trusted_documents: None,
            subscriptions: SubscriptionLimits::default(),
            going_away: GoingAway::default(),
        }
    }
}

const REQUEST_ID: axum::http::HeaderName = axum::http::HeaderName::from_static("x-request-id");

/// Request ids: a random prefix per process and a counter, unique across instances.
#[derive(Clone)]
struct RequestIds {
    prefix: String,
    next: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        RequestIds {
            prefix: format!("{:08x}{:04x}", nanos, std::process::id() & 0xffff),
            next: Default::default(),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

#[derive(Clone)]
struct AppState {
    schema: api::ConcordSchema,
    db: Database,
    metrics: metrics::Metrics,
    document_limits: DocumentLimits,
    documents: Arc<http::Documents>,
    request_timeout: Duration,
    persisted: Arc<persisted::Persisted>,
    public_max_age: Duration,
    /// The schema subscriptions run on (each event in a scope of its own).
    live_schema: api::ConcordSchema,
    guard: limit::Guard,
    connections: Arc<live::Connections>,
    subscription_limits: SubscriptionLimits,
    going_away: GoingAway,
    cors_origins: Arc<[String]>,
}

/// The HTTP app over `db`: GraphQL at `/graphql`, GraphiQL at `/` (unless switched off),
/// liveness at `/health`, readiness at `/ready`.
pub fn app(db: Database, settings: &Settings) -> Router {
    let metrics = metrics::Metrics::default();
    // Every request is authenticated (and its budget taken) here, before its handler.
    let guard = limit::Guard::new(
        db.clone(),
        metrics.clone(),
        limit::Budgets {
            requests_per_minute: settings.rate_limit_per_minute,
            auth_failures_per_minute: settings.auth_failures_per_minute,
            proxy_header: settings.trusted_proxy_header.clone(),
        },
    );
    let state = AppState {
        schema: api::schema_with(&settings.limits),
        db: db.clone(),
        metrics: metrics.clone(),
        document_limits: settings.document_limits,
        documents: Arc::default(),
        request_timeout: settings.request_timeout,
        persisted: Arc::new(match &settings.trusted_documents {
            Some(documents) => persisted::Persisted::trusted(documents.clone()),
            None => persisted::Persisted::automatic(settings.persisted_queries),
        }),
        public_max_age: settings.public_max_age,
        live_schema: api::live_schema_with(&settings.limits),
        guard: guard.clone(),
        connections: Arc::default(),
        subscription_limits: settings.subscriptions,
        going_away: settings.going_away.clone(),
        cors_origins: settings.cors_origins.clone().into(),
    };
    let mut router = Router::new()
        .route("/graphql", get(live::get).post(http::graphql))
        .route("/export/{file}", get(export::export))
        .route("/export/statistics/{code}/{file}", get(export::breakdown))
        // A spreadsheet is larger than a GraphQL request: this route takes up to its own limit.
        .route(
            "/import/{kind}",
            axum::routing::post(import::import)
                .layer(DefaultBodyLimit::max(import::MAX_IMPORT_BYTES)),
        )
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(prometheus));
    if settings.graphiql {
        router = router.merge(graphiql::routes());
    }
    router = router.layer(axum::middleware::from_fn_with_state(guard, limit::guard));
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(
            settings
                .cors_origins
                .iter()
                .filter_map(|o| o.parse::<HeaderValue>().ok()),
        ))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers(
            settings
                .cors_headers
                .iter()
                .filter_map(|h| h.trim().parse::<HeaderName>().ok())
                .collect::<Vec<_>>(),
        )
        .expose_headers(CORS_EXPOSED_HEADERS.map(HeaderName::from_static))
        .max_age(settings.cors_max_age);
    // Each request gets an id (or keeps the one a proxy gave it): it is in the log span,
    // in the response header, and in any INTERNAL error, to join a report to its cause.
    let trace = TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
        let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
        tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
    });
    router
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // A backstop: /graphql ends its own requests with a TIMEOUT error before this.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            settings.request_timeout + Duration::from_secs(5),
        ))
        .layer(cors)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, RequestIds::default()))
        .with_state(state)
}

async fn health() -> impl IntoResponse {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Prometheus metrics.
async fn prometheus(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(
            state.db.pool_state(),
            (state.db.statements(), state.db.transaction_statements()),
        ),
    )
}

/// Ready when the database answers and no migration is pending.
async fn ready(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    match service::readiness(&state.db).await {
        Ok(()) => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ready" })),
        ),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "unavailable", "reason": reason })),
        ),
    }
}

/// Serves `app` on `listener` until the process is stopped, with the connection
/// timeouts of `settings`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    settings: &Settings,
) -> std::io::Result<()> {
    server::run(listener, app, settings.connections, std::future::pending()).await;
    Ok(())
}

/// Serves until `shutdown` resolves, then stops accepting, lets requests in flight
/// finish for at most `drain`, and returns.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    app: Router,
    settings: &Settings,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    drain: Duration,
) -> std::io::Result<()> {
    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    let going_away = settings.going_away.clone();
    let server = server::run(listener, app, settings.connections, async move {
        shutdown.await;
        // WebSockets are no longer the HTTP server's: told apart, they close with 1001.
        going_away.stop();
        let _ = stopping_tx.send(());
    });
    let going_away = settings.going_away.clone();
    let server = async move {
        server.await;
        going_away.closed().await;
    };
    let drained = async move {
        if stopping_rx.await.is_err() {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(drain).await;
    };
    tokio::select! {
        () = server => Ok(()),
        () = drained => {
            tracing::warn!("requests still running after the drain time; stopping anyway");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// A code is written once, in `api::code`: a string literal elsewhere could drift from
    /// it (and from the README) without any test noticing.
    #[test]
    fn codes_are_spelled_only_in_the_code_module() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let module = root.join("crates/api/src/code.rs");
        let mut files = Vec::new();
        for dir in ["src", "bench/src", "migrations/src"] {
            sources(&root.join(dir), &mut files);
        }
        for krate in std::fs::read_dir(root.join("crates")).unwrap() {
            sources(&krate.unwrap().path().join("src"), &mut files);
        }
        assert!(
            files.contains(&module),
            "{} is where codes live",
            module.display()
        );
        let mut found = Vec::new();
        for file in files.iter().filter(|f| **f != module) {
            let text = std::fs::read_to_string(file).unwrap();
            for code in api::code::ALL {
                if text.contains(&format!("\"{code}\"")) {
                    found.push(format!("{}: \"{code}\"", file.display()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "use api::code instead:\n{}",
            found.join("\n")
        );
    }

    /// Every code in `api::code` is listed in `ALL`, spelled as named, and documented in
    /// the README's HTTP section.
    #[test]
    fn the_code_module_and_the_readme_agree() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let module = std::fs::read_to_string(root.join("crates/api/src/code.rs")).unwrap();
        let declared: Vec<&str> = module
            .lines()
            .filter_map(|l| l.strip_prefix("pub const "))
            .filter_map(|l| l.split_once(": &str = "))
            .map(|(name, value)| {
                assert_eq!(value, format!("\"{name}\";"), "{name} is spelled as named");
                name
            })
            .collect();
        assert_eq!(declared, api::code::ALL);
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        for code in api::code::ALL {
            assert!(readme.contains(&format!("`{code}`")), "README lists {code}");
        }
    }
}
