//! GraphQL over HTTP: the graphql-http audit suite against the real server, and the
//! request shapes a hostile or confused client sends.
use std::path::Path;
use std::process::Command;

use crate::helpers::{Backend, TestApp, on_both, shared};
use serde_json::{Value, json};

/// Runs the `graphql-http` package's server audits (installed from its lockfile).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passes_the_graphql_over_http_audits() {
    let _gate = shared().await;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/http-audit");
    if !dir.join("node_modules/graphql-http").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm is needed for the HTTP audits");
        assert!(status.success(), "npm ci failed in {}", dir.display());
    }
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let url = format!("{}/graphql", app.base);
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(dir.join("audit.mjs"))
            .arg(url)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        results.len() >= 60,
        "the suite ran {} audits",
        results.len()
    );
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r["status"] != "ok")
        .map(|r| format!("{} {}: {}", r["status"], r["name"], r["reason"]))
        .collect();
    assert!(
        failed.is_empty(),
        "audits not passed:\n{}",
        failed.join("\n")
    );
}

async fn raw(
    app: &TestApp,
    method: reqwest::Method,
    content_type: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> (u16, String) {
    let mut request = app
        .client
        .request(method, format!("{}/graphql", app.base))
        .body(body);
    if let Some(ct) = content_type {
        request = request.header("content-type", ct);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn code(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| {
            v["errors"][0]["extensions"]["code"]
                .as_str()
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

on_both! {
    async fn hostile_and_malformed_requests_get_clean_answers(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let mutation = r#"{"query":"mutation { createSource(input: { title: \"x\" }) { source { id } } }"}"#;
        // The requests a browser sends cross-site without a preflight never run a mutation.
        for ct in [Some("text/plain"), Some("application/x-www-form-urlencoded"), Some("multipart/form-data; boundary=x"), None] {
            let (status, body) = raw(&app, reqwest::Method::POST, ct, mutation).await;
            assert_eq!(status, 415, "{ct:?}: {body}");
            assert_eq!(code(&body), "UNSUPPORTED_MEDIA_TYPE");
        }
        let get = app.client.get(format!("{}/graphql", app.base)).query(&[("query", "mutation { createSource(input: { title: \"x\" }) { source { id } } }")]).send().await.unwrap();
        assert_eq!(get.status().as_u16(), 405);
        assert_eq!(get.headers()["allow"], "POST");
        // Malformed bodies.
        for (body, want) in [
            (b"{not json".to_vec(), "BAD_REQUEST"),
            (vec![0xff, 0xfe, b'{', b'}'], "BAD_REQUEST"),
            (br#"[{"query":"{ viewer { role } }"}]"#.to_vec(), "BAD_REQUEST"),
            (br#"{"query":"{ viewer { role } }","variables":"a string"}"#.to_vec(), "BAD_REQUEST"),
            (br#"{"query":42}"#.to_vec(), "BAD_REQUEST"),
            (br#"{"variables":{}}"#.to_vec(), "BAD_REQUEST"),
        ] {
            let (status, text) = raw(&app, reqwest::Method::POST, Some("application/json"), body).await;
            assert_eq!((status, code(&text).as_str()), (400, want), "{text}");
        }
        // Variables of the wrong type are a request error with no data: the client's
        // input, so BAD_USER_INPUT naming the argument.
        let (status, text) = raw(&app, reqwest::Method::POST, Some("application/json"), r#"{"query":"query($n: Int) { events(first: $n) { totalCount } }","variables":{"n":"many"}}"#).await;
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(status, 200);
        assert!(parsed.get("data").is_none(), "{text}");
        assert_eq!(code(&text), "BAD_USER_INPUT");
        assert_eq!(parsed["errors"][0]["extensions"]["field"], "first", "{text}");
        // Unknown fields: coded too, and no internals in any message.
        let (_, text) = raw(&app, reqwest::Method::POST, Some("application/json"), r#"{"query":"{ nope }"}"#).await;
        assert_eq!(code(&text), "GRAPHQL_VALIDATION_FAILED");
        // An oversized body is refused from its length, before it is read.
        let started = std::time::Instant::now();
        let big = vec![b' '; 64 * 1024 * 1024];
        let response = app.client.post(format!("{}/graphql", app.base)).header("content-type", "application/json").body(big).send().await;
        if let Ok(response) = response {
            assert_eq!(response.status().as_u16(), 413);
            assert_eq!(code(&response.text().await.unwrap()), "PAYLOAD_TOO_LARGE");
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        // And the server still serves.
        assert_eq!(app.data("{ events { totalCount } }", json!({})).await["events"]["totalCount"], 5);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_refuse_oversized_queries_and_the_server_keeps_serving() {
    let _gate = shared().await;
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let outcome = |query: String| {
        let app = &app;
        async move {
            let (status, text) = raw(
                app,
                reqwest::Method::POST,
                Some("application/json"),
                json!({ "query": query }).to_string(),
            )
            .await;
            (status, code(&text))
        }
    };
    // Depth.
    let mut deep = "id".to_owned();
    for _ in 0..20 {
        deep = format!("parent {{ {deep} }}");
    }
    assert_eq!(
        outcome(format!("{{ organisations {{ nodes {{ {deep} }} }} }}")).await,
        (200, "LIMIT_EXCEEDED".to_owned())
    );
    // Complexity, priced by page sizes: 100 x 100 x 100 items.
    let heavy = "{ organisations(first: 100) { nodes { events(first: 100) { nodes { agreementsSigned(first: 100) { nodes { title } } } } } } }";
    assert_eq!(
        outcome(heavy.into()).await,
        (200, "LIMIT_EXCEEDED".to_owned())
    );
    // Aliases.
    let aliased = format!(
        "{{ {} }}",
        (0..40)
            .map(|i| format!("a{i}: events {{ totalCount }}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    assert_eq!(outcome(aliased).await, (200, "LIMIT_EXCEEDED".to_owned()));
    // Repeated fields, tokens, directives.
    let repeated = format!("{{ {} }}", "events { totalCount } ".repeat(1_100));
    assert_eq!(outcome(repeated).await, (200, "LIMIT_EXCEEDED".to_owned()));
    let long = format!(
        "{{ events(filter: {{ search: \"x\" }}) {{ totalCount }} {} }}",
        "__typename ".repeat(10_500)
    );
    assert_eq!(outcome(long).await, (200, "LIMIT_EXCEEDED".to_owned()));
    let directives = format!(
        "{{ events {} {{ totalCount }} }}",
        "@skip(if: false) ".repeat(12)
    );
    assert_eq!(
        outcome(directives).await,
        (200, "LIMIT_EXCEEDED".to_owned())
    );
    // Under graphql-response+json the same refusals are 400s.
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": heavy }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(
        app.data("{ events { totalCount } }", json!({})).await["events"]["totalCount"],
        5
    );
    let ready: Value = app
        .client
        .get(format!("{}/ready", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready, json!({ "status": "ready" }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_settings_hide_introspection_graphiql_and_foreign_origins_and_limit_rates() {
    let _gate = shared().await;
    let settings = concord::Settings {
        limits: api::Limits {
            introspection: false,
            ..Default::default()
        },
        graphiql: false,
        cors_origins: vec!["https://frontend.example".into()],
        rate_limit_per_minute: Some(5),
        ..Default::default()
    };
    let app = TestApp::spawn_with(Backend::Sqlite, settings).await;
    let (_, text) = raw(
        &app,
        reqwest::Method::POST,
        Some("application/json"),
        r#"{"query":"{ __schema { types { name } } }"}"#,
    )
    .await;
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap()["data"]["__schema"],
        Value::Null,
        "{text}"
    );
    let (_, text) = raw(
        &app,
        reqwest::Method::POST,
        Some("application/json"),
        r#"{"query":"{ event { id } }"}"#,
    )
    .await;
    assert!(
        !text.contains("Did you mean"),
        "no suggestions without introspection: {text}"
    );
    assert_eq!(
        app.client
            .get(format!("{}/", app.base))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    let preflight = |origin: &'static str| {
        let app = &app;
        async move {
            app.client
                .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.base))
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header(
                    "access-control-request-headers",
                    "authorization, content-type",
                )
                .send()
                .await
                .unwrap()
                .headers()
                .get("access-control-allow-origin")
                .map(|v| v.to_str().unwrap().to_owned())
        }
    };
    assert_eq!(
        preflight("https://frontend.example").await.as_deref(),
        Some("https://frontend.example")
    );
    assert_eq!(preflight("https://evil.example").await, None);
    // Five requests a minute from this address: three used above, two more, then 429.
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let response = app
            .client
            .post(format!("{}/graphql", app.base))
            .json(&json!({ "query": "{ viewer { role } }" }))
            .send()
            .await
            .unwrap();
        statuses.push((
            response.status().as_u16(),
            response.headers().get("retry-after").is_some(),
        ));
    }
    assert_eq!(
        statuses.iter().filter(|(s, _)| *s == 429).count(),
        2,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|(s, retry)| *s != 429 || *retry),
        "429s carry Retry-After"
    );
}

/// An unexpected failure reaches the client as INTERNAL with a request id and nothing of
/// its cause; the id is the response's `x-request-id`, which the log carries too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_failures_carry_a_request_id_and_no_internals() {
    let _gate = shared().await;
    use sea_orm::ConnectionTrait;
    let app = TestApp::with_demo(Backend::Sqlite).await;
    app.db
        .connection
        .execute_unprepared("DROP TABLE indicator")
        .await
        .unwrap();
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&json!({ "query": "{ indicators { totalCount } }" }))
        .send()
        .await
        .unwrap();
    let header = response
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let text = response.text().await.unwrap();
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL");
    assert_eq!(
        body["errors"][0]["extensions"]["requestId"],
        header.as_str()
    );
    for leak in ["SELECT", "sqlite", "no such table", "table", ".rs"] {
        assert!(!text.contains(leak), "{leak:?} leaked: {text}");
    }
    assert_eq!(
        app.data("{ events { totalCount } }", json!({})).await["events"]["totalCount"],
        5
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_outcomes_latency_pool_and_refusals() {
    let _gate = shared().await;
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let post = |body: Value| {
        app.client
            .post(format!("{}/graphql", app.base))
            .json(&body)
            .send()
    };
    post(json!({ "query": "query Home { events { totalCount } }", "operationName": "Home" }))
        .await
        .unwrap();
    post(json!({ "query": "query Home { events { totalCount } }", "operationName": "Home" }))
        .await
        .unwrap();
    let bad =
        post(json!({ "query": "query Bad { node(id: \"x\") { id } }", "operationName": "Bad" }))
            .await
            .unwrap();
    // What the handler tells the metrics stays in the server.
    assert!(
        bad.headers()
            .keys()
            .all(|name| !name.as_str().starts_with("x-concord")),
        "{:?}",
        bad.headers()
    );
    raw(&app, reqwest::Method::POST, Some("text/plain"), "{}").await;
    let text = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(r#"concord_requests_total{operation="Home",outcome="ok"} 2"#),
        "{text}"
    );
    assert!(
        text.contains(r#"concord_requests_total{operation="Bad",outcome="BAD_USER_INPUT"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"concord_request_duration_seconds_count{operation="Home"} 2"#),
        "{text}"
    );
    assert!(
        text.contains(r#"concord_refusals_total{limit="unsupported_media_type"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"concord_db_connections{state="idle"}"#),
        "{text}"
    );
}

/// A request past its time ends with a clean TIMEOUT error, and the server goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_past_its_time_ends_cleanly() {
    let _gate = shared().await;
    let settings = concord::Settings {
        request_timeout: std::time::Duration::from_millis(1),
        ..Default::default()
    };
    let app = TestApp::spawn_with(Backend::Sqlite, settings).await;
    let query = json!({ "query": "{ countries(first: 100) { totalCount nodes { code nameEn organisations { totalCount } adoptions { totalCount } } } }" });
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "TIMEOUT");
    assert_eq!(
        app.client
            .get(format!("{}/health", app.base))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    let metrics = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(r#"concord_refusals_total{limit="timeout"} 1"#),
        "{metrics}"
    );
}
