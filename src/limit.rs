//! Who a request is, and how much it may ask: the request's credentials are checked
//! first, then the caller's budget is taken, keyed by what was proved (the token's
//! row id; without a token, the client's address). A budget keyed by the token a client
//! merely *claims* let anyone who read a public id in the audit log spend its owner's
//! budget with garbage secrets.
//!
//! Checking an unfamiliar token has a small budget of its own per client address, taken
//! *before* the database is asked; a token that authenticated is familiar for a while
//! and checked without it (it is still checked). So the database sees at most that
//! budget of bad tokens per address, however many arrive at once, and no one who holds
//! a real token is locked out, even behind the attacker's address. In effect it is a
//! budget of failed authentications: a real token spends one unit per [`KNOWN_FOR`].
//!
//! The counting is `governor`'s (GCRA, keyed, in this process; behind a load balancer
//! each instance limits what reaches it). Memory is bounded: keys whose budget is full
//! again are dropped every [`HOUSEKEEPING_EVERY`] requests, and the map of familiar
//! tokens has a fixed capacity.
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{AUTHORIZATION, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use service::{Database, Principal};

/// Requests between two sweeps of the limiters' keys.
const HOUSEKEEPING_EVERY: u64 = 1024;
/// Most tokens remembered as familiar.
const CAPACITY: usize = 10_000;
/// How long a token that authenticated stays familiar (each success renews it).
const KNOWN_FOR: Duration = Duration::from_secs(600);

/// The principal a request was authenticated as, for the handlers after [`guard`].
#[derive(Clone)]
pub(crate) struct Authenticated(pub Principal);

/// The client's address as the limits count it (IPv6 by its /64), for the handlers.
#[derive(Clone, Copy)]
pub(crate) struct ClientAddress(pub IpAddr);

/// What a budget is kept for.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Client {
    /// An authenticated token, by its row id.
    Token(i64),
    /// An anonymous caller, by address (IPv6 by its /64, which one host usually holds).
    Address(IpAddr),
}

/// The limits of `Settings`, shared by every request of an app.
#[derive(Clone)]
pub(crate) struct Guard(Arc<Inner>);

struct Inner {
    db: Database,
    metrics: crate::metrics::Metrics,
    proxy_header: Option<HeaderName>,
    requests: Option<DefaultKeyedRateLimiter<Client>>,
    failures: Option<DefaultKeyedRateLimiter<IpAddr>>,
    /// Tokens (by a keyed hash of the whole header) that authenticated lately.
    known: Until<u64>,
    hasher: RandomState,
    seen: AtomicU64,
    clock: DefaultClock,
}

/// A bounded map of keys to instants; expired entries are swept when it is full.
struct Until<K>(Mutex<HashMap<K, Instant>>);

impl<K: std::hash::Hash + Eq> Until<K> {
    fn new() -> Self {
        Until(Mutex::new(HashMap::new()))
    }

    /// When `key`'s entry runs out, if it has not yet.
    fn get(&self, key: &K, now: Instant) -> Option<Instant> {
        let map = self.0.lock().expect("limit lock");
        map.get(key).copied().filter(|until| *until > now)
    }

    /// Holds `key` until `until`; when full of live entries, holds nothing new (then a
    /// token is only less familiar than it could be).
    fn insert(&self, key: K, until: Instant, now: Instant) {
        let mut map = self.0.lock().expect("limit lock");
        if map.len() >= CAPACITY && !map.contains_key(&key) {
            map.retain(|_, u| *u > now);
            if map.len() >= CAPACITY {
                return;
            }
        }
        map.insert(key, until);
    }

    fn remove(&self, key: &K) {
        self.0.lock().expect("limit lock").remove(key);
    }

    fn sweep(&self, now: Instant) {
        let mut map = self.0.lock().expect("limit lock");
        map.retain(|_, u| *u > now);
        map.shrink_to_fit();
    }
}

/// The per-minute budgets and the proxy header the app was configured with.
pub(crate) struct Budgets {
    pub requests_per_minute: Option<u32>,
    pub auth_failures_per_minute: Option<u32>,
    pub proxy_header: Option<HeaderName>,
}

