//! Subscriptions (`recordChanged` over `graphql-transport-ws` at `/graphql`): each
//! subscriber hears of exactly the changes it may read at delivery (private records stop
//! flowing, public ones start), resumes from a cursor with nothing lost or repeated, is
//! cut off when its token is revoked; the protocol's close codes; the limits; and two
//! `concord serve` processes on one PostgreSQL database delivering each other's writes.
use std::time::Duration;

use crate::helpers::{
    Backend, FreshDatabase, ServeProcess, TestApp, World, on_both, shared, world,
};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use service::entity::enums::Role;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const CREATE_EVENT: &str =
    "mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id version } } }";
const UPDATE_EVENT: &str =
    "mutation($i: UpdateEventInput!) { updateEvent(input: $i) { event { version } } }";

const RECORD_CHANGED: &str = r#"subscription($filter: RecordChangedFilter, $after: String) {
    recordChanged(filter: $filter, after: $after) {
        cursor recordId type operation version removed
        record { id ... on Event { title visibility } } } }"#;

/// How long a test waits for a message it expects.
const PATIENCE: Duration = Duration::from_secs(20);

/// What the server sent.
#[derive(Debug)]
enum Frame {
    Text(Value),
    Close(u16, String),
}

/// A `graphql-transport-ws` client.
struct Socket {
    ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl Socket {
    /// Opens `/graphql` on `base` (http://…) offering the protocol.
    async fn open(base: &str) -> Socket {
        Self::open_with(base, Some("graphql-transport-ws"), None)
            .await
            .expect("the handshake succeeds")
    }

    /// Opens with the subprotocol and `Origin` given; the HTTP status of a refusal.
    async fn open_with(
        base: &str,
        protocol: Option<&str>,
        origin: Option<&str>,
    ) -> Result<Socket, u16> {
        let url = format!("{}/graphql", base.replacen("http://", "ws://", 1));
        let mut request = url.into_client_request().unwrap();
        if let Some(protocol) = protocol {
            request
                .headers_mut()
                .insert("sec-websocket-protocol", protocol.parse().unwrap());
        }
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("origin", origin.parse().unwrap());
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((ws, response)) => {
                if protocol.is_some() {
                    assert_eq!(
                        response.headers()["sec-websocket-protocol"],
                        "graphql-transport-ws"
                    );
                }
                Ok(Socket { ws })
            }
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                Err(response.status().as_u16())
            }
            Err(e) => panic!("handshake failed: {e}"),
        }
    }

    async fn send(&mut self, message: Value) {
        self.ws
            .send(Message::Text(message.to_string().into()))
            .await
            .unwrap();
    }

    /// The next text or close frame.
    async fn next(&mut self) -> Frame {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("the server answers in time");
            match message {
                Some(Ok(Message::Text(text))) => {
                    return Frame::Text(serde_json::from_str(text.as_str()).unwrap());
                }
                Some(Ok(Message::Close(frame))) => {
                    return match frame {
                        Some(f) => Frame::Close(f.code.into(), f.reason.to_string()),
                        None => Frame::Close(1005, String::new()),
                    };
                }
                Some(Ok(_)) => continue,
                Some(Err(e)) => panic!("the connection failed: {e}"),
                None => return Frame::Close(1006, String::new()),
            }
        }
    }

    /// The next message, which must be a text one.
    async fn message(&mut self) -> Value {
        match self.next().await {
            Frame::Text(v) => v,
            other => panic!("expected a message, got {other:?}"),
        }
    }

    /// The close frame the server ends with, after any messages before it.
    async fn closed(&mut self) -> (u16, String) {
        loop {
            if let Frame::Close(code, reason) = self.next().await {
                return (code, reason);
            }
        }
    }

    /// `connection_init` with `token` (if any); expects `connection_ack`.
    async fn init(&mut self, token: Option<&str>) {
        let payload = match token {
            Some(t) => json!({ "authorization": format!("Bearer {t}") }),
            None => json!({}),
        };
        self.send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        let ack = self.message().await;
        assert_eq!(ack["type"], "connection_ack", "{ack}");
    }

    async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({ "type": "subscribe", "id": id,
            "payload": { "query": query, "variables": variables } }))
            .await;
    }

    /// An initialised socket with one `recordChanged` subscription (id "s").
    async fn subscribed(base: &str, token: Option<&str>, variables: Value) -> Socket {
        let mut socket = Socket::open(base).await;
        socket.init(token).await;
        socket.subscribe("s", RECORD_CHANGED, variables).await;
        socket
    }

    /// The next change delivered (a `next` of subscription "s").
    async fn change(&mut self) -> Value {
        let message = self.message().await;
        assert_eq!(message["type"], "next", "{message}");
        assert_eq!(message["id"], "s");
        assert!(message["payload"].get("errors").is_none(), "{message}");
        message["payload"]["data"]["recordChanged"].clone()
    }
}

