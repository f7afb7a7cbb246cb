//! A real browser against the server: Debian's headless Chromium, driven by
//! playwright-core from `tests/clients` (installed from its lockfile), with no network
//! beyond 127.0.0.1. GraphiQL must work from the binary alone, and a page on another
//! origin must be able to call the API with the headers browser apps send.
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::helpers::{Backend, TestApp, shared};
use serde_json::{Value, json};

/// `tests/clients`, its packages installed (`npm ci`) if they are not yet.
pub fn clients_dir() -> PathBuf {
    static INSTALL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients");
    let _once = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    if !dir.join("node_modules/.package-lock.json").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm is needed for the client tests");
        assert!(status.success(), "npm ci failed in {}", dir.display());
    }
    dir
}

/// Runs `node <script> <args>` in `tests/clients`; it must succeed and print JSON.
pub async fn node(script: &str, args: Vec<String>) -> Value {
    let dir = clients_dir();
    let script = script.to_owned();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(&script)
            .args(&args)
            .current_dir(&dir)
            .output()
            .expect("node runs")
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "node failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// GraphiQL loads from `/` with nothing but the server to talk to, a query typed into
/// its editor runs with the run button, and the result pane shows the server's answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_runs_a_query_offline() {
    let _gate = shared().await;
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let query = "{ maxPageSize organisations(first: 3) { totalCount nodes { id nameEn } } }";
    let expected = app.data_as(None, query, json!({})).await;
    assert!(expected["organisations"]["totalCount"].as_i64().unwrap() > 0);

    let out = node("graphiql.mjs", vec![app.base.clone(), query.to_owned()]).await;
    assert_eq!(out["typed"], query, "what the editor holds");
    assert_eq!(out["result"]["data"], expected, "the result pane");
    let requests: Vec<&str> = out["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    for asset in [
        "/graphiql/graphiql-4.1.2.min.js",
        "/graphiql/react-18.3.1.production.min.js",
        "/graphql",
    ] {
        assert!(
            requests.contains(&format!("{}{asset}", app.base).as_str()),
            "{asset} was not loaded: {requests:?}"
        );
    }
    assert!(
        requests.iter().all(|r| r.starts_with(&app.base)),
        "the page asked another origin: {requests:?}"
    );
    assert_eq!(out["failed"], json!([]), "failed requests");
    // A CSP violation or a script error would be on the console.
    assert_eq!(out["console"], json!([]), "console messages");
    let csp = out["csp"].as_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"));
    assert!(!csp.contains("http"), "no other origin is allowed: {csp}");
}

/// The page and its assets: the page revalidates, the versioned files are immutable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_assets_are_cached_and_switched_off_with_graphiql() {
    let _gate = shared().await;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let get = |path: &str| app.client.get(format!("{}{path}", app.base)).send();
    let page = get("/").await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers().contains_key("content-security-policy"));
    let script = get("/graphiql/graphiql-4.1.2.min.js").await.unwrap();
    assert_eq!(script.status(), 200);
    assert_eq!(
        script.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        script.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(script.bytes().await.unwrap().len() > 500_000);
    assert_eq!(get("/graphiql/nope.js").await.unwrap().status(), 404);

    let off = TestApp::spawn_with(
        Backend::Sqlite,
        concord::Settings {
            graphiql: false,
            ..Default::default()
        },
    )
    .await;
    for path in ["/", "/graphiql/init.js"] {
        let response = off
            .client
            .get(format!("{}{path}", off.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
}

/// Serves an empty page on a port of its own: another origin for the browser.
async fn page_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(|| async {
            axum::response::Html("<!doctype html><title>member site</title>")
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/")
}

/// A page on an allowed origin calls the API with Apollo's client-awareness headers,
/// a request id and trace context (a preflighted request), and reads `x-request-id`
/// back; a page on an origin not in the list is refused by the browser.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_on_an_allowed_origin_calls_the_api() {
    let _gate = shared().await;
    let (allowed, other) = (page_server().await, page_server().await);
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        concord::Settings {
            cors_origins: vec![allowed.trim_end_matches('/').to_owned()],
            ..Default::default()
        },
    )
    .await;
    let out = node(
        "cors.mjs",
        vec![app.base.clone(), allowed.clone(), other.clone()],
    )
    .await;
    let ok = &out[0];
    assert_eq!(ok["status"], 200, "{ok}");
    assert_eq!(ok["body"]["data"]["maxPageSize"], 100, "{ok}");
    assert_eq!(ok["requestId"], "from-the-page-1", "{ok}");
    let refused = &out[1];
    assert!(
        refused["error"]
            .as_str()
            .is_some_and(|e| e.contains("Failed to fetch")),
        "{refused}"
    );
    assert!(
        refused["console"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m.as_str().unwrap().contains("CORS policy")),
        "{refused}"
    );
}

/// The preflight's answer: the configured request headers, the exposed ones, and how
/// long it may be reused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preflight_answers_as_configured() {
    let _gate = shared().await;
    let origin = "https://members.example.org";
    let preflight = |app: &TestApp| {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.base))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,traceparent")
            .send()
    };
    let defaults = TestApp::spawn_with(
        Backend::Sqlite,
        concord::Settings {
            cors_origins: vec![origin.to_owned()],
            ..Default::default()
        },
    )
    .await;
    let response = preflight(&defaults).await.unwrap();
    assert!(response.status().is_success());
    let headers = response.headers();
    assert_eq!(headers["access-control-allow-origin"], origin);
    assert_eq!(headers["access-control-max-age"], "600");
    let allowed = headers["access-control-allow-headers"].to_str().unwrap();
    for header in concord::DEFAULT_CORS_HEADERS {
        assert!(allowed.contains(header), "{header} in {allowed}");
    }
    let simple = defaults
        .client
        .post(format!("{}/graphql", defaults.base))
        .header("origin", origin)
        .json(&json!({ "query": "{ maxPageSize }" }))
        .send()
        .await
        .unwrap();
    let exposed = simple.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap();
    for header in ["x-request-id", "retry-after", "ratelimit-remaining"] {
        assert!(exposed.contains(header), "{header} in {exposed}");
    }

    let narrow = TestApp::spawn_with(
        Backend::Sqlite,
        concord::Settings {
            cors_origins: vec![origin.to_owned()],
            cors_headers: vec!["content-type".into(), "authorization".into()],
            cors_max_age: std::time::Duration::from_secs(30),
            ..Default::default()
        },
    )
    .await;
    let response = preflight(&narrow).await.unwrap();
    let headers = response.headers();
    assert_eq!(headers["access-control-max-age"], "30");
    assert_eq!(
        headers["access-control-allow-headers"],
        "content-type,authorization"
    );
}
