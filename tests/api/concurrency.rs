//! Optimistic concurrency under real parallelism: of N updates holding the same
//! version, exactly one wins; the others get CONFLICT and write nothing.
use crate::helpers::{Backend, CATALOGUE, TestApp, gid, on_both};
use serde_json::json;
use service::entity::enums::Role;

const WRITERS: usize = 8;

on_both! {
    async fn parallel_updates_with_one_version_give_one_success(backend: Backend) {
        let app = std::sync::Arc::new(TestApp::with_fixture(backend, CATALOGUE).await);
        let alpha = app.organisation("Alpha Polytechnic").await;
        let editor = app.token(Role::Editor, Some(alpha)).await;
        let created = app
            .data_as(Some(&editor), "mutation($i: CreateAgreementInput!) { createAgreement(input: $i) { agreement { id version } } }",
                json!({ "i": { "kind": "MOU", "status": "DRAFT", "title": "Contended MoU", "owner": gid("Organisation", alpha) } }))
            .await;
        let id = created["createAgreement"]["agreement"]["id"].as_str().unwrap().to_owned();
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(WRITERS));
        let mut writers = Vec::new();
        for n in 0..WRITERS {
            let (app, editor, id, barrier) = (app.clone(), editor.clone(), id.clone(), barrier.clone());
            writers.push(tokio::spawn(async move {
                barrier.wait().await;
                app.outcome_as(Some(&editor), "mutation($i: UpdateAgreementInput!) { updateAgreement(input: $i) { agreement { version } } }",
                    json!({ "i": { "id": id, "expectedVersion": 1, "title": format!("Writer {n}") } }))
                    .await
            }));
        }
        let mut outcomes = Vec::new();
        for w in writers {
            outcomes.push(w.await.unwrap());
        }
        assert_eq!(outcomes.iter().filter(|o| *o == "OK").count(), 1, "{outcomes:?}");
        assert_eq!(outcomes.iter().filter(|o| *o == "CONFLICT").count(), WRITERS - 1, "{outcomes:?}");
        let coordinator = app.token(Role::Coordinator, None).await;
        let log = app
            .data_as(Some(&coordinator), "query($f: AuditFilter) { auditLog(filter: $f) { totalCount } }",
                json!({ "f": { "record": id, "operations": ["updateAgreement"] } }))
            .await;
        assert_eq!(log["auditLog"]["totalCount"], 1);
        let now = app.data_as(Some(&editor), "query($id: ID!) { node(id: $id) { ... on Agreement { version title } } }", json!({ "id": id })).await;
        assert_eq!(now["node"]["version"], 2);
        assert!(now["node"]["title"].as_str().unwrap().starts_with("Writer "));
    }
}
