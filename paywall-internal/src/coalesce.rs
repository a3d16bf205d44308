//! Request coalescing: concurrent identical calls share one request and its outcome.
//!
//! The first call of a key (the leader) sends the request and drives it itself, so a lone call
//! costs no more than a map entry. Later calls of the same key (followers) wait on their own
//! channel until it lands, and each gets a clone of its outcome: an error is shared as an
//! error (the crates' errors are `Clone`, their transport errors in an `Arc`). If the leader
//! is dropped (its reader left) while followers wait, the request is handed to a task of its
//! own and finishes for them; only when every caller of a request is gone is the request
//! cancelled, as it would have been without coalescing. A follower whose request was lost
//! (its leader dropped outside a tokio runtime, where no task can take it over, or the
//! request panicked) sends its own.
//!
//! **A call that cannot coalesce never builds or hashes a key.** A client holds an
//! `Option<Flights>` (`None` when coalescing is switched off) and builds the key only inside
//! `Some`; an endpoint that never coalesces never reaches a `Flights` at all.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::runtime::Handle;
use tokio::sync::oneshot;
use tokio::task::AbortHandle;

use crate::sync::lock;

type Request<T> = Pin<Box<dyn Future<Output = T> + Send>>;
type Registry<K, T> = Arc<Mutex<HashMap<K, Flight<T>>>>;

/// The requests in flight, by key, each with the callers waiting for it.
pub struct Flights<K, T> {
    registry: Registry<K, T>,
    next_id: AtomicU64,
}

struct Flight<T> {
    /// Tells a flight from a later one for the same key.
    id: u64,
    followers: Vec<oneshot::Sender<T>>,
    /// Set once the request runs as its own task (its leader was dropped).
    task: Option<AbortHandle>,
}

impl<K, T> Default for Flights<K, T> {
    fn default() -> Self {
        Self {
            registry: Arc::default(),
            next_id: AtomicU64::new(0),
        }
    }
}

impl<K, T> fmt::Debug for Flights<K, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Flights")
            .field("in_flight", &lock(&self.registry).len())
            .finish()
    }
}

impl<K, T> Flights<K, T>
where
    K: Hash + Eq + Send + 'static,
    T: Clone + Send + 'static,
{
    /// The outcome of `start()` for `key`, shared with every concurrent call for the same key:
    /// `start` runs for the first, and for a later one only when the request it joined was
    /// lost (see the module's documentation).
    pub async fn run<Q, F>(&self, key: &Q, start: impl FnOnce() -> F) -> T
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
        F: Future<Output = T> + Send + 'static,
    {
        // Owned before locking: one hash of the key joins or starts a flight.
        let owned = key.to_owned();
        let (id, joined) = match lock(&self.registry).entry(owned) {
            Entry::Occupied(mut flight) => {
                let flight = flight.get_mut();
                let (sender, receiver) = oneshot::channel();
                flight.followers.push(sender);
                (flight.id, Some(receiver))
            }
            Entry::Vacant(place) => {
                let id = self.next_id.fetch_add(1, Ordering::Relaxed);
                place.insert(Flight {
                    id,
                    followers: Vec::new(),
                    task: None,
                });
                (id, None)
            }
        };
        let mut place = Place {
            registry: &self.registry,
            key,
            id,
            request: None,
            receiver: None,
            starting: joined.is_none(),
        };
        let Some(receiver) = joined else {
            let request = Box::pin(start());
            place.starting = false;
            let outcome = place.request.insert(request).await;
            place.request = None;
            deliver(take_followers(&self.registry, key, id), &outcome);
            return outcome;
        };
        let shared = place.receiver.insert(receiver).await;
        place.receiver = None;
        match shared {
            Ok(outcome) => outcome,
            Err(_lost) => start().await,
        }
    }

    /// How many requests are in flight.
    #[cfg(test)]
    fn len(&self) -> usize {
        lock(&self.registry).len()
    }
}

/// Removes flight `id` of `key` and returns its followers that still wait.
fn take_followers<K, Q, T>(
    registry: &Mutex<HashMap<K, Flight<T>>>,
    key: &Q,
    id: u64,
) -> Vec<oneshot::Sender<T>>
where
    K: Hash + Eq + Borrow<Q>,
    Q: Hash + Eq + ?Sized,
{
    let mut flights = lock(registry);
    match flights.remove_entry(key) {
        Some((_, flight)) if flight.id == id => flight.followers,
        // A later flight of the same key (this one was already taken): put it back.
        Some((owned, later)) => {
            flights.insert(owned, later);
            Vec::new()
        }
        None => Vec::new(),
    }
}

