//! Per-client rate limiting: a token bucket for each bearer token (or, without one, each
//! client address). Buckets live in this process; behind a load balancer each instance
//! limits what reaches it, so the effective limit is the per-instance one times the
//! number of instances.
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Buckets by client key.
#[derive(Clone)]
pub struct RateLimiter {
    per_minute: u32,
    metrics: crate::metrics::Metrics,
    buckets: Arc<Mutex<HashMap<String, Bucket>>>,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    pub fn new(per_minute: u32, metrics: crate::metrics::Metrics) -> Self {
        RateLimiter {
            per_minute,
            metrics,
            buckets: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Takes one request from `key`'s bucket; `Err(wait)` when it is empty.
    fn take(&self, key: String) -> Result<(), Duration> {
        let capacity = self.per_minute as f64;
        let per_second = capacity / 60.0;
        let now = Instant::now();
        let mut buckets = self.buckets.lock().expect("rate limiter lock");
        if buckets.len() > 100_000 {
            // Forget idle clients rather than grow without bound.
            buckets.retain(|_, b| now.duration_since(b.updated) < Duration::from_secs(120));
        }
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        bucket.tokens = (bucket.tokens
            + now.duration_since(bucket.updated).as_secs_f64() * per_second)
            .min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

/// The client a request counts against: its token's public id, else its address.
fn client_key(request: &Request) -> String {
    if let Some(token) = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let public = token
            .trim_start_matches("Bearer ")
            .split('_')
            .nth(1)
            .unwrap_or(token);
        return format!("token:{public}");
    }
    let address: Option<IpAddr> = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    format!(
        "address:{}",
        address.map_or("unknown".into(), |a| a.to_string())
    )
}

/// Middleware: 429 with `Retry-After` when the caller's bucket is empty.
pub async fn rate_limit(
    State(limiter): State<RateLimiter>,
    request: Request,
    next: Next,
) -> Response {
    match limiter.take(client_key(&request)) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            limiter.metrics.refusal("rate");
            let body = crate::http::refusal_body(
                api::code::RATE_LIMITED,
                "too many requests; retry later",
            );
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                [(CONTENT_TYPE, "application/json")],
                body,
            )
                .into_response();
            let seconds = wait.as_secs().max(1).to_string();
            response.headers_mut().insert(
                RETRY_AFTER,
                HeaderValue::from_str(&seconds).expect("digits"),
            );
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_empties_and_refills() {
        let limiter = RateLimiter::new(60, Default::default());
        for _ in 0..60 {
            assert!(limiter.take("a".into()).is_ok());
        }
        let wait = limiter.take("a".into()).unwrap_err();
        assert!(wait <= Duration::from_secs(1));
        assert!(
            limiter.take("b".into()).is_ok(),
            "clients have their own buckets"
        );
    }
}