impl Guard {
    pub fn new(db: Database, metrics: crate::metrics::Metrics, budgets: Budgets) -> Guard {
        let per_minute = |n: Option<u32>| n.and_then(NonZeroU32::new).map(Quota::per_minute);
        Guard(Arc::new(Inner {
            db,
            metrics,
            proxy_header: budgets.proxy_header,
            requests: per_minute(budgets.requests_per_minute).map(DefaultKeyedRateLimiter::dashmap),
            failures: per_minute(budgets.auth_failures_per_minute)
                .map(DefaultKeyedRateLimiter::dashmap),
            known: Until::new(),
            hasher: RandomState::new(),
            seen: AtomicU64::new(0),
            clock: DefaultClock::default(),
        }))
    }
}

impl Guard {
    /// Authenticates the token a WebSocket client sent in `connection_init` (with the
    /// same budget of unfamiliar tokens per address as a header); a refusal is a close
    /// code and reason: 4403 for a token that is not valid (or too many tries), 4500 when
    /// it could not be checked.
    pub(crate) async fn authenticate_socket(
        &self,
        address: IpAddr,
        header: &str,
    ) -> Result<Principal, (u16, String)> {
        let headers = HeaderMap::new();
        match self.0.authenticate(&headers, address, header).await {
            Ok(principal) => Ok(principal),
            Err(refusal) => Err(match refusal.status() {
                StatusCode::UNAUTHORIZED => (4403, "Forbidden: the token is not valid".into()),
                StatusCode::TOO_MANY_REQUESTS => (
                    4403,
                    "Forbidden: too many token checks from this address; retry later".into(),
                ),
                _ => (4500, "the token could not be checked; try again".into()),
            }),
        }
    }
}

impl Inner {
    /// The client's address: the socket's peer, or, with a trusted proxy header, the
    /// right-most address in it (the one our proxy appended; what is left of it the
    /// client wrote itself).
    fn address(&self, request: &Request) -> IpAddr {
        let socket = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
        let Some(name) = &self.proxy_header else {
            return socket;
        };
        proxied(request.headers(), name).unwrap_or(socket)
    }

    /// Waits until the next request `key` may make, if it must wait.
    fn take<K: std::hash::Hash + Eq + Clone>(
        &self,
        limiter: &Option<DefaultKeyedRateLimiter<K>>,
        key: &K,
    ) -> Result<(), Duration> {
        match limiter {
            Some(limiter) => limiter
                .check_key(key)
                .map_err(|not_until| not_until.wait_time_from(self.clock.now())),
            None => Ok(()),
        }
    }

    /// Drops what no longer limits anyone, every so many requests.
    fn housekeeping(&self) {
        if !self
            .seen
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(HOUSEKEEPING_EVERY)
        {
            return;
        }
        if let Some(limiter) = &self.requests {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        if let Some(limiter) = &self.failures {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        let now = Instant::now();
        self.known.sweep(now);
    }

    fn refuse(&self, headers: &HeaderMap, wait: Duration, limit: &str) -> Response {
        self.metrics.refusal(limit);
        let mut response = crate::http::refusal(
            headers,
            StatusCode::TOO_MANY_REQUESTS,
            api::code::RATE_LIMITED,
            "too many requests; retry later",
        );
        let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
        response.headers_mut().insert(
            RETRY_AFTER,
            HeaderValue::from_str(&seconds.to_string()).expect("digits"),
        );
        response
    }

    /// Authenticates `header` for a client at `address`; an unfamiliar token first
    /// spends a unit of the address's budget for checking tokens.
    async fn authenticate(
        &self,
        headers: &HeaderMap,
        address: IpAddr,
        header: &str,
    ) -> Result<Principal, Response> {
        let now = Instant::now();
        let fingerprint = self.hasher.hash_one(header);
        if self.known.get(&fingerprint, now).is_none()
            && let Err(wait) = self.take(&self.failures, &address)
        {
            return Err(self.refuse(headers, wait, "auth"));
        }
        match service::auth::authenticate(&self.db, Some(header)).await {
            Ok(principal) => {
                self.known.insert(fingerprint, now + KNOWN_FOR, now);
                Ok(principal)
            }
            Err(service::Error::Unauthenticated(message)) => {
                // Revoked or expired since: it spends the budget again.
                self.known.remove(&fingerprint);
                Err(crate::http::refusal(
                    headers,
                    StatusCode::UNAUTHORIZED,
                    api::code::UNAUTHENTICATED,
                    &message,
                ))
            }
            Err(error) => {
                tracing::error!(error = %error.message(), "authentication failed");
                Err(crate::http::refusal(
                    headers,
                    StatusCode::SERVICE_UNAVAILABLE,
                    api::code::UNAVAILABLE,
                    "credentials could not be checked; try again",
                ))
            }
        }
    }
}

/// The right-most address in the proxy header `name` (its last line, if repeated).
fn proxied(headers: &HeaderMap, name: &HeaderName) -> Option<IpAddr> {
    let last = headers.get_all(name).iter().next_back()?.to_str().ok()?;
    let entry = last.rsplit(',').next()?.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// An IPv6 address by its /64 network; IPv4 (and IPv4-mapped) as is.
fn network(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(bits))
        }
        IpAddr::V6(v6) => IpAddr::V4(v6.to_ipv4_mapped().expect("mapped")),
        v4 => v4,
    }
}

