//! The generated consortium: deterministic, the shapes asked for, and served like any
//! other data (visibility included).
use crate::helpers::{Backend, TestApp, assert_in_step, nodes, on_both, shared};
use sea_orm::{EntityTrait, PaginatorTrait, QueryOrder};
use serde_json::{Value, json};
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

// A page asked for with `totalCount` picks its keys first and reads their rows after
// (`Scope::counted_page`); one asked for without reads whole rows in one pass. Both must
// hold the same records in the same order, for every order of every root list, nulls
// included, and for a reader who sees more than the public.
on_both! {
    async fn pages_with_a_count_hold_what_pages_without_hold(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        service::synthetic::load(&app.db.connection, 0.02, 7).await.unwrap();
        let member = app.organisation("Member University 000").await;
        let editor = app.token(service::entity::enums::Role::Editor, Some(member)).await;
        let lists = [
            ("events", "EventOrderField"),
            ("agreements", "AgreementOrderField"),
            ("people", "PersonOrderField"),
            ("organisations", "OrganisationOrderField"),
            ("curriculumStandards", "CurriculumStandardOrderField"),
            ("adoptions", "AdoptionOrderField"),
            ("trainingCentres", "TrainingCentreOrderField"),
            ("countries", "CountryOrderField"),
        ];
        let ids = |page: &Value| -> Vec<String> { nodes(page, "id") };
        for (root, order_type) in lists {
            let fields = app
                .data(r#"query($t: String!) { __type(name: $t) { enumValues { name } } }"#, json!({ "t": order_type }))
                .await;
            let fields: Vec<String> = fields["__type"]["enumValues"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap().to_owned()).collect();
            assert!(fields.len() >= 2, "{order_type}");
            for field in &fields {
                for direction in ["ASC", "DESC"] {
                    for token in [None, Some(editor.as_str())] {
                        let page = |count: bool| {
                            let total = if count { "totalCount" } else { "" };
                            format!(
                                r#"query($n: Int!, $after: String) {{ {root}(first: $n, after: $after, orderBy: {{ field: {field}, direction: {direction} }}) {{
                                    {total} pageInfo {{ hasNextPage endCursor }} nodes {{ id }} }} }}"#
                            )
                        };
                        // The whole list, in pages of 100 without a count.
                        let mut all = Vec::new();
                        let mut after = Value::Null;
                        loop {
                            let data = app.data_as(token, &page(false), json!({ "n": 100, "after": after })).await;
                            all.extend(ids(&data[root]));
                            if data[root]["pageInfo"]["hasNextPage"] == false {
                                break;
                            }
                            after = data[root]["pageInfo"]["endCursor"].clone();
                        }
                        assert!(!all.is_empty(), "{root} is empty");
                        // Pages 1 and 3 of 7, with the count and without.
                        let mut after = Value::Null;
                        for number in 1..=3 {
                            let vars = json!({ "n": 7, "after": after });
                            let counted = app.data_as(token, &page(true), vars.clone()).await;
                            let plain = app.data_as(token, &page(false), vars).await;
                            let at = format!("{root} by {field} {direction}, page {number}, token {}", token.is_some());
                            assert_eq!(ids(&counted[root]), ids(&plain[root]), "{at}");
                            let start = (number - 1) * 7;
                            let expected: Vec<String> = all.iter().skip(start).take(7).cloned().collect();
                            assert_eq!(ids(&counted[root]), expected, "{at}");
                            if start < all.len() {
                                assert_eq!(counted[root]["totalCount"], all.len(), "{at}");
                            }
                            after = plain[root]["pageInfo"]["endCursor"].clone();
                            if after.is_null() {
                                break;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// SQLite keeps per-index averages but not per-value samples: with samples it re-plans
/// every batch load's `IN (?, …)` each time it is bound. It reads through a memory map.
/// And generated timestamps are
/// stored as the server stores its own (RFC 3339), which read back without a search
/// through a dozen formats.
#[tokio::test]
async fn sqlite_plans_from_averages_maps_the_file_and_reads_generated_timestamps_directly() {
    let _gate = shared().await;
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

/// A parent's children come in their order from an index on (parent, position): no
/// batch load of a list of them sorts in a temporary b-tree. The statements are those a
/// page of events and one of agreements with their nested lists run, planned by SQLite
/// on generated data.
#[tokio::test]
async fn sqlite_reads_children_in_index_order() {
    let _gate = shared().await;
    use sea_orm::{ConnectionTrait, Statement};
    let app = TestApp::spawn(Backend::Sqlite).await;
    service::synthetic::load(&app.db.connection, 0.02, 3)
        .await
        .unwrap();
    service::migrate(&app.db).await.unwrap();
    app.db.start_trace();
    let data = app
        .data(
            "{ events(first: 20) { nodes {
                organisations { role organisation { nameEn } }
                participants { role person { familyName } }
                presentations { title presenters { familyName } }
            } }
            agreements(first: 20) { nodes { parties { role } signatories { title } } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["events"]["nodes"].as_array().unwrap().len(), 20);
    let statements = app.db.take_trace();
    let mut children = 0;
    for statement in statements {
        if !statement.sql.contains("parent_key") {
            continue;
        }
        children += 1;
        let plan = app
            .db
            .connection
            .query_all_raw(Statement {
                sql: format!("EXPLAIN QUERY PLAN {}", statement.sql),
                ..statement.clone()
            })
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get::<String>("", "detail").unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            !plan.contains("TEMP B-TREE FOR"),
            "{}\n{plan}",
            statement.sql
        );
    }
    // Organisations, participants, presentations, presenters, parties, signatories.
    assert_eq!(children, 6);
}