/// Creates an event of Alpha's as `token`; returns its global id.
async fn create_event(app_base: &str, token: &str, title: &str, visibility: &str) -> String {
    let input = json!({ "kind": "MEETING", "status": "PLANNED", "format": "ONLINE", "title": title,
        "startDate": "2025-03-01", "visibility": visibility });
    let body: Value = reqwest::Client::new()
        .post(format!("{app_base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": CREATE_EVENT, "variables": { "i": input } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["data"]["createEvent"]["event"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

/// Sets an event's visibility (and title) as `token`.
async fn update_event(
    app: &TestApp,
    token: &str,
    id: &str,
    version: i64,
    title: &str,
    visibility: &str,
) {
    app.data_as(
        Some(token),
        UPDATE_EVENT,
        json!({ "i": { "id": id, "expectedVersion": version, "title": title, "visibility": visibility } }),
    )
    .await;
}

/// A cursor at the feed's end now, made by writing a private marker of Beta's: a
/// subscription from it hears everything committed after this returns, however soon
/// after the server sets the subscription up (without `after`, it starts there).
async fn now(app: &TestApp, beta_editor: &str, coordinator: &str) -> Value {
    create_event(&app.base, beta_editor, "Marker", "PRIVATE").await;
    let feed = app
        .data_as(
            Some(coordinator),
            "{ changes(first: 100) { edges { cursor } } }",
            json!({}),
        )
        .await;
    feed["changes"]["edges"].as_array().unwrap().last().unwrap()["cursor"].clone()
}

/// Events only, from `after`.
fn events_after(after: &Value) -> Value {
    json!({ "filter": { "types": ["EVENT"] }, "after": after })
}

/// The (title, removed) of a delivered change.
fn seen(change: &Value) -> (String, bool) {
    (
        change["record"]["title"].as_str().unwrap_or("").to_owned(),
        change["removed"].as_bool().unwrap(),
    )
}

fn title(t: &str) -> (String, bool) {
    (t.to_owned(), false)
}

/// A settings value with these subscription limits.
fn with_limits(f: impl FnOnce(&mut concord::SubscriptionLimits)) -> concord::Settings {
    let mut settings = concord::Settings::default();
    f(&mut settings.subscriptions);
    settings
}

on_both! {
    // Anonymous, a viewer of Alpha and the coordinator subscribe; Alpha's editor writes.
    // Each hears of what it may read, as it may read it at delivery: a public event
    // made private comes once as a removal to the anonymous subscriber and then no more;
    // a private one made public starts flowing to it.
    async fn each_subscriber_hears_what_it_may_read_at_delivery(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let start = now(app, &w.editor_b, &w.coordinator).await;
        let mut anonymous = Socket::subscribed(&app.base, None, events_after(&start)).await;
        let mut viewer = Socket::subscribed(&app.base, Some(&w.viewer_a), events_after(&start)).await;
        let mut coordinator = Socket::subscribed(&app.base, Some(&w.coordinator), json!({ "after": start })).await;

        let public = create_event(&app.base, &w.editor_a, "Open day", "PUBLIC").await;
        // Heard by all three before anything else happens, so each reads it public.
        let mut viewer_heard = vec![viewer.change().await];
        let mut coordinator_heard = vec![coordinator.change().await];
        let first = anonymous.change().await;
        assert_eq!(seen(&first), title("Open day"));
        assert_eq!((first["recordId"].as_str(), first["operation"].as_str(), first["type"].as_str()),
            (Some(public.as_str()), Some("CREATE"), Some("EVENT")));

        let private = create_event(&app.base, &w.editor_a, "Board meeting", "PRIVATE").await;
        update_event(app, &w.editor_a, &public, 1, "Open day (closed)", "PRIVATE").await;
        update_event(app, &w.editor_a, &public, 2, "Open day (still closed)", "PRIVATE").await;
        update_event(app, &w.editor_a, &private, 1, "Board meeting (minutes)", "PUBLIC").await;
        let last = create_event(&app.base, &w.editor_a, "Closing", "PUBLIC").await;

        // The anonymous subscriber: the public event's removal, nothing while it stays
        // private or of the private one's creation, then the formerly private one once
        // public (as it is now), then the last.
        let mut heard = Vec::new();
        for _ in 0..3 {
            heard.push(anonymous.change().await);
        }
        assert_eq!(heard.iter().map(seen).collect::<Vec<_>>(),
            vec![("".into(), true), title("Board meeting (minutes)"), title("Closing")], "{heard:#?}");
        assert_eq!(heard[0]["recordId"], public);
        assert_eq!(heard[0]["record"], Value::Null);
        assert_eq!(heard[1]["recordId"], private);
        assert_eq!(heard[1]["record"]["visibility"], "PUBLIC");
        assert_eq!(heard[2]["recordId"], last);

        // Alpha's viewer reads everything Alpha owns: six changes, in commit order.
        for _ in 0..5 {
            viewer_heard.push(viewer.change().await);
        }
        let versions: Vec<(String, i64, bool)> = viewer_heard.iter().map(|c| (
            c["recordId"].as_str().unwrap().to_owned(), c["version"].as_i64().unwrap(), c["removed"].as_bool().unwrap(),
        )).collect();
        assert_eq!(versions, vec![
            (public.clone(), 1, false), (private.clone(), 1, false), (public.clone(), 2, false),
            (public.clone(), 3, false), (private.clone(), 2, false), (last.clone(), 1, false),
        ]);
        // The coordinator hears the same six, with increasing cursors.
        for _ in 0..5 {
            coordinator_heard.push(coordinator.change().await);
        }
        let cursors: Vec<&str> = coordinator_heard.iter().map(|c| c["cursor"].as_str().unwrap()).collect();
        let viewer_cursors: Vec<&str> = viewer_heard.iter().map(|c| c["cursor"].as_str().unwrap()).collect();
        assert_eq!(cursors, viewer_cursors);
        let mut distinct = cursors.clone();
        distinct.dedup();
        assert_eq!(distinct.len(), 6);
    }

    // A subscriber that goes away and comes back with its last cursor gets every change
    // committed meanwhile, once, in order, then the live ones.
    async fn a_resumed_subscription_loses_and_repeats_nothing(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let start = now(app, &w.editor_b, &w.coordinator).await;
        let mut socket = Socket::subscribed(&app.base, Some(&w.viewer_a), events_after(&start)).await;
        create_event(&app.base, &w.editor_a, "First", "CONSORTIUM").await;
        let first = socket.change().await;
        assert_eq!(seen(&first), title("First"));
        drop(socket);

        for t in ["Second", "Third", "Fourth"] {
            create_event(&app.base, &w.editor_a, t, "PRIVATE").await;
        }
        let mut socket = Socket::subscribed(
            &app.base,
            Some(&w.viewer_a),
            json!({ "filter": { "types": ["EVENT"] }, "after": first["cursor"] }),
        )
        .await;
        for t in ["Second", "Third", "Fourth"] {
            assert_eq!(seen(&socket.change().await), title(t));
        }
        create_event(&app.base, &w.editor_a, "Fifth", "PUBLIC").await;
        assert_eq!(seen(&socket.change().await), title("Fifth"), "then live, nothing twice");

        // A cursor that is none of ours: an `error` for that subscription, with its code.
        socket
            .send(json!({ "type": "subscribe", "id": "bad", "payload": {
                "query": RECORD_CHANGED, "variables": { "after": "nonsense" } } }))
            .await;
        let error = socket.message().await;
        assert_eq!(error["id"], "bad", "{error}");
        let errors = if error["type"] == "error" { error["payload"].clone() } else { error["payload"]["errors"].clone() };
        assert_eq!(errors[0]["extensions"]["code"], "BAD_USER_INPUT", "{error}");
    }

    // A token revoked while subscribed: the next change is not delivered, the
    // connection closes with 4403. A bad token at `connection_init` is 4403 too.
    async fn a_revoked_token_ends_its_subscriptions(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let start = now(app, &w.editor_b, &w.coordinator).await;
        let mut socket = Socket::subscribed(&app.base, Some(&w.viewer_a), events_after(&start)).await;
        create_event(&app.base, &w.editor_a, "Before", "PUBLIC").await;
        assert_eq!(seen(&socket.change().await), title("Before"));

        let public_id = w.viewer_a.split('_').nth(1).unwrap().to_owned();
        let cli = service::Principal::Coordinator { token_id: None, label: "test".into() };
        service::Scope::new(app.db.connection.clone(), cli)
            .revoke_token_by_public_id(&public_id)
            .await
            .unwrap();
        create_event(&app.base, &w.editor_a, "After", "PUBLIC").await;
        match socket.next().await {
            Frame::Close(code, reason) => assert_eq!(code, 4403, "{reason}"),
            other => panic!("the revoked token heard {other:?}"),
        }

        let mut socket = Socket::open(&app.base).await;
        socket.send(json!({ "type": "connection_init", "payload": { "authorization": "Bearer concord_0123456789abcdef_nope" } })).await;
        assert_eq!(socket.closed().await.0, 4403);
        let mut socket = Socket::open(&app.base).await;
        socket.send(json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {}", w.viewer_a) } })).await;
        assert_eq!(socket.closed().await.0, 4403, "revoked");
    }

    // The protocol's close codes, errors for operations that cannot run, and the
    // origin rule of the handshake.
    async fn the_protocol_is_spoken_as_its_spec_says(backend: Backend) {
        let mut settings = with_limits(|l| l.init_timeout = Duration::from_secs(1));
        settings.cors_origins = vec!["https://frontend.example".into()];
        let app = TestApp::spawn_with(backend, settings).await;
        let base = app.base.as_str();

        // `subscribe` before `connection_ack`: 4401.
        let mut s = Socket::open(base).await;
        s.subscribe("1", RECORD_CHANGED, json!({})).await;
        assert_eq!(s.closed().await.0, 4401);
        // A second `connection_init`: 4429.
        let mut s = Socket::open(base).await;
        s.init(None).await;
        s.send(json!({ "type": "connection_init" })).await;
        assert_eq!(s.closed().await.0, 4429);
        // An id already subscribed: 4409.
        let mut s = Socket::open(base).await;
        s.init(None).await;
        s.subscribe("1", RECORD_CHANGED, json!({})).await;
        s.subscribe("1", RECORD_CHANGED, json!({})).await;
        assert_eq!(s.closed().await, (4409, "Subscriber for 1 already exists".into()));
        // Not a message of the protocol: 4400.
        for bad in [json!({ "type": "start" }), json!("text"), json!({ "type": "subscribe", "id": "1" })] {
            let mut s = Socket::open(base).await;
            s.init(None).await;
            s.send(bad).await;
            assert_eq!(s.closed().await.0, 4400);
        }
        // No `connection_init` in time: 4408.
        let mut s = Socket::open(base).await;
        assert_eq!(s.closed().await.0, 4408);
        // The subprotocol not offered: 4406.
        let mut s = Socket::open_with(base, None, None).await.unwrap();
        assert_eq!(s.closed().await.0, 4406);
        // Ping is answered by pong.
        let mut s = Socket::open(base).await;
        s.init(None).await;
        s.send(json!({ "type": "ping" })).await;
        assert_eq!(s.message().await["type"], "pong");
        // A document that does not validate, and a query: `error` for that id, the
        // connection stays.
        s.subscribe("v", "subscription { recordChanged { nope } }", json!({})).await;
        let e = s.message().await;
        assert_eq!((e["type"].as_str(), e["id"].as_str()), (Some("error"), Some("v")), "{e}");
        assert_eq!(e["payload"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
        s.subscribe("q", "{ viewer { role } }", json!({})).await;
        let e = s.message().await;
        assert_eq!(e["type"], "error", "{e}");
        assert_eq!(e["payload"][0]["extensions"]["code"], "BAD_REQUEST");
        // Complete from the client ends the subscription; nothing is sent back.
        s.subscribe("c", RECORD_CHANGED, json!({})).await;
        s.send(json!({ "type": "complete", "id": "c" })).await;
        s.send(json!({ "type": "ping" })).await;
        assert_eq!(s.message().await["type"], "pong");

        // Origins: the server's own and the CORS list may connect; others are refused.
        assert!(Socket::open_with(base, Some("graphql-transport-ws"), Some(base)).await.is_ok());
        assert!(Socket::open_with(base, Some("graphql-transport-ws"), Some("https://frontend.example")).await.is_ok());
        assert_eq!(Socket::open_with(base, Some("graphql-transport-ws"), Some("https://evil.example")).await.err(), Some(403));

        // Over HTTP, a subscription is refused with a pointer to the WebSocket.
        let (status, body) = app.post_as(None, "subscription { recordChanged { cursor } }", json!({})).await;
        assert_eq!(status, 400);
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST", "{body}");
    }

    // Limits: connections per token, subscriptions per connection, and a client that
    // does not read is closed with 4413 instead of the server buffering for it.
    async fn limits_hold_and_a_slow_consumer_is_closed(backend: Backend) {
        let settings = with_limits(|l| {
            l.connections_per_token = 2;
            l.per_connection = 2;
            l.buffer = 4;
        });
        let app = TestApp::spawn_with(backend, settings).await;
        let document = service::demo::parse(crate::helpers::CATALOGUE).unwrap();
        service::demo::load(&app.db.connection, &document).await.unwrap();
        let base = app.base.as_str();
        let alpha = app.organisation("Alpha Polytechnic").await;
        let token = app.token(Role::Editor, Some(alpha)).await;

        let mut first = Socket::open(base).await;
        first.init(Some(&token)).await;
        let mut second = Socket::open(base).await;
        second.init(Some(&token)).await;
        let mut third = Socket::open(base).await;
        third.send(json!({ "type": "connection_init", "payload": { "token": token } })).await;
        assert_eq!(third.closed().await.0, 4430);
        drop(second);
        // A closed connection frees its seat (once the server has seen it go).
        let mut again = None;
        for _ in 0..50 {
            let mut s = Socket::open(base).await;
            s.send(json!({ "type": "connection_init", "payload": { "token": token } })).await;
            if let Frame::Text(ack) = s.next().await {
                assert_eq!(ack["type"], "connection_ack");
                again = Some(s);
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(again.is_some(), "the seat came back");

        first.subscribe("1", RECORD_CHANGED, json!({})).await;
        first.subscribe("2", RECORD_CHANGED, json!({})).await;
        first.subscribe("3", RECORD_CHANGED, json!({})).await;
        let e = first.message().await;
        assert_eq!((e["type"].as_str(), e["id"].as_str()), (Some("error"), Some("3")), "{e}");
        assert_eq!(e["payload"][0]["extensions"]["code"], "LIMIT_EXCEEDED");

        // A slow consumer: an event with a 256 KiB description changed 100 times (the
        // entries written straight into the feed), delivered to a client that does
        // not read. Far more than the socket's buffers hold: the server's four-message
        // queue overflows and it closes the connection, 4413, with its reason.
        let event = create_event(base, &token, "Heavy", "PUBLIC").await;
        let key = crate::helpers::key(&event);
        use sea_orm::{ConnectionTrait, EntityTrait};
        let db = &app.db.connection;
        db.execute_raw(sea_orm::Statement::from_sql_and_values(
            db.get_database_backend(),
            match db.get_database_backend() {
                sea_orm::DatabaseBackend::Postgres => "UPDATE event SET description = $1 WHERE id = $2",
                _ => "UPDATE event SET description = ? WHERE id = ?",
            },
            ["x".repeat(256 * 1024).into(), key.into()],
        ))
        .await
        .unwrap();
        let entries = (0..100).map(|_| service::entity::change_entry::ActiveModel {
            record_type: sea_orm::Set("event".into()),
            record_id: sea_orm::Set(key),
            operation: sea_orm::Set(service::entity::enums::ChangeOperation::Update),
            version: sea_orm::Set(1),
            committed_at: sea_orm::Set(chrono::Utc::now()),
            owner_id: sea_orm::Set(None),
            visibility: sea_orm::Set(service::entity::enums::Visibility::Public),
            previous_owner_id: sea_orm::Set(None),
            previous_visibility: sea_orm::Set(None),
            ..Default::default()
        });
        service::entity::change_entry::Entity::insert_many(entries).exec(db).await.unwrap();
        let mut slow = again.unwrap();
        // From the start of the feed: `after` is the first entry (the create).
        let start = app.data_as(Some(&token), "{ changes(first: 1) { edges { cursor } } }", json!({})).await;
        let cursor = start["changes"]["edges"][0]["cursor"].clone();
        slow.subscribe("heavy", "subscription($after: String) { recordChanged(after: $after) { cursor record { ... on Event { description } } } }",
            json!({ "after": cursor })).await;
        tokio::time::sleep(Duration::from_secs(3)).await;
        let mut delivered = 0;
        let (code, reason) = loop {
            match slow.next().await {
                Frame::Text(m) => {
                    assert_eq!(m["type"], "next");
                    delivered += 1;
                }
                Frame::Close(code, reason) => break (code, reason),
            }
        };
        assert_eq!(code, 4413, "{reason}");
        assert!(reason.contains("reads too slowly"), "{reason}");
        assert!(delivered < 100, "closed before everything was sent ({delivered})");
    }
}

/// Two `concord serve` processes on one PostgreSQL database: a subscriber on B hears a
/// write made on A (and the other way), one without access hears nothing of a private
/// record, and one that disconnects and resumes from its cursor on the other instance
/// gets every change exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_deliver_each_others_writes() {
    let _gate = shared().await;
    let database = FreshDatabase::create(Backend::Postgres).await;
    let url = database.url.clone();
    // The fixture and tokens, written by this process (which then stays out of it).
    let setup = TestApp::spawn_on(&url, Default::default()).await;
    let document = service::demo::parse(crate::helpers::CATALOGUE).unwrap();
    service::demo::load(&setup.db.connection, &document)
        .await
        .unwrap();
    let alpha = setup.organisation("Alpha Polytechnic").await;
    let editor = setup.token(Role::Editor, Some(alpha)).await;
    let viewer = setup.token(Role::Viewer, Some(alpha)).await;
    let a = ServeProcess::start(&url);
    let b = ServeProcess::start(&url);

    let beta = setup.organisation("Beta University").await;
    let beta_editor = setup.token(Role::Editor, Some(beta)).await;
    let coordinator = setup.token(Role::Coordinator, None).await;
    let start = now(&setup, &beta_editor, &coordinator).await;
    let mut on_b = Socket::subscribed(&b.base, Some(&viewer), events_after(&start)).await;
    let mut anonymous_on_b = Socket::subscribed(&b.base, None, events_after(&start)).await;
    let mut on_a = Socket::subscribed(&a.base, Some(&viewer), events_after(&start)).await;

    create_event(&a.base, &editor, "Written on A", "PRIVATE").await;
    let heard = on_b.change().await;
    assert_eq!(seen(&heard), title("Written on A"));
    assert_eq!(seen(&on_a.change().await), title("Written on A"));
    create_event(&b.base, &editor, "Written on B", "PUBLIC").await;
    assert_eq!(seen(&on_a.change().await), title("Written on B"));
    // The anonymous subscriber's first change is the public one: the private was not for it.
    assert_eq!(seen(&anonymous_on_b.change().await), title("Written on B"));
    assert_eq!(seen(&on_b.change().await), title("Written on B"));

    // Away, then back on the other instance from the last cursor.
    let cursor = heard["cursor"].clone();
    drop(on_b);
    for t in ["Third", "Fourth"] {
        create_event(&a.base, &editor, t, "CONSORTIUM").await;
    }
    let mut back_on_a = Socket::subscribed(
        &a.base,
        Some(&viewer),
        json!({ "filter": { "types": ["EVENT"] }, "after": cursor }),
    )
    .await;
    for t in ["Written on B", "Third", "Fourth"] {
        assert_eq!(seen(&back_on_a.change().await), title(t));
    }
    create_event(&b.base, &editor, "Fifth", "PUBLIC").await;
    assert_eq!(
        seen(&back_on_a.change().await),
        title("Fifth"),
        "nothing twice"
    );
    drop((a, b));
}

/// On PostgreSQL a write announces its entry's id on the `concord_changes` channel when
/// it commits (what wakes other instances), and a rolled-back one announces nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_notifies_its_entry_id_on_postgres() {
    let _gate = shared().await;
    let w: World = world(Backend::Postgres).await;
    let mut listener = sea_orm::sqlx::postgres::PgListener::connect(w.app.url())
        .await
        .unwrap();
    listener.listen("concord_changes").await.unwrap();
    let id = create_event(&w.app.base, &w.editor_a, "Announced", "PRIVATE").await;
    let note = tokio::time::timeout(PATIENCE, listener.recv())
        .await
        .unwrap()
        .unwrap();
    let feed = w
        .app
        .data_as(
            Some(&w.coordinator),
            "{ changes(first: 100) { edges { cursor node { recordId } } } }",
            json!({}),
        )
        .await;
    let edges = feed["changes"]["edges"].as_array().unwrap();
    let last = edges.last().unwrap();
    assert_eq!(last["node"]["recordId"], id);
    let entry: i64 = note.payload().parse().unwrap();
    assert_eq!(
        service::changes::change_cursor(entry),
        last["cursor"].as_str().unwrap(),
        "the notification carries the entry's id"
    );
    // A stale update rolls back: no notification.
    let (_, body) = w
        .app
        .post_as(
            Some(&w.editor_a),
            UPDATE_EVENT,
            json!({ "i": { "id": id, "expectedVersion": 7, "title": "Lost" } }),
        )
        .await;
    assert_eq!(crate::helpers::error(&body).0, "CONFLICT");
    assert!(
        tokio::time::timeout(Duration::from_millis(500), listener.recv())
            .await
            .is_err()
    );
}

on_both! {
    // The graphql-ws npm client (from tests/clients' lockfile, over `ws`) against the real
    // server: connectionParams carry the token, keep-alive pings are answered, events
    // arrive as they commit, `complete` from the client ends a subscription, a cursor
    // resumes, an anonymous subscriber hears only public records, a bad token is closed
    // with 4403 and a document that does not validate is an `error` with its code.
    async fn the_graphql_ws_client_subscribes_resumes_and_is_refused(backend: Backend) {
        let w = world(backend).await;
        let app = &w.app;
        let start = now(app, &w.editor_b, &w.coordinator).await;
        let out = crate::browser::node(
            "subscriptions.mjs",
            vec![
                format!("{}/graphql", app.base),
                w.viewer_a.clone(),
                w.editor_a.clone(),
                start.as_str().unwrap().to_owned(),
            ],
        )
        .await;
        let titles = |key: &str| -> Vec<String> {
            out[key].as_array().unwrap_or_else(|| panic!("{out:#}")).iter()
                .map(|c| c["record"]["title"].as_str().unwrap_or("").to_owned()).collect()
        };
        assert_eq!(titles("live"), ["Client one", "Client two"], "{out:#}");
        assert_eq!(titles("resumed"), ["Client two", "Client three"], "{out:#}");
        assert_eq!(titles("anonymous"), ["Client three"], "{out:#}");
        assert_eq!(out["live"][0]["type"], "EVENT");
        assert_eq!(out["live"][0]["operation"], "CREATE");
        assert_eq!(out["forbidden"]["code"], 4403, "{out:#}");
        assert_eq!(out["invalid"]["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{out:#}");
    }
}

/// Subscribes `anonymous` sockets and `members` sockets of `member` to events from `after`,
/// then writes a public event and waits until every socket has it: the subscriptions are
/// set up and caught up.
async fn crowd(
    app: &TestApp,
    after: &Value,
    anonymous: usize,
    member: &str,
    members: usize,
    editor: &str,
) -> Vec<(Socket, bool)> {
    let mut sockets = Vec::new();
    for i in 0..anonymous + members {
        let token = (i >= anonymous).then_some(member);
        sockets.push((
            Socket::subscribed(&app.base, token, events_after(after)).await,
            token.is_some(),
        ));
    }
    create_event(&app.base, editor, "Warm-up", "PUBLIC").await;
    for (socket, _) in &mut sockets {
        assert_eq!(seen(&socket.change().await), title("Warm-up"));
    }
    sockets
}

/// Writes a public, a private (Alpha's) and a public event, then a last public one, and
/// checks every socket hears exactly what it may, once each, in order: the last one
/// comes right after, so nothing was repeated. The statements and shared feed reads
/// this took, subscriptions' work and the writes' own together.
async fn four_changes(app: &TestApp, editor: &str, sockets: &mut [(Socket, bool)]) -> (u64, u64) {
    let statements = app.db.statements();
    let reads = app.db.hub().feed_reads();
    for (t, visibility) in [
        ("One", "PUBLIC"),
        ("Two", "PRIVATE"),
        ("Three", "PUBLIC"),
        ("Four", "PUBLIC"),
    ] {
        create_event(&app.base, editor, t, visibility).await;
    }
    for (socket, member) in sockets.iter_mut() {
        let expected: &[&str] = if *member {
            &["One", "Two", "Three", "Four"]
        } else {
            &["One", "Three", "Four"]
        };
        for t in expected {
            let change = socket.change().await;
            assert_eq!(seen(&change), title(t), "{change}");
        }
    }
    (
        app.db.statements() - statements,
        app.db.hub().feed_reads() - reads,
    )
}

on_both! {
    // Fifty anonymous subscribers and fifty of one member (each on its own connection)
    // all hear every change they may, exactly once; the feed is read once per read rule
    // and place, each record once per rule, a token proved once per new entry: the
    // statements of four changes are about the same for 2 subscribers as for 100.
    async fn many_subscribers_share_the_reads_of_each_change(backend: Backend) {
        let settings = with_limits(|l| l.connections_per_token = 100);
        let app = TestApp::spawn_with(backend, settings).await;
        let document = service::demo::parse(crate::helpers::CATALOGUE).unwrap();
        service::demo::load(&app.db.connection, &document).await.unwrap();
        let alpha = app.organisation("Alpha Polytechnic").await;
        let beta = app.organisation("Beta University").await;
        let editor = app.token(Role::Editor, Some(alpha)).await;
        let viewer = app.token(Role::Viewer, Some(alpha)).await;
        let editor_b = app.token(Role::Editor, Some(beta)).await;
        let coordinator = app.token(Role::Coordinator, None).await;

        let start = now(&app, &editor_b, &coordinator).await;
        let mut few = crowd(&app, &start, 1, &viewer, 1, &editor).await;
        let (few_statements, few_reads) = four_changes(&app, &editor, &mut few).await;
        drop(few);

        let start = now(&app, &editor_b, &coordinator).await;
        let mut many = crowd(&app, &start, 50, &viewer, 50, &editor).await;
        let (many_statements, many_reads) = four_changes(&app, &editor, &mut many).await;
        eprintln!("2 subscribers: {few_statements} statements, {few_reads} feed reads; \
            100 subscribers: {many_statements} statements, {many_reads} feed reads");
        // Read per subscription, 100 subscribers would take at least 350 feed reads and
        // as many record reads. Shared: the same few per change and rule, give or take
        // the hub's own reads of the table's head (one a second) and wake-ups that
        // split a read in two.
        assert!(many_reads <= few_reads + 8, "{many_reads} feed reads against {few_reads}");
        assert!(many_statements <= few_statements + 20, "{many_statements} statements against {few_statements}");
    }
}

on_both! {
    // A server stopping gracefully closes its WebSockets with 1001 (going away), and
    // returns once they are closed.
    async fn a_stopping_server_closes_its_websockets_with_1001(backend: Backend) {
        let database = FreshDatabase::create(backend).await;
        let db = service::connect(&database.url).await.unwrap();
        service::migrate(&db).await.unwrap();
        let settings = concord::Settings::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = concord::app(db, &settings);
        let server = tokio::spawn(async move {
            concord::serve_until(listener, app, &settings, async { let _ = stopped.await; }, Duration::from_secs(10)).await
        });
        let mut socket = Socket::subscribed(&base, None, json!({})).await;
        let mut idle = Socket::open(&base).await;
        idle.init(None).await;
        stop.send(()).unwrap();
        assert_eq!(socket.closed().await, (1001, "Going away: the server is stopping".into()));
        assert_eq!(idle.closed().await.0, 1001);
        drop((socket, idle));
        tokio::time::timeout(PATIENCE, server).await.expect("the server stops").unwrap().unwrap();
    }
}
