//! [`MemoryTicketStore`]: a bounded, expiring claim set for one process.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::{Fingerprint, StoreError, TicketStore};

/// How long a full store waits before it sweeps the whole set again for expired claims.
const SWEEP_INTERVAL_MS: u64 = 1_000;

/// A [`TicketStore`] in this process's memory: bounded, expiring, O(1) per claim.
///
/// **One process only.** Claims are not shared with other processes or machines: behind a
/// load balancer, two app servers would each accept the same ticket once. Use
/// `RedisTicketStore` (feature `redis`) for a fleet.
///
/// It holds at most `capacity` unexpired claims (default 100 000; about 143 bytes each,
/// measured at 1 million, see the crate docs). Expired claims are dropped in the order they
/// were made as new claims arrive; with one TTL, as
/// [`login_with_ticket`](crate::PaywayClient::login_with_ticket) uses, that is expiry order.
/// When the store is full of unexpired claims, [`claim`](TicketStore::claim) returns
/// [`StoreError::Full`] and the login is denied: it never forgets a live claim to make room.
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
    claims: HashMap<Fingerprint, Claim>,
    /// Claims in the order they were made, by number. An entry whose number is no longer
    /// the fingerprint's (released or claimed again since) is skipped when it reaches the
    /// front, and dropped when the queue is compacted.
    order: VecDeque<(Fingerprint, u64)>,
    /// The number of the next claim: every claim has its own, so each held claim has
    /// exactly one queue entry.
    next_number: u64,
    /// No full sweep before this time (ms since `origin`).
    next_sweep: u64,
}

#[derive(Clone, Copy)]
struct Claim {
    /// Expiry, in milliseconds since `origin`.
    expires: u64,
    number: u64,
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
        state.drop_expired_front(now);
        match state.claims.get(fingerprint) {
            Some(claim) if claim.expires > now => return Ok(false),
            Some(_) => {}
            None if state.claims.len() >= self.capacity => {
                state.sweep(now);
                if state.claims.len() >= self.capacity {
                    return Err(StoreError::Full {
                        capacity: self.capacity,
                    });
                }
            }
            None => {}
        }
        let number = state.next_number;
        state.next_number += 1;
        let claim = Claim {
            expires: now.saturating_add(ttl_ms),
            number,
        };
        state.claims.insert(*fingerprint, claim);
        state.order.push_back((*fingerprint, number));
        if state.order.len() > self.capacity.saturating_mul(2).saturating_add(64) {
            state.compact();
        }
        Ok(true)
    }
}

impl State {
    /// The claim `(fingerprint, number)` names, if it is still held.
    fn held(&self, fingerprint: &Fingerprint, number: u64) -> Option<Claim> {
        self.claims
            .get(fingerprint)
            .copied()
            .filter(|claim| claim.number == number)
    }

    fn drop_expired_front(&mut self, now: u64) {
        while let Some(&(fingerprint, number)) = self.order.front() {
            if let Some(claim) = self.held(&fingerprint, number) {
                if claim.expires > now {
                    break;
                }
                self.claims.remove(&fingerprint);
            }
            self.order.pop_front();
        }
    }

    /// Drops every expired claim, wherever it sits in the order (O(n), at most once a second).
    fn sweep(&mut self, now: u64) {
        if now < self.next_sweep {
            return;
        }
        self.next_sweep = now.saturating_add(SWEEP_INTERVAL_MS);
        self.claims.retain(|_, claim| claim.expires > now);
        self.compact();
    }

    /// Drops the queue entries of claims no longer held: one entry per held claim remains.
    fn compact(&mut self) {
        let claims = &self.claims;
        self.order.retain(|(fingerprint, number)| {
            claims.get(fingerprint).is_some_and(|c| c.number == *number)
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
    fn order_queue_stays_bounded_under_churn() {
        let store = MemoryTicketStore::with_capacity(8);
        let ttl = Duration::from_secs(60);
        for _ in 0..1_000 {
            assert!(store.claim_now(&fp(7), ttl).unwrap());
            store.lock().claims.remove(&fp(7));
        }
        assert!(store.lock().order.len() <= 8 * 2 + 64 + 1);
    }
}
