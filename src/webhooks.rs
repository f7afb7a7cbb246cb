//! The webhook sender: one task per process that queues new changes for every endpoint
//! (`service::webhooks::enqueue`), claims due deliveries under a lease (so several
//! instances never send the same one at once), POSTs each signed, and records the
//! attempt. It polls the database every `poll` and can be woken early (`Waker::wake`,
//! for a change notification). Stopping lets the attempts in flight finish and record
//! their outcome, so a restart neither loses nor repeats a delivery; a process killed
//! mid-attempt leaves its lease to run out, and the delivery is sent again (receivers
//! drop a repeat by its `Concord-Delivery` id).
//!
//! Each POST carries `Concord-Delivery: <delivery id>`, `Concord-Attempt: <n>` and
//! `Concord-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with
//! the endpoint's secret>`; a receiver recomputes it and refuses a `t` too far from its
//! clock (replay protection). Redirects are not followed, and a host name is resolved
//! by a resolver that refuses private addresses (`service::webhooks::address_allowed`).
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hmac::{Hmac, KeyInit, Mac};
use service::Database;
use service::webhooks::{AttemptOutcome, Claimed, EndpointUrl, RetryPolicy, UrlPolicy};
use sha2::Sha256;
use tokio::sync::{Notify, watch};

/// The signature header.
pub const SIGNATURE_HEADER: &str = "concord-signature";
/// The delivery id header.
pub const DELIVERY_HEADER: &str = "concord-delivery";
/// The attempt number header (1 for the first).
pub const ATTEMPT_HEADER: &str = "concord-attempt";

/// How the sender works.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Which endpoint URLs may be reached (checked again at every send).
    pub urls: UrlPolicy,
    /// How often the queue is looked at when nothing wakes the sender.
    pub poll: Duration,
    /// Backoff and the number of attempts.
    pub retry: RetryPolicy,
    /// How long one POST may take, connecting included.
    pub timeout: Duration,
    /// Deliveries claimed (and sent at once) per round.
    pub batch: u64,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            urls: UrlPolicy::default(),
            poll: Duration::from_secs(1),
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(10),
            batch: 20,
        }
    }
}

/// HMAC-SHA256 of `"<timestamp>.<body>"` keyed with `secret`, in hex: the `v1` of
/// the signature header.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// The `Concord-Signature` header's value.
pub fn signature_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", signature(secret, timestamp, body))
}

/// Wakes the sender before its next poll (a change was committed somewhere).
#[derive(Clone, Default)]
pub struct Waker(Arc<Notify>);

