//! Crash safety, measured: the real `concord` binary is SIGKILLed in the middle of
//! concurrent creates, several times, and restarted on the same database. Every create
//! it acknowledged must be there exactly once; a create it did not acknowledge, sent
//! again with its idempotency key, must leave exactly one record; an acknowledged one,
//! sent again, must answer the same id. And one key sent by many clients at once
//! creates one record, whose id every one of them gets.
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::helpers::{Backend, FreshDatabase, ServeProcess, key, on_both, run_concord, world};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

const CREATE_EVENT: &str =
    "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id title } } }";

/// A create whose title and idempotency key are both `title`, so that the records a
/// key made can be counted by title. Its outcomes make the transaction several
/// statements long, so that a kill can fall inside it.
fn event_input(title: &str) -> Value {
    json!({
        "kind": "MEETING", "status": "PLANNED", "format": "ONLINE",
        "title": title, "startDate": "2026-01-01",
        "outcomes": [{ "description": "minutes" }, { "description": "a joint call" }, { "description": "a visit" }],
        "idempotencyKey": title,
    })
}

/// What a create answered: the new event's global id, or `None` when no answer came
/// (the server died before or while handling it). An answer other than an event is
/// a failure of the test: nothing but a kill should stop a create.
async fn create(client: &reqwest::Client, base: &str, token: &str, title: &str) -> Option<String> {
    let response = client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": CREATE_EVENT, "variables": { "i": event_input(title) } }))
        .send()
        .await
        .ok()?;
    let status = response.status();
    let body: Value = response.json().await.ok()?;
    assert!(
        status.is_success() && body.get("errors").is_none(),
        "create {title}: {status} {body}"
    );
    assert_eq!(body["data"]["createEvent"]["event"]["title"], title);
    Some(
        body["data"]["createEvent"]["event"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
    )
}

/// One create a client sent: its title (also its key), and the id if it was answered.
struct Sent {
    title: String,
    answer: Option<String>,
}

/// A client creating events one after another until the server stops answering;
/// `answered` counts the answers of all clients.
async fn writer(
    base: String,
    token: String,
    round: usize,
    client: usize,
    answered: Arc<AtomicUsize>,
) -> Vec<Sent> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let mut sent = Vec::new();
    for n in 0.. {
        let title = format!("crash r{round} c{client} n{n}");
        let answer = create(&http, &base, &token, &title).await;
        let done = answer.is_none();
        if !done {
            answered.fetch_add(1, Ordering::Relaxed);
        }
        sent.push(Sent { title, answer });
        if done {
            break;
        }
    }
    sent
}

/// The ids of the events with each title, read from the database itself.
async fn events_by_title(url: &str) -> HashMap<String, Vec<i64>> {
    let db = service::connect(url).await.unwrap();
    let rows = db
        .connection
        .query_all_raw(sea_orm::Statement::from_string(
            db.connection.get_database_backend(),
            "SELECT id, title FROM event",
        ))
        .await
        .unwrap();
    let mut by_title: HashMap<String, Vec<i64>> = HashMap::new();
    for row in rows {
        let id: i64 = row.try_get_by_index(0).unwrap();
        let title: String = row.try_get_by_index(1).unwrap();
        by_title.entry(title).or_default().push(id);
    }
    db.connection.close().await.unwrap();
    by_title
}

/// The journal mode and `synchronous` level (2 is FULL) of a connection the server's
/// own `connect` opens.
async fn sqlite_pragmas(url: &str) -> (String, i64) {
    let db = service::connect(url).await.unwrap();
    let one = |sql: &str| {
        let statement =
            sea_orm::Statement::from_string(sea_orm::DatabaseBackend::Sqlite, sql.to_owned());
        let connection = db.connection.clone();
        async move { connection.query_one_raw(statement).await.unwrap().unwrap() }
    };
    let mode: String = one("PRAGMA journal_mode")
        .await
        .try_get_by_index(0)
        .unwrap();
    let level: i64 = one("PRAGMA synchronous").await.try_get_by_index(0).unwrap();
    db.connection.close().await.unwrap();
    (mode, level)
}

