//! Knowing, in every process, that new feed entries were committed: the hub behind
//! subscriptions. It holds one number, the newest entry id this process knows to be
//! committed, and wakes whoever waits for a newer one. The change table stays the
//! truth: a wake-up only says "read the table after your cursor".
//!
//! What moves the number: on PostgreSQL, `NOTIFY` on [`CHANNEL`] (sent by each write in
//! its transaction, so delivered at commit, to every instance on the database; the
//! payload is the entry's id); on SQLite (one process), [`Hub::poke`] after a write of
//! this process. Behind both, the table itself, read again every [`POLL`], whenever the
//! listener's connection was lost and found again (notifications sent meanwhile are
//! gone), and after a poke. So a missed notification delays a delivery; it never loses one.
//!
//! The hub also shares the work of subscriptions: the feed after a place is read once
//! per read rule ([`Hub::read`]), and a token is proved once per new entry however many
//! connections hold it ([`Hub::prove`]). So a change costs statements per distinct
//! principal, not per subscription.
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use entity::change_entry;
use sea_orm::{DatabaseBackend, DatabaseConnection, EntityTrait, QuerySelect};
use tokio::sync::{Notify, OnceCell, OwnedSemaphorePermit, Semaphore, watch};

use super::ChangeFilter;
use crate::access::ReadRule;
use crate::{Database, Principal, Result, Scope};

/// Entries read from the feed at a time for subscriptions.
const BATCH: u64 = 100;

/// How long a shared read is kept for subscriptions that reach its place late. Entries
/// never change, so an old read is still true; this only bounds memory.
const KEEP_READS: Duration = Duration::from_secs(60);

/// The feed after a place, as one read rule reads it: shared by every subscription of
/// that rule at that place.
#[derive(Debug)]
pub struct LivePage {
    /// The entries the rule may hear of, in commit order, none after `seen`.
    pub entries: Vec<change_entry::Model>,
    /// The newest entry known committed when the read began.
    pub seen: i64,
    /// Every entry the rule may hear of up to here is in `entries`: the next read starts
    /// here (`seen` when the read reached it, else the last entry).
    pub upto: i64,
    /// The read stopped short of `seen`: read again at once.
    pub more: bool,
}

type SharedRead = Arc<OnceCell<Arc<LivePage>>>;
type Proof = Arc<tokio::sync::Mutex<Option<(i64, Principal)>>>;

/// The PostgreSQL channel that carries new entries' ids.
pub(crate) const CHANNEL: &str = "concord_changes";

/// How often the table is read even without a notification.
pub const POLL: Duration = Duration::from_secs(1);

/// One per database pool (so one per process in production), cheap to clone.
#[derive(Clone)]
pub struct Hub(Arc<Inner>);

struct Inner {
    /// The newest entry id known committed.
    newest: watch::Sender<i64>,
    /// A write of this process committed (SQLite): read the table.
    poked: Notify,
    started: AtomicBool,
    /// The database's URL, for the PostgreSQL listener's own connection.
    url: String,
    /// Subscription work (a feed read, an event's reads) at once: the rest wait their
    /// turn instead of queueing on the pool, whose 3 s wait would fail them and the HTTP
    /// requests beside them. Two of SQLite's four connections; five on PostgreSQL.
    deliveries: Arc<Semaphore>,
    /// Shared feed reads by (read rule, place), with when they were made.
    reads: Mutex<HashMap<(ReadRule, i64), (Instant, SharedRead)>>,
    /// The last proof of each credentials: up to which entry, and whom it proved.
    proofs: Mutex<HashMap<String, Proof>>,
    /// Feed reads made for subscriptions (not shared hits): a figure for tests.
    feed_reads: std::sync::atomic::AtomicU64,
}

