//! `recordChanged`: the change feed pushed as it grows. Each subscription keeps its own
//! cursor in the feed, waits on the process's hub (`service::changes::Hub`) for newer
//! entries, reads them through the service with the subscriber's principal (the feed's
//! own read rule), and yields each as a `Change`, whose record is read again at delivery
//! with that principal (see [`crate::delivery`]).
//!
//! The work is shared: the feed after a place is read once per read rule for every
//! subscription there (`Hub::read`), filtered here in memory; a token is proved once per
//! new entry for all its connections (`Hub::prove`); and an entry's record is read once
//! per read rule (the delivery's loader is shared, see [`crate::delivery`]).
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, RwLock};

use async_graphql::{Context, ID, InputObject, Subscription};
use futures_util::Stream;
use service::changes::ChangeFilter;
use service::entity::change_entry;
use service::{Database, Principal, Scope};
use tokio::sync::watch;

use super::{Change, RecordType};
use crate::error::{Result, bad_input, svc};
use crate::ids::{self, Kind};

/// Which changes a subscription receives; absent means any.
#[derive(InputObject, Default)]
pub struct RecordChangedFilter {
    /// Only records of these types.
    pub types: Option<Vec<RecordType>>,
    /// Only records owned (or maintained) by these organisations when they changed.
    pub owners: Option<Vec<ID>>,
    /// Only these records (global ids of record types the feed reports; at most 100).
    pub ids: Option<Vec<ID>>,
}

impl RecordChangedFilter {
    fn service(self) -> Result<ChangeFilter> {
        let records = match self.ids {
            None => None,
            Some(ids) if ids.len() as u64 > service::MAX_PAGE_SIZE => {
                return Err(bad_input(
                    "filter.ids",
                    format!("at most {} ids", service::MAX_PAGE_SIZE),
                ));
            }
            Some(ids) => Some(
                ids.iter()
                    .map(|id| {
                        let (kind, key) = ids::decode("filter.ids", id)?;
                        let table = RecordType::of_kind(kind)
                            .map(RecordType::table)
                            .ok_or_else(|| {
                                bad_input(
                                    "filter.ids",
                                    format!("`{}` is not a record the feed reports", id.as_str()),
                                )
                            })?;
                        let key = key.parse::<i64>().map_err(|_| {
                            bad_input(
                                "filter.ids",
                                format!("`{}` is not an id this API issued", id.as_str()),
                            )
                        })?;
                        Ok((table.to_owned(), key))
                    })
                    .collect::<Result<Vec<_>>>()?,
            ),
        };
        Ok(ChangeFilter {
            types: self
                .types
                .map(|t| t.iter().map(|t| t.table().to_owned()).collect()),
            owners: ids::decode_all("filter.owners", Kind::Organisation, &self.owners)?,
            records,
        })
    }
}

/// Who a WebSocket connection's subscriptions deliver to: its credentials, checked again
/// before every delivery (a revoked or expired token ends them), and the principal they
/// last proved. Put in the connection's data by the transport.
pub struct Subscriber {
    db: Database,
    /// The `Authorization` value given at `connection_init`; `None`: anonymous.
    credentials: Option<String>,
    principal: RwLock<Principal>,
    /// The newest feed entry id known when the credentials were last proved: one proof
    /// serves every subscription of the connection for the entries up to there.
    proved_up_to: Mutex<i64>,
    /// Turned on when the credentials stop being valid.
    revoked: watch::Sender<bool>,
}

impl Subscriber {
    pub fn new(db: Database, credentials: Option<String>, principal: Principal) -> Arc<Self> {
        Arc::new(Subscriber {
            db,
            credentials,
            principal: RwLock::new(principal),
            proved_up_to: Mutex::new(0),
            revoked: watch::channel(false).0,
        })
    }

    /// The principal as last proved.
    pub fn principal(&self) -> Principal {
        self.principal.read().expect("principal lock").clone()
    }

    /// A scope for one delivery, with the principal as last proved.
    pub fn scope(&self) -> Scope {
        Scope::new(self.db.connection.clone(), self.principal()).on(self.db.today())
    }

    /// Proves the credentials again (a member's consortium may have changed too). `false`
    /// when they are no longer valid: every subscription of the connection ends, and
    /// [`Subscriber::revoked`] resolves. A database that does not answer is not a
    /// revocation: the error is returned and the caller tries again later.
    pub async fn check(&self) -> service::Result<bool> {
        let Some(credentials) = &self.credentials else {
            return Ok(true);
        };
        match service::auth::authenticate(&self.db, Some(credentials)).await {
            Ok(principal) => {
                *self.principal.write().expect("principal lock") = principal;
                Ok(true)
            }
            Err(service::Error::Unauthenticated(_)) => {
                self.revoked.send_replace(true);
                Ok(false)
            }
            Err(error) => Err(error),
        }
    }

    /// [`Subscriber::check`], unless the credentials were proved after the entry `seen`
    /// was committed already (by another subscription of the connection): a token
    /// revoked before a change committed never receives it.
    async fn check_for(&self, seen: i64) -> service::Result<bool> {
        if *self.proved_up_to.lock().expect("proof lock") >= seen {
            return Ok(!self.is_revoked());
        }
        let Some(credentials) = &self.credentials else {
            return Ok(true);
        };
        // One proof after `seen` serves every connection with these credentials.
        match self.db.hub().prove(&self.db, credentials, seen).await {
            Ok(principal) => {
                *self.principal.write().expect("principal lock") = principal;
                let mut proved = self.proved_up_to.lock().expect("proof lock");
                *proved = (*proved).max(seen);
                Ok(true)
            }
            Err(service::Error::Unauthenticated(_)) => {
                self.revoked.send_replace(true);
                Ok(false)
            }
            Err(error) => Err(error),
        }
    }

