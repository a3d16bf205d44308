//! [`MemoryTicketStore`]: a bounded, expiring claim set for one process that never refuses a
//! claim for lack of room.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::fingerprint::Fingerprint;
use super::ticket_store::{StoreError, TicketStore};

/// The fewest claims between two routine sweeps.
const MIN_SWEEP_GAP: usize = 1_024;

/// What share of its capacity a store still full after a sweep drops at once (an eighth).
const EVICT_SHARE: usize = 8;

/// A [`TicketStore`] in this process's memory: bounded, expiring, O(1) per claim (amortised).
///
/// **One process only.** Claims are not shared with other processes or machines: behind a
/// load balancer, two app servers would each accept the same ticket once. Use
/// `RedisTicketStore` (feature `redis`) for a fleet.
///
/// It holds at most `capacity` claims (default 100 000; under 100 bytes each, measured at
/// 1 million, see the crate docs). Each claim is one hash-table entry: the fingerprint and
/// its expiry. Expired claims are dropped by a sweep of the whole table that runs after as
/// many new claims as half the table holds (at least 1 024), so its cost is spread over
/// those claims.
///
/// **It never refuses a claim for lack of room.** A full store first drops its expired
/// claims; when it is still full of unexpired ones, it evicts the claims closest to their
/// expiry (with one claim TTL, the oldest), an eighth of its capacity at once, so the
/// O(n) pass that finds them runs once per that many claims. A store that refused claims
/// when full would let anyone deny every reader's login: a claim for a ticket Payway
/// refuses (`401`) is kept for the claim TTL, so about 100 000 requests with made-up
/// tickets to your callback URL would fill it for 10 minutes.
///
/// Under such a flood the one-time guard degrades to Payway's own single-use check: a
/// ticket whose claim was evicted can be claimed again, and Payway, which accepts a ticket
/// once, answers a second exchange `401` ([`TicketLogin::Rejected`](crate::TicketLogin)).
/// What is lost is only the guard against two app requests exchanging the same ticket at
/// the same moment. Rate-limit your callback route (per client address) so that a flood
/// never reaches the capacity: 100 000 claims in a 10-minute TTL is about 170 requests a
/// second.
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
}

impl MemoryTicketStore {
    /// The capacity of [`MemoryTicketStore::new`].
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A store for at most [`DEFAULT_CAPACITY`](Self::DEFAULT_CAPACITY) claims.
    pub fn new() -> Self {
        Self::with_capacity(Self::DEFAULT_CAPACITY)
    }

    /// A store for at most `capacity` claims (at least 1). Memory is taken as claims arrive,
    /// not up front.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            origin: Instant::now(),
            state: Mutex::new(State::default()),
        }
    }

    /// The most claims this store holds; past it, it evicts.
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

    fn claim_now(&self, fingerprint: &Fingerprint, ttl: Duration) -> bool {
        let now = self.now_ms();
        let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let mut state = self.lock();
        match state.claims.get(fingerprint) {
            Some(&expires) if expires > now => return false,
            Some(_) => {}
            None if state.claims.len() >= self.capacity => state.make_room(now, self.capacity),
            None => {}
        }
        state
            .claims
            .insert(*fingerprint, now.saturating_add(ttl_ms));
        state.since_sweep += 1;
        if state.since_sweep >= (state.claims.len() / 2).max(MIN_SWEEP_GAP) {
            state.sweep(now);
        }
        true
    }
}

impl State {
    /// Drops every expired claim (O(n), after at least n/2 claims since the last one).
    fn sweep(&mut self, now: u64) {
        self.claims.retain(|_, expires| *expires > now);
        self.since_sweep = 0;
    }

