//! [`MemoryTicketStore`]: a bounded, expiring claim set for one process.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::fingerprint::Fingerprint;
use super::ticket_store::{StoreError, TicketStore};

/// How long a full store waits before it sweeps the whole set again for expired claims.
const SWEEP_INTERVAL_MS: u64 = 1_000;

/// The fewest claims between two routine sweeps.
const MIN_SWEEP_GAP: usize = 1_024;

/// A [`TicketStore`] in this process's memory: bounded, expiring, O(1) per claim (amortised).
///
/// **One process only.** Claims are not shared with other processes or machines: behind a
/// load balancer, two app servers would each accept the same ticket once. Use
/// `RedisTicketStore` (feature `redis`) for a fleet.
///
/// It holds at most `capacity` unexpired claims (default 100 000; under 100 bytes each,
/// measured at 1 million, see the crate docs). Each claim is one hash-table entry: the
/// fingerprint and its expiry. Expired claims are dropped by a sweep of the whole table that
/// runs after as many new claims as the table holds (half of them, at least 1 024), so its
/// cost is spread over those claims. When the store is full of unexpired claims,
/// [`claim`](TicketStore::claim) returns [`StoreError::Full`] and the login is denied: it
/// never forgets a live claim to make room.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use payway_client::{Fingerprint, MemoryTicketStore, TicketStore};
///
/// let store = MemoryTicketStore::with_capacity(10_000);
/// let fp = Fingerprint::of("a-ticket");
/// assert!(store.claim(&fp, Duration::from_secs(600)).await?);   // first use
/// assert!(!store.claim(&fp, Duration::from_secs(600)).await?);  // replay
/// # Ok(()) }
/// ```
pub struct MemoryTicketStore {
    capacity: usize,
    origin: Instant,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Each claim's expiry, in milliseconds since `origin`.
    claims: HashMap<Fingerprint, u64>,
    /// Claims made since the last sweep.
    since_sweep: usize,
    /// No forced sweep of a full store before this time (ms since `origin`).
    next_full_sweep: u64,
}

impl MemoryTicketStore {
    /// The capacity of [`MemoryTicketStore::new`].
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A store for at most [`DEFAULT_CAPACITY`](Self::DEFAULT_CAPACITY) unexpired claims.
    pub fn new() -> Self {
        Self::with_capacity(Self::DEFAULT_CAPACITY)
    }

    /// A store for at most `capacity` unexpired claims (at least 1). Memory is taken as
    /// claims arrive, not up front.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            origin: Instant::now(),
            state: Mutex::new(State::default()),
        }
    }

    /// The most unexpired claims this store holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many claims are held now, counting expired ones not yet dropped.
    pub fn len(&self) -> usize {
        self.lock().claims.len()
    }

    /// `true` when no claim is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent at every step, so a panic elsewhere cannot corrupt it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn claim_now(&self, fingerprint: &Fingerprint, ttl: Duration) -> Result<bool, StoreError> {
        let now = self.now_ms();
        let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let mut state = self.lock();
        match state.claims.get(fingerprint) {
            Some(&expires) if expires > now => return Ok(false),
            Some(_) => {}
            None if state.claims.len() >= self.capacity => {
                if now >= state.next_full_sweep {
                    state.next_full_sweep = now.saturating_add(SWEEP_INTERVAL_MS);
                    state.sweep(now);
                }
                if state.claims.len() >= self.capacity {
                    return Err(StoreError::Full {
                        capacity: self.capacity,
                    });
                }
            }
            None => {}
        }
        state
            .claims
            .insert(*fingerprint, now.saturating_add(ttl_ms));
        state.since_sweep += 1;
        if state.since_sweep >= (state.claims.len() / 2).max(MIN_SWEEP_GAP) {
            state.sweep(now);
        }
        Ok(true)
    }
}

impl State {
    /// Drops every expired claim (O(n), after at least n/2 claims since the last one).
    fn sweep(&mut self, now: u64) {
        self.claims.retain(|_, expires| *expires > now);
        self.since_sweep = 0;
    }
}

impl Default for MemoryTicketStore {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryTicketStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryTicketStore")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

#[async_trait::async_trait]
impl TicketStore for MemoryTicketStore {
    async fn claim(&self, fingerprint: &Fingerprint, ttl: Duration) -> Result<bool, StoreError> {
        self.claim_now(fingerprint, ttl)
    }

    async fn release(&self, fingerprint: &Fingerprint) -> Result<(), StoreError> {
        self.lock().claims.remove(fingerprint);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(i: u32) -> Fingerprint {
        Fingerprint::of(&i.to_string())
    }

    #[test]
    fn claims_once_until_released() {
        let store = MemoryTicketStore::with_capacity(4);
        let ttl = Duration::from_secs(60);
        assert!(store.claim_now(&fp(1), ttl).unwrap());
        assert!(!store.claim_now(&fp(1), ttl).unwrap());
        store.lock().claims.remove(&fp(1));
        assert!(store.claim_now(&fp(1), ttl).unwrap());
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn full_store_refuses_rather_than_forgets() {
        let store = MemoryTicketStore::with_capacity(2);
        let ttl = Duration::from_secs(60);
        assert!(store.claim_now(&fp(1), ttl).unwrap());
        assert!(store.claim_now(&fp(2), ttl).unwrap());
        assert!(store.claim_now(&fp(3), ttl).unwrap_err().is_full());
        // The live claims are still held.
        assert!(!store.claim_now(&fp(1), ttl).unwrap());
        assert!(!store.claim_now(&fp(2), ttl).unwrap());
    }

    #[test]
    fn expired_claims_make_room_even_out_of_order() {
        let store = MemoryTicketStore::with_capacity(2);
        assert!(store.claim_now(&fp(1), Duration::from_secs(60)).unwrap());
        assert!(store.claim_now(&fp(2), Duration::from_millis(1)).unwrap());
        std::thread::sleep(Duration::from_millis(5));
        // fp(2) expired behind a live fp(1): the sweep on a full store finds it.
        assert!(store.claim_now(&fp(3), Duration::from_secs(60)).unwrap());
        assert!(
            store
                .claim_now(&fp(2), Duration::from_secs(60))
                .unwrap_err()
                .is_full()
        );
    }

    #[test]
    fn routine_sweeps_keep_the_table_to_live_claims() {
        let store = MemoryTicketStore::with_capacity(1_000_000);
        for i in 0..5_000 {
            assert!(store.claim_now(&fp(i), Duration::from_millis(1)).unwrap());
        }
        std::thread::sleep(Duration::from_millis(5));
        for i in 5_000..(5_000 + MIN_SWEEP_GAP as u32) {
            assert!(store.claim_now(&fp(i), Duration::from_secs(60)).unwrap());
        }
        // The expired claims were swept without the store ever being full.
        assert!(store.len() <= MIN_SWEEP_GAP * 2, "{}", store.len());
    }
}
