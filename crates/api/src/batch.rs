//! Level-by-level batching of loads within one request.
//!
//! Every resolver of a request runs inside the one future that `Schema::execute`
//! returns. When that future can make no progress, every load its resolvers can know
//! of has been asked for; only then, and only when no earlier batch is still running,
//! does the batcher send each loader type's waiting keys as one batch. So a request
//! costs about one statement per loader type per level of the query, whatever its page
//! sizes. Not exactly one: the request runs on as soon as any batch of a wave answers,
//! so a record type reached on two branches at nearly the same depth can go out in one
//! wave or two (the statement tests allow a difference of one between page sizes).
//!
//! Why not async-graphql's `DataLoader`: it batches whatever reaches it within a timer
//! window, so a request's statement count depended on how fast each statement ran (20
//! to 24 for the same query, d0b6e0d), and it runs batches on spawned tasks (its
//! `spawner`): a spawned task per level, as this batcher too had until 1e7be16, cost a
//! spawn and a wake-up between threads for every level of every request. Here the
//! batches are polled by [`Batched`] on the request's own task, one after another, and
//! the cache lives and dies with the request. Only async-graphql's `Loader` trait is used.
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use async_graphql::dataloader::Loader;
use tokio::sync::oneshot;

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A batch loader shared by the resolvers of one request, with a cache for that request.
pub struct Batcher<L> {
    loader: Arc<L>,
    /// Batches run on tasks of their own: the batcher is shared by several executions
    /// (subscription deliveries), and one that goes away must not take with it a batch
    /// the others wait for.
    detached: bool,
    state: Mutex<State<L>>,
}

struct State<L> {
    queues: HashMap<TypeId, Box<dyn Queue<L>>>,
}

/// The waiting keys and cached values of one key type.
trait Queue<L>: Send {
    fn as_any(&mut self) -> &mut dyn Any;
    fn take_batch(&mut self, batcher: &Arc<Batcher<L>>) -> Option<BoxFuture>;
}

type Reply<V, E> = oneshot::Sender<Result<Option<V>, E>>;

struct Typed<K, V, E> {
    cache: HashMap<K, Option<V>>,
    waiting: HashMap<K, Vec<Reply<V, E>>>,
    /// Keys waiting that no batch has been sent for yet.
    unsent: Vec<K>,
}

impl<K, V, E> Default for Typed<K, V, E> {
    fn default() -> Self {
        Typed {
            cache: HashMap::new(),
            waiting: HashMap::new(),
            unsent: Vec::new(),
        }
    }
}

impl<L, K> Queue<L> for Typed<K, L::Value, L::Error>
where
    L: Loader<K>,
    L::Error: Sync,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    fn as_any(&mut self) -> &mut dyn Any {
        self
    }

    fn take_batch(&mut self, batcher: &Arc<Batcher<L>>) -> Option<BoxFuture> {
        if self.unsent.is_empty() {
            return None;
        }
        let keys = std::mem::take(&mut self.unsent);
        let batcher = batcher.clone();
        Some(Box::pin(async move {
            let result = batcher.loader.load(&keys).await;
            batcher.complete::<K>(keys, result);
        }))
    }
}

