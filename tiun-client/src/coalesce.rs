//! Coalescing: concurrent checks of one session id share one request and its answer.
//!
//! The first check of an id (the leader) sends the request and drives it itself, so a lone
//! check costs no more than a map entry. Later checks of the same id (followers) wait on their
//! own channel until it answers. If the leader is dropped (its reader left) while followers
//! wait, the request is handed to a task of its own and finishes for them; only when every
//! caller of a request is gone is the request cancelled, as it would have been without
//! coalescing.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::runtime::Handle;
use tokio::sync::oneshot;
use tokio::task::AbortHandle;

use crate::error::Error;
use crate::status::SessionStatus;

type Outcome = Result<SessionStatus, Error>;
type Request = Pin<Box<dyn Future<Output = Outcome> + Send>>;
type Registry = Arc<Mutex<HashMap<String, Flight>>>;

/// The requests in flight, by session id.
#[derive(Default)]
pub(crate) struct Flights {
    flights: Registry,
    next_id: AtomicU64,
}

enum Role {
    /// Sends the request and drives it.
    Leader(u64),
    /// Waits for the leader's answer.
    Follower(u64, oneshot::Receiver<Outcome>),
}

struct Flight {
    /// Tells a flight from a later one for the same session id.
    id: u64,
    followers: Vec<oneshot::Sender<Outcome>>,
    /// Set once the request runs as its own task (its leader was dropped).
    task: Option<AbortHandle>,
}

impl Flights {
    /// The outcome of `start()` for `key`, shared with every concurrent call for the same key
    /// (`start` runs only for the first). `None` when the request this call joined was lost
    /// (its leader was dropped where no task could take it over): the caller asks on its own.
    pub(crate) async fn run<F>(&self, key: &str, start: impl FnOnce() -> F) -> Option<Outcome>
    where
        F: Future<Output = Outcome> + Send + 'static,
    {
        // Allocated before locking, and one hash of the key to join or start a flight.
        let owned_key = key.to_owned();
        let role = match lock(&self.flights).entry(owned_key) {
            Entry::Occupied(mut flight) => {
                let flight = flight.get_mut();
                let (sender, receiver) = oneshot::channel();
                flight.followers.push(sender);
                Role::Follower(flight.id, receiver)
            }
            Entry::Vacant(place) => {
                let id = self.next_id.fetch_add(1, Ordering::Relaxed);
                place.insert(Flight {
                    id,
                    followers: Vec::new(),
                    task: None,
                });
                Role::Leader(id)
            }
        };
        match role {
            Role::Leader(id) => {
                let mut leader = Leader {
                    flights: &self.flights,
                    key,
                    id,
                    request: Box::pin(start()),
                    finished: false,
                };
                let outcome = (&mut leader.request).await;
                leader.finished = true;
                let followers = take_followers(&self.flights, key, id);
                let (outcome, copies) = share(outcome, followers.len());
                deliver(followers, copies);
                Some(outcome)
            }
            Role::Follower(id, receiver) => {
                let mut follower = Follower {
                    flights: &self.flights,
                    key,
                    id,
                    receiver: Some(receiver),
                };
                follower.receive().await
            }
        }
    }

    /// How many requests are in flight.
    #[cfg(test)]
    fn len(&self) -> usize {
        lock(&self.flights).len()
    }
}

/// Removes flight `id` and returns its followers that still wait.
fn take_followers(
    flights: &Mutex<HashMap<String, Flight>>,
    key: &str,
    id: u64,
) -> Vec<oneshot::Sender<Outcome>> {
    let followers = {
        let mut flights = lock(flights);
        match flights.remove(key) {
            Some(flight) if flight.id == id => flight.followers,
            // A later flight of the same id (this one was already taken): put it back.
            Some(later) => {
                flights.insert(key.to_owned(), later);
                Vec::new()
            }
            None => Vec::new(),
        }
    };
    followers.into_iter().filter(|f| !f.is_closed()).collect()
}

/// The outcome for one caller and `extra` more of the same meaning: the outcome itself for a
/// lone caller, exactly as without coalescing; copies when several share it.
fn share(outcome: Outcome, extra: usize) -> (Outcome, Vec<Outcome>) {
    if extra == 0 {
        return (outcome, Vec::new());
    }
    match outcome {
        Ok(status) => {
            let copies = std::iter::repeat_with(|| Ok(status.clone()))
                .take(extra)
                .collect();
            (Ok(status), copies)
        }
        Err(error) => {
            let (first, copies) = error.into_copies(extra);
            (Err(first), copies.into_iter().map(Err).collect())
        }
    }
}