/// Hands a clone of `outcome` to each follower; one that left in the meantime just does not
/// get its copy.
fn deliver<T: Clone>(followers: Vec<oneshot::Sender<T>>, outcome: &T) {
    for follower in followers {
        if !follower.is_closed() {
            let _ = follower.send(outcome.clone());
        }
    }
}

/// A call's place in its flight, holding what it still waits for: the request it drives (the
/// leader) or the leader's outcome (a follower). Dropped before the outcome arrived, a leader
/// hands the request to a task when followers wait for it, and cancels it otherwise; the last
/// follower of a request handed to a task cancels it.
struct Place<'a, K, Q, T>
where
    K: Hash + Eq + Borrow<Q> + Send + 'static,
    Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    T: Clone + Send + 'static,
{
    registry: &'a Registry<K, T>,
    key: &'a Q,
    id: u64,
    request: Option<Request<T>>,
    receiver: Option<oneshot::Receiver<T>>,
    /// A leader whose `start` has not returned: dropped so, `start` panicked.
    starting: bool,
}

impl<K, Q, T> Drop for Place<'_, K, Q, T>
where
    K: Hash + Eq + Borrow<Q> + Send + 'static,
    Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    T: Clone + Send + 'static,
{
    fn drop(&mut self) {
        if self.starting {
            // No request will answer the flight: it goes, and its followers (their senders
            // dropped) each send their own.
            drop(take_followers(self.registry, self.key, self.id));
            return;
        }
        if self.request.is_none() && self.receiver.is_none() {
            return;
        }
        let mut flights = lock(self.registry);
        let Some(flight) = flights.get_mut(self.key).filter(|f| f.id == self.id) else {
            return;
        };
        if let Some(request) = self.request.take() {
            let waited_for = flight.followers.iter().any(|f| !f.is_closed());
            match Handle::try_current() {
                Ok(runtime) if waited_for => {
                    let mut landing = Landing {
                        registry: Arc::clone(self.registry),
                        key: self.key.to_owned(),
                        id: self.id,
                        outcome: None,
                    };
                    let task = runtime.spawn(async move {
                        landing.outcome.replace(request.await);
                    });
                    flight.task = Some(task.abort_handle());
                }
                // Nobody waits (or no task can be spawned): the request is dropped,
                // cancelled, once the lock is released.
                _ => {
                    flights.remove(self.key);
                    drop(flights);
                }
            }
            return;
        }
        // Closed now, so the check below counts this caller as gone.
        self.receiver = None;
        if flight.task.is_some() && flight.followers.iter().all(|w| w.is_closed()) {
            let task = flights.remove(self.key).and_then(|f| f.task);
            // Aborted once the lock is released: the task's landing takes it.
            drop(flights);
            if let Some(task) = task {
                task.abort();
            }
        }
    }
}

/// A request handed to a task, as it lands: dropped with its outcome, it delivers it to the
/// followers; dropped without (the request panicked, or was cancelled), it removes the flight,
/// so that each follower still waiting sends its own request.
struct Landing<K: Hash + Eq, T: Clone> {
    registry: Registry<K, T>,
    key: K,
    id: u64,
    outcome: Option<T>,
}