const KILLS: usize = 5;
const CLIENTS: usize = 8;

on_both! {
    async fn acknowledged_creates_survive_sigkill_exactly_once(backend: Backend) {
        let database = FreshDatabase::create(backend).await;
        let url = database.url.clone();
        run_concord(&url, &["migrate"]);
        let coordinator = run_concord(&url, &["token", "create", "--coordinator"]);
        let server = ServeProcess::start(&url);
        let http = reqwest::Client::new();
        let made: Value = http
            .post(format!("{}/graphql", server.base))
            .bearer_auth(&coordinator)
            .json(&json!({
                "query": "mutation { createOrganisation(input: { kind: UNIVERSITY, nameEn: \"Crash University\" }) { organisation { id } } }"
            }))
            .send().await.unwrap().json().await.unwrap();
        let organisation = made["data"]["createOrganisation"]["organisation"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{made}"))
            .to_owned();
        // Tokens go to consortium members only.
        let joined: Value = http
            .post(format!("{}/graphql", server.base))
            .bearer_auth(&coordinator)
            .json(&json!({
                "query": "mutation { createConsortium(input: { nameEn: \"Crash Consortium\" }) { consortium { id } } }"
            }))
            .send().await.unwrap().json().await.unwrap();
        let consortium = joined["data"]["createConsortium"]["consortium"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{joined}"))
            .to_owned();
        let joined: Value = http
            .post(format!("{}/graphql", server.base))
            .bearer_auth(&coordinator)
            .json(&json!({
                "query": "mutation($c: ID!, $o: ID!) { addConsortiumMember(input: { id: $c, expectedVersion: 1, organisation: $o }) { consortium { id } } }",
                "variables": { "c": consortium, "o": organisation }
            }))
            .send().await.unwrap().json().await.unwrap();
        assert!(joined.get("errors").is_none(), "{joined}");
        let editor = run_concord(&url, &["token", "create", "--org", &organisation, "--role", "editor"]);
        if let Backend::Sqlite = backend {
            assert_eq!(sqlite_pragmas(&url).await, ("wal".to_owned(), 2), "WAL with synchronous = FULL");
        }

        // Rounds: clients write, the server is killed after 0.5 to 1 s, and restarted.
        let mut server = Some(server);
        let mut sent: Vec<Sent> = Vec::new();
        for round in 0..KILLS {
            let running = server.take().unwrap_or_else(|| ServeProcess::start(&url));
            let answered = Arc::new(AtomicUsize::new(0));
            let clients: Vec<_> = (0..CLIENTS)
                .map(|c| tokio::spawn(writer(running.base.clone(), editor.clone(), round, c, answered.clone())))
                .collect();
            // The clock starts at the first answer: a new process on a busy machine may
            // take a while to open its pool. The kill then falls at different points.
            let started = std::time::Instant::now();
            while answered.load(Ordering::Relaxed) == 0 {
                assert!(started.elapsed() < Duration::from_secs(120), "round {round}: no answer");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            tokio::time::sleep(Duration::from_millis(500 + (round as u64 * 131) % 500)).await;
            running.kill();
            let before = sent.len();
            for client in clients {
                sent.extend(client.await.unwrap());
            }
            let answered = sent[before..].iter().filter(|s| s.answer.is_some()).count();
            assert!(answered > 0, "round {round}: no create was answered before the kill");
        }

        // The database as the kills left it, read before anything is resent.
        let after_kills = events_by_title(&url).await;
        let acknowledged: Vec<&Sent> = sent.iter().filter(|s| s.answer.is_some()).collect();
        let unanswered: Vec<&Sent> = sent.iter().filter(|s| s.answer.is_none()).collect();
        let mut lost = 0;
        let mut duplicated = 0;
        for s in &acknowledged {
            match after_kills.get(&s.title).map(Vec::as_slice) {
                Some([id]) => assert_eq!(*id, key(s.answer.as_ref().unwrap()), "{}", s.title),
                Some(_) => duplicated += 1,
                None => lost += 1,
            }
        }
        // Whatever was committed without an answer is there once, not twice.
        let committed_unanswered = unanswered
            .iter()
            .filter(|s| after_kills.contains_key(&s.title))
            .count();
        duplicated += unanswered
            .iter()
            .filter(|s| after_kills.get(&s.title).is_some_and(|ids| ids.len() > 1))
            .count();
        let titles: std::collections::HashSet<&str> = sent.iter().map(|s| s.title.as_str()).collect();
        let strays = after_kills.keys().filter(|t| !titles.contains(t.as_str())).count();

        // Resend every unanswered create, then every acknowledged one, with their keys.
        let last = ServeProcess::start(&url);
        let mut resent_changed_id = 0;
        for s in &unanswered {
            let id = create(&http, &last.base, &editor, &s.title).await.expect("the server answers");
            if let Some([earlier]) = after_kills.get(&s.title).map(Vec::as_slice)
                && *earlier != key(&id)
            {
                resent_changed_id += 1;
            }
        }
        for s in &acknowledged {
            let id = create(&http, &last.base, &editor, &s.title).await.expect("the server answers");
            if Some(&id) != s.answer.as_ref() {
                resent_changed_id += 1;
            }
        }
        // Each acknowledged id still reads back as its record, over the API.
        let ids: Vec<&str> = acknowledged.iter().map(|s| s.answer.as_deref().unwrap()).collect();
        for chunk in ids.chunks(50) {
            let read: Value = http
                .post(format!("{}/graphql", last.base))
                .bearer_auth(&editor)
                .json(&json!({
                    "query": "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Event { title } } }",
                    "variables": { "ids": chunk },
                }))
                .send().await.unwrap().json().await.unwrap();
            let nodes = read["data"]["nodes"].as_array().unwrap_or_else(|| panic!("{read}"));
            for (id, node) in chunk.iter().zip(nodes) {
                assert_eq!(node["id"], *id, "{read}");
            }
        }
        let at_end = events_by_title(&url).await;
        let not_once = sent
            .iter()
            .filter(|s| at_end.get(&s.title).map_or(0, Vec::len) != 1)
            .count();
        drop(last);

        println!(
            "crash safety on {backend:?}: kills {KILLS}, clients {CLIENTS}, acknowledged writes {}, \
             unacknowledged (in flight) resent {} (of which already committed {committed_unanswered}), \
             lost: {lost}, duplicated: {duplicated}, resends answering another id: {resent_changed_id}, \
             records not present exactly once at the end: {not_once}, stray records: {strays}",
            acknowledged.len(),
            unanswered.len(),
        );
        assert!(unanswered.len() >= KILLS, "every kill left at least one create unanswered");
        assert_eq!((lost, duplicated, resent_changed_id, not_once, strays), (0, 0, 0, 0, 0));
        assert_eq!(at_end.len(), sent.len());
    }

    async fn one_key_sent_at_once_creates_one_record(backend: Backend) {
        let w = world(backend).await;
        let app = std::sync::Arc::new(w.app);
        for attempt in 0..5 {
            let title = format!("same key {attempt}");
            let requests: Vec<_> = (0..10)
                .map(|_| {
                    let app = app.clone();
                    let editor = w.editor_a.clone();
                    let title = title.clone();
                    tokio::spawn(async move {
                        create(&app.client, &app.base, &editor, &title).await.unwrap()
                    })
                })
                .collect();
            let mut ids = Vec::new();
            for request in requests {
                ids.push(request.await.unwrap());
            }
            let rows = events_by_title(app.url()).await;
            let stored = rows.get(&title).cloned().unwrap_or_default();
            assert_eq!(stored.len(), 1, "{title}: {stored:?}");
            for id in &ids {
                assert_eq!(key(id), stored[0], "{title}: every request gets the first record's id");
            }
        }
    }
}
