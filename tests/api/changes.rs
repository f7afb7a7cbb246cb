//! The change feed (`changes`): one entry per committed write and none for a failed
//! one, catch-up from a cursor in commit order (also after a restart), visibility as
//! the reader may read now (removals, never content), and expired cursors.
use crate::helpers::{Backend, TestApp, error, on_both, world};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};

const CREATE_EVENT: &str =
    "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id version } } }";
const UPDATE_EVENT: &str =
    "mutation($i: UpdateEventInput!) { updateEvent(input: $i) { event { version } } }";
const ARCHIVE_EVENT: &str =
    "mutation($i: ArchiveEventInput!) { archiveEvent(input: $i) { event { version } } }";
const RESTORE_EVENT: &str =
    "mutation($i: RestoreEventInput!) { restoreEvent(input: $i) { event { version } } }";

const CHANGES: &str = r#"query($after: String, $first: Int, $types: [RecordType!], $owners: [ID!]) {
    changes(after: $after, first: $first, types: $types, owners: $owners) {
        edges { cursor node { recordId type operation version committedAt removed visibility
            owner { nameEn } record { id ... on Event { title } } } }
        pageInfo { hasNextPage endCursor } } }"#;

/// Creates an event of Alpha's as `token`; returns its global id.
async fn create_event(app: &TestApp, token: &str, title: &str, visibility: &str) -> String {
    let input = json!({ "kind": "MEETING", "status": "PLANNED", "format": "ONLINE", "title": title,
        "startDate": "2025-03-01", "visibility": visibility });
    app.data_as(Some(token), CREATE_EVENT, json!({ "i": input }))
        .await["createEvent"]["event"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// One page of the feed as `token`.
async fn page(
    app: &TestApp,
    token: Option<&str>,
    after: Option<&str>,
    first: i32,
    types: Value,
) -> Value {
    app.data_as(
        token,
        CHANGES,
        json!({ "after": after, "first": first, "types": types }),
    )
    .await["changes"]
        .clone()
}

/// The entries of a page, as (record id, operation, version, removed).
fn entries(page: &Value) -> Vec<(String, String, i64, bool)> {
    page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let n = &e["node"];
            (
                n["recordId"].as_str().unwrap().to_owned(),
                n["operation"].as_str().unwrap().to_owned(),
                n["version"].as_i64().unwrap(),
                n["removed"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// Every event entry `token` can read, from the start, in pages of `first`.
async fn all_events(app: &TestApp, token: Option<&str>) -> Vec<Value> {
    page(app, token, None, 100, json!(["EVENT"])).await["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

fn e(id: &str, op: &str, version: i64) -> (String, String, i64, bool) {
    (id.to_owned(), op.to_owned(), version, false)
}

on_both! {
    async fn a_committed_write_has_exactly_one_entry_and_a_failed_one_none(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let coordinator = Some(w.coordinator.as_str());
        assert!(entries(&page(app, coordinator, None, 100, json!(null)).await).is_empty(), "fixtures are loaded, not written");

        let id = create_event(app, &w.editor_a, "Feed meeting", "PUBLIC").await;
        let update = |v: i64, title: &str| json!({ "i": { "id": id, "expectedVersion": v, "title": title } });
        app.data_as(Some(&w.editor_a), UPDATE_EVENT, update(1, "Feed meeting, renamed")).await;
        // A stale version is CONFLICT: rolled back, no entry.
        let (_, body) = app.post_as(Some(&w.editor_a), UPDATE_EVENT, update(1, "Lost update")).await;
        assert_eq!(error(&body).0, "CONFLICT");
        // Not the caller's to change: no entry either.
        let (_, body) = app.post_as(Some(&w.editor_b), UPDATE_EVENT, update(2, "Not yours")).await;
        assert_eq!(error(&body).0, "FORBIDDEN", "{body}");
        let versioned = |v: i64| json!({ "i": { "id": id, "expectedVersion": v } });
        app.data_as(Some(&w.editor_a), ARCHIVE_EVENT, versioned(2)).await;
        app.data_as(Some(&w.editor_a), RESTORE_EVENT, versioned(3)).await;

        let feed = page(app, coordinator, None, 100, json!(["EVENT"])).await;
        assert_eq!(
            entries(&feed),
            vec![e(&id, "CREATE", 1), e(&id, "UPDATE", 2), e(&id, "ARCHIVE", 3), e(&id, "RESTORE", 4)]
        );
        let last = &feed["edges"][3]["node"];
        assert_eq!(last["record"]["title"], "Feed meeting, renamed", "the record as it is now");
        assert_eq!(last["owner"]["nameEn"], "Alpha Polytechnic");
        assert_eq!(last["visibility"], "PUBLIC");
        assert_eq!(last["type"], "EVENT");
        assert!(feed["edges"][0]["node"]["committedAt"].as_str().unwrap() <= last["committedAt"].as_str().unwrap());

        // Every audited write of a feed record has its entry, in the same order.
        let audited: Vec<(String, i64)> = service::entity::audit_entry::Entity::find()
            .order_by_asc(service::entity::audit_entry::Column::Id)
            .all(&app.db.connection).await.unwrap()
            .into_iter().filter(|a| a.record_type != "token")
            .map(|a| (a.record_type, a.record_id)).collect();
        let changed: Vec<(String, i64)> = service::entity::change_entry::Entity::find()
            .order_by_asc(service::entity::change_entry::Column::Id)
            .all(&app.db.connection).await.unwrap()
            .into_iter().map(|c| (c.record_type, c.record_id)).collect();
        assert_eq!(audited.len(), 4);
        assert_eq!(changed, audited);
    }

    async fn catch_up_from_a_cursor_returns_exactly_the_later_changes_in_order(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let reader = Some(w.editor_b.as_str());
        let first = create_event(app, &w.editor_a, "One", "CONSORTIUM").await;
        let second = create_event(app, &w.editor_a, "Two", "PUBLIC").await;
        let seen = page(app, reader, None, 1, json!(["EVENT"])).await;
        assert_eq!(entries(&seen), vec![e(&first, "CREATE", 1)]);
        assert_eq!(seen["pageInfo"]["hasNextPage"], true);
        let cursor = seen["pageInfo"]["endCursor"].as_str().unwrap().to_owned();

        // While the reader is away: more writes, then the server restarts.
        let third = create_event(app, &w.editor_a, "Three", "PUBLIC").await;
        app.data_as(Some(&w.editor_a), UPDATE_EVENT, json!({ "i": { "id": first, "expectedVersion": 1, "title": "One again" } })).await;
        let restarted = TestApp::spawn_on(app.url(), Default::default()).await;
        let mut caught = Vec::new();
        let mut after = cursor;
        loop {
            let p = page(&restarted, reader, Some(&after), 2, json!(["EVENT"])).await;
            caught.extend(entries(&p));
            after = p["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
            if p["pageInfo"]["hasNextPage"] == false {
                break;
            }
        }
        assert_eq!(caught, vec![e(&second, "CREATE", 1), e(&third, "CREATE", 1), e(&first, "UPDATE", 2)]);
        let done = page(&restarted, reader, Some(&after), 10, json!(["EVENT"])).await;
        assert!(entries(&done).is_empty(), "nothing twice");
        assert_eq!(done["pageInfo"]["endCursor"], Value::Null);

        // The types and owners filters.
        let all = app.data_as(reader, CHANGES, json!({ "types": ["ORGANISATION"] })).await;
        assert!(entries(&all["changes"]).is_empty());
        let beta = crate::helpers::gid("Organisation", w.beta);
        let by_beta = app.data_as(reader, CHANGES, json!({ "owners": [beta] })).await;
        assert!(entries(&by_beta["changes"]).is_empty());
        let alpha = crate::helpers::gid("Organisation", w.alpha);
        let by_alpha = app.data_as(reader, CHANGES, json!({ "owners": [alpha] })).await;
        assert_eq!(entries(&by_alpha["changes"]).len(), 4);

        // The records are read in one batch per type, whatever the page size.
        for _ in 0..4 {
            create_event(app, &w.editor_a, "More", "PUBLIC").await;
        }
        let q = "query($n: Int) { changes(first: $n) { nodes { removed owner { nameEn } record { id ... on Event { title } } } } }";
        let small = app.statements(q, json!({ "n": 2 })).await;
        let large = app.statements(q, json!({ "n": 8 })).await;
        assert_eq!(small, large, "statements grow with the page");

        // Not a cursor, or a tampered one.
        for bad in ["nope", "Y2hhbmdlOnYyOjE"] {
            let (_, body) = app.post_as(reader, CHANGES, json!({ "after": bad })).await;
            assert_eq!(error(&body), ("BAD_USER_INPUT".to_owned(), Some("after".to_owned())), "{body}");
        }
    }

    async fn a_reader_hears_only_of_what_it_may_read_and_of_losing_it_as_a_removal(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let peer = Some(w.editor_b.as_str());
        // Private from the start: the peer and the public never hear of it.
        let private = create_event(app, &w.editor_a, "Board only", "PRIVATE").await;
        app.data_as(Some(&w.editor_a), UPDATE_EVENT, json!({ "i": { "id": private, "expectedVersion": 1, "title": "Board only, minutes" } })).await;
        assert!(all_events(app, peer).await.is_empty());
        assert!(all_events(app, None).await.is_empty());
        assert_eq!(all_events(app, Some(&w.editor_a)).await.len(), 2, "the owner hears of its own");

        // Public, then made private: to others every entry of it is now a removal.
        let hidden = create_event(app, &w.editor_a, "Open day", "PUBLIC").await;
        assert_eq!(all_events(app, None).await[0]["record"]["title"], "Open day");
        app.data_as(Some(&w.editor_a), UPDATE_EVENT, json!({ "i": { "id": hidden, "expectedVersion": 1, "visibility": "PRIVATE" } })).await;
        for reader in [None, peer] {
            let feed = all_events(app, reader).await;
            assert_eq!(feed.len(), 2, "{feed:?}");
            for (entry, op) in feed.iter().zip(["CREATE", "UPDATE"]) {
                assert_eq!(entry["recordId"], hidden);
                assert_eq!(entry["operation"], op);
                assert_eq!(entry["removed"], true);
                assert_eq!(entry["record"], Value::Null, "no content");
                assert_eq!(entry["owner"], Value::Null, "no owner");
                assert_eq!(entry["visibility"], Value::Null);
            }
        }

        // Private, then made public: the public hears of it from then on, with content.
        let opened = create_event(app, &w.editor_a, "Draft symposium", "PRIVATE").await;
        app.data_as(Some(&w.editor_a), UPDATE_EVENT, json!({ "i": { "id": opened, "expectedVersion": 1, "visibility": "PUBLIC" } })).await;
        let feed = all_events(app, None).await;
        assert_eq!(feed.len(), 3, "{feed:?}");
        assert_eq!(feed[2]["recordId"], opened);
        assert_eq!(feed[2]["operation"], "UPDATE");
        assert_eq!(feed[2]["removed"], false);
        assert_eq!(feed[2]["record"]["title"], "Draft symposium");
        assert_eq!(feed[2]["visibility"], "PUBLIC");

        // Archived: others hear of it as a removal; the owner still reads it.
        app.data_as(Some(&w.editor_a), ARCHIVE_EVENT, json!({ "i": { "id": opened, "expectedVersion": 2 } })).await;
        let feed = all_events(app, None).await;
        assert_eq!((feed[3]["operation"].clone(), feed[3]["removed"].clone()), (json!("ARCHIVE"), json!(true)));
        let own = all_events(app, Some(&w.editor_a)).await;
        assert_eq!(own.last().unwrap()["record"]["title"], "Draft symposium");

        // The coordinator hears of everything.
        assert_eq!(all_events(app, Some(&w.coordinator)).await.len(), 7);
    }

    async fn a_cursor_older_than_the_retention_horizon_is_expired(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        create_event(app, &w.editor_a, "Long ago", "PUBLIC").await;
        let cursor = page(app, None, None, 10, json!(null)).await["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
        // Nothing is old enough for 90 days.
        assert_eq!(service::changes::prune(&app.db.connection, chrono::Duration::days(90)).await.unwrap(), 0);
        assert!(entries(&page(app, None, Some(&cursor), 10, json!(null)).await).is_empty());
        // Everything is for none.
        create_event(app, &w.editor_a, "Later", "PUBLIC").await;
        assert_eq!(service::changes::prune(&app.db.connection, chrono::Duration::zero()).await.unwrap(), 2);
        let (_, body) = app.post_as(None, CHANGES, json!({ "after": cursor })).await;
        assert_eq!(error(&body).0, "CHANGES_EXPIRED", "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("re-read"));
        // Re-read from the start: the feed goes on from what is kept.
        let id = create_event(app, &w.editor_a, "After the horizon", "PUBLIC").await;
        assert_eq!(entries(&page(app, None, None, 10, json!(null)).await), vec![e(&id, "CREATE", 1)]);
    }
}

/// Now, as the API writes instants.
fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

on_both! {
    async fn lists_read_from_a_time_on_and_sort_by_the_last_change(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let editor = Some(w.editor_a.as_str());
        let pause = || tokio::time::sleep(std::time::Duration::from_millis(20));

        // Events: created A, created B, then A changed.
        let since = now();
        pause().await;
        let a = create_event(app, &w.editor_a, "Since A", "PUBLIC").await;
        pause().await;
        let b = create_event(app, &w.editor_a, "Since B", "PUBLIC").await;
        pause().await;
        app.data_as(editor, UPDATE_EVENT, json!({ "i": { "id": a, "expectedVersion": 1, "theme": "changed" } })).await;
        let events = "query($f: EventFilter, $o: EventOrder) { events(filter: $f, orderBy: $o) { totalCount nodes { id updatedAt } } }";
        let ids = |data: &Value| crate::helpers::nodes(&data["events"], "id");
        let asc = app.data_as(None, events, json!({ "f": { "updatedSince": since }, "o": { "field": "UPDATED_AT" } })).await;
        assert_eq!(ids(&asc), vec![b.clone(), a.clone()], "fixture events are older and left out");
        assert_eq!(asc["events"]["totalCount"], 2);
        let desc = app.data_as(None, events, json!({ "f": { "updatedSince": since }, "o": { "field": "UPDATED_AT", "direction": "DESC" } })).await;
        assert_eq!(ids(&desc), vec![a.clone(), b.clone()]);
        // Inclusive: from A's last change on, A alone.
        let last = asc["events"]["nodes"][1]["updatedAt"].clone();
        let from_last = app.data_as(None, events, json!({ "f": { "updatedSince": last } })).await;
        assert_eq!(ids(&from_last), vec![a.clone()]);
        // Visibility first: a private event changed since is not the public's.
        create_event(app, &w.editor_a, "Since, private", "PRIVATE").await;
        assert_eq!(app.data_as(None, events, json!({ "f": { "updatedSince": since } })).await["events"]["totalCount"], 2);
        // A malformed instant is refused when the document is validated.
        let (_, body) = app.post_as(None, events, json!({ "f": { "updatedSince": "yesterday" } })).await;
        assert_eq!(error(&body), ("BAD_USER_INPUT".to_owned(), Some("filter.updatedSince".to_owned())), "{body}");

        // Sources (registry): the same on another list.
        let since = now();
        pause().await;
        let create = "mutation($i: CreateSourceInput!) { createSource(input: $i) { source { id } } }";
        let s1 = app.data_as(editor, create, json!({ "i": { "title": "Since source one" } })).await["createSource"]["source"]["id"].clone();
        pause().await;
        let s2 = app.data_as(editor, create, json!({ "i": { "title": "Since source two" } })).await["createSource"]["source"]["id"].clone();
        pause().await;
        app.data_as(editor, "mutation($i: UpdateSourceInput!) { updateSource(input: $i) { source { id } } }",
            json!({ "i": { "id": s1, "expectedVersion": 1, "publisher": "Changed" } })).await;
        let sources = "query($f: SourceFilter, $o: SourceOrder) { sources(filter: $f, orderBy: $o) { nodes { id } } }";
        let listed = app.data_as(None, sources, json!({ "f": { "updatedSince": since }, "o": { "field": "UPDATED_AT" } })).await;
        assert_eq!(crate::helpers::nodes(&listed["sources"], "id"), vec![s2.as_str().unwrap(), s1.as_str().unwrap()]);
        let later = app.data_as(None, sources, json!({ "f": { "updatedSince": now() } })).await;
        assert!(crate::helpers::nodes(&later["sources"], "id").is_empty());
    }
}

on_both! {
    async fn a_merge_has_an_entry_for_the_survivor_and_for_the_duplicate(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let survivor = crate::helpers::gid("Organisation", app.organisation("Harbour Institute").await);
        let duplicate = crate::helpers::gid("Organisation", app.organisation("Werkstatt GmbH").await);
        app.data_as(Some(&w.coordinator),
            "mutation($i: MergeOrganisationsInput!) { mergeOrganisations(input: $i) { organisation { id } } }",
            json!({ "i": { "survivor": survivor, "duplicate": duplicate } })).await;
        // The registry is public: anonymous readers hear of both; the duplicate's id now
        // reads as the survivor (links keep working), so its entry's record is the survivor.
        let q = r#"{ changes(types: [ORGANISATION]) { nodes { recordId operation removed
            record { ... on Organisation { id archivedAt } } } } }"#;
        let feed = app.data_as(None, q, json!({})).await["changes"]["nodes"].clone();
        let feed = feed.as_array().unwrap();
        assert_eq!(feed.len(), 2, "{feed:?}");
        assert_eq!((feed[0]["recordId"].as_str().unwrap(), feed[0]["operation"].as_str().unwrap()), (survivor.as_str(), "MERGE"));
        assert_eq!(feed[0]["record"]["archivedAt"], Value::Null);
        assert_eq!((feed[1]["recordId"].as_str().unwrap(), feed[1]["operation"].as_str().unwrap()), (duplicate.as_str(), "MERGE"));
        assert_eq!(feed[1]["record"]["id"].as_str(), Some(survivor.as_str()), "{feed:?}");
        assert_eq!(feed[1]["removed"], false);
    }
}