impl<L: Send + Sync + 'static> Batcher<L> {
    pub fn new(loader: L) -> Arc<Self> {
        Self::with(loader, false)
    }

    /// A batcher for several executions at once (see `detached`).
    pub fn detached(loader: L) -> Arc<Self> {
        Self::with(loader, true)
    }

    fn with(loader: L, detached: bool) -> Arc<Self> {
        Arc::new(Batcher {
            loader: Arc::new(loader),
            detached,
            state: Mutex::new(State {
                queues: HashMap::new(),
            }),
        })
    }

    fn typed<K>(state: &mut State<L>) -> &mut Typed<K, L::Value, L::Error>
    where
        L: Loader<K>,
        L::Error: Sync,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        state
            .queues
            .entry(TypeId::of::<K>())
            .or_insert_with(|| Box::new(Typed::<K, L::Value, L::Error>::default()))
            .as_any()
            .downcast_mut()
            .expect("one queue type per key type")
    }

    /// The value for `key`: from the cache, or from the next batch of its type.
    pub async fn load_one<K>(&self, key: K) -> Result<Option<L::Value>, L::Error>
    where
        L: Loader<K>,
        L::Error: Sync,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        let receiver = {
            let mut state = self.state.lock().expect("batcher lock");
            let queue = Self::typed::<K>(&mut state);
            if let Some(value) = queue.cache.get(&key) {
                return Ok(value.clone());
            }
            let (sender, receiver) = oneshot::channel();
            let waiters = queue.waiting.entry(key.clone()).or_default();
            if waiters.is_empty() {
                queue.unsent.push(key);
            }
            waiters.push(sender);
            receiver
        };
        receiver
            .await
            .expect("a batch always replies before it is dropped")
    }

    /// Stores a value that arrived with another load (a record joined to its link), so
    /// that asking for it later costs no batch. A key already cached or waiting for a
    /// batch is left as it is.
    pub fn prime<K>(&self, key: K, value: L::Value)
    where
        L: Loader<K>,
        L::Error: Sync,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        let mut state = self.state.lock().expect("batcher lock");
        let queue = Self::typed::<K>(&mut state);
        if !queue.cache.contains_key(&key) && !queue.waiting.contains_key(&key) {
            queue.cache.insert(key, Some(value));
        }
    }

    /// Values for several keys, in one batch; keys without a value are absent.
    pub async fn load_many<K>(&self, keys: Vec<K>) -> Result<HashMap<K, L::Value>, L::Error>
    where
        L: Loader<K>,
        L::Error: Sync,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        let loads = keys.into_iter().map(|k| async move {
            let value = self.load_one(k.clone()).await?;
            Ok::<_, L::Error>(value.map(|v| (k, v)))
        });
        let found = futures_util::future::try_join_all(loads).await?;
        Ok(found.into_iter().flatten().collect())
    }

    /// Every waiting batch, to be run one after another, or `None` if nothing waits.
    /// Batches run in sequence: statements run in parallel only hop between more
    /// threads (sqlx runs each SQLite connection on its own), and under load the
    /// server's cores are busy with other requests anyway.
    fn take_batches(self: &Arc<Self>) -> Option<BoxFuture> {
        let batches: Vec<BoxFuture> = {
            let mut state = self.state.lock().expect("batcher lock");
            let mut queues = std::mem::take(&mut state.queues);
            let batches: Vec<_> = queues
                .values_mut()
                .filter_map(|q| q.take_batch(self))
                .collect();
            state.queues = queues;
            batches
        };
        let detached = self.detached;
        (!batches.is_empty()).then(|| -> BoxFuture {
            let run = async move {
                for batch in batches {
                    batch.await;
                }
            };
            if detached {
                Box::pin(async move {
                    let _ = tokio::spawn(run).await;
                })
            } else {
                Box::pin(run)
            }
        })
    }

    /// Stores a batch's results, answers its waiters, and wakes the request so that it
    /// can ask for the next level.
    fn complete<K>(&self, keys: Vec<K>, result: Result<HashMap<K, L::Value>, L::Error>)
    where
        L: Loader<K>,
        L::Error: Sync,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        let replies = {
            let mut state = self.state.lock().expect("batcher lock");
            let queue = Self::typed::<K>(&mut state);
            let mut replies = Vec::new();
            for key in keys {
                let answer = match &result {
                    Ok(values) => {
                        let value = values.get(&key).cloned();
                        queue.cache.insert(key.clone(), value.clone());
                        Ok(value)
                    }
                    Err(e) => Err(e.clone()),
                };
                for waiter in queue.waiting.remove(&key).unwrap_or_default() {
                    replies.push((waiter, answer.clone()));
                }
            }
            replies
        };
        for (waiter, answer) in replies {
            let _ = waiter.send(answer);
        }
    }
}

/// Runs `inner` (a request's execution), sending batches whenever it stalls. The
/// batches are polled here, on the request's own task: a task of their own cost a spawn
/// and a wake-up between threads for every level of every request.
pub struct Batched<F, L> {
    inner: Pin<Box<F>>,
    batcher: Arc<Batcher<L>>,
    /// The batches sent at the last stall, while they run.
    running: Option<BoxFuture>,
    /// Whether `inner` was woken since it was last polled. A wake-up of the task may be
    /// for a running batch alone, and then the request has nothing new to do.
    woken: Arc<AtomicBool>,
}

impl<F, L> Batched<F, L> {
    pub fn new(inner: F, batcher: Arc<Batcher<L>>) -> Self {
        Batched {
            inner: Box::pin(inner),
            batcher,
            running: None,
            woken: Arc::new(AtomicBool::new(true)),
        }
    }
}

/// Notes that the request was woken, then wakes its task: a list of many fields yields
/// part-way and wakes itself, and then it has not stalled yet.
struct WakeFlag {
    woken: Arc<AtomicBool>,
    waker: Waker,
}

impl Wake for WakeFlag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        self.waker.wake_by_ref();
    }
}

impl<F: Future, L: Send + Sync + 'static> Future for Batched<F, L> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        loop {
            // The running batches first: their replies are what the request waits for.
            if let Some(running) = this.running.as_mut()
                && running.as_mut().poll(cx).is_ready()
            {
                this.running = None;
                this.woken.store(true, Ordering::SeqCst);
            }
            if !this.woken.swap(false, Ordering::SeqCst) {
                return Poll::Pending;
            }
            let waker = Waker::from(Arc::new(WakeFlag {
                woken: this.woken.clone(),
                waker: cx.waker().clone(),
            }));
            if let Poll::Ready(output) = this.inner.as_mut().poll(&mut Context::from_waker(&waker))
            {
                return Poll::Ready(output);
            }
            // Stalled, with nothing running: every load it can ask for is waiting.
            if this.running.is_some() || this.woken.load(Ordering::SeqCst) {
                return Poll::Pending;
            }
            match this.batcher.take_batches() {
                Some(batches) => this.running = Some(batches),
                None => return Poll::Pending,
            }
        }
    }
}