/// Hands `copies` to `followers`; one that left in the meantime just does not get its copy.
fn deliver(followers: Vec<oneshot::Sender<Outcome>>, copies: Vec<Outcome>) {
    for (follower, copy) in followers.into_iter().zip(copies) {
        let _ = follower.send(copy);
    }
}

/// The leader's place in its flight: dropped before the request finished, it hands the
/// request to a task when followers wait for it, and cancels it otherwise.
struct Leader<'a> {
    flights: &'a Registry,
    key: &'a str,
    id: u64,
    request: Request,
    finished: bool,
}

impl Drop for Leader<'_> {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let mut flights = lock(self.flights);
        let Some(flight) = flights.get_mut(self.key).filter(|f| f.id == self.id) else {
            return;
        };
        let waited_for = flight.followers.iter().any(|f| !f.is_closed());
        let runtime = Handle::try_current();
        match runtime {
            Ok(runtime) if waited_for => {
                // A zero-sized placeholder: the box does not allocate.
                let request =
                    std::mem::replace(&mut self.request, Box::pin(std::future::pending()));
                let (registry, key, id) = (Arc::clone(self.flights), self.key.to_owned(), self.id);
                let task = runtime.spawn(async move {
                    let outcome = request.await;
                    let mut followers = take_followers(&registry, &key, id);
                    let first = followers.pop();
                    let (outcome, copies) = share(outcome, followers.len());
                    deliver(followers, copies);
                    if let Some(first) = first {
                        let _ = first.send(outcome);
                    }
                });
                flight.task = Some(task.abort_handle());
            }
            // Nobody waits (or no task can be spawned): the request is dropped, cancelled.
            _ => {
                flights.remove(self.key);
            }
        }
    }
}
/// A follower's place in a flight; leaving it (dropping the call) cancels a request handed to
/// a task when nobody else waits for it.
struct Follower<'a> {
    flights: &'a Mutex<HashMap<String, Flight>>,
    key: &'a str,
    id: u64,
    receiver: Option<oneshot::Receiver<Outcome>>,
}

impl Follower<'_> {
    async fn receive(&mut self) -> Option<Outcome> {
        let receiver = self.receiver.as_mut()?;
        let outcome = receiver.await.ok();
        self.receiver = None;
        outcome
    }
}