    /// A turn to read for a subscription (the process lets a few run at once).
    pub async fn turn(&self) -> tokio::sync::OwnedSemaphorePermit {
        self.db.hub().turn().await
    }

    /// Resolves once the credentials have been found invalid.
    pub async fn revoked(&self) {
        let mut revoked = self.revoked.subscribe();
        let _ = revoked.wait_for(|r| *r).await;
    }

    fn is_revoked(&self) -> bool {
        *self.revoked.borrow()
    }
}

#[derive(Default)]
pub struct ChangeSubscription;

/// Pushed over WebSocket (`graphql-transport-ws` at `/graphql`).
#[Subscription]
impl ChangeSubscription {
    /// Every change committed from now on (or after the cursor `after`: a `cursor` this
    /// feed gave, to resume without losing or repeating one) that the subscriber may
    /// hear of, in commit order, each read at delivery with the subscriber's own token:
    /// a record the subscriber can no longer read comes once as a removal
    /// (`removed: true`, no record) and then no more. The same entries as the `changes`
    /// query, pushed; a cursor older than the feed's retention is `CHANGES_EXPIRED`.
    async fn record_changed(
        &self,
        ctx: &Context<'_>,
        filter: Option<RecordChangedFilter>,
        after: Option<String>,
    ) -> Result<impl Stream<Item = Change> + use<>> {
        let Some(subscriber) = ctx.data_opt::<Arc<Subscriber>>().cloned() else {
            return Err(bad_input(
                "recordChanged",
                "subscriptions are served over WebSocket (graphql-transport-ws) at /graphql",
            ));
        };
        let filter = filter.unwrap_or_default().service()?;
        let hub = subscriber.db.hub().clone();
        hub.start(&subscriber.db.connection);
        let newest = hub.watch();
        let scope = subscriber.scope();
        let head = svc(scope.newest_change().await)?;
        let cursor = match &after {
            Some(cursor) => svc(scope.kept_cursor(cursor).await)?,
            None => head,
        };
        let feed = Feed {
            slot: ctx.data_opt::<Arc<crate::delivery::Slot>>().cloned(),
            subscriber,
            filter,
            cursor,
            floor: cursor,
            newest,
            head,
            pending: VecDeque::new(),
            more: after.is_some(),
        };
        Ok(futures_util::stream::unfold(feed, Feed::next))
    }
}

/// One subscription's place in the feed.
struct Feed {
    /// Where the entry being delivered is named for the delivery (shared reads).
    slot: Option<Arc<crate::delivery::Slot>>,
    subscriber: Arc<Subscriber>,
    filter: ChangeFilter,
    /// The last entry delivered (or skipped as not for this subscriber).
    cursor: i64,
    /// Every entry up to here that is for this subscriber is in `pending` or delivered.
    floor: i64,
    newest: watch::Receiver<i64>,
    /// The newest entry when the subscription began (the hub may not know it yet).
    head: i64,
    pending: VecDeque<change_entry::Model>,
    /// The last read filled its page: read again without waiting.
    more: bool,
}

impl Feed {
    async fn next(mut self) -> Option<(Change, Feed)> {
        loop {
            if self.subscriber.is_revoked() {
                return None;
            }
            if let Some(entry) = self.pending.pop_front() {
                self.cursor = entry.id;
                if let Some(slot) = &self.slot {
                    slot.set(entry.id);
                }
                if let Some(change) = Change::of(entry) {
                    return Some((change, self));
                }
                continue;
            }
            self.cursor = self.cursor.max(self.floor);
            if !self.more {
                let cursor = self.cursor;
                // The hub is gone with the server: the subscription ends.
                self.newest.wait_for(|newest| *newest > cursor).await.ok()?;
            }
            let seen = (*self.newest.borrow_and_update()).max(self.head);
            if let Err(error) = self.read(seen).await {
                tracing::warn!(error = %error.message(), "a subscription could not read the change feed; trying again");
                tokio::time::sleep(service::changes::POLL).await;
                self.more = true;
            }
        }
    }

    /// Proves the credentials, then reads the next entries for this subscriber: the
    /// read shared by its read rule, filtered here.
    async fn read(&mut self, seen: i64) -> service::Result<()> {
        let _turn = self.subscriber.turn().await;
        if !self.subscriber.check_for(seen).await? {
            return Ok(());
        }
        let hub = self.subscriber.db.hub().clone();
        let page = hub
            .read(&self.subscriber.scope(), self.cursor, seen)
            .await?;
        // A read made by another subscription may reach past `seen`: its entries must
        // not postdate the proof either (a revocation in between).
        if page.seen > seen && !self.subscriber.check_for(page.seen).await? {
            return Ok(());
        }
        self.more = page.more;
        self.floor = self.floor.max(page.upto);
        let filter = &self.filter;
        self.pending.extend(
            page.entries
                .iter()
                .filter(|e| e.id > self.cursor && filter.matches(e))
                .cloned(),
        );
        Ok(())
    }
}