/// Middleware: authenticates the request (a bad token is 401, never anonymous), then
/// takes one request from the caller's budget (429 with `Retry-After` when it is
/// empty), and hands the principal on in the request's extensions.
pub(crate) async fn guard(
    State(guard): State<Guard>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let inner = &guard.0;
    inner.housekeeping();
    let address = network(inner.address(&request));
    let principal = match request.headers().get(AUTHORIZATION) {
        None => Principal::Anonymous,
        Some(value) => {
            let header = value.to_str().unwrap_or("\u{fffd}").to_owned();
            match inner
                .authenticate(request.headers(), address, &header)
                .await
            {
                Ok(principal) => principal,
                Err(refusal) => {
                    // Counted as GraphQL requests, as when the handler checked credentials
                    // (429s never were: they are refusals).
                    let outcome = match refusal.status() {
                        StatusCode::UNAUTHORIZED => Some(api::code::UNAUTHENTICATED),
                        StatusCode::SERVICE_UNAVAILABLE => Some(api::code::UNAVAILABLE),
                        _ => None,
                    };
                    if let Some(outcome) = outcome
                        && request.uri().path() == "/graphql"
                    {
                        inner.metrics.request(None, outcome, started.elapsed());
                    }
                    return refusal;
                }
            }
        }
    };
    let client = match &principal {
        Principal::Member { token_id, .. }
        | Principal::Coordinator {
            token_id: Some(token_id),
            ..
        } => Client::Token(*token_id),
        _ => Client::Address(address),
    };
    if let Err(wait) = inner.take(&inner.requests, &client) {
        return inner.refuse(request.headers(), wait, "rate");
    }
    request.extensions_mut().insert(Authenticated(principal));
    request.extensions_mut().insert(ClientAddress(address));
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxy_header_gives_its_right_most_address() {
        let name = HeaderName::from_static("x-forwarded-for");
        let mut headers = HeaderMap::new();
        assert_eq!(proxied(&headers, &name), None);
        headers.append(&name, HeaderValue::from_static("203.0.113.9, 10.0.0.1"));
        assert_eq!(proxied(&headers, &name), Some([10, 0, 0, 1].into()));
        headers.append(&name, HeaderValue::from_static("198.51.100.7:4431"));
        assert_eq!(proxied(&headers, &name), Some([198, 51, 100, 7].into()));
        headers.insert(&name, HeaderValue::from_static("not an address"));
        assert_eq!(proxied(&headers, &name), None);
    }

    #[test]
    fn ipv6_clients_count_by_their_network() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(network(a), network(b));
        assert_ne!(network(a), network(c));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(network(mapped), IpAddr::from([192, 0, 2, 1]));
    }

    #[test]
    fn the_maps_of_instants_are_bounded() {
        let until = Until::new();
        let now = Instant::now();
        for n in 0..CAPACITY as u64 + 10 {
            until.insert(n, now + Duration::from_secs(60), now);
        }
        assert_eq!(until.0.lock().unwrap().len(), CAPACITY);
        // Expired entries make room.
        let later = now + Duration::from_secs(61);
        until.insert(u64::MAX, later + Duration::from_secs(1), later);
        assert_eq!(until.0.lock().unwrap().len(), 1);
        assert!(until.get(&u64::MAX, later).is_some());
        assert!(until.get(&0, later).is_none());
    }
}
