//! Subscriptions over WebSocket at `/graphql`, speaking `graphql-transport-ws` (the
//! protocol of the `graphql-ws` library, which Apollo Client and urql use).
//!
//! Why by hand, not async-graphql-axum's `GraphQLWebSocket`: that closes a refused
//! `connection_init` with 1002 (the protocol says 4403), a `subscribe` before the
//! acknowledgement with 1011 (4401), a bad message with 1002 (4400), never enforces the
//! initialisation timeout (4408), silently replaces a subscription whose id is taken
//! (4409), and has no outgoing bound, connection or subscription limits, origin check or
//! way to end a connection whose token was revoked. Execution is async-graphql's own
//! (`execute_stream_with_session_data` on the schema with [`api::Subscriber`]).
//!
//! Close codes: the protocol's 4400 (bad message), 4401 (subscribe before
//! `connection_ack`), 4403 (token invalid, revoked or expired), 4406 (the
//! `graphql-transport-ws` subprotocol was not offered), 4408 (no `connection_init` in
//! time), 4409 (subscription id in use), 4429 (a second `connection_init`), 4500
//! (the token could not be checked); Concord's 4413 (the client reads too slowly: its
//! outgoing buffer overflowed; reconnect and resume from the last cursor) and 4430 (too
//! many connections for this token or, anonymous, this address); 1001 (going away) when
//! the server stops gracefully (`serve_until`, which waits, within its drain time, for
//! the close frames to go out).
use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use api::code;
use async_graphql::parser::types::OperationType;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, AUTHORIZATION, HOST, ORIGIN, UPGRADE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{BoxStream, SplitSink};
use futures_util::{SinkExt, Stream, StreamExt};
use serde_json::{Value, json};
use service::Principal;
use tokio::sync::{mpsc, oneshot};

use crate::AppState;
use crate::limit::{Authenticated, ClientAddress};

const PROTOCOL: &str = "graphql-transport-ws";

/// How often a connection's token is proved again while nothing is delivered (each
/// delivery proves it too).
const RECHECK: Duration = Duration::from_secs(30);

/// How long a close frame may wait behind a slow client's unread data before the
/// socket is simply dropped.
const CLOSE_WAIT: Duration = Duration::from_secs(10);

/// The server is stopping: every WebSocket closes with 1001, and the server waits for
/// them. Cheap to clone; one per `Settings`, shared by its app and `serve_until`.
#[derive(Clone)]
pub struct GoingAway {
    stopping: tokio::sync::watch::Sender<bool>,
    /// WebSocket connections being served.
    open: tokio::sync::watch::Sender<usize>,
}

impl Default for GoingAway {
    fn default() -> Self {
        GoingAway {
            stopping: tokio::sync::watch::channel(false).0,
            open: tokio::sync::watch::channel(0).0,
        }
    }
}

impl std::fmt::Debug for GoingAway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoingAway")
            .field("stopping", &*self.stopping.borrow())
            .field("open", &*self.open.borrow())
            .finish()
    }
}

impl GoingAway {
    /// Asks every WebSocket to close.
    pub fn stop(&self) {
        self.stopping.send_replace(true);
    }

    /// Resolves once no WebSocket is being served.
    pub async fn closed(&self) {
        let _ = self.open.subscribe().wait_for(|open| *open == 0).await;
    }

    async fn stopping(&self) {
        let _ = self
            .stopping
            .subscribe()
            .wait_for(|stopping| *stopping)
            .await;
    }

    /// Counts a connection until the guard is dropped.
    fn serving(&self) -> Serving {
        self.open.send_modify(|open| *open += 1);
        Serving(self.open.clone())
    }
}

/// One WebSocket counted as open.
struct Serving(tokio::sync::watch::Sender<usize>);

impl Drop for Serving {
    fn drop(&mut self) {
        self.0.send_modify(|open| *open -= 1);
    }
}