impl Waker {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// The running sender.
pub struct Dispatcher {
    waker: Waker,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Dispatcher {
    /// Starts the sender over `db`.
    pub fn spawn(db: Database, settings: WebhookSettings) -> Result<Dispatcher, String> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .user_agent(concat!("Concord-Webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(GuardedResolver(settings.urls)))
            .build()
            .map_err(|e| format!("cannot build the webhook client: {e}"))?;
        let waker = Waker::default();
        let (stop, stopping) = watch::channel(false);
        let sender = Sender {
            db,
            client,
            id: sender_id(),
            settings,
        };
        let task = tokio::spawn(sender.run(waker.clone(), stopping));
        Ok(Dispatcher { waker, stop, task })
    }

    /// Something to wake the sender with.
    pub fn waker(&self) -> Waker {
        self.waker.clone()
    }

    /// Wakes the sender now.
    pub fn wake(&self) {
        self.waker.wake();
    }

    /// Stops after the attempts in flight have finished and been recorded.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// This process among the senders: its attempts and leases carry it.
fn sender_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{}-{:08x}", std::process::id(), nanos)
}

struct Sender {
    db: Database,
    client: reqwest::Client,
    id: String,
    settings: WebhookSettings,
}

impl Sender {
    /// A lease outlasts an attempt with room to record it.
    fn lease(&self) -> Duration {
        self.settings.timeout * 2 + Duration::from_secs(30)
    }

    async fn run(self, waker: Waker, mut stopping: watch::Receiver<bool>) {
        loop {
            if *stopping.borrow() {
                break;
            }
            if let Err(e) = service::webhooks::enqueue(&self.db, api::webhook_record_json).await {
                tracing::warn!(error = %e.message(), "queueing webhook deliveries failed");
            }
            // Send what is due, round after round, until nothing is (or we must stop).
            while !*stopping.borrow() {
                let claimed = match service::webhooks::claim(
                    &self.db.connection,
                    &self.id,
                    self.lease(),
                    self.settings.batch,
                )
                .await
                {
                    Ok(claimed) => claimed,
                    Err(e) => {
                        tracing::warn!(error = %e.message(), "claiming webhook deliveries failed");
                        break;
                    }
                };
                if claimed.is_empty() {
                    break;
                }
                futures_util::future::join_all(claimed.into_iter().map(|c| self.deliver(c))).await;
            }
            tokio::select! {
                () = tokio::time::sleep(self.settings.poll) => {}
                () = waker.0.notified() => {}
                _ = stopping.changed() => {}
            }
        }
    }

    /// One attempt at one claimed delivery, and its record.
    async fn deliver(&self, claimed: Claimed) {
        let outcome = self.attempt(&claimed).await;
        if let Some(error) = &outcome.error {
            tracing::info!(delivery = claimed.delivery.id, endpoint = claimed.endpoint.id, %error, "webhook attempt failed");
        }
        if let Err(e) = service::webhooks::record_attempt(
            &self.db.connection,
            claimed.delivery.id,
            &self.id,
            &outcome,
            &self.settings.retry,
        )
        .await
        {
            // The lease runs out and the delivery is sent again: at least once.
            tracing::warn!(error = %e.message(), delivery = claimed.delivery.id, "recording a webhook attempt failed");
        }
    }

    async fn attempt(&self, claimed: &Claimed) -> AttemptOutcome {
        let started_at = chrono::Utc::now();
        let clock = Instant::now();
        let outcome = |status_code: Option<u16>, error: Option<String>| AttemptOutcome {
            started_at,
            duration: clock.elapsed(),
            status_code,
            error,
        };
        // The rule may have tightened since the endpoint was saved.
        if let Err(e) = EndpointUrl::parse("url", &claimed.endpoint.url, self.settings.urls) {
            return outcome(None, Some(format!("URL not allowed: {}", e.message())));
        }
        let body = match serde_json::to_vec(&api::webhook_body(&claimed.delivery)) {
            Ok(body) => body,
            Err(e) => return outcome(None, Some(format!("body: {e}"))),
        };
        let timestamp = started_at.timestamp();
        let delivery_id = api::webhook_delivery_id(claimed.delivery.id);
        let response = self
            .client
            .post(&claimed.endpoint.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(DELIVERY_HEADER, delivery_id)
            .header(ATTEMPT_HEADER, (claimed.delivery.attempts + 1).to_string())
            .header(
                SIGNATURE_HEADER,
                signature_header(&claimed.endpoint.secret, timestamp, &body),
            )
            .body(body)
            .send()
            .await;
        match response {
            Ok(response) => {
                let status = response.status();
                let code = Some(status.as_u16());
                if status.is_success() {
                    outcome(code, None)
                } else if status.is_redirection() {
                    outcome(
                        code,
                        Some(format!("HTTP {status}: redirects are not followed")),
                    )
                } else {
                    outcome(code, Some(format!("HTTP {status}")))
                }
            }
            Err(e) if e.is_timeout() => outcome(
                None,
                Some(format!(
                    "timed out after {} ms",
                    self.settings.timeout.as_millis()
                )),
            ),
            Err(e) => outcome(None, Some(error_chain(&e))),
        }
    }
}

/// An error with its causes, for the attempt's record (reqwest's own message alone is
/// "error sending request").
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Resolves endpoint host names, keeping only addresses the policy allows: a public
/// name that resolves (now, or after a DNS change) to a private address is refused.
struct GuardedResolver(UrlPolicy);

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.0;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| service::webhooks::address_allowed(a.ip(), policy))
                .collect();
            if allowed.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        let sig = signature("whsec_test", 1_700_000_000, br#"{"a":1}"#);
        assert_eq!(
            sig,
            "38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
        assert_eq!(sig.len(), 64);
        assert_eq!(sig, signature("whsec_test", 1_700_000_000, br#"{"a":1}"#));
        assert_ne!(sig, signature("whsec_test", 1_700_000_001, br#"{"a":1}"#));
        assert_ne!(sig, signature("whsec_other", 1_700_000_000, br#"{"a":1}"#));
        assert_eq!(
            signature_header("whsec_test", 1_700_000_000, br#"{"a":1}"#),
            format!("t=1700000000,v1={sig}")
        );
    }
}
