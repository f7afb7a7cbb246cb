//! The accept loop: each connection served by hyper (HTTP/1.1 or HTTP/2, as the client
//! speaks), with a watch on how long it sits idle or takes to send a request's head.
//!
//! Why our own loop, not `axum::serve`: that has no timeouts, so a client could hold
//! a socket (and a file descriptor) for ever by sending nothing, or a byte now and then.
//! hyper's own `header_read_timeout` does not cover the first bytes of a connection
//! (the HTTP/1-or-2 sniffing reads them without it) nor HTTP/2, and it also ends a
//! keep-alive connection between requests, so the watch here does both timeouts.
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tower::ServiceExt;

/// How long a connection may wait.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionTimeouts {
    /// With no request in progress and nothing received: closed after this long.
    pub idle: Duration,
    /// From a request's first byte to its last header: closed if it takes longer.
    pub header_read: Duration,
}

impl Default for ConnectionTimeouts {
    fn default() -> Self {
        ConnectionTimeouts {
            idle: Duration::from_secs(60),
            header_read: Duration::from_secs(10),
        }
    }
}

/// What a connection did last, in milliseconds since it was accepted (0: not yet).
struct Activity {
    accepted: Instant,
    /// Last byte read or written, or request finished.
    last: AtomicU64,
    /// First byte of a request head that has not yet become a request (0: none).
    head_since: AtomicU64,
    /// Requests being answered.
    busy: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Activity {
            accepted: Instant::now(),
            last: AtomicU64::new(0),
            head_since: AtomicU64::new(0),
            busy: AtomicUsize::new(0),
        }
    }

    fn now(&self) -> u64 {
        // +1 so that a moment is never 0, which means "none".
        self.accepted.elapsed().as_millis() as u64 + 1
    }

    fn read(&self) {
        let now = self.now();
        self.last.store(now, Ordering::Relaxed);
        if self.busy.load(Ordering::Acquire) == 0 {
            let _ = self
                .head_since
                .compare_exchange(0, now, Ordering::AcqRel, Ordering::Relaxed);
        }
    }

    fn wrote(&self) {
        self.last.store(self.now(), Ordering::Relaxed);
    }

    /// When the connection is due to close, if nothing changes; `None` while a request
    /// is being answered.
    fn deadline(&self, timeouts: ConnectionTimeouts) -> Option<Instant> {
        if self.busy.load(Ordering::Acquire) > 0 {
            return None;
        }
        let at = |millis: u64, after: Duration| {
            self.accepted + Duration::from_millis(millis.saturating_sub(1)) + after
        };
        Some(match self.head_since.load(Ordering::Acquire) {
            0 => at(self.last.load(Ordering::Relaxed), timeouts.idle),
            since => at(since, timeouts.header_read),
        })
    }
}

/// Held while a request is answered.
struct Busy(Arc<Activity>);

impl Busy {
    fn start(activity: &Arc<Activity>) -> Busy {
        activity.busy.fetch_add(1, Ordering::AcqRel);
        activity.head_since.store(0, Ordering::Release);
        Busy(activity.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.wrote();
        self.0.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A socket that tells its [`Activity`] what passes through it.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Serves `app` on `listener` until `shutdown` resolves; then stops accepting, asks
/// every connection to finish its requests and close, and returns once they have.
pub(crate) async fn run(
    listener: tokio::net::TcpListener,
    app: Router,
    timeouts: ConnectionTimeouts,
    shutdown: impl Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    let builder = auto::Builder::new(TokioExecutor::new());
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, or a connection reset before it was
                    // accepted: wait a moment rather than spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(Watched {
            stream,
            activity: activity.clone(),
        });
        let app = app.clone();
        let watch = activity.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer));
            let busy = Busy::start(&watch);
            let answer = app.clone().oneshot(request);
            async move {
                let response = answer.await;
                drop(busy);
                response
            }
        });
        let connection = graceful.watch(
            builder
                .serve_connection_with_upgrades(io, service)
                .into_owned(),
        );
        tokio::spawn(async move {
            tokio::pin!(connection);
            loop {
                // While a request is answered, look again now and then.
                let check = activity
                    .deadline(timeouts)
                    .unwrap_or_else(|| Instant::now() + timeouts.header_read);
                tokio::select! {
                    _ = &mut connection => return,
                    () = tokio::time::sleep_until(check.into()) => {
                        if activity.deadline(timeouts).is_some_and(|d| d <= Instant::now()) {
                            // Nothing in progress: dropping the connection closes it.
                            return;
                        }
                    }
                }
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