impl Hub {
    pub(crate) fn new(url: &str) -> Hub {
        Hub(Arc::new(Inner {
            newest: watch::channel(0).0,
            poked: Notify::new(),
            started: AtomicBool::new(false),
            url: url.to_owned(),
            deliveries: Arc::new(Semaphore::new(if url.starts_with("postgres") {
                5
            } else {
                2
            })),
            reads: Mutex::new(HashMap::new()),
            proofs: Mutex::new(HashMap::new()),
            feed_reads: std::sync::atomic::AtomicU64::new(0),
        }))
    }

    /// The feed after the entry `after` as `scope`'s principal may hear of it, up to
    /// `seen` (or the newest known to whoever read it first): read once per read rule
    /// and place, whatever the number of subscriptions there. Subscriptions filter it
    /// (types, owners, records) in memory.
    pub async fn read(&self, scope: &Scope, after: i64, seen: i64) -> Result<Arc<LivePage>> {
        let key = (ReadRule::of(scope.principal()), after);
        loop {
            let page = self.read_once(&key, scope, after, seen).await?;
            // A read that ended where it began, before what this reader knows committed,
            // is no use to it (nor to anyone later): it is read anew.
            if page.upto > after || page.seen >= seen {
                return Ok(page);
            }
            let mut reads = self.0.reads.lock().expect("reads lock");
            if reads
                .get(&key)
                .is_some_and(|(_, cell)| cell.get().is_some_and(|p| Arc::ptr_eq(p, &page)))
            {
                reads.remove(&key);
            }
        }
    }

    async fn read_once(
        &self,
        key: &(ReadRule, i64),
        scope: &Scope,
        after: i64,
        seen: i64,
    ) -> Result<Arc<LivePage>> {
        let cell = {
            let mut reads = self.0.reads.lock().expect("reads lock");
            if reads.len() >= 256 {
                let now = Instant::now();
                reads.retain(|_, (made, _)| now.duration_since(*made) < KEEP_READS);
            }
            reads
                .entry(key.clone())
                .or_insert_with(|| (Instant::now(), SharedRead::default()))
                .1
                .clone()
        };
        let page = cell
            .get_or_try_init(|| async {
                self.0.feed_reads.fetch_add(1, Ordering::Relaxed);
                let page = scope
                    .changes_after(Some(after), BATCH, &ChangeFilter::default())
                    .await?;
                // The read reached past `seen` (in commit order), or to the end: all
                // committed up to `seen` was committed before it began, so it saw it.
                let complete =
                    !page.has_next_page || page.entries.last().is_some_and(|e| e.id > seen);
                let entries: Vec<_> = page.entries.into_iter().filter(|e| e.id <= seen).collect();
                let upto = if complete {
                    seen
                } else {
                    entries.last().map_or(after, |e| e.id)
                };
                Ok::<_, crate::Error>(Arc::new(LivePage {
                    entries,
                    seen,
                    upto: upto.max(after),
                    more: !complete,
                }))
            })
            .await?;
        Ok(page.clone())
    }

    /// Feed reads made for subscriptions since the process began (shared ones once).
    pub fn feed_reads(&self) -> u64 {
        self.0.feed_reads.load(Ordering::Relaxed)
    }

    /// `credentials` proved valid after the entry `seen` was committed: the principal
    /// they stand for, from a proof made since by any connection holding them, or a new
    /// one. `Unauthenticated` when they are no longer valid (never kept: each holder
    /// finds out).
    pub async fn prove(&self, db: &Database, credentials: &str, seen: i64) -> Result<Principal> {
        let proof = {
            let mut proofs = self.0.proofs.lock().expect("proofs lock");
            if proofs.len() >= 4096 {
                proofs.retain(|_, proof| Arc::strong_count(proof) > 1);
            }
            proofs.entry(credentials.to_owned()).or_default().clone()
        };
        let mut proof = proof.lock().await;
        if let Some((upto, principal)) = &*proof
            && *upto >= seen
        {
            return Ok(principal.clone());
        }
        let principal = crate::auth::authenticate(db, Some(credentials)).await?;
        *proof = Some((seen, principal.clone()));
        Ok(principal)
    }

