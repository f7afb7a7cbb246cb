//! Webhooks: endpoints managed by member admins (URL rules, secrets shown once, audit
//! without them), deliveries signed with HMAC-SHA256 and verified here independently,
//! retried with backoff after failures, each attempt recorded, failed after the last
//! attempt and replayed; an endpoint gets only what its owner may read (a removal when
//! a record stops being readable); and across a graceful restart of the real binary,
//! then two instances on one database, every change arrives once, none twice.
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use service::entity::enums::Role;

use crate::helpers::{Backend, CATALOGUE, ServeProcess, TestApp, error, on_both};

const CREATE_ENDPOINT: &str = "mutation($i: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $i) { secret endpoint { id url version enabled types owner { nameEn } } } }";
const UPDATE_ENDPOINT: &str = "mutation($i: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(input: $i) { endpoint { id url version enabled types description } } }";
const ROTATE: &str = "mutation($i: WebhookEndpointVersionInput!) {
    rotateWebhookSecret(input: $i) { secret endpoint { version } } }";
const DELETE: &str = "mutation($i: WebhookEndpointVersionInput!) {
    deleteWebhookEndpoint(input: $i) { deletedId } }";
const REPLAY: &str = "mutation($i: ReplayWebhookDeliveryInput!) {
    replayWebhookDelivery(input: $i) { delivery { id status } } }";
const ENDPOINTS: &str = "{ webhookEndpoints { totalCount nodes { id url } } }";
const DELIVERIES: &str = "query($id: ID!, $first: Int) { node(id: $id) { ... on WebhookEndpoint {
    deliveries(first: $first) { totalCount nodes { id status attemptCount removed type recordId operation
        lastStatusCode payload attempts { number statusCode succeeded error sentBy } } } } } }";
const CREATE_EVENT: &str =
    "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id version } } }";
const UPDATE_EVENT: &str =
    "mutation($i: UpdateEventInput!) { updateEvent(input: $i) { event { version } } }";

/// The settings of an in-process app that accepts loopback endpoints.
fn loopback() -> concord::Settings {
    let mut settings = concord::Settings::default();
    settings.limits.webhook_urls.allow_http_loopback = true;
    settings
}

/// A sender with tiny waits, for tests.
fn quick_sender(max_attempts: u32) -> concord::webhooks::WebhookSettings {
    concord::webhooks::WebhookSettings {
        urls: service::webhooks::UrlPolicy {
            allow_http_loopback: true,
        },
        poll: Duration::from_millis(50),
        retry: service::webhooks::RetryPolicy {
            base: Duration::from_millis(100),
            max: Duration::from_millis(400),
            max_attempts,
        },
        timeout: Duration::from_secs(5),
        batch: 20,
    }
}

