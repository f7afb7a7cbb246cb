//! The generated consortium: deterministic, the shapes asked for, and served like any
//! other data (visibility included).
mod common;

use common::{Backend, TestApp, assert_in_step};
use sea_orm::{EntityTrait, PaginatorTrait, QueryOrder};
use serde_json::json;
use service::entity::{
    adoption, agreement, event, event_organisation, organisation, training_centre,
};

async fn fingerprint(app: &TestApp) -> Vec<(String, chrono::NaiveDate, String)> {
    event::Entity::find()
        .order_by_asc(event::Column::Id)
        .all(&app.db.connection)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.title, e.start_date, format!("{:?}", e.visibility)))
        .collect()
}

on_both! {
    async fn the_generator_is_deterministic_and_shaped_like_a_consortium(backend: Backend) {
        let first = TestApp::spawn(backend).await;
        let counts = service::synthetic::load(&first.db.connection, 0.02, 7).await.unwrap();
        assert_eq!(counts.events, 1_000);
        assert_eq!(counts.agreements, 400);
        assert_eq!(counts.adoptions, 400);
        let db = &first.db.connection;
        assert_eq!(event::Entity::find().count(db).await.unwrap(), 1_000);
        assert_eq!(event_organisation::Entity::find().count(db).await.unwrap(), 3_000);
        assert_eq!(agreement::Entity::find().count(db).await.unwrap(), 400);
        assert_eq!(adoption::Entity::find().count(db).await.unwrap(), 400);
        assert_eq!(training_centre::Entity::find().count(db).await.unwrap(), 10);
        assert_eq!(organisation::Entity::find().count(db).await.unwrap() as usize, counts.organisations);
        assert_in_step(&first, "generating").await;

        // Same scale and seed, same data.
        let second = TestApp::spawn(backend).await;
        service::synthetic::load(&second.db.connection, 0.02, 7).await.unwrap();
        assert_eq!(fingerprint(&first).await, fingerprint(&second).await);

        // Served like any data: the public sees only public events; ids keep working
        // after the generator (identity sequences moved past its explicit ids).
        let public = first.data("{ events { totalCount } }", json!({})).await["events"]["totalCount"].as_u64().unwrap();
        assert!(public > 0 && public < 1_000, "{public}");
        let coordinator = first.token(service::entity::enums::Role::Coordinator, None).await;
        let all = first.data_as(Some(&coordinator), "{ events { totalCount } }", json!({})).await;
        assert_eq!(all["events"]["totalCount"], 1_000);
        let created = first
            .data_as(Some(&coordinator), "mutation($i: CreateSourceInput!) { createSource(input: $i) { source { id } } }", json!({ "i": { "title": "After the generator" } }))
            .await;
        assert!(created["createSource"]["source"]["id"].is_string());
        let member = first.organisation("Member University 000").await;
        let editor = first.token(service::entity::enums::Role::Editor, Some(member)).await;
        let made = first
            .data_as(Some(&editor), "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id } } }",
                json!({ "i": { "kind": "MEETING", "status": "PLANNED", "format": "ONLINE", "title": "After the generator", "startDate": "2026-01-01" } }))
            .await;
        assert!(made["createEvent"]["event"]["id"].is_string());
    }
}

/// SQLite keeps per-index averages but not per-value samples: with samples it re-plans
/// every batch load's `IN (?, …)` each time it is bound. It reads through a memory map.
/// And generated timestamps are
/// stored as the server stores its own (RFC 3339), which read back without a search
/// through a dozen formats.
#[tokio::test]
async fn sqlite_plans_from_averages_maps_the_file_and_reads_generated_timestamps_directly() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let db = &app.db.connection;
    service::synthetic::load(db, 0.01, 3).await.unwrap();
    let samples = "SELECT COUNT(*) AS value FROM sqlite_stat4";
    // A full ANALYZE on a connection of its own gathers samples (the server's pool may
    // have a sampling limit set on some connections, which skips them).
    let file: String = value(
        db,
        "SELECT file AS value FROM pragma_database_list WHERE name = 'main'",
    )
    .await;
    let other = service::connect(&format!("sqlite://{file}")).await.unwrap();
    sea_orm::ConnectionTrait::execute_unprepared(&other.connection, "ANALYZE")
        .await
        .unwrap();
    let before: i64 = value(&other.connection, samples).await;
    assert!(
        before > 0,
        "ANALYZE gathers samples in this build of SQLite"
    );
    other.connection.close().await.unwrap();
    // The next start drops them.
    service::migrate(&app.db).await.unwrap();
    assert_eq!(value::<i64>(db, samples).await, 0);
    let averages: i64 = value(db, "SELECT COUNT(*) AS value FROM sqlite_stat1").await;
    assert!(averages > 0);
    // Reads through a memory map rather than a `pread` per page beyond the small cache.
    let mapped: i64 = column(db, "PRAGMA mmap_size", "mmap_size").await;
    assert!(mapped >= 1 << 30, "{mapped}");

    let stored: String = value(db, "SELECT created_at AS value FROM event LIMIT 1").await;
    assert!(
        chrono::DateTime::parse_from_rfc3339(&stored).is_ok(),
        "{stored}"
    );
    // And the server's own writes use the same form.
    let coordinator = app
        .token(service::entity::enums::Role::Coordinator, None)
        .await;
    app.data_as(
        Some(&coordinator),
        "mutation($i: CreateSourceInput!) { createSource(input: $i) { source { id } } }",
        json!({ "i": { "title": "Written by the server" } }),
    )
    .await;
    let written: String = value(
        db,
        "SELECT created_at AS value FROM source WHERE title = 'Written by the server'",
    )
    .await;
    assert!(
        chrono::DateTime::parse_from_rfc3339(&written).is_ok(),
        "{written}"
    );
}

/// The `value` column of the one row a SQLite statement returns.
async fn value<T: sea_orm::TryGetable>(db: &sea_orm::DatabaseConnection, sql: &str) -> T {
    column(db, sql, "value").await
}

/// A column of the one row a SQLite statement returns.
async fn column<T: sea_orm::TryGetable>(
    db: &sea_orm::DatabaseConnection,
    sql: &str,
    name: &str,
) -> T {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    db.query_one_raw(Statement::from_string(
        DatabaseBackend::Sqlite,
        sql.to_owned(),
    ))
    .await
    .unwrap()
    .expect("one row")
    .try_get("", name)
    .unwrap()
}