impl Drop for Follower<'_> {
    fn drop(&mut self) {
        // Closed now, so the check below counts this caller as gone.
        if self.receiver.take().is_none() {
            return;
        }
        let mut flights = lock(self.flights);
        let abandoned = flights.get(self.key).is_some_and(|f| {
            f.id == self.id && f.task.is_some() && f.followers.iter().all(|w| w.is_closed())
        });
        if abandoned && let Some(task) = flights.remove(self.key).and_then(|f| f.task) {
            task.abort();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The map is consistent after every statement, so a panic elsewhere leaves it usable.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    use reqwest::StatusCode;

    use super::*;

    /// A request that counts itself, waits for `delay` and answers `outcome()`.
    fn request(
        started: &Arc<AtomicUsize>,
        delay: Duration,
        outcome: fn() -> Outcome,
    ) -> impl Fn() -> std::pin::Pin<Box<dyn Future<Output = Outcome> + Send>> + use<> {
        let started = Arc::clone(started);
        move || {
            let started = Arc::clone(&started);
            Box::pin(async move {
                started.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(delay).await;
                outcome()
            })
        }
    }

    #[tokio::test]
    async fn concurrent_calls_share_one_request() {
        let flights = Flights::default();
        let started = Arc::new(AtomicUsize::new(0));
        let start = request(&started, Duration::from_millis(50), || {
            Ok(SessionStatus::Valid)
        });
        let outcomes = futures_join(&flights, "s", &start, 10).await;
        assert_eq!(started.load(Ordering::SeqCst), 1);
        assert!(
            outcomes
                .iter()
                .all(|o| matches!(o, Ok(SessionStatus::Valid)))
        );
        assert_eq!(flights.len(), 0, "the flight is gone once it landed");

        // A later call starts a new request.
        assert!(flights.run("s", &start).await.unwrap().is_ok());
        assert_eq!(started.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn an_error_is_shared_as_an_error() {
        let flights = Flights::default();
        let started = Arc::new(AtomicUsize::new(0));
        let start = request(&started, Duration::from_millis(50), || {
            Err(Error::UnexpectedStatus {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                problem: None,
            })
        });
        let outcomes = futures_join(&flights, "s", &start, 5).await;
        assert_eq!(started.load(Ordering::SeqCst), 1);
        for outcome in outcomes {
            let error = outcome.unwrap_err();
            assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
        }
    }

    #[tokio::test]
    async fn a_caller_that_leaves_does_not_cancel_the_others() {
        let flights = Arc::new(Flights::default());
        let started = Arc::new(AtomicUsize::new(0));
        let start = Arc::new(request(&started, Duration::from_millis(100), || {
            Ok(SessionStatus::Valid)
        }));
        let first = {
            let (flights, start) = (Arc::clone(&flights), Arc::clone(&start));
            tokio::spawn(async move { flights.run("s", &*start).await.unwrap() })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        let second = {
            let (flights, start) = (Arc::clone(&flights), Arc::clone(&start));
            tokio::spawn(async move { flights.run("s", &*start).await.unwrap() })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        first.abort();
        assert!(matches!(second.await.unwrap(), Ok(SessionStatus::Valid)));
        assert_eq!(started.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn when_every_caller_leaves_the_request_is_cancelled() {
        let flights = Flights::default();
        let started = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicUsize::new(0));
        let start = {
            let (started, finished) = (Arc::clone(&started), Arc::clone(&finished));
            move || {
                let (started, finished) = (Arc::clone(&started), Arc::clone(&finished));
                async move {
                    started.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    finished.fetch_add(1, Ordering::SeqCst);
                    Ok(SessionStatus::Valid)
                }
            }
        };
        let gave_up =
            tokio::time::timeout(Duration::from_millis(20), flights.run("s", &start)).await;
        assert!(gave_up.is_err());
        assert_eq!(flights.len(), 0);
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(started.load(Ordering::SeqCst), 1);
        assert_eq!(
            finished.load(Ordering::SeqCst),
            0,
            "the request was cancelled"
        );
    }

    #[tokio::test]
    async fn a_handed_over_request_is_cancelled_when_its_last_caller_leaves() {
        let flights = Arc::new(Flights::default());
        let finished = Arc::new(AtomicUsize::new(0));
        let start = {
            let finished = Arc::clone(&finished);
            Arc::new(move || {
                let finished = Arc::clone(&finished);
                async move {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    finished.fetch_add(1, Ordering::SeqCst);
                    Ok(SessionStatus::Valid)
                }
            })
        };
        let call = || {
            let (flights, start) = (Arc::clone(&flights), Arc::clone(&start));
            tokio::spawn(async move { flights.run("s", &*start).await.unwrap() })
        };
        let leader = call();
        tokio::time::sleep(Duration::from_millis(10)).await;
        let follower = call();
        tokio::time::sleep(Duration::from_millis(10)).await;
        leader.abort();
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert_eq!(flights.len(), 1, "the request now runs as a task");
        follower.abort();
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(flights.len(), 0);
        assert_eq!(
            finished.load(Ordering::SeqCst),
            0,
            "the request was cancelled"
        );
    }

    #[test]
    fn outside_a_runtime_a_lone_call_runs_inline() {
        let flights = Flights::default();
        let calls = AtomicUsize::new(0);
        let start = || {
            calls.fetch_add(1, Ordering::SeqCst);
            std::future::ready(Ok(SessionStatus::Valid))
        };
        let outcome = futures_block_on(flights.run("s", start));
        assert!(matches!(outcome, Some(Ok(SessionStatus::Valid))));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    /// `n` concurrent calls for `key`, as separate tasks would make them.
    async fn futures_join<F>(
        flights: &Flights,
        key: &str,
        start: &(impl Fn() -> F + Sync),
        n: usize,
    ) -> Vec<Outcome>
    where
        F: Future<Output = Outcome> + Send + 'static,
    {
        let mut calls: Vec<_> = (0..n).map(|_| Box::pin(flights.run(key, start))).collect();
        let mut outcomes = Vec::new();
        // Poll every call once so all join before the first lands, then collect in order.
        std::future::poll_fn(|cx| {
            for call in &mut calls {
                let _ = call.as_mut().poll(cx);
            }
            std::task::Poll::Ready(())
        })
        .await;
        for call in calls {
            outcomes.push(call.await.expect("no request is lost"));
        }
        outcomes
    }

    /// Drives a future that never waits, without a runtime.
    fn futures_block_on<T>(future: impl Future<Output = T>) -> T {
        let mut future = std::pin::pin!(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let std::task::Poll::Ready(value) = future.as_mut().poll(&mut cx) {
                return value;
            }
        }
    }
}