    /// Starts following the database, once; later calls do nothing. The task ends by
    /// itself when the last handle on the pool is gone.
    pub fn start(&self, db: &DatabaseConnection) {
        if self.0.started.swap(true, Ordering::AcqRel) {
            return;
        }
        tokio::spawn(follow(Arc::downgrade(&self.0), db.clone()));
    }

    /// A turn to do subscription work (see `Inner::deliveries`), held while it runs.
    pub async fn turn(&self) -> OwnedSemaphorePermit {
        self.0
            .deliveries
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed")
    }

    /// A receiver of the newest committed entry id (0 while none is known).
    pub fn watch(&self) -> watch::Receiver<i64> {
        self.0.newest.subscribe()
    }

    /// A write of this process has committed: the hub reads the table soon. On
    /// PostgreSQL the write's `NOTIFY` says it already, so this does nothing there.
    pub fn poke(&self) {
        if !self.0.url.starts_with("postgres") && self.0.started.load(Ordering::Acquire) {
            self.0.poked.notify_one();
        }
    }

    fn saw(inner: &Inner, id: i64) {
        inner.newest.send_if_modified(|newest| {
            let newer = id > *newest;
            if newer {
                *newest = id;
            }
            newer
        });
    }
}

/// The newest entry id in the table (0 when it is empty).
async fn newest(db: &DatabaseConnection) -> Result<i64> {
    let max = change_entry::Entity::find()
        .select_only()
        .column_as(
            sea_orm::sea_query::ExprTrait::max(sea_orm::sea_query::Expr::col(
                change_entry::Column::Id,
            )),
            "max",
        )
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// The hub's task: the table read now, then on every notification, poke, lost listener
/// and tick of [`POLL`].
async fn follow(hub: Weak<Inner>, db: DatabaseConnection) {
    let postgres = db.get_database_backend() == DatabaseBackend::Postgres;
    let mut listener: Option<sea_orm::sqlx::postgres::PgListener> = None;
    let mut read_table = true;
    loop {
        let Some(inner) = hub.upgrade() else {
            return;
        };
        if postgres && listener.is_none() {
            listener = listen(&inner.url).await;
            // Whatever was sent while no one listened is in the table.
            read_table = true;
        }
        if read_table {
            match newest(&db).await {
                Ok(id) => Hub::saw(&inner, id),
                Err(error) => {
                    tracing::warn!(error = %error.message(), "reading the change feed's head failed")
                }
            }
        }
        read_table = true;
        let notified = async {
            match listener.as_mut() {
                Some(listener) => listener.try_recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = inner.poked.notified() => {}
            () = tokio::time::sleep(POLL) => {}
            received = notified => match received {
                Ok(Some(notification)) => {
                    if let Ok(id) = notification.payload().parse::<i64>() {
                        Hub::saw(&inner, id);
                        read_table = false;
                    }
                }
                // The connection was lost and is being made again: read the table.
                Ok(None) => {}
                Err(error) => {
                    tracing::warn!(%error, "the change listener failed; listening again");
                    listener = None;
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
            },
        }
    }
}

/// A listener on [`CHANNEL`], on a connection of its own; `None` (and a warning) when the
/// database cannot be reached: the table is polled meanwhile and listening tried again.
async fn listen(url: &str) -> Option<sea_orm::sqlx::postgres::PgListener> {
    let attempt = async {
        let mut listener = sea_orm::sqlx::postgres::PgListener::connect(url).await?;
        listener.listen(CHANNEL).await?;
        Ok::<_, sea_orm::sqlx::Error>(listener)
    };
    match attempt.await {
        Ok(listener) => Some(listener),
        Err(error) => {
            tracing::warn!(%error, "cannot listen for changes; polling the table until it works");
            None
        }
    }
}