/// The limits of subscriptions (`Settings`).
#[derive(Debug, Clone, Copy)]
pub struct SubscriptionLimits {
    /// Open WebSocket connections per token (anonymous: per client address), per instance.
    pub connections_per_token: usize,
    /// Subscriptions at once on one connection.
    pub per_connection: usize,
    /// Messages waiting to be sent on one connection; past it the connection is closed
    /// (4413) rather than growing.
    pub buffer: usize,
    /// How long a client may take to send `connection_init` (4408 after).
    pub init_timeout: Duration,
}

impl Default for SubscriptionLimits {
    fn default() -> Self {
        SubscriptionLimits {
            connections_per_token: 20,
            per_connection: 100,
            buffer: 256,
            init_timeout: Duration::from_secs(10),
        }
    }
}

/// Whose connections are counted together.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
enum Holder {
    Token(i64),
    Address(IpAddr),
}

/// The connections open per holder, in this instance.
#[derive(Default)]
pub(crate) struct Connections(Mutex<HashMap<Holder, usize>>);

/// One counted connection; uncounted when dropped.
struct Seat {
    connections: Arc<Connections>,
    holder: Holder,
}

impl Connections {
    fn take(self: &Arc<Self>, holder: Holder, most: usize) -> Option<Seat> {
        let mut open = self.0.lock().expect("connections lock");
        let count = open.entry(holder.clone()).or_default();
        if *count >= most {
            return None;
        }
        *count += 1;
        Some(Seat {
            connections: self.clone(),
            holder,
        })
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        let mut open = self.connections.0.lock().expect("connections lock");
        if let Some(count) = open.get_mut(&self.holder) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.holder);
            }
        }
    }
}

/// `GET /graphql`: a WebSocket handshake becomes a subscription connection; anything
/// else is GraphQL over HTTP.
pub(crate) async fn get(State(state): State<AppState>, request: Request) -> Response {
    let upgrade = request
        .headers()
        .get(UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if !upgrade {
        return axum::handler::Handler::call(crate::http::graphql, request, state).await;
    }
    let (mut parts, _) = request.into_parts();
    if !origin_allowed(&parts.headers, &state.cors_origins) {
        return crate::http::refusal(
            &parts.headers,
            StatusCode::FORBIDDEN,
            code::FORBIDDEN,
            "this origin may not open a WebSocket here (see --cors-origins)",
        );
    }
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    let offered = upgrade
        .requested_protocols()
        .any(|p| p.to_str().is_ok_and(|p| p.trim() == PROTOCOL));
    let mut upgrade = upgrade.max_message_size(crate::MAX_BODY_BYTES);
    if offered {
        upgrade.set_selected_protocol(HeaderValue::from_static(PROTOCOL));
    }
    let handshake = Handshake {
        principal: parts
            .extensions
            .get::<Authenticated>()
            .map_or(Principal::Anonymous, |a| a.0.clone()),
        credentials: parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        address: parts
            .extensions
            .get::<ClientAddress>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.0),
        language: parts
            .headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(api::AcceptLanguage::parse),
        request_id: parts
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned(),
    };
    upgrade.on_upgrade(move |socket| async move {
        if offered {
            Connection::serve(socket, state, handshake).await;
        } else {
            close(socket, 4406, "Subprotocol not acceptable").await;
        }
    })
}

/// Browsers send `Origin` with a WebSocket handshake but apply no CORS to it: the
/// server must. The same origins as for HTTP may connect (the server's own, and
/// `--cors-origins`); clients that send no `Origin` are not browsers.
fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let same = origin
        .split_once("://")
        .map(|(_, authority)| authority)
        .zip(headers.get(HOST).and_then(|v| v.to_str().ok()))
        .is_some_and(|(authority, host)| authority.eq_ignore_ascii_case(host));
    same || allowed
        .iter()
        .any(|a| a.trim().eq_ignore_ascii_case(origin))
}

async fn close(mut socket: WebSocket, code: u16, reason: &str) {
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}

/// What the handshake told of the client.
struct Handshake {
    /// From an `Authorization` header on the handshake, if any (browsers cannot send one).
    principal: Principal,
    credentials: Option<String>,
    address: IpAddr,
    language: Option<api::AcceptLanguage>,
    request_id: String,
}