async fn create_event(app: &TestApp, token: &str, title: &str, visibility: &str) -> String {
    let input = json!({ "kind": "MEETING", "status": "PLANNED", "format": "ONLINE", "title": title,
        "startDate": "2025-03-01", "visibility": visibility });
    app.data_as(Some(token), CREATE_EVENT, json!({ "i": input }))
        .await["createEvent"]["event"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `serve`'s webhook arguments: loopback receivers, a poll every `poll_ms`, and
/// retries after 2 to 4 s.
fn sending(poll_ms: u64) -> Vec<String> {
    let poll = poll_ms.to_string();
    [
        "--webhooks-allow-http-loopback",
        "--webhooks-poll-ms",
        &poll,
        "--webhooks-retry-base-ms",
        "2000",
        "--webhooks-retry-max-ms",
        "4000",
        "--webhooks-max-attempts",
        "5",
        "--webhooks-timeout-ms",
        "5000",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Hit {
    delivery: String,
    attempt: u32,
    answered: u16,
    verified: bool,
    body: Value,
}

#[derive(Default)]
struct Inbox {
    /// Secrets a signature may be made with (old ones stay after a rotation test).
    secrets: Vec<String>,
    /// Each delivery's first this many requests are answered 500.
    fail_first: u32,
    /// Every request is answered 500 while set.
    failing: bool,
    hits: Vec<Hit>,
}

/// A webhook receiver on 127.0.0.1 that verifies every signature itself (HMAC-SHA256
/// over "<t>.<body>", `t` within five minutes) and answers 500 as told.
#[derive(Clone)]
struct Receiver {
    url: String,
    inbox: Arc<Mutex<Inbox>>,
}

impl Receiver {
    async fn start(fail_first: u32) -> Receiver {
        let inbox = Arc::new(Mutex::new(Inbox {
            fail_first,
            ..Default::default()
        }));
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(inbox.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver {
            url: format!("http://{addr}/hook"),
            inbox,
        }
    }

    fn trust(&self, secret: &str) {
        self.inbox.lock().unwrap().secrets.push(secret.to_owned());
    }

    fn hits(&self) -> Vec<Hit> {
        self.inbox.lock().unwrap().hits.clone()
    }

    /// The hits answered 2xx, by delivery id.
    fn delivered(&self) -> BTreeMap<String, Vec<Hit>> {
        let mut out: BTreeMap<String, Vec<Hit>> = BTreeMap::new();
        for hit in self.hits().into_iter().filter(|h| h.answered == 200) {
            out.entry(hit.delivery.clone()).or_default().push(hit);
        }
        out
    }

    /// Waits (up to a minute: the machine may be busy) until `done` holds.
    async fn until(&self, what: &str, done: impl Fn(&[Hit]) -> bool) {
        for _ in 0..1200 {
            if done(&self.hits()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("gave up waiting for {what}: {:#?}", self.hits());
    }
}

fn verify(secrets: &[String], headers: &HeaderMap, body: &[u8]) -> bool {
    let Some(header) = headers
        .get("concord-signature")
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = value.parse::<i64>().ok(),
            Some(("v1", value)) => v1 = hex::decode(value).ok(),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    if (chrono::Utc::now().timestamp() - t).abs() > 300 {
        return false;
    }
    secrets.iter().any(|secret| {
        let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.").as_bytes());
        mac.update(body);
        mac.verify_slice(&v1).is_ok()
    })
}

async fn receive(
    State(inbox): State<Arc<Mutex<Inbox>>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut inbox = inbox.lock().unwrap();
    let delivery = headers
        .get("concord-delivery")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let attempt = headers
        .get("concord-attempt")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let verified = verify(&inbox.secrets, &headers, &body);
    let before = inbox.hits.iter().filter(|h| h.delivery == delivery).count() as u32;
    let answered = if inbox.failing || before < inbox.fail_first || !verified {
        500
    } else {
        200
    };
    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    inbox.hits.push(Hit {
        delivery,
        attempt,
        answered,
        verified,
        body,
    });
    StatusCode::from_u16(answered).unwrap()
}

/// Registers an endpoint for `receiver` as `token` on the server at `base`; returns
/// its id.
async fn register(base: &str, token: &str, receiver: &Receiver, extra: Value) -> String {
    let mut input = json!({ "url": receiver.url, "description": "test receiver" });
    input
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let body: Value = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": CREATE_ENDPOINT, "variables": { "i": input } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    let created = &body["data"]["createWebhookEndpoint"];
    let secret = created["secret"].as_str().unwrap();
    assert!(
        secret.starts_with("whsec_") && secret.len() > 30,
        "{secret}"
    );
    receiver.trust(secret);
    created["endpoint"]["id"].as_str().unwrap().to_owned()
}

/// The endpoint's deliveries once `count` of them have been queued and none is pending
/// (the receiver may see a request before its outcome is recorded).
async fn settled(app: &TestApp, token: &str, endpoint: &str, count: usize) -> Vec<Value> {
    let mut deliveries = Vec::new();
    for _ in 0..1200 {
        let list = app
            .data_as(
                Some(token),
                DELIVERIES,
                json!({ "id": endpoint, "first": 100 }),
            )
            .await;
        deliveries = list["node"]["deliveries"]["nodes"]
            .as_array()
            .unwrap()
            .clone();
        if deliveries.len() >= count && deliveries.iter().all(|d| d["status"] != "PENDING") {
            return deliveries;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("gave up waiting for {count} settled deliveries: {deliveries:#?}");
}

/// The fewest statements the deliveries query took as `token` in three runs.
async fn statements(app: &TestApp, token: &str, variables: Value) -> u64 {
    let mut fewest = u64::MAX;
    for _ in 0..3 {
        let before = app.db.statements();
        app.data_as(Some(token), DELIVERIES, variables.clone())
            .await;
        fewest = fewest.min(app.db.statements() - before);
    }
    fewest
}

on_both! {
    async fn member_admins_manage_their_endpoints_and_urls_are_checked(backend: Backend) {
        let app = TestApp::with_fixture_and(backend, CATALOGUE, chrono_tz::UTC, loopback()).await;
        let alpha = app.organisation("Alpha Polytechnic").await;
        let beta = app.organisation("Beta University").await;
        let admin_a = app.token(Role::Admin, Some(alpha)).await;
        let editor_a = app.token(Role::Editor, Some(alpha)).await;
        let admin_b = app.token(Role::Admin, Some(beta)).await;
        let coordinator = app.token(Role::Coordinator, None).await;
        let create = |url: &str| json!({ "i": { "url": url, "types": ["EVENT", "AGREEMENT"] } });

        // Editors do not manage webhooks; anonymous callers even less.
        assert_eq!(app.outcome_as(Some(&editor_a), CREATE_ENDPOINT, create("https://hooks.example.org/a")).await, "FORBIDDEN");
        assert_eq!(app.outcome_as(None, CREATE_ENDPOINT, create("https://hooks.example.org/a")).await, "UNAUTHENTICATED");
        // URLs: https to a public host; http only to loopback (allowed here); never a
        // private address, nor credentials.
        for bad in ["http://hooks.example.org/a", "https://10.1.2.3/a", "https://169.254.169.254/latest",
                    "https://user:pw@hooks.example.org/", "ftp://hooks.example.org/", "not a url"] {
            let (_, body) = app.post_as(Some(&admin_a), CREATE_ENDPOINT, create(bad)).await;
            assert_eq!(error(&body), ("BAD_USER_INPUT".to_owned(), Some("input.url".to_owned())), "{bad}: {body}");
        }
        // The coordinator names the member; a member may not name another.
        let other = json!({ "i": { "url": "https://hooks.example.org/b", "owner": crate::helpers::gid("Organisation", beta) } });
        assert_eq!(app.outcome_as(Some(&admin_a), CREATE_ENDPOINT, other.clone()).await, "FORBIDDEN");
        let (_, body) = app.post_as(Some(&coordinator), CREATE_ENDPOINT, json!({ "i": { "url": "https://hooks.example.org/c" } })).await;
        assert_eq!(error(&body), ("BAD_USER_INPUT".to_owned(), Some("input.owner".to_owned())));
        let by_coordinator = app.data_as(Some(&coordinator), CREATE_ENDPOINT, other).await;
        assert_eq!(by_coordinator["createWebhookEndpoint"]["endpoint"]["owner"]["nameEn"], "Beta University");

        let created = app.data_as(Some(&admin_a), CREATE_ENDPOINT, create("https://Hooks.Example.org/a")).await;
        let created = &created["createWebhookEndpoint"];
        let id = created["endpoint"]["id"].as_str().unwrap().to_owned();
        let secret = created["secret"].as_str().unwrap().to_owned();
        assert_eq!(created["endpoint"]["url"], "https://hooks.example.org/a");
        assert_eq!(created["endpoint"]["types"], json!(["EVENT", "AGREEMENT"]));
        assert_eq!(created["endpoint"]["enabled"], true);
        let local = app.data_as(Some(&admin_a), CREATE_ENDPOINT, create("http://127.0.0.1:9/hook")).await;
        assert!(local["createWebhookEndpoint"]["endpoint"]["id"].is_string());

        // Who sees which: Alpha's admin its two, Beta's admin its one, an editor none,
        // the coordinator all; another member's endpoint is not found.
        let count = |data: Value| data["webhookEndpoints"]["totalCount"].as_i64().unwrap();
        assert_eq!(count(app.data_as(Some(&admin_a), ENDPOINTS, json!({})).await), 2);
        assert_eq!(count(app.data_as(Some(&admin_b), ENDPOINTS, json!({})).await), 1);
        assert_eq!(count(app.data_as(Some(&editor_a), ENDPOINTS, json!({})).await), 0);
        assert_eq!(count(app.data_as(Some(&coordinator), ENDPOINTS, json!({})).await), 3);
        let node = "query($id: ID!) { node(id: $id) { id } }";
        assert!(app.data_as(Some(&admin_b), node, json!({ "id": id })).await["node"].is_null());
        assert_eq!(app.data_as(Some(&admin_a), node, json!({ "id": id })).await["node"]["id"], id);
        let update = |v: i64, url: &str| json!({ "i": { "id": id, "expectedVersion": v, "url": url, "types": null, "description": "all kinds" } });
        assert_eq!(app.outcome_as(Some(&admin_b), UPDATE_ENDPOINT, update(1, "https://hooks.example.org/z")).await, "NOT_FOUND");

        // Update (a stale version is CONFLICT), rotate (a new secret, once), delete.
        let updated = app.data_as(Some(&admin_a), UPDATE_ENDPOINT, update(1, "https://hooks.example.org/new")).await;
        let endpoint = &updated["updateWebhookEndpoint"]["endpoint"];
        assert_eq!((endpoint["version"].as_i64(), endpoint["url"].as_str()), (Some(2), Some("https://hooks.example.org/new")));
        assert!(endpoint["types"].is_null(), "null types: every kind");
        assert_eq!(app.outcome_as(Some(&admin_a), UPDATE_ENDPOINT, update(1, "https://hooks.example.org/x")).await, "CONFLICT");
        let (_, body) = app.post_as(Some(&admin_a), UPDATE_ENDPOINT, update(2, "http://hooks.example.org/x")).await;
        assert_eq!(error(&body).1.as_deref(), Some("input.url"));
        let rotated = app.data_as(Some(&admin_a), ROTATE, json!({ "i": { "id": id, "expectedVersion": 2 } })).await;
        let new_secret = rotated["rotateWebhookSecret"]["secret"].as_str().unwrap();
        assert!(new_secret.starts_with("whsec_") && new_secret != secret);

        // The audit log has every write, and neither secret.
        let audit = app.data_as(Some(&admin_a), "{ auditLog(first: 50) { nodes { operation recordType after } } }", json!({})).await;
        let text = audit.to_string();
        for operation in ["createWebhookEndpoint", "updateWebhookEndpoint", "rotateWebhookSecret"] {
            assert!(text.contains(operation), "{operation}: {text}");
        }
        assert!(text.contains("WebhookEndpoint"));
        assert!(!text.contains(&secret) && !text.contains(new_secret), "no secret in the audit log");
        let editors = app.data_as(Some(&editor_a), "{ auditLog(first: 50) { nodes { operation recordType } } }", json!({})).await;
        assert!(!editors.to_string().contains("WebhookEndpoint"), "webhook audit entries are for admins");

        let deleted = app.data_as(Some(&admin_a), DELETE, json!({ "i": { "id": id, "expectedVersion": 3 } })).await;
        assert_eq!(deleted["deleteWebhookEndpoint"]["deletedId"], id);
        assert!(app.data_as(Some(&admin_a), node, json!({ "id": id })).await["node"].is_null());
        assert_eq!(count(app.data_as(Some(&admin_a), ENDPOINTS, json!({})).await), 1);
    }

    async fn an_endpoint_gets_only_what_its_owner_may_read(backend: Backend) {
        let app = TestApp::with_fixture_and(backend, CATALOGUE, chrono_tz::UTC, loopback()).await;
        let alpha = app.organisation("Alpha Polytechnic").await;
        let beta = app.organisation("Beta University").await;
        let bangkok = app.organisation("Bangkok Technical College").await;
        app.consortium_of_its_own(bangkok).await;
        let editor_a = app.token(Role::Editor, Some(alpha)).await;
        let receivers = [Receiver::start(0).await, Receiver::start(0).await, Receiver::start(0).await];
        let mut endpoints = Vec::new();
        for (org, receiver) in [alpha, beta, bangkok].into_iter().zip(&receivers) {
            let admin = app.token(Role::Admin, Some(org)).await;
            endpoints.push((admin.clone(), register(&app.base, &admin, receiver, json!({ "types": ["EVENT"] })).await));
        }
        let dispatcher = concord::webhooks::Dispatcher::spawn(app.db.clone(), quick_sender(5)).unwrap();

        let private = create_event(&app, &editor_a, "Private meeting", "PRIVATE").await;
        let shared = create_event(&app, &editor_a, "Consortium meeting", "CONSORTIUM").await;
        let public = create_event(&app, &editor_a, "Public meeting", "PUBLIC").await;
        dispatcher.wake();
        for (receiver, creates) in receivers.iter().zip([3, 2, 1]) {
            receiver.until("the creates", |hits| hits.len() >= creates).await;
        }
        // The public one becomes private: those who read it before are told to drop it.
        app.data_as(Some(&editor_a), UPDATE_EVENT, json!({ "i": { "id": public, "expectedVersion": 1, "visibility": "PRIVATE" } })).await;
        dispatcher.wake();

        let expected: [&[(&str, &str, bool)]; 3] = [
            &[(&private, "CREATE", false), (&shared, "CREATE", false), (&public, "CREATE", false), (&public, "UPDATE", false)],
            &[(&shared, "CREATE", false), (&public, "CREATE", false), (&public, "UPDATE", true)],
            &[(&public, "CREATE", false), (&public, "UPDATE", true)],
        ];
        for (receiver, expected) in receivers.iter().zip(expected) {
            receiver.until("every delivery", |hits| hits.len() >= expected.len()).await;
            let mut got: Vec<(String, String, bool)> = receiver.hits().iter().map(|h| {
                assert!(h.verified, "signature");
                let change = &h.body["change"];
                assert_eq!(change["type"], "EVENT");
                assert_eq!(change["removed"], h.body["record"].is_null());
                if !h.body["record"].is_null() {
                    assert_eq!(h.body["record"]["id"], change["recordId"]);
                    assert_eq!(h.body["record"]["__typename"], "Event");
                    assert_eq!(h.body["record"]["ownerId"], crate::helpers::gid("Organisation", alpha));
                }
                (change["recordId"].as_str().unwrap().to_owned(), change["operation"].as_str().unwrap().to_owned(), h.body["record"].is_null())
            }).collect();
            got.sort();
            let mut expected: Vec<(String, String, bool)> = expected.iter().map(|(i, o, r)| ((*i).to_owned(), (*o).to_owned(), *r)).collect();
            expected.sort();
            assert_eq!(got, expected);
            // Nobody else's private text reached it.
            let text = format!("{:?}", receiver.hits());
            assert_eq!(text.contains("Private meeting"), receiver.url == receivers[0].url);
        }
        // Replay: the same delivery id again, recorded as a further attempt.
        let (admin_a, endpoint_a) = &endpoints[0];
        let deliveries = settled(&app, admin_a, endpoint_a, 4).await;
        assert!(deliveries.iter().all(|d| d["status"] == "DELIVERED" && d["attemptCount"] == 1));
        let first = deliveries[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(deliveries[0]["payload"]["id"], first.as_str());
        // Another member's admin cannot replay it (not found), nor can an editor.
        assert_eq!(app.outcome_as(Some(&endpoints[1].0), REPLAY, json!({ "i": { "id": first } })).await, "NOT_FOUND");
        assert_eq!(app.outcome_as(Some(&editor_a), REPLAY, json!({ "i": { "id": first } })).await, "NOT_FOUND");
        let replayed = app.data_as(Some(admin_a), REPLAY, json!({ "i": { "id": first } })).await;
        assert_eq!(replayed["replayWebhookDelivery"]["delivery"]["status"], "PENDING");
        dispatcher.wake();
        receivers[0].until("the replay", |hits| hits.iter().filter(|h| h.delivery == first).count() == 2).await;
        let again: Vec<Hit> = receivers[0].hits().into_iter().filter(|h| h.delivery == first).collect();
        assert_eq!((again[0].attempt, again[1].attempt), (1, 2));
        assert_eq!(again[0].body, again[1].body, "the same body on every attempt");

        // Nested lists cost the same statements whatever the page size (counted with
        // the sender stopped: it shares the pool's counter).
        dispatcher.stop().await;
        let one = statements(&app, admin_a, json!({ "id": endpoint_a, "first": 1 })).await;
        let four = statements(&app, admin_a, json!({ "id": endpoint_a, "first": 4 })).await;
        assert_eq!(one, four);
        assert!(one >= 3, "the endpoint, its deliveries, their attempts: {one}");
    }

    async fn a_delivery_fails_after_its_last_attempt_and_can_be_replayed(backend: Backend) {
        let app = TestApp::with_fixture_and(backend, CATALOGUE, chrono_tz::UTC, loopback()).await;
        let alpha = app.organisation("Alpha Polytechnic").await;
        let admin = app.token(Role::Admin, Some(alpha)).await;
        let receiver = Receiver::start(0).await;
        receiver.inbox.lock().unwrap().failing = true;
        let endpoint = register(&app.base, &admin, &receiver, json!({})).await;
        let dispatcher = concord::webhooks::Dispatcher::spawn(app.db.clone(), quick_sender(3)).unwrap();
        create_event(&app, &admin, "Unlucky meeting", "PUBLIC").await;

        let deliveries = || async {
            app.data_as(Some(&admin), DELIVERIES, json!({ "id": endpoint })).await["node"]["deliveries"]["nodes"][0].clone()
        };
        let mut delivery = Value::Null;
        for _ in 0..1200 {
            delivery = deliveries().await;
            if delivery["status"] == "FAILED" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(delivery["status"], "FAILED", "{delivery:#}");
        assert_eq!(delivery["attemptCount"], 3);
        assert_eq!(delivery["lastStatusCode"], 500);
        let attempts: Vec<(i64, i64, bool)> = delivery["attempts"].as_array().unwrap().iter()
            .map(|a| (a["number"].as_i64().unwrap(), a["statusCode"].as_i64().unwrap(), a["succeeded"].as_bool().unwrap()))
            .collect();
        assert_eq!(attempts, vec![(1, 500, false), (2, 500, false), (3, 500, false)]);
        assert_eq!(delivery["attempts"][0]["error"], "HTTP 500 Internal Server Error");
        assert_eq!(receiver.hits().len(), 3, "no attempt after the last");

        receiver.inbox.lock().unwrap().failing = false;
        let id = delivery["id"].as_str().unwrap().to_owned();
        app.data_as(Some(&admin), REPLAY, json!({ "i": { "id": id } })).await;
        dispatcher.wake();
        receiver.until("the replayed delivery", |hits| hits.iter().any(|h| h.answered == 200)).await;
        for _ in 0..1200 {
            delivery = deliveries().await;
            if delivery["status"] == "DELIVERED" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(delivery["status"], "DELIVERED");
        assert_eq!(delivery["attemptCount"], 4);
        dispatcher.stop().await;
    }

    async fn a_committed_change_is_sent_without_waiting_for_the_poll(backend: Backend) {
        let app = TestApp::with_fixture(backend, CATALOGUE).await;
        let alpha = app.organisation("Alpha Polytechnic").await;
        let admin = app.token(Role::Admin, Some(alpha)).await;
        let receiver = Receiver::start(0).await;
        // The server polls once a minute; the change feed's hub wakes it instead. The
        // write goes through the server itself, as a frontend's would (on SQLite only
        // its own writes wake it before the hub's next read).
        let server = ServeProcess::with_args(app.url(), &sending(60_000));
        register(&server.base, &admin, &receiver, json!({ "types": ["EVENT"] })).await;
        let input = json!({ "kind": "MEETING", "status": "PLANNED", "format": "ONLINE",
            "title": "Woken meeting", "startDate": "2025-03-01", "visibility": "CONSORTIUM" });
        let started = std::time::Instant::now();
        let body: Value = reqwest::Client::new()
            .post(format!("{}/graphql", server.base))
            .bearer_auth(&admin)
            .json(&json!({ "query": CREATE_EVENT, "variables": { "i": input } }))
            .send().await.unwrap().json().await.unwrap();
        assert!(body.get("errors").is_none(), "{body}");
        receiver.until("the delivery", |hits| hits.iter().any(|h| h.answered == 200)).await;
        assert!(started.elapsed() < Duration::from_secs(30), "sent before the next poll: {:?}", started.elapsed());
        server.stop();
    }

    async fn deliveries_are_neither_lost_nor_doubled_across_restarts(backend: Backend) {
        let app = TestApp::with_fixture(backend, CATALOGUE).await;
        let alpha = app.organisation("Alpha Polytechnic").await;
        let admin = app.token(Role::Admin, Some(alpha)).await;
        // Every delivery fails twice, then succeeds.
        let receiver = Receiver::start(2).await;

        // The real binary sends; the in-process app does not. Retries wait 1 to 4 s,
        // so the first server is stopped with every delivery still pending.
        let first = ServeProcess::with_args(app.url(), &sending(50));
        let endpoint = register(&first.base, &admin, &receiver, json!({ "types": ["EVENT"] })).await;
        let mut events = BTreeSet::new();
        for n in 0..4 {
            events.insert(create_event(&app, &admin, &format!("Restart meeting {n}"), "CONSORTIUM").await);
        }
        receiver.until("a first failed attempt", |hits| !hits.is_empty()).await;
        first.stop();
        let queued = app.data_as(Some(&admin), DELIVERIES, json!({ "id": endpoint, "first": 100 })).await;
        let queued = queued["node"]["deliveries"]["nodes"].as_array().unwrap().clone();
        assert!(!queued.is_empty() && queued.len() <= 4);
        assert!(queued.iter().all(|d| d["status"] == "PENDING"), "stopped mid-queue: {queued:#?}");
        // Written while no server runs: queued by the next ones.
        for n in 4..6 {
            events.insert(create_event(&app, &admin, &format!("Restart meeting {n}"), "CONSORTIUM").await);
        }

        // Two instances on the same database: each delivery is still sent by one.
        let second = ServeProcess::with_args(app.url(), &sending(50));
        let third = ServeProcess::with_args(app.url(), &sending(50));
        receiver.until("every delivery", |hits| {
            hits.iter().filter(|h| h.answered == 200).map(|h| h.delivery.clone()).collect::<BTreeSet<_>>().len() >= 6
        }).await;
        // A little longer, for any doubled send to show.
        tokio::time::sleep(Duration::from_millis(500)).await;
        second.stop();
        third.stop();

        let hits = receiver.hits();
        assert!(hits.iter().all(|h| h.verified), "every signature verifies");
        let delivered = receiver.delivered();
        assert_eq!(delivered.len(), 6, "one delivery per change");
        let mut sent_events = BTreeSet::new();
        for (id, ok) in &delivered {
            assert_eq!(ok.len(), 1, "{id} answered 2xx once");
            let mine: Vec<(u32, u16)> = hits.iter().filter(|h| &h.delivery == id).map(|h| (h.attempt, h.answered)).collect();
            assert_eq!(mine, vec![(1, 500), (2, 500), (3, 200)], "{id}: two failures, then delivered");
            assert_eq!(ok[0].body["change"]["operation"], "CREATE");
            sent_events.insert(ok[0].body["change"]["recordId"].as_str().unwrap().to_owned());
        }
        assert_eq!(sent_events, events, "every change, none lost");

        let list = settled(&app, &admin, &endpoint, 6).await;
        assert_eq!(list.len(), 6);
        let mut senders = BTreeSet::new();
        for delivery in &list {
            assert_eq!(delivery["status"], "DELIVERED");
            assert_eq!(delivery["attemptCount"], 3);
            let codes: Vec<i64> = delivery["attempts"].as_array().unwrap().iter().map(|a| a["statusCode"].as_i64().unwrap()).collect();
            assert_eq!(codes, vec![500, 500, 200]);
            senders.extend(delivery["attempts"].as_array().unwrap().iter().map(|a| a["sentBy"].as_str().unwrap().to_owned()));
        }
        assert!(senders.len() >= 2, "attempts before and after the restart: {senders:?}");
    }
}
