//! Keyset cursors: a page continues right after the row its cursor came from, whatever
//! was inserted or archived since; every order pages to the whole list, backward as
//! forward; a cursor only pages the list and order it came from, and says nothing about
//! rows the caller may not read.
use std::collections::HashSet;

use crate::helpers::{Backend, TestApp, gid, on_both};
use serde_json::{Value, json};
use service::entity::enums::Role;

/// Events and agreements with many ties in every sort key (start dates, titles, creation
/// times, signing dates with nulls among them), all hosted by one organisation, a few
/// private to their owner.
fn tied(events: usize) -> String {
    let organisations = json!([
        { "key": "owner", "kind": "UNIVERSITY", "nameEn": "Owner University", "country": "CN" },
        { "key": "host", "kind": "UNIVERSITY", "nameEn": "Host University", "country": "DE" },
        { "key": "other", "kind": "UNIVERSITY", "nameEn": "Other University", "country": "BG" }
    ]);
    let event_list: Vec<Value> = (0..events)
        .map(|i| {
            json!({
                "key": format!("e{i}"), "owner": "owner", "kind": "MEETING", "status": "HELD", "format": "ONSITE",
                "title": format!("Meeting {}", i % 4), "startDate": format!("2024-0{}-01", 1 + i % 3),
                "country": "DE", "visibility": if i % 7 == 3 { "PRIVATE" } else { "PUBLIC" },
                "organisations": [{ "org": if i % 5 == 4 { "other" } else { "host" }, "role": "HOST" }]
            })
        })
        .collect();
    let agreements: Vec<Value> = (0..events)
        .map(|i| {
            let signed = match i % 3 {
                0 => Value::Null,
                1 => json!("2024-03-01"),
                _ => json!("2023-03-01"),
            };
            json!({
                "key": format!("a{i}"), "owner": "owner", "kind": "MOU", "status": "IN_EFFECT",
                "title": format!("MoU {}", i % 2), "signedOn": signed, "fields": [],
                "parties": [{ "org": "host", "role": "PARTY" }], "people": []
            })
        })
        .collect();
    // Each member in a consortium of its own (tokens go to members only), sharing nothing.
    let consortia = json!([
        { "key": "c1", "nameEn": "Owner's consortium", "members": [{ "org": "owner", "from": "2020-01-01" }] },
        { "key": "c2", "nameEn": "Other's consortium", "members": [{ "org": "other", "from": "2020-01-01" }] }
    ]);
    json!({ "organisations": organisations, "consortia": consortia, "events": event_list, "agreements": agreements })
        .to_string()
}

/// One page: (ids, cursors, pageInfo).
struct Page {
    ids: Vec<String>,
    cursors: Vec<String>,
    info: Value,
}

fn page_of(connection: &Value) -> Page {
    let edges = connection["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("not a connection: {connection}"));
    Page {
        ids: edges
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
            .collect(),
        cursors: edges
            .iter()
            .map(|e| e["cursor"].as_str().unwrap().to_owned())
            .collect(),
        info: connection["pageInfo"].clone(),
    }
}

const SHAPE: &str = "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } }";

/// A page of the root list `list` with `order` (an `orderBy` literal or ""), and `args`.
async fn root(app: &TestApp, token: Option<&str>, list: &str, order: &str, args: &str) -> Page {
    let order = if order.is_empty() {
        String::new()
    } else {
        format!("orderBy: {order}, ")
    };
    let query = format!("{{ {list}({order}{args}) {{ {SHAPE} }} }}");
    page_of(&app.data_as(token, &query, json!({})).await[list])
}

/// A page of the host's nested `list`.
async fn nested(app: &TestApp, token: Option<&str>, list: &str, args: &str) -> Page {
    let query = format!(
        r#"{{ organisations(filter: {{ search: "Host University" }}) {{ nodes {{ {list}({args}) {{ {SHAPE} }} }} }} }}"#
    );
    page_of(&app.data_as(token, &query, json!({})).await["organisations"]["nodes"][0][list])
}

fn quoted(cursor: &str) -> String {
    format!("\"{cursor}\"")
}

/// Pages forward by `size` until the end, running `between` after each page but the last.
async fn forward<F>(
    fetch: &F,
    size: usize,
    mut between: impl AsyncFnMut(usize, &Page),
) -> Vec<String>
where
    F: AsyncFn(String) -> Page,
{
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    for n in 0.. {
        let args = match &after {
            None => format!("first: {size}"),
            Some(c) => format!("first: {size}, after: {}", quoted(c)),
        };
        let page = fetch(args).await;
        assert_eq!(
            page.info["hasPreviousPage"],
            after.is_some(),
            "{:?}",
            page.info
        );
        seen.extend(page.ids.clone());
        if page.info["hasNextPage"] == false {
            break;
        }
        after = Some(page.info["endCursor"].as_str().unwrap().to_owned());
        between(n, &page).await;
        assert!(n < 200, "paging does not end");
    }
    seen
}

/// Pages backward by `size` from the end, and returns the items in the list's order.
async fn backward<F>(fetch: &F, size: usize) -> Vec<String>
where
    F: AsyncFn(String) -> Page,
{
    let mut pages = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let args = match &before {
            None => format!("last: {size}"),
            Some(c) => format!("last: {size}, before: {}", quoted(c)),
        };
        let page = fetch(args).await;
        assert_eq!(
            page.info["hasNextPage"],
            before.is_some(),
            "{:?}",
            page.info
        );
        let more = page.info["hasPreviousPage"] == true;
        before = page.info["startCursor"].as_str().map(str::to_owned);
        pages.push(page.ids);
        if !more {
            break;
        }
        assert!(pages.len() < 200, "paging does not end");
    }
    pages.into_iter().rev().flatten().collect()
}