/// Why a connection ends.
struct Closing(u16, String);

impl Closing {
    fn new(code: u16, reason: impl Into<String>) -> Self {
        Closing(code, reason.into())
    }
}

type Events = BoxStream<'static, async_graphql::Response>;

/// One subscription of a connection.
struct Active {
    events: Events,
    /// The document's text, to place uncoded errors.
    query: String,
    /// Whether an event was sent: a first answer that is a request error goes as `error`.
    started: bool,
}

struct Connection {
    state: AppState,
    handshake: Handshake,
    /// Messages for the writer; bounded.
    out: mpsc::Sender<Message>,
    subscriber: Option<Arc<api::Subscriber>>,
    data: Option<Arc<async_graphql::Data>>,
    active: HashMap<String, Active>,
    _seat: Option<Seat>,
}

impl Connection {
    async fn serve(socket: WebSocket, state: AppState, handshake: Handshake) {
        let _serving = state.going_away.serving();
        let going_away = state.going_away.clone();
        let limits = state.subscription_limits;
        let (sink, mut source) = socket.split();
        let (out, queue) = mpsc::channel(limits.buffer.max(1));
        let (closing_tx, closing_rx) = oneshot::channel::<Closing>();
        let writer = tokio::spawn(write(sink, queue, closing_rx));
        let mut connection = Connection {
            state,
            handshake,
            out,
            subscriber: None,
            data: None,
            active: HashMap::new(),
            _seat: None,
        };
        let init_deadline = tokio::time::Instant::now() + limits.init_timeout;
        let mut recheck = tokio::time::interval(RECHECK);
        recheck.tick().await;
        let closing = loop {
            let subscriber = connection.subscriber.clone();
            let revoked = async {
                match &subscriber {
                    Some(s) => s.revoked().await,
                    None => std::future::pending().await,
                }
            };
            let acked = subscriber.is_some();
            tokio::select! {
                message = source.next() => match message {
                    Some(Ok(Message::Text(text))) => {
                        if let Err(closing) = connection.received(text.as_str()).await {
                            break Some(closing);
                        }
                    }
                    Some(Ok(Message::Binary(_))) => {
                        break Some(Closing::new(4400, "messages are JSON text"));
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break None,
                    Some(Ok(_)) => {}
                },
                (id, event) = next_event(&mut connection.active) => {
                    if let Err(closing) = connection.deliver(id, event) {
                        break Some(closing);
                    }
                }
                () = tokio::time::sleep_until(init_deadline), if !acked => {
                    break Some(Closing::new(4408, "Connection initialisation timeout"));
                }
                () = going_away.stopping() => {
                    break Some(Closing::new(1001, "Going away: the server is stopping"));
                }
                () = revoked => {
                    break Some(Closing::new(4403, "Forbidden: the token is no longer valid"));
                }
                _ = recheck.tick(), if acked => {
                    if let Some(subscriber) = &subscriber
                        && let Err(error) = subscriber.check().await
                    {
                        tracing::warn!(error = %error.message(), "a subscriber's token could not be checked");
                    }
                }
                () = connection.out.closed() => break None,
            }
        };
        // Subscriptions end before the socket: their reads stop here.
        connection.active.clear();
        if let Some(closing) = closing {
            let _ = closing_tx.send(closing);
        } else {
            drop(closing_tx);
        }
        drop(connection);
        let _ = writer.await;
    }

    /// Queues a message; a full queue means the client does not keep up.
    fn send(&self, message: Value) -> Result<(), Closing> {
        match self.out.try_send(Message::Text(message.to_string().into())) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full(_)) => Err(Closing::new(
                4413,
                format!(
                    "the client reads too slowly: {} messages were waiting; reconnect and resume from the last cursor",
                    self.state.subscription_limits.buffer
                ),
            )),
            Err(mpsc::error::TrySendError::Closed(_)) => Err(Closing::new(1000, "")),
        }
    }

    async fn received(&mut self, text: &str) -> Result<(), Closing> {
        let message: Value = serde_json::from_str(text)
            .map_err(|_| Closing::new(4400, "the message is not JSON"))?;
        let kind = message["type"].as_str().unwrap_or_default();
        match kind {
            "connection_init" => self.init(&message["payload"]).await,
            "ping" => self.send(json!({ "type": "pong" })),
            "pong" => Ok(()),
            "subscribe" => {
                let Some(id) = message["id"].as_str().filter(|id| !id.is_empty()) else {
                    return Err(Closing::new(4400, "`subscribe` needs an `id`"));
                };
                if !message["payload"].is_object() {
                    return Err(Closing::new(4400, "`subscribe` needs a `payload` object"));
                }
                self.subscribe(id.to_owned(), message["payload"].clone())
            }
            "complete" => {
                let Some(id) = message["id"].as_str() else {
                    return Err(Closing::new(4400, "`complete` needs an `id`"));
                };
                self.active.remove(id);
                Ok(())
            }
            other => Err(Closing::new(
                4400,
                format!("unknown message type {:?}", other),
            )),
        }
    }

    /// `connection_init`: the token in the payload (`{"authorization": "Bearer …"}` or
    /// `{"token": "…"}`), else the handshake's `Authorization` header, else anonymous.
    async fn init(&mut self, payload: &Value) -> Result<(), Closing> {
        if self.subscriber.is_some() {
            return Err(Closing::new(4429, "Too many initialisation requests"));
        }
        let given = payload.as_object().and_then(|p| {
            p.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
                .and_then(|(_, v)| v.as_str().map(str::to_owned))
                .or_else(|| {
                    p.get("token")
                        .and_then(Value::as_str)
                        .map(|t| format!("Bearer {t}"))
                })
        });
        let (credentials, principal) = match given {
            Some(credentials) => {
                let principal = self
                    .state
                    .guard
                    .authenticate_socket(self.handshake.address, &credentials)
                    .await
                    .map_err(|(code, reason)| Closing::new(code, reason))?;
                (Some(credentials), principal)
            }
            None => (
                self.handshake.credentials.clone(),
                self.handshake.principal.clone(),
            ),
        };
        let holder = match &principal {
            Principal::Member { token_id, .. }
            | Principal::Coordinator {
                token_id: Some(token_id),
                ..
            } => Holder::Token(*token_id),
            _ => Holder::Address(self.handshake.address),
        };
        let limits = self.state.subscription_limits;
        let seat = self
            .state
            .connections
            .take(holder, limits.connections_per_token)
            .ok_or_else(|| {
                Closing::new(
                    4430,
                    format!(
                        "too many connections: at most {} per token (or address) on this server",
                        limits.connections_per_token
                    ),
                )
            })?;
        self._seat = Some(seat);
        let subscriber = api::Subscriber::new(self.state.db.clone(), credentials, principal);
        let mut data = async_graphql::Data::default();
        data.insert(subscriber.clone());
        if let Some(language) = self.handshake.language.clone() {
            data.insert(language);
        }
        self.data = Some(Arc::new(data));
        self.subscriber = Some(subscriber);
        self.send(json!({ "type": "connection_ack" }))
    }

    fn subscribe(&mut self, id: String, payload: Value) -> Result<(), Closing> {
        let Some(data) = self.data.clone() else {
            return Err(Closing::new(4401, "Unauthorized"));
        };
        if self.active.contains_key(&id) {
            return Err(Closing::new(
                4409,
                format!("Subscriber for {id} already exists"),
            ));
        }
        let refuse = |this: &Self, code: &str, message: &str| {
            this.send(json!({
                "type": "error",
                "id": id,
                "payload": [{ "message": message, "extensions": { "code": code } }],
            }))
        };
        let limit = self.state.subscription_limits.per_connection;
        if self.active.len() >= limit {
            return refuse(
                self,
                code::LIMIT_EXCEEDED,
                &format!("at most {limit} subscriptions on one connection"),
            );
        }
        let (request, query, kind) = match crate::http::prepared(&self.state, payload) {
            Ok(prepared) => prepared,
            Err((code, message)) => return refuse(self, code, &message),
        };
        if kind != OperationType::Subscription {
            return refuse(
                self,
                code::BAD_REQUEST,
                "only subscriptions are served over WebSocket; send queries and mutations over HTTP",
            );
        }
        let events = self
            .state
            .live_schema
            .execute_stream_with_session_data(request, data);
        self.active.insert(
            id,
            Active {
                events,
                query,
                started: false,
            },
        );
        Ok(())
    }

    /// Sends a subscription's event (`next`, or `error` for a request that never ran),
    /// or its end (`complete`).
    fn deliver(
        &mut self,
        id: String,
        event: Option<async_graphql::Response>,
    ) -> Result<(), Closing> {
        let Some(event) = event else {
            self.active.remove(&id);
            return self.send(json!({ "type": "complete", "id": id }));
        };
        let Some(active) = self.active.get_mut(&id) else {
            return Ok(());
        };
        let first = !active.started;
        active.started = true;
        let request_error = crate::http::request_error(&event);
        let request_id = format!("{}-{id}", self.handshake.request_id);
        let errors = crate::http::coded_errors(&event, request_error, &request_id, &active.query);
        if first && request_error {
            self.active.remove(&id);
            return self.send(json!({ "type": "error", "id": id, "payload": errors }));
        }
        let mut payload = json!({ "data": event.data });
        if !errors.is_empty() {
            payload["errors"] = Value::Array(errors);
        }
        self.send(json!({ "type": "next", "id": id, "payload": payload }))
    }
}