    /// Makes room in a full table: the expired claims go first; if it is still full, the
    /// eighth of `capacity` closest to expiring.
    fn make_room(&mut self, now: u64, capacity: usize) {
        self.sweep(now);
        if self.claims.len() < capacity {
            return;
        }
        let evict = (capacity / EVICT_SHARE).clamp(1, self.claims.len());
        let mut expiries: Vec<u64> = self.claims.values().copied().collect();
        // The `evict` earliest expiries sit before `threshold`, the evict-th of them.
        let (earlier, threshold, _) = expiries.select_nth_unstable(evict - 1);
        let threshold = *threshold;
        let below = earlier.iter().filter(|e| **e < threshold).count();
        let mut at_threshold = evict - below;
        self.claims.retain(|_, expires| {
            if *expires < threshold {
                false
            } else if *expires == threshold && at_threshold > 0 {
                at_threshold -= 1;
                false
            } else {
                true
            }
        });
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
    /// Never an `Err`: a full store evicts (see the type's docs).
    async fn claim(&self, fingerprint: &Fingerprint, ttl: Duration) -> Result<bool, StoreError> {
        Ok(self.claim_now(fingerprint, ttl))
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
        assert!(store.claim_now(&fp(1), ttl));
        assert!(!store.claim_now(&fp(1), ttl));
        store.lock().claims.remove(&fp(1));
        assert!(store.claim_now(&fp(1), ttl));
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn a_full_store_evicts_the_claims_closest_to_expiring() {
        let store = MemoryTicketStore::with_capacity(16);
        for i in 0..16 {
            assert!(store.claim_now(&fp(i), Duration::from_secs(60 + u64::from(i))));
        }
        // Full of live claims: the new one is taken, the two (16 / 8) expiring first go.
        assert!(store.claim_now(&fp(100), Duration::from_secs(600)));
        let state = store.lock();
        assert_eq!(state.claims.len(), 15);
        assert!(!state.claims.contains_key(&fp(0)) && !state.claims.contains_key(&fp(1)));
        assert!((2..16).all(|i| state.claims.contains_key(&fp(i))));
        assert!(state.claims.contains_key(&fp(100)));
    }

    #[test]
    fn equal_expiries_are_evicted_one_share_at_a_time() {
        let store = MemoryTicketStore::with_capacity(64);
        let ttl = Duration::from_secs(3600);
        {
            let mut state = store.lock();
            for i in 0..64 {
                state.claims.insert(fp(i), 1_000_000);
            }
        }
        assert!(store.claim_now(&fp(1_000), ttl));
        assert_eq!(store.len(), 64 - 8 + 1);
    }

    #[test]
    fn expired_claims_make_room_first_even_out_of_order() {
        let store = MemoryTicketStore::with_capacity(2);
        assert!(store.claim_now(&fp(1), Duration::from_secs(60)));
        assert!(store.claim_now(&fp(2), Duration::from_millis(1)));
        std::thread::sleep(Duration::from_millis(5));
        // fp(2) expired behind a live fp(1): the sweep of a full store finds it, and the
        // live claim stays.
        assert!(store.claim_now(&fp(3), Duration::from_secs(60)));
        assert!(!store.claim_now(&fp(1), Duration::from_secs(60)));
        assert!(!store.claim_now(&fp(3), Duration::from_secs(60)));
    }

    #[test]
    fn a_capacity_of_one_still_takes_every_new_claim() {
        let store = MemoryTicketStore::with_capacity(1);
        for i in 0..10 {
            assert!(store.claim_now(&fp(i), Duration::from_secs(60)));
            assert_eq!(store.len(), 1);
        }
    }

    #[test]
    fn routine_sweeps_keep_the_table_to_live_claims() {
        let store = MemoryTicketStore::with_capacity(1_000_000);
        for i in 0..5_000 {
            assert!(store.claim_now(&fp(i), Duration::from_millis(1)));
        }
        std::thread::sleep(Duration::from_millis(5));
        for i in 5_000..(5_000 + MIN_SWEEP_GAP as u32) {
            assert!(store.claim_now(&fp(i), Duration::from_secs(60)));
        }
        // The expired claims were swept without the store ever being full.
        assert!(store.len() <= MIN_SWEEP_GAP * 2, "{}", store.len());
    }
}
