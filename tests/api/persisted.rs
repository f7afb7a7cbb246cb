//! Persisted documents: Apollo's automatic persisted queries (a hash first, the text
//! when the server asks for it, then the hash alone, by POST or by a cacheable GET), and
//! the trusted-documents mode where only a manifest's documents run.
use api::code;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{Backend, TestApp, on_both, temp_dir};
use service::entity::enums::Role;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

const EVENTS: &str =
    "query Events($n: Int) { events(first: $n) { totalCount nodes { id title } } }";

fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

/// POSTs `body` as a client that asks for `application/graphql-response+json`.
async fn post(app: &TestApp, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("accept", GRAPHQL_RESPONSE)
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

/// GETs `/graphql` with the hash (and variables) in the query string; also returns the
/// `Cache-Control` header.
async fn get(
    app: &TestApp,
    token: Option<&str>,
    hash: &str,
    variables: Value,
) -> (StatusCode, String, Value) {
    let mut request = app.client.get(format!("{}/graphql", app.base)).query(&[
        ("extensions", persisted(hash).to_string()),
        ("variables", variables.to_string()),
    ]);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let cache = response
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status(), cache, response.json().await.unwrap())
}

fn first_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no code: {body}"))
}

on_both! {
    // The round trip Apollo's link makes: an unknown hash is PERSISTED_QUERY_NOT_FOUND
    // with Apollo's message, the text with its hash runs and is kept, then the hash
    // alone runs by POST and by GET, with the same answer as the text.
    async fn automatic_persisted_queries_round_trip(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let hash = sha256(EVENTS);
        let variables = json!({ "n": 3 });
        let expected = app.data_as(None, EVENTS, variables.clone()).await;
        assert_eq!(expected["events"]["nodes"].as_array().unwrap().len(), 3);

        let hash_only = json!({ "variables": variables, "extensions": persisted(&hash) });
        let (status, body) = post(&app, None, hash_only.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(first_code(&body), code::PERSISTED_QUERY_NOT_FOUND);
        assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
        assert!(body.get("data").is_none());

        let (status, body) = post(
            &app,
            None,
            json!({ "query": EVENTS, "variables": variables, "extensions": persisted(&hash) }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["data"], expected);

        let (status, body) = post(&app, None, hash_only).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["data"], expected);

        let (status, cache, body) = get(&app, None, &hash, variables.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["data"], expected);
        assert_eq!(cache, "public, max-age=60");

        // Other variables, the same document.
        let (_, _, body) = get(&app, None, &hash, json!({ "n": 1 })).await;
        assert_eq!(body["data"]["events"]["nodes"].as_array().unwrap().len(), 1);
    }

    // A GET answer for a token, or one with errors, is kept by no cache.
    async fn only_anonymous_successful_gets_are_public(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let hash = sha256(EVENTS);
        let (status, _) = post(
            &app,
            None,
            json!({ "query": EVENTS, "extensions": persisted(&hash) }),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        let token = app.token(Role::Coordinator, None).await;
        let (status, cache, body) = get(&app, Some(&token), &hash, json!({ "n": 2 })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body["data"]["events"]["totalCount"].as_i64().unwrap() > 0);
        assert_eq!(cache, "private, no-store");
        // A variable of the wrong type: an error, so not public.
        let (_, cache, body) = get(&app, None, &hash, json!({ "n": "many" })).await;
        assert!(body.get("errors").is_some(), "{body}");
        assert_eq!(cache, "private, no-store");
        // An unknown hash by GET.
        let (status, cache, body) = get(&app, None, &sha256("{ a }"), json!({})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(first_code(&body), code::PERSISTED_QUERY_NOT_FOUND);
        assert_eq!(cache, "private, no-store");
    }

    // A mutation known by its hash is still refused by GET.
    async fn a_persisted_mutation_is_not_run_by_get(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let mutation = r#"mutation { createEvent(input: { title: "x" }) { id } }"#;
        let hash = sha256(mutation);
        let (_, body) = post(
            &app,
            None,
            json!({ "query": mutation, "extensions": persisted(&hash) }),
        )
        .await;
        assert!(body.get("errors").is_some(), "an anonymous mutation fails: {body}");
        let (status, _, body) = get(&app, None, &hash, json!({})).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
        assert_eq!(first_code(&body), code::METHOD_NOT_ALLOWED);
    }
}

/// A hash that is not the query's, or a persisted query in a shape the server does not
/// speak, is the client's mistake; nothing runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mismatched_or_malformed_hashes_are_refused() {
    let _gate = crate::helpers::shared().await;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (status, body) = post(
        &app,
        None,
        json!({ "query": "{ maxPageSize }", "extensions": persisted(&sha256("{ other }")) }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(first_code(&body), code::BAD_USER_INPUT);
    assert!(body.get("data").is_none());
    for extensions in [
        json!({ "persistedQuery": { "version": 2, "sha256Hash": sha256("{ maxPageSize }") } }),
        json!({ "persistedQuery": { "version": 1, "sha256Hash": "abc" } }),
        json!({ "persistedQuery": { "version": 1 } }),
    ] {
        let (status, body) = post(
            &app,
            None,
            json!({ "query": "{ maxPageSize }", "extensions": extensions }),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{extensions}");
        assert_eq!(first_code(&body), code::BAD_REQUEST, "{extensions}");
    }
}

/// With trusted documents, the manifest's documents run by hash or in full; anything
/// else is PERSISTED_QUERY_NOT_ALLOWED, including a document the client offers with
/// its hash (which automatic persisted queries would have kept).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_trusted_documents_run() {
    let _gate = crate::helpers::shared().await;
    let listed = "query Size { maxPageSize }";
    let dir = temp_dir("trusted");
    let manifest = dir.join("persisted-documents.json");
    std::fs::write(&manifest, json!({ sha256(listed): listed }).to_string()).unwrap();
    let documents = concord::TrustedDocuments::load(&manifest).unwrap();
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        concord::Settings {
            trusted_documents: Some(documents),
            ..Default::default()
        },
    )
    .await;
    let (status, body) = post(
        &app,
        None,
        json!({ "extensions": persisted(&sha256(listed)) }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["maxPageSize"], 100);
    let (status, body) = post(&app, None, json!({ "query": listed })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["maxPageSize"], 100);
    let (_, cache, body) = get(&app, None, &sha256(listed), json!({})).await;
    assert_eq!(body["data"]["maxPageSize"], 100);
    assert_eq!(cache, "public, max-age=60");

    let other = "{ maxPageSize viewer { role } }";
    for body in [
        json!({ "query": other }),
        json!({ "query": other, "extensions": persisted(&sha256(other)) }),
        json!({ "extensions": persisted(&sha256(other)) }),
    ] {
        let (status, answer) = post(&app, None, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(
            first_code(&answer),
            code::PERSISTED_QUERY_NOT_ALLOWED,
            "{body}"
        );
        assert!(answer.get("data").is_none());
    }
    // Offering it did not add it.
    let (_, answer) = post(
        &app,
        None,
        json!({ "extensions": persisted(&sha256(other)) }),
    )
    .await;
    assert_eq!(first_code(&answer), code::PERSISTED_QUERY_NOT_ALLOWED);
}

/// Apollo's manifest format loads too; a manifest whose hash is not its document's
/// stops `concord serve` before it listens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manifests_load_or_stop_the_server() {
    let _gate = crate::helpers::shared().await;
    let dir = temp_dir("manifests");
    let body = "query Size { maxPageSize }";
    let apollo = dir.join("apollo.json");
    std::fs::write(
        &apollo,
        json!({
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [{ "id": sha256(body), "name": "Size", "type": "query", "body": body }],
        })
        .to_string(),
    )
    .unwrap();
    assert_eq!(concord::TrustedDocuments::load(&apollo).unwrap().len(), 1);

    let wrong = dir.join("wrong.json");
    std::fs::write(&wrong, json!({ sha256("{ a }"): body }).to_string()).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
        .args(["serve", "--listen", "127.0.0.1:0", "--trusted-documents"])
        .arg(&wrong)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/c.db?mode=rwc", dir.display()),
        )
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is not the SHA-256 of its document"),
        "{stderr}"
    );
}