/// The next event of any subscription, with its id (`None`: it ended); pending while
/// there are none.
async fn next_event(
    active: &mut HashMap<String, Active>,
) -> (String, Option<async_graphql::Response>) {
    futures_util::future::poll_fn(|cx| {
        for (id, subscription) in active.iter_mut() {
            if let Poll::Ready(event) = Pin::new(&mut subscription.events).poll_next(cx) {
                return Poll::Ready((id.clone(), event));
            }
        }
        Poll::Pending
    })
    .await
}

/// The writer: sends what is queued, in order; on a closing, sends the close frame
/// (behind what the socket already holds, waiting at most [`CLOSE_WAIT`] for a client
/// that reads nothing) and stops.
async fn write(
    mut sink: SplitSink<WebSocket, Message>,
    mut queue: mpsc::Receiver<Message>,
    mut closing: oneshot::Receiver<Closing>,
) {
    loop {
        tokio::select! {
            biased;
            closed = &mut closing => {
                if let Ok(Closing(code, reason)) = closed {
                    let frame = Message::Close(Some(CloseFrame { code, reason: reason.into() }));
                    let _ = tokio::time::timeout(CLOSE_WAIT, sink.send(frame)).await;
                } else {
                    // The client closed: its close frame is answered (the WebSocket layer
                    // queued the reply; closing the sink sends it).
                    let _ = tokio::time::timeout(CLOSE_WAIT, sink.close()).await;
                }
                return;
            }
            message = queue.recv() => match message {
                Some(message) => {
                    let sent = tokio::select! {
                        sent = sink.send(message) => sent.is_ok(),
                        closed = &mut closing => {
                            if let Ok(Closing(code, reason)) = closed {
                                let frame = Message::Close(Some(CloseFrame { code, reason: reason.into() }));
                                let _ = tokio::time::timeout(CLOSE_WAIT, sink.send(frame)).await;
                            }
                            return;
                        }
                    };
                    if !sent {
                        return;
                    }
                }
                None => {
                    // The connection ended without a closing of its own: wait for one.
                    if let Ok(Closing(code, reason)) = closing.await {
                        let frame = Message::Close(Some(CloseFrame { code, reason: reason.into() }));
                        let _ = tokio::time::timeout(CLOSE_WAIT, sink.send(frame)).await;
                    } else {
                        let _ = tokio::time::timeout(CLOSE_WAIT, sink.close()).await;
                    }
                    return;
                }
            },
        }
    }
}