fn assert_unique(ids: &[String]) {
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "a record came twice: {ids:?}");
}

async fn create_event(app: &TestApp, token: &str, owner: i64, title: &str, date: &str) -> String {
    let made = app
        .data_as(
            Some(token),
            "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id } } }",
            json!({ "i": { "owner": gid("Organisation", owner), "visibility": "PUBLIC", "kind": "MEETING",
                           "status": "HELD", "format": "ONSITE", "title": title, "startDate": date } }),
        )
        .await;
    made["createEvent"]["event"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn archive_event(app: &TestApp, token: &str, id: &str) {
    let q = "query($id: ID!) { node(id: $id) { ... on Event { version } } }";
    let version = app.data_as(Some(token), q, json!({ "id": id })).await["node"]["version"].clone();
    let archived = app
        .data_as(
            Some(token),
            "mutation($i: ArchiveEventInput!) { archiveEvent(input: $i) { event { archivedAt } } }",
            json!({ "i": { "id": id, "expectedVersion": version } }),
        )
        .await;
    assert!(
        archived["archiveEvent"]["event"]["archivedAt"].is_string(),
        "{archived}"
    );
}

on_both! {
    async fn inserts_between_pages_are_neither_repeated_nor_make_a_record_skip(backend: Backend) {
        let app = TestApp::with_fixture(backend, &tied(24)).await;
        let owner = app.organisation("Owner University").await;
        let editor = app.token(Role::Editor, Some(owner)).await;
        let fetch = async |args: String| root(&app, Some(&editor), "events", "{ field: START_DATE, direction: ASC }", &args).await;
        let before = root(&app, Some(&editor), "events", "{ field: START_DATE, direction: ASC }", "first: 100").await.ids;
        assert_eq!(before.len(), 24);
        let mut early = Vec::new();
        let mut late = Vec::new();
        // After each page, one event sorted before every cursor (an offset would show
        // the last item again) and one after (an offset would be fine; it must appear).
        let seen = forward(&fetch, 5, async |n, _| {
            early.push(create_event(&app, &editor, owner, &format!("Early {n}"), "2020-01-01").await);
            late.push(create_event(&app, &editor, owner, &format!("Late {n}"), "2025-01-01").await);
        })
        .await;
        assert_unique(&seen);
        let mut expected = before.clone();
        expected.extend(late.iter().cloned());
        assert_eq!(seen, expected, "every record at or after the cursor, each once");
        assert!(early.iter().all(|e| !seen.contains(e)), "records inserted before the cursor are not on later pages");
        // The list now holds them all, in order.
        let now = root(&app, Some(&editor), "events", "{ field: START_DATE, direction: ASC }", "first: 100").await.ids;
        assert_eq!(now.len(), 24 + early.len() + late.len());
        assert_eq!(&now[..early.len()], &early[..]);
    }

    async fn archives_between_pages_make_no_record_skip(backend: Backend) {
        let app = TestApp::with_fixture(backend, &tied(24)).await;
        let owner = app.organisation("Owner University").await;
        let editor = app.token(Role::Editor, Some(owner)).await;
        for order in ["{ field: START_DATE, direction: DESC }", "{ field: TITLE }"] {
            let all = root(&app, Some(&editor), "events", order, "first: 100").await.ids;
            let fetch = async |args: String| root(&app, Some(&editor), "events", order, &args).await;
            let mut archived = Vec::new();
            let mut unseen = Vec::new();
            let seen = forward(&fetch, 4, async |n, page: &Page| {
                // The cursor's own row, and one far ahead not shown yet.
                let shown = page.ids.last().unwrap().clone();
                archive_event(&app, &editor, &shown).await;
                let ahead = all[all.len() - 1 - n].clone();
                archive_event(&app, &editor, &ahead).await;
                archived.extend([shown, ahead.clone()]);
                unseen.push(ahead);
            })
            .await;
            assert_unique(&seen);
            let live: Vec<String> = all.iter().filter(|id| !unseen.contains(*id)).cloned().collect();
            assert_eq!(seen, live, "no live record skipped ({order})");
            // Restore for the next order.
            for id in &archived {
                let q = "query($id: ID!) { node(id: $id) { ... on Event { version } } }";
                let version = app.data_as(Some(&editor), q, json!({ "id": id })).await["node"]["version"].clone();
                app.data_as(Some(&editor), "mutation($i: RestoreEventInput!) { restoreEvent(input: $i) { event { id } } }",
                    json!({ "i": { "id": id, "expectedVersion": version } })).await;
            }
        }
    }

    async fn every_order_pages_the_whole_list_forward_and_backward(backend: Backend) {
        let app = TestApp::with_fixture(backend, &tied(23)).await;
        let owner = app.organisation("Owner University").await;
        let editor = app.token(Role::Editor, Some(owner)).await;
        let lists = [
            ("events", ["START_DATE", "TITLE", "CREATED_AT"]),
            ("agreements", ["SIGNED_ON", "TITLE", "CREATED_AT"]),
        ];
        for (list, fields) in lists {
            for field in fields {
                for direction in ["ASC", "DESC"] {
                    let order = format!("{{ field: {field}, direction: {direction} }}");
                    let whole = root(&app, Some(&editor), list, &order, "first: 100").await;
                    assert_eq!(whole.ids.len(), 23);
                    assert_unique(&whole.ids);
                    for size in [1, 4, 7] {
                        let fetch = async |args: String| root(&app, Some(&editor), list, &order, &args).await;
                        let ahead = forward(&fetch, size, async |_, _| {}).await;
                        assert_eq!(ahead, whole.ids, "{list} by {order} in pages of {size}");
                        let back = backward(&fetch, size).await;
                        assert_eq!(back, whole.ids, "{list} by {order} backward in pages of {size}");
                    }
                    // Between two cursors, from either end.
                    let (from, to) = (&whole.cursors[3], &whole.cursors[9]);
                    let between = format!("after: {}, before: {}", quoted(from), quoted(to));
                    let first = root(&app, Some(&editor), list, &order, &format!("first: 3, {between}")).await;
                    assert_eq!(first.ids, whole.ids[4..7]);
                    let last = root(&app, Some(&editor), list, &order, &format!("last: 3, {between}")).await;
                    assert_eq!(last.ids, whole.ids[6..9]);
                    assert_eq!(last.cursors, whole.cursors[6..9]);
                }
            }
        }
        // Nested lists: events by start date (latest first), agreements by signing date
        // with nulls; `last` without `before` works there as on root lists.
        for list in ["events", "agreements"] {
            let whole = nested(&app, Some(&editor), list, "first: 100").await;
            assert!(whole.ids.len() >= 18, "{list}: {}", whole.ids.len());
            let fetch = async |args: String| nested(&app, Some(&editor), list, &args).await;
            for size in [1, 3, 5] {
                assert_eq!(forward(&fetch, size, async |_, _| {}).await, whole.ids, "nested {list} in pages of {size}");
                assert_eq!(backward(&fetch, size).await, whole.ids, "nested {list} backward in pages of {size}");
            }
            let tail = nested(&app, Some(&editor), list, "last: 2").await;
            assert_eq!(tail.ids, whole.ids[whole.ids.len() - 2..]);
            assert_eq!(tail.info["hasPreviousPage"], true);
        }
    }

    async fn cursors_of_other_lists_orders_and_versions_are_refused(backend: Backend) {
        let app = TestApp::with_fixture(backend, &tied(10)).await;
        let events = root(&app, None, "events", "", "first: 2").await;
        let by_title = root(&app, None, "events", "{ field: TITLE }", "first: 2").await;
        let descending = root(&app, None, "events", "{ field: START_DATE, direction: DESC }", "first: 2").await;
        let agreements = root(&app, None, "agreements", "", "first: 2").await;
        let hosted = nested(&app, None, "events", "first: 2").await;
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mine = String::from_utf8(b64.decode(&events.cursors[0]).unwrap()).unwrap();
        assert!(mine.starts_with("cc2:"), "{mine}");
        // The same cursor with its id made a text: the tag is right, the keys are not.
        let (head, _) = mine.rsplit_once(',').unwrap();
        let forged = b64.encode(format!("{head},{{\"s\":\"x\"}}]"));
        let refused = [
            ("after", agreements.cursors[0].clone(), "events"),
            ("after", by_title.cursors[0].clone(), "events"),
            ("before", descending.cursors[0].clone(), "events"),
            ("after", hosted.cursors[0].clone(), "events"),
            ("after", events.cursors[0].clone(), "nested"),
            ("before", b64.encode("cc1:5"), "events"),
            ("after", b64.encode("cc1:5"), "nested"),
            ("after", forged, "events"),
            ("after", "bm90IGEgY3Vyc29y".into(), "events"),
            ("before", "%%%".into(), "nested"),
        ];
        for (field, cursor, place) in refused {
            let size = if field == "after" { "first" } else { "last" };
            let args = format!("{size}: 2, {field}: {}", quoted(&cursor));
            let query = match place {
                "events" => format!("{{ events(orderBy: {{ field: START_DATE }}, {args}) {{ totalCount }} }}"),
                _ => format!(r#"{{ organisations(filter: {{ search: "Host University" }}) {{ nodes {{ events({args}) {{ totalCount }} }} }} }}"#),
            };
            let body = app.post(&query, json!({})).await;
            let (code, at) = crate::helpers::error(&body);
            assert_eq!((code.as_str(), at.as_deref()), ("BAD_USER_INPUT", Some(field)), "{cursor} on {place}: {body}");
        }
        // The old offset format is named as such.
        let body = app.post(&format!("{{ events(after: {}) {{ totalCount }} }}", quoted(&b64.encode("cc1:5"))), json!({})).await;
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("offset cursor"), "{body}");
        // A nested cursor pages only its own parent's list.
        let other = r#"{ organisations(filter: { search: "Other University" }) { nodes { events(first: 2, after: "CURSOR") { totalCount } } } }"#;
        let (code, _) = app.error(&other.replace("CURSOR", &hosted.cursors[0]), json!({})).await;
        assert_eq!(code, "BAD_USER_INPUT");
    }

    async fn a_cursor_made_on_a_hidden_record_yields_only_what_the_caller_may_read(backend: Backend) {
        let app = TestApp::with_fixture(backend, &tied(21)).await;
        let owner = app.organisation("Owner University").await;
        let editor = app.token(Role::Editor, Some(owner)).await;
        let other = app.organisation("Other University").await;
        let stranger = app.token(Role::Editor, Some(other)).await;
        let order = "{ field: TITLE }";
        let all = root(&app, Some(&editor), "events", order, "first: 100").await;
        let public: Vec<String> = root(&app, None, "events", order, "first: 100").await.ids;
        assert!(public.len() < all.ids.len(), "the fixture hides some events");
        for (position, id) in all.ids.iter().enumerate() {
            if public.contains(id) {
                continue;
            }
            // The owner's cursor on its private event, used by others.
            let cursor = quoted(&all.cursors[position]);
            let expected: Vec<String> = all.ids[position + 1..].iter().filter(|id| public.contains(*id)).cloned().collect();
            for token in [None, Some(stranger.as_str())] {
                let page = root(&app, token, "events", order, &format!("first: 100, after: {cursor}")).await;
                assert_eq!(page.ids, expected, "after a hidden record, what follows it that the caller may read");
                let data = app.data_as(token, &format!("{{ events(orderBy: {order}, first: 1, after: {cursor}) {{ totalCount }} }}"), json!({})).await;
                assert_eq!(data["events"]["totalCount"], public.len(), "the count is the caller's");
                let back = root(&app, token, "events", order, &format!("last: 100, before: {cursor}")).await;
                let earlier: Vec<String> = all.ids[..position].iter().filter(|id| public.contains(*id)).cloned().collect();
                assert_eq!(back.ids, earlier);
            }
        }
    }

    async fn nested_pages_past_a_cursor_cost_the_same_at_any_size(backend: Backend) {
        let app = TestApp::with_fixture(backend, &tied(40)).await;
        let first = nested(&app, None, "events", "first: 2").await;
        let after = quoted(first.info["endCursor"].as_str().unwrap());
        let query = |n: usize, args: &str| format!(
            r#"{{ organisations(filter: {{ search: "Host University" }}) {{ nodes {{ events({args}) {{ totalCount edges {{ cursor node {{ title organisations {{ organisation {{ nameEn }} }} }} }} }} agreements(last: {n}) {{ totalCount nodes {{ title }} }} }} }} }}"#
        );
        for args in [format!("first: SIZE, after: {after}"), "last: SIZE".to_owned()] {
            let small = app.statements(&query(2, &args.replace("SIZE", "2")), json!({})).await;
            let large = app.statements(&query(20, &args.replace("SIZE", "20")), json!({})).await;
            assert!(small.abs_diff(large) <= 1, "{args}: {small} statements at 2, {large} at 20");
        }
    }
}
