//! A query request reads through one pooled connection, in one read-only transaction
//! (`Scope::pinned`). These tests hold it to what that must not break: the request reads
//! one snapshot, and a connection goes back to the pool clean however the request ends,
//! so no later write lands inside a transaction that never commits.
use std::time::Duration;

use crate::helpers::{Backend, CATALOGUE, TestApp, gid, on_both};
use sea_orm::ConnectionTrait;
use serde_json::json;
use service::entity::{country, enums::Role, organisation};
use service::{Principal, Scope};

async fn rename(app: &TestApp, id: i64, name: &str) {
    let sql = format!("UPDATE organisation SET name_en = '{name}' WHERE id = {id}");
    app.db.connection.execute_unprepared(&sql).await.unwrap();
}

on_both! {
    async fn a_pinned_scope_reads_one_snapshot(backend: Backend) {
        let app = TestApp::with_fixture(backend, CATALOGUE).await;
        let alpha = app.organisation("Alpha Polytechnic").await;
        let pinned = Scope::pinned(app.db.connection.clone(), Principal::Anonymous);
        let first = pinned.get::<organisation::Entity>(alpha).await.unwrap();
        assert_eq!(first.name_en, "Alpha Polytechnic");

        rename(&app, alpha, "Alpha Renamed").await;
        let again = pinned.get::<organisation::Entity>(alpha).await.unwrap();
        assert_eq!(again.name_en, "Alpha Polytechnic", "a pinned scope reads the snapshot of its first read");
        let pooled = Scope::new(app.db.connection.clone(), Principal::Anonymous);
        let now = pooled.get::<organisation::Entity>(alpha).await.unwrap();
        assert_eq!(now.name_en, "Alpha Renamed");
        drop(pinned);

        // A query request after the write reads it.
        let data = app.data("query($id: ID!) { node(id: $id) { ... on Organisation { nameEn } } }",
            json!({ "id": gid("Organisation", alpha) })).await;
        assert_eq!(data["node"]["nameEn"], "Alpha Renamed");
    }

    // Alone: its reads get 0 to 18 ms, and some must finish in time; beside another
    // test on two cores none did.
    #[alone]
    async fn reads_cut_off_at_any_point_give_their_connection_back_clean(backend: Backend) {
        let app = TestApp::with_fixture(backend, CATALOGUE).await;
        let alpha = app.organisation("Alpha Polytechnic").await;
        // Reads cut off before, while and after taking the connection, beginning the
        // transaction and running each statement.
        // Deadlines grow until some reads have finished too: on a loaded machine the first
        // 60 (up to 18 ms) may all be cut.
        let (mut cut, mut finished) = (0, 0);
        for step in 0..600u64 {
            if step >= 60 && finished > 0 {
                break;
            }
            let scope = Scope::pinned(app.db.connection.clone(), Principal::Anonymous);
            let read = async {
                let countries = scope.all::<country::Entity>().await?;
                let alpha = scope.get::<organisation::Entity>(alpha).await?;
                Ok::<_, service::Error>((countries.len(), alpha.id))
            };
            match tokio::time::timeout(Duration::from_micros(step * step * 5), read).await {
                Ok(read) => {
                    read.unwrap();
                    finished += 1;
                }
                Err(_) => cut += 1,
            }
        }
        assert!(cut > 0 && finished > 0, "cut {cut}, finished {finished}");

        // Every connection is back in the pool...
        let mut idle = 0;
        for _ in 0..100 {
            let (size, now) = app.db.pool_state();
            idle = now;
            if now as u32 == size {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(idle as u32, app.db.pool_state().0, "connections still out of the pool");

        // ...and none is inside a transaction: every acknowledged write is there for a
        // pool that never saw those reads.
        let editor = app.token(Role::Editor, Some(alpha)).await;
        for n in 0..12 {
            let created = app.data_as(Some(&editor),
                "mutation($i: CreateAgreementInput!) { createAgreement(input: $i) { agreement { id } } }",
                json!({ "i": { "kind": "MOU", "status": "DRAFT", "title": format!("After the cut {n}"),
                               "owner": gid("Organisation", alpha) } })).await;
            assert!(created["createAgreement"]["agreement"]["id"].is_string(), "{created}");
        }
        let fresh = service::connect(app.url()).await.unwrap();
        let found = fresh.connection.query_one_raw(sea_orm::Statement::from_string(
            fresh.connection.get_database_backend(),
            "SELECT COUNT(*) AS n FROM agreement WHERE title LIKE 'After the cut %'",
        )).await.unwrap().unwrap();
        assert_eq!(found.try_get::<i64>("", "n").unwrap(), 12);
    }

    async fn query_requests_that_overlap_writes_answer_and_keep_every_write(backend: Backend) {
        let app = std::sync::Arc::new(TestApp::with_fixture(backend, CATALOGUE).await);
        let alpha = app.organisation("Alpha Polytechnic").await;
        let editor = app.token(Role::Editor, Some(alpha)).await;
        // More query requests at once than the pool has connections, beside writes.
        let mut tasks = Vec::new();
        for n in 0..24 {
            let (app, editor) = (app.clone(), editor.clone());
            tasks.push(tokio::spawn(async move {
                if n % 4 == 0 {
                    let created = app.data_as(Some(&editor),
                        "mutation($i: CreateAgreementInput!) { createAgreement(input: $i) { agreement { title } } }",
                        json!({ "i": { "kind": "MOU", "status": "DRAFT", "title": format!("Overlapping {n}"),
                                       "owner": gid("Organisation", alpha) } })).await;
                    assert_eq!(created["createAgreement"]["agreement"]["title"], format!("Overlapping {n}"));
                } else {
                    let data = app.data_as(Some(&editor),
                        "{ organisations(first: 5) { totalCount nodes { nameEn country { code } } } agreements(first: 5) { totalCount } }",
                        json!({})).await;
                    assert!(data["organisations"]["totalCount"].as_u64().unwrap() >= 5, "{data}");
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let data = app.data_as(Some(&editor),
            "query($f: AgreementFilter) { agreements(filter: $f) { totalCount } }",
            json!({ "f": { "search": "Overlapping" } })).await;
        assert_eq!(data["agreements"]["totalCount"], 6, "{data}");
    }
}
