//! Coalescing: concurrent reads of one story by one reader share one access check and one
//! pingback, so a reload is metered once.
//!
//! The first read of a key (the leader) does the work itself, so a lone read costs no more
//! than a map entry. Later reads of the same key (followers) wait for its answer. If the
//! leader is dropped while followers wait (a browser cancels its first request when the
//! reader hits reload), the work is handed to a task of its own and finishes for them: once a
//! metered grant is in, its pingback is sent once, and every waiting read gets the answer. A
//! read nobody waits for any more is cancelled, as any dropped future is.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::runtime::Handle;
use tokio::sync::oneshot;

use crate::client::grant_cache::GrantKey;
use crate::error::Error;
use crate::grant::AccessGrant;

type Outcome = Result<AccessGrant, Error>;
type Work = Pin<Box<dyn Future<Output = Outcome> + Send>>;
type Waiting = Arc<Mutex<HashMap<GrantKey, Vec<oneshot::Sender<Outcome>>>>>;

/// The reads in flight, by key, each with the followers waiting for it.
#[derive(Default)]
pub(crate) struct Flights {
    waiting: Waiting,
}

impl Flights {
    /// The outcome of `start()` for `key`, shared with every concurrent call for that key.
    pub(crate) async fn run<F>(&self, key: GrantKey, start: impl Fn() -> F) -> Outcome
    where
        F: Future<Output = Outcome> + Send + 'static,
    {
        let follower = match lock(&self.waiting).entry(key) {
            Entry::Occupied(mut flight) => {
                let (sender, receiver) = oneshot::channel();
                flight.get_mut().push(sender);
                Some(receiver)
            }
            Entry::Vacant(slot) => {
                slot.insert(Vec::new());
                None
            }
        };
        if let Some(receiver) = follower {
            return match receiver.await {
                Ok(outcome) => outcome,
                // The flight was lost (its leader dropped where no task could take it over):
                // the read runs alone.
                Err(_) => start().await,
            };
        }
        let mut leader = Leader {
            waiting: &self.waiting,
            key,
            work: Some(Box::pin(start())),
        };
        let outcome = match leader.work.as_mut() {
            Some(work) => work.await,
            None => start().await,
        };
        leader.work = None;
        land(&self.waiting, key, outcome)
    }

    /// How many reads are in flight.
    #[cfg(test)]
    fn len(&self) -> usize {
        lock(&self.waiting).len()
    }
}

/// Ends flight `key`: hands a copy of `outcome` to every follower still waiting, and returns
/// `outcome` itself, exactly as without coalescing when nobody waited.
fn land(waiting: &Waiting, key: GrantKey, outcome: Outcome) -> Outcome {
    let senders = lock(waiting).remove(&key).unwrap_or_default();
    let senders: Vec<_> = senders.into_iter().filter(|s| !s.is_closed()).collect();
    if senders.is_empty() {
        return outcome;
    }
    for sender in senders {
        // A follower that left in the meantime just does not get its copy.
        let _ = sender.send(outcome.clone());
    }
    outcome
}

/// The leader's place in its flight. Dropped before its work finished, it hands the work to a
/// task when followers wait for it, and ends the flight (cancelling the work) otherwise.
struct Leader<'a> {
    waiting: &'a Waiting,
    key: GrantKey,
    /// `None` once finished.
    work: Option<Work>,
}