impl<K: Hash + Eq, T: Clone> Drop for Landing<K, T> {
    fn drop(&mut self) {
        let followers = take_followers(&self.registry, &self.key, self.id);
        if let Some(outcome) = &self.outcome {
            deliver(followers, outcome);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    use super::*;

    /// An outcome that is `Clone` like the crates' results: an error shared through an `Arc`.
    type Outcome = Result<&'static str, Arc<String>>;

    /// How many requests started, and how many finished.
    #[derive(Default)]
    struct Counts {
        started: AtomicUsize,
        finished: AtomicUsize,
    }

    impl Counts {
        fn get(&self) -> (usize, usize) {
            let load = |count: &AtomicUsize| count.load(Ordering::SeqCst);
            (load(&self.started), load(&self.finished))
        }
    }

    type Start = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Outcome> + Send>> + Send + Sync>;

    /// A request that counts itself, waits for `delay` and answers `outcome()`.
    fn request(counts: &Arc<Counts>, delay: Duration, outcome: fn() -> Outcome) -> Start {
        let counts = Arc::clone(counts);
        Arc::new(move || {
            let counts = Arc::clone(&counts);
            Box::pin(async move {
                counts.started.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(delay).await;
                counts.finished.fetch_add(1, Ordering::SeqCst);
                outcome()
            })
        })
    }

    #[tokio::test]
    async fn concurrent_calls_share_one_request() {
        let flights = Flights::<String, Outcome>::default();
        let counts = Arc::default();
        let start = request(&counts, Duration::from_millis(50), || Ok("valid"));
        let outcomes = join_all(&flights, "s", &start, 10).await;
        assert_eq!(counts.get(), (1, 1));
        assert!(outcomes.iter().all(|o| *o == Ok("valid")));
        assert_eq!(flights.len(), 0, "the flight is gone once it landed");

        // A later call starts a new request; other keys fly on their own.
        assert_eq!(flights.run("s", &*start).await, Ok("valid"));
        assert_eq!(flights.run("t", &*start).await, Ok("valid"));
        assert_eq!(counts.get(), (3, 3));
    }

    #[tokio::test]
    async fn a_start_that_panics_leaves_no_flight_behind() {
        let flights = Arc::new(Flights::<String, Outcome>::default());
        let leader = {
            let flights = Arc::clone(&flights);
            tokio::spawn(async move {
                let start = || -> std::future::Ready<Outcome> { panic!("start panicked") };
                flights.run("s", start).await
            })
        };
        assert!(leader.await.unwrap_err().is_panic());
        assert_eq!(flights.len(), 0, "the flight went with the panic");
        // The next call for the key starts its own request rather than wait on nothing.
        let next = tokio::time::timeout(
            Duration::from_secs(5),
            flights.run("s", || std::future::ready(Ok("valid"))),
        );
        assert_eq!(next.await, Ok(Ok("valid")));
    }

    #[tokio::test]
    async fn an_error_is_shared_as_the_same_error() {
        let flights = Flights::<String, Outcome>::default();
        let counts = Arc::default();
        let start = request(&counts, Duration::from_millis(50), || {
            Err(Arc::new("refused".to_owned()))
        });
        let outcomes = join_all(&flights, "s", &start, 5).await;
        assert_eq!(counts.get(), (1, 1));
        let first = outcomes[0].clone().unwrap_err();
        for outcome in outcomes {
            assert!(
                Arc::ptr_eq(&outcome.unwrap_err(), &first),
                "one error, shared"
            );
        }
    }

    #[tokio::test]
    async fn keys_of_any_type_coalesce() {
        let flights = Flights::<[u8; 32], Outcome>::default();
        let counts = Arc::default();
        let start = request(&counts, Duration::from_millis(30), || Ok("granted"));
        let outcomes = join_all(&flights, &[7_u8; 32], &start, 3).await;
        assert!(outcomes.iter().all(|o| *o == Ok("granted")), "{outcomes:?}");
        assert_eq!(counts.get(), (1, 1));
    }

    /// A call of `key` in a task of its own, which the test can abort.
    fn spawn_call(
        flights: &Arc<Flights<String, Outcome>>,
        start: &Start,
    ) -> tokio::task::JoinHandle<Outcome> {
        let (flights, start) = (Arc::clone(flights), Arc::clone(start));
        tokio::spawn(async move { flights.run("s", &*start).await })
    }

    #[tokio::test]
    async fn a_caller_that_leaves_does_not_cancel_the_others() {
        let flights = Arc::default();
        let counts = Arc::default();
        let start = request(&counts, Duration::from_millis(100), || Ok("valid"));
        let first = spawn_call(&flights, &start);
        tokio::time::sleep(Duration::from_millis(10)).await;
        let second = spawn_call(&flights, &start);
        tokio::time::sleep(Duration::from_millis(10)).await;
        first.abort();
        assert_eq!(second.await.unwrap(), Ok("valid"));
        assert_eq!(counts.get(), (1, 1));
        assert_eq!(flights.len(), 0);
    }

    #[tokio::test]
    async fn when_every_caller_leaves_the_request_is_cancelled() {
        let flights = Flights::<String, Outcome>::default();
        let counts = Arc::default();
        let start = request(&counts, Duration::from_millis(100), || Ok("valid"));
        let gave_up =
            tokio::time::timeout(Duration::from_millis(20), flights.run("s", &*start)).await;
        assert!(gave_up.is_err());
        assert_eq!(flights.len(), 0);
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(counts.get(), (1, 0), "the request was cancelled");
    }

    #[tokio::test]
    async fn a_handed_over_request_is_cancelled_when_its_last_caller_leaves() {
        let flights = Arc::default();
        let counts = Arc::default();
        let start = request(&counts, Duration::from_millis(100), || Ok("valid"));
        let leader = spawn_call(&flights, &start);
        tokio::time::sleep(Duration::from_millis(10)).await;
        let follower = spawn_call(&flights, &start);
        tokio::time::sleep(Duration::from_millis(10)).await;
        leader.abort();
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert_eq!(flights.len(), 1, "the request now runs as a task");
        follower.abort();
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(flights.len(), 0);
        assert_eq!(counts.get(), (1, 0), "the request was cancelled");
    }

    #[test]
    fn outside_a_runtime_calls_run_inline_and_a_follower_whose_leader_left_sends_its_own() {
        let flights = Flights::<String, Outcome>::default();
        let calls = AtomicUsize::new(0);
        let start = || {
            calls.fetch_add(1, Ordering::SeqCst);
            async {
                tokio::task::yield_now().await;
                Ok("valid")
            }
        };
        assert_eq!(block_on(flights.run("s", start)), Ok("valid"));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(format!("{flights:?}"), "Flights { in_flight: 0 }");
        let mut calls_of_s = [
            Box::pin(flights.run("s", start)),
            Box::pin(flights.run("s", start)),
        ];
        block_on(poll_once(&mut calls_of_s));
        let [leader, follower] = calls_of_s;
        drop(leader);
        assert_eq!(flights.len(), 0, "no task could take the request over");
        assert_eq!(block_on(follower), Ok("valid"));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_request_that_panics_leaves_no_caller_waiting() {
        let flights = Arc::default();
        let counts = Arc::default();
        let start = request(&counts, Duration::from_millis(30), || {
            panic!("the request fails")
        });
        let leader = spawn_call(&flights, &start);
        tokio::time::sleep(Duration::from_millis(10)).await;
        let follower = spawn_call(&flights, &start);
        assert!(leader.await.is_err(), "the leader's request panicked");
        let follower = tokio::time::timeout(Duration::from_secs(5), follower).await;
        assert!(follower.expect("the follower is not left waiting").is_err());
        assert_eq!(counts.get().0, 2, "the follower sent its own request");
        assert_eq!(flights.len(), 0);
    }

    #[test]
    fn a_poisoned_lock_is_still_taken() {
        let mutex = Arc::new(Mutex::new(1));
        let poisoner = Arc::clone(&mutex);
        let _ = std::thread::spawn(move || {
            let _guard = poisoner.lock().unwrap();
            panic!("poison");
        })
        .join();
        assert!(mutex.is_poisoned());
        assert_eq!(*lock(&mutex), 1);
    }

    /// Polls every call once, so that all join before the first lands.
    async fn poll_once<F: Future + Unpin>(calls: &mut [F]) {
        std::future::poll_fn(|cx| {
            for call in calls.iter_mut() {
                let _ = Pin::new(&mut *call).poll(cx);
            }
            std::task::Poll::Ready(())
        })
        .await;
    }

    /// `n` concurrent calls for `key`, as separate tasks would make them.
    async fn join_all<K, Q>(
        flights: &Flights<K, Outcome>,
        key: &Q,
        start: &Start,
        n: usize,
    ) -> Vec<Outcome>
    where
        K: Borrow<Q> + Hash + Eq + Send + 'static,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        let mut calls: Vec<_> = (0..n)
            .map(|_| Box::pin(flights.run(key, &**start)))
            .collect();
        poll_once(&mut calls).await;
        let mut outcomes = Vec::new();
        for call in calls {
            outcomes.push(call.await);
        }
        outcomes
    }

    /// Drives a future that never waits, without a runtime.
    fn block_on<T>(future: impl Future<Output = T>) -> T {
        let mut future = std::pin::pin!(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let std::task::Poll::Ready(value) = future.as_mut().poll(&mut cx) {
                return value;
            }
        }
    }
}
