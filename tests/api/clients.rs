//! Real clients against the real server, installed from `tests/clients`' lockfile:
//! Apollo Client 4 (APQ link, relayStylePagination with fetchMore, also while another user
//! writes between the pages, errorPolicy 'all'),
//! GraphQL Codegen's client preset compiled with `tsc --noEmit`, and the Relay compiler
//! over fragments with `@connection` and `@refetchable`, all over `schema.graphql`.
use std::collections::HashSet;
use std::process::Command;

use crate::browser::{clients_dir, node};
use crate::helpers::{Backend, TestApp, on_both, shared};
use serde_json::{Value, json};
use service::entity::enums::Role;

on_both! {
    // Apollo's APQ link sends the hash alone, gets PERSISTED_QUERY_NOT_FOUND, sends the
    // text once, and from then on the hash alone (by GET, cacheable); fetchMore pages
    // through every event exactly once; a field error leaves the rest of the data.
    async fn apollo_client_pages_with_persisted_queries(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let all = app
            .data_as(None, "{ events(first: 100) { totalCount nodes { id } } }", json!({}))
            .await;
        let total = all["events"]["totalCount"].as_u64().unwrap();
        assert!(total >= 3, "enough events for several pages of 2");
        let out = node("apollo.mjs", vec![format!("{}/graphql", app.base), "2".into()]).await;

        let sent = out["sent"].as_array().unwrap();
        let pages: Vec<&Value> = sent
            .iter()
            .filter(|r| r["hash"] == sent[0]["hash"])
            .collect();
        // First: the hash alone, refused as unknown; then the text with the hash.
        assert_eq!(pages[0]["hasQuery"], false, "{out}");
        assert_eq!(pages[0]["status"], 400, "{out}");
        assert_eq!(pages[1]["hasQuery"], true, "{out}");
        assert_eq!(pages[1]["status"], 200, "{out}");
        // Every later request for the same document, fetchMore's included: the hash only.
        assert!(pages.len() > 3, "{out}");
        for request in &pages[2..] {
            assert_eq!(request["hasQuery"], false, "{request}");
            assert_eq!(request["method"], "GET", "{request}");
            assert_eq!(request["status"], 200, "{request}");
            assert_eq!(request["cacheControl"], "public, max-age=60", "{request}");
        }

        let ids: Vec<&str> = out["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| id.as_str().unwrap())
            .collect();
        let distinct: HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(distinct.len(), ids.len(), "no event twice: {ids:?}");
        assert_eq!(ids.len() as u64, total, "every event once: {ids:?}");
        let expected: HashSet<&str> = all["events"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap())
            .collect();
        assert_eq!(distinct, expected);
        assert_eq!(out["pages"].as_u64().unwrap(), total.div_ceil(2));
        assert_eq!(out["againCount"], 2);

        assert_eq!(out["partial"]["maxPageSize"], 100, "{out}");
        assert_eq!(out["partial"]["errorCodes"], json!([api::code::BAD_USER_INPUT]), "{out}");
    }

    // "Load more" while another user writes between the pages (keyset cursors): an
    // archive of an event already shown skips nothing, an event inserted before the
    // cursor is not fetched, one inserted after it is, and nothing comes twice.
    async fn apollo_load_more_is_stable_under_concurrent_writes(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let before = app
            .data_as(None, "{ events(first: 100) { totalCount nodes { id } } }", json!({}))
            .await;
        let existing: HashSet<String> = before["events"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect();
        assert!(existing.len() >= 4, "enough events for several pages of 2");
        let owner = app
            .organisation("Southern University of Science and Technology")
            .await;
        let token = app.token(Role::Coordinator, None).await;
        let out = node(
            "apollo-concurrent.mjs",
            vec![
                format!("{}/graphql", app.base),
                token,
                crate::helpers::gid("Organisation", owner),
                "2".into(),
            ],
        )
        .await;

        let ids: Vec<String> = out["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| id.as_str().unwrap().to_owned())
            .collect();
        let distinct: HashSet<String> = ids.iter().cloned().collect();
        assert_eq!(distinct.len(), ids.len(), "no event twice: {ids:?}");
        let late = out["late"].as_str().unwrap().to_owned();
        let early = out["early"].as_str().unwrap();
        // Every event there was at the start (the archived one was on page one), and the
        // one inserted after the cursor: nothing skipped.
        let mut expected = existing.clone();
        expected.insert(late.clone());
        assert_eq!(distinct, expected, "{out}");
        assert!(!distinct.contains(early), "{out}");
        assert!(existing.contains(out["archived"].as_str().unwrap()));
        assert_eq!(ids.last(), Some(&late), "the latest start date sorts last");
    }
}

/// Runs a tool from `tests/clients/node_modules/.bin`; it must exit 0.
fn tool(name: &str, args: &[&str]) -> String {
    let dir = clients_dir();
    let output = Command::new(dir.join("node_modules/.bin").join(name))
        .args(args)
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|e| panic!("{name} runs: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{name} {args:?} failed:\n{text}");
    text
}

/// GraphQL Codegen's client preset types the operations from `schema.graphql`, `tsc`
/// compiles code that uses them, and the persisted-documents manifest it writes is one
/// `--trusted-documents` takes: the listed operation runs by hash, others are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codegen_types_compile_and_its_manifest_is_trusted() {
    let _gate = shared().await;
    tokio::task::spawn_blocking(|| {
        tool("graphql-codegen", &["--config", "codegen.yml"]);
        tool("tsc", &["-p", "tsconfig.json"]);
    })
    .await
    .unwrap();
    let manifest = clients_dir().join("gen/persisted-documents.json");
    let documents: serde_json::Map<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    let (hash, _) = documents
        .iter()
        .find(|(_, doc)| doc.as_str().unwrap().contains("query EventList"))
        .expect("EventList is in the manifest");

    let app = TestApp::spawn_with(
        Backend::Sqlite,
        concord::Settings {
            trusted_documents: Some(concord::TrustedDocuments::load(&manifest).unwrap()),
            ..Default::default()
        },
    )
    .await;
    service::demo::load_articles(&app.db.connection)
        .await
        .unwrap();
    let post = |body: Value| {
        app.client
            .post(format!("{}/graphql", app.base))
            .json(&body)
            .send()
    };
    // Codegen names a document `sha256:<hex>`: sent as the persisted-documents
    // proposal's `documentId`, and as Apollo's hash.
    let hex = hash.strip_prefix("sha256:").expect("codegen's id");
    for request in [
        json!({ "variables": { "first": 2 }, "documentId": hash }),
        json!({
            "variables": { "first": 2 },
            "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hex } },
        }),
    ] {
        let response = post(request.clone()).await.unwrap();
        assert_eq!(response.status(), 200, "{request}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["data"]["events"]["edges"].as_array().unwrap().len(),
            2,
            "{body}"
        );
    }
    let refused = post(json!({ "query": "{ maxPageSize }" })).await.unwrap();
    assert_eq!(refused.status(), 400);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        api::code::PERSISTED_QUERY_NOT_ALLOWED
    );
}

/// The text of the operation the Relay compiler wrote for `query`.
fn relay_text(query: &str) -> String {
    let file = clients_dir().join(format!("relay/__generated__/{query}.graphql.ts"));
    let source = std::fs::read_to_string(&file).unwrap();
    let line = source
        .lines()
        .find_map(|l| l.trim().strip_prefix("\"text\": "))
        .unwrap_or_else(|| panic!("no text in {}", file.display()));
    serde_json::from_str(line.trim_end_matches(',')).unwrap()
}

/// The Relay compiler accepts `schema.graphql` and fragments paginated with
/// `@connection` and refetched through `node(id:)` with `@refetchable`, and the
/// queries it writes run on the server: page one, the next page from its cursor, and
/// the refetch of an organisation's events by its id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn relay_compiler_accepts_connections_and_refetchable_fragments() {
    let _gate = shared().await;
    let out = tokio::task::spawn_blocking(|| tool("relay-compiler", &[]))
        .await
        .unwrap();
    assert!(out.contains("Compilation completed"), "{out}");

    let app = TestApp::with_demo(Backend::Sqlite).await;
    let list = relay_text("EventListPaginationQuery");
    let first = app.data_as(None, &list, json!({ "count": 2 })).await;
    let events = &first["events"];
    assert_eq!(events["edges"].as_array().unwrap().len(), 2, "{first}");
    assert_eq!(events["pageInfo"]["hasNextPage"], true, "{first}");
    let next = app
        .data_as(
            None,
            &list,
            json!({ "count": 2, "cursor": events["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_ne!(
        next["events"]["edges"][0]["node"]["id"], events["edges"][0]["node"]["id"],
        "the next page"
    );

    let org = app
        .data_as(
            None,
            "{ organisations(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await;
    let id = &org["organisations"]["nodes"][0]["id"];
    let refetch = relay_text("OrganisationEventsPaginationQuery");
    let data = app
        .data_as(None, &refetch, json!({ "id": id, "count": 3 }))
        .await;
    assert_eq!(data["node"]["id"], *id, "{data}");
    assert!(data["node"]["events"]["edges"].is_array(), "{data}");
}
