//! Level-by-level batching of loads within one request.
//!
//! Every resolver of a request runs inside the one future that `Schema::execute`
//! returns. When that future can make no progress, every load its resolvers can know
//! of has been asked for; only then, and only when no earlier batch is still running,
//! does the batcher send each loader type's waiting keys as one batch. So a request
//! costs one statement per loader type per level of the query, whatever its page sizes
//! and however fast each statement happens to run. (A timer-based dataloader batches
//! whatever arrives within its window, which makes the count depend on timing.)
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
    state: Mutex<State<L>>,
}

struct State<L> {
    queues: HashMap<TypeId, Box<dyn Queue<L>>>,
    in_flight: usize,
    waker: Option<Waker>,
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
        Arc::new(Batcher {
            loader: Arc::new(loader),
            state: Mutex::new(State {
                queues: HashMap::new(),
                in_flight: 0,
                waker: None,
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

    /// Sends every waiting batch, if the request is stalled on them and none is running.
    fn dispatch_if_idle(self: &Arc<Self>, waker: &Waker) {
        let batches: Vec<BoxFuture> = {
            let mut state = self.state.lock().expect("batcher lock");
            state.waker = Some(waker.clone());
            if state.in_flight > 0 {
                return;
            }
            let mut queues = std::mem::take(&mut state.queues);
            let batches: Vec<_> = queues
                .values_mut()
                .filter_map(|q| q.take_batch(self))
                .collect();
            state.queues = queues;
            state.in_flight = batches.len();
            batches
        };
        if !batches.is_empty() {
            // One after another on one task: statements run in parallel only hop between
            // more threads (sqlx runs each SQLite connection on its own), and under load
            // the server's cores are busy with other requests anyway.
            tokio::spawn(async move {
                for batch in batches {
                    batch.await;
                }
            });
        }
    }

    /// Stores a batch's results, answers its waiters, and wakes the request so that it
    /// can ask for the next level.
    fn complete<K>(&self, keys: Vec<K>, result: Result<HashMap<K, L::Value>, L::Error>)
    where
        L: Loader<K>,
        L::Error: Sync,
        K: Send + Sync + Hash + Eq + Clone + 'static,
    {
        let (replies, waker) = {
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
            // Counted down before replying, so the woken request sees the batcher idle.
            state.in_flight -= 1;
            (replies, state.waker.clone())
        };
        for (waiter, answer) in replies {
            let _ = waiter.send(answer);
        }
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// Runs `inner` (a request's execution), sending batches whenever it stalls.
pub struct Batched<F, L> {
    inner: Pin<Box<F>>,
    batcher: Arc<Batcher<L>>,
}

impl<F, L> Batched<F, L> {
    pub fn new(inner: F, batcher: Arc<Batcher<L>>) -> Self {
        Batched {
            inner: Box::pin(inner),
            batcher,
        }
    }
}

/// Notes whether the request was woken while (or since) it was polled: a list of many
/// fields yields part-way and wakes itself, and then it has not stalled yet.
struct WakeFlag {
    woken: AtomicBool,
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
        let flag = Arc::new(WakeFlag {
            woken: AtomicBool::new(false),
            waker: cx.waker().clone(),
        });
        let waker = Waker::from(flag.clone());
        match this.inner.as_mut().poll(&mut Context::from_waker(&waker)) {
            Poll::Ready(output) => Poll::Ready(output),
            Poll::Pending => {
                if !flag.woken.load(Ordering::SeqCst) {
                    this.batcher.dispatch_if_idle(cx.waker());
                }
                Poll::Pending
            }
        }
    }
}