impl Drop for Leader<'_> {
    fn drop(&mut self) {
        let Some(work) = self.work.take() else {
            return;
        };
        let mut waiting = lock(self.waiting);
        let waited_for = waiting
            .get(&self.key)
            .is_some_and(|senders| senders.iter().any(|s| !s.is_closed()));
        match Handle::try_current() {
            Ok(runtime) if waited_for => {
                drop(waiting);
                let (registry, key) = (Arc::clone(self.waiting), self.key);
                runtime.spawn(async move {
                    let outcome = work.await;
                    // The leader is gone; its own copy goes nowhere.
                    drop(land(&registry, key, outcome));
                });
            }
            // Nobody waits (or no task can be started): the work is dropped, cancelled, and
            // any follower runs alone.
            _ => {
                waiting.remove(&self.key);
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every change is one insert, push or remove, so the map is whole even after a panic.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    fn key(name: &str) -> GrantKey {
        GrantKey::new(name, "reader", None, false)
    }

    fn granted() -> Outcome {
        AccessGrant::from_slice(br#"{"granted":true,"grantReason":"METERING"}"#)
    }

    /// Work that counts its starts and answers after `delay`.
    fn work(
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
    async fn concurrent_reads_share_one_flight() {
        let flights = Flights::default();
        let started = Arc::new(AtomicUsize::new(0));
        let start = work(&started, Duration::from_millis(50), granted);
        let outcomes = futures_join(
            (0..8)
                .map(|_| flights.run(key("s"), &start))
                .collect::<Vec<_>>(),
        )
        .await;
        assert_eq!(started.load(Ordering::SeqCst), 1);
        assert!(outcomes.iter().all(|o| o.as_ref().unwrap().granted));
        assert_eq!(flights.len(), 0);
        // Other keys fly on their own; a later read starts a new flight.
        assert!(flights.run(key("t"), &start).await.unwrap().granted);
        assert!(flights.run(key("s"), &start).await.unwrap().granted);
        assert_eq!(started.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn an_error_is_shared_as_an_error() {
        let flights = Flights::default();
        let started = Arc::new(AtomicUsize::new(0));
        let start = work(&started, Duration::from_millis(30), || {
            Err(Error::PingbackFailed(Box::new(Error::RedirectFollowed)))
        });
        let outcomes = futures_join(
            (0..4)
                .map(|_| flights.run(key("s"), &start))
                .collect::<Vec<_>>(),
        )
        .await;
        assert_eq!(started.load(Ordering::SeqCst), 1);
        for outcome in outcomes {
            let error = outcome.unwrap_err();
            assert!(
                error.is_pingback_failure() && error.is_redirect(),
                "{error:?}"
            );
        }
    }

    #[tokio::test]
    async fn the_work_finishes_for_the_others_when_its_first_caller_leaves() {
        let flights = Arc::new(Flights::default());
        let started = Arc::new(AtomicUsize::new(0));
        let start = Arc::new(work(&started, Duration::from_millis(80), granted));
        let call = || {
            let (flights, start) = (Arc::clone(&flights), Arc::clone(&start));
            tokio::spawn(async move { flights.run(key("s"), &*start).await })
        };
        let first = call();
        tokio::time::sleep(Duration::from_millis(10)).await;
        let second = call();
        tokio::time::sleep(Duration::from_millis(10)).await;
        first.abort();
        assert!(second.await.unwrap().unwrap().granted);
        assert_eq!(started.load(Ordering::SeqCst), 1);
        assert_eq!(flights.len(), 0);
    }

    #[tokio::test]
    async fn a_read_nobody_waits_for_is_cancelled() {
        let flights = Flights::default();
        let started = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicUsize::new(0));
        let start = {
            let (started, finished) = (Arc::clone(&started), Arc::clone(&finished));
            move || {
                let (started, finished) = (Arc::clone(&started), Arc::clone(&finished));
                async move {
                    started.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(60)).await;
                    finished.fetch_add(1, Ordering::SeqCst);
                    granted()
                }
            }
        };
        let gave_up =
            tokio::time::timeout(Duration::from_millis(10), flights.run(key("s"), &start)).await;
        assert!(gave_up.is_err());
        assert_eq!(flights.len(), 0);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(started.load(Ordering::SeqCst), 1);
        assert_eq!(finished.load(Ordering::SeqCst), 0, "the work was cancelled");
        // The next read starts afresh.
        assert!(flights.run(key("s"), &start).await.unwrap().granted);
    }

    #[test]
    fn outside_a_runtime_a_lone_read_runs_inline() {
        let flights = Flights::default();
        let outcome = futures_block_on(flights.run(key("s"), || async { granted() }));
        assert!(outcome.unwrap().granted);
        assert_eq!(flights.len(), 0);
    }

    /// Awaits every future, concurrently, on the current task.
    async fn futures_join<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
        let mut set = Vec::new();
        let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
        std::future::poll_fn(|cx| {
            let mut pending = false;
            for (i, future) in pinned.iter_mut().enumerate() {
                if set.len() <= i {
                    set.push(None);
                }
                if set[i].is_none() {
                    match future.as_mut().poll(cx) {
                        std::task::Poll::Ready(value) => set[i] = Some(value),
                        std::task::Poll::Pending => pending = true,
                    }
                }
            }
            if pending {
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(())
            }
        })
        .await;
        set.into_iter().map(Option::unwrap).collect()
    }

    /// Runs a future to completion on this thread, outside any runtime.
    fn futures_block_on<F: Future>(future: F) -> F::Output {
        let mut future = Box::pin(future);
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        loop {
            if let std::task::Poll::Ready(value) = future.as_mut().poll(&mut cx) {
                return value;
            }
        }
    }
}
