//! [`MemoryTicketStore`]: a bounded, expiring claim set for one process that refuses a new
//! claim when full rather than forget a live one.

use std::fmt;
use std::sync::{Mutex, MutexGuard};

use std::time::{Duration, Instant};

use paywall_internal::sync::lock;

use super::claims::{Claimed, Claims};
use super::fingerprint::{ClaimKind, Fingerprint};
use super::ticket_store::{StoreError, TicketStore};

/// A [`TicketStore`] in this process's memory: bounded, expiring, O(1) per claim (amortised),
/// with one room per [`ClaimKind`].
///
/// **One process only.** Claims are not shared with other processes or machines: behind a
/// load balancer, two app servers would each accept the same ticket once. Use
/// `RedisTicketStore` (feature `redis`) for a fleet.
///
/// **A live claim is never dropped; a full store refuses.** Each kind holds at most
/// `capacity` unexpired claims (default 100 000) in a room of its own. A claim that finds its
/// kind full, once the expired claims are dropped, is refused with [`StoreError::Full`]
/// (which says why evicting would be worse), and the login fails closed.
///
/// What can fill a kind: a ticket's claim lasts the claim TTL only once Payway *accepted*
/// it ([`login_with_ticket`](crate::PaywayClient::login_with_ticket) releases the claim of
/// a ticket Payway refused), and a landing is claimed only after its token verified, so
/// made-up tickets and forged landings hold no room beyond their own request. Still,
/// **rate-limit your callback routes** (per client address): a full kind refuses every login
/// of that kind until claims expire.
///
/// **Memory:** about 140 bytes per claim (see the crate's Performance section), taken as
/// claims arrive, so at most about `3 × capacity × 140` bytes, 42 MB at the default
/// capacity. A claim is a hash-table entry (32-byte digest, 8-byte expiry) and the same 40
/// bytes in an expiry-ordered queue; a claim dropped early (released, or taken again after
/// it expired) leaves its queue entry until the queue, at twice the live claims and 1 024
/// more, is compacted.
///
/// **Cost:** no claim scans the table: expired claims leave from the front of the queue, a
/// few with each new claim and as many as a full kind needs. Claims that expire in the order
/// they were made (one TTL) cost O(1); one that expires well before a claim made earlier,
/// O(log n). A claim never lasts less than its TTL, and at most a 64th of it (or 2 ms)
/// longer, so that claims of about one TTL stay in order.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use payway_client::{Fingerprint, MemoryTicketStore, TicketStore};
///
/// let store = MemoryTicketStore::with_capacity(1);
/// let ttl = Duration::from_secs(600);
/// let fp = Fingerprint::of("a-ticket");
/// assert!(store.claim(&fp, ttl).await?);   // first use
/// assert!(!store.claim(&fp, ttl).await?);  // replay
/// // The ticket room is full: refused, never evicted.
/// let err = store.claim(&Fingerprint::of("another"), ttl).await.unwrap_err();
/// assert!(err.is_full());
/// // A landing has a room of its own.
/// assert!(store.claim(&Fingerprint::of_landing("a-landing"), ttl).await?);
/// # Ok(()) }
/// ```
pub struct MemoryTicketStore {
    capacity: usize,
    origin: Instant,
    /// One set of claims per kind (tickets, landings, checkouts), each under its own lock.
    rooms: [Mutex<Claims>; 3],
}

impl MemoryTicketStore {
    /// The capacity per kind of [`MemoryTicketStore::new`].
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A store for at most [`DEFAULT_CAPACITY`](Self::DEFAULT_CAPACITY) unexpired claims of
    /// each kind.
    pub fn new() -> Self {
        Self::with_capacity(Self::DEFAULT_CAPACITY)
    }

    /// A store for at most `capacity` unexpired claims (at least 1) of each [`ClaimKind`].
    /// Memory is taken as claims arrive, not up front.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            origin: Instant::now(),
            rooms: Default::default(),
        }
    }

    /// The most unexpired claims this store holds of each kind; past it, a new claim of that
    /// kind is refused ([`StoreError::Full`]).
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many claims are held now, of every kind, counting expired ones not yet dropped.
    pub fn len(&self) -> usize {
        ClaimKind::ALL
            .into_iter()
            .map(|kind| self.len_of(kind))
            .sum()
    }

    /// How many claims of `kind` are held now, counting expired ones not yet dropped.
    pub fn len_of(&self, kind: ClaimKind) -> usize {
        self.lock(kind).len()
    }

    /// `true` when no claim is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self, kind: ClaimKind) -> MutexGuard<'_, Claims> {
        let [tickets, landings, checkouts] = &self.rooms;
        let mutex = match kind {
            ClaimKind::Ticket => tickets,
            ClaimKind::Landing => landings,
            ClaimKind::Checkout => checkouts,
        };
        // Every step leaves the claims consistent, so a panic elsewhere cannot corrupt them.
        lock(mutex)
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn claim_now(&self, fingerprint: &Fingerprint, ttl: Duration) -> Result<bool, StoreError> {
        let now = self.now_ms();
        let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let claimed =
            self.lock(fingerprint.kind())
                .claim(fingerprint.as_bytes(), now, ttl_ms, self.capacity);
        match claimed {
            Claimed::Taken => Ok(true),
            Claimed::Held => Ok(false),
            Claimed::Full => Err(StoreError::Full {
                capacity: self.capacity,
                kind: fingerprint.kind(),
            }),
        }
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
    /// [`StoreError::Full`] when the fingerprint's kind holds `capacity` unexpired claims
    /// (see the type's docs); never another error.
    async fn claim(&self, fingerprint: &Fingerprint, ttl: Duration) -> Result<bool, StoreError> {
        self.claim_now(fingerprint, ttl)
    }

    async fn release(&self, fingerprint: &Fingerprint) -> Result<(), StoreError> {
        self.lock(fingerprint.kind())
            .release(fingerprint.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(i: u32) -> Fingerprint {
        Fingerprint::of(&i.to_string())
    }

    fn landing(i: u32) -> Fingerprint {
        Fingerprint::of_landing(&i.to_string())
    }

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn claims_once_until_released() {
        let store = MemoryTicketStore::with_capacity(4);
        assert_eq!(store.claim_now(&fp(1), MINUTE).ok(), Some(true));
        assert_eq!(store.claim_now(&fp(1), MINUTE).ok(), Some(false));
        store.lock(ClaimKind::Ticket).release(fp(1).as_bytes());
        assert_eq!(store.claim_now(&fp(1), MINUTE).ok(), Some(true));
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn a_full_kind_refuses_and_keeps_every_live_claim() {
        let store = MemoryTicketStore::with_capacity(16);
        for i in 0..16 {
            let ttl = MINUTE + Duration::from_secs(u64::from(i));
            assert_eq!(store.claim_now(&fp(i), ttl).ok(), Some(true));
        }
        let err = store.claim_now(&fp(100), MINUTE * 10).unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Full {
                    capacity: 16,
                    kind: ClaimKind::Ticket
                }
            ),
            "{err:?}"
        );
        assert!((0..16).all(|i| store.claim_now(&fp(i), MINUTE).ok() == Some(false)));
        assert_eq!(store.len_of(ClaimKind::Ticket), 16);
        // Another kind has its own room.
        assert_eq!(store.claim_now(&landing(1), MINUTE).ok(), Some(true));
        assert_eq!(store.len(), 17);
    }

    #[test]
    fn expired_claims_make_room_first_even_out_of_order() {
        let store = MemoryTicketStore::with_capacity(2);
        assert_eq!(store.claim_now(&fp(1), MINUTE).ok(), Some(true));
        assert_eq!(
            store.claim_now(&fp(2), Duration::from_millis(1)).ok(),
            Some(true)
        );
        std::thread::sleep(Duration::from_millis(5));
        // fp(2) expired behind a live fp(1): it makes room, and the live claim stays.
        assert_eq!(store.claim_now(&fp(3), MINUTE).ok(), Some(true));
        assert_eq!(store.claim_now(&fp(1), MINUTE).ok(), Some(false));
        assert_eq!(store.claim_now(&fp(3), MINUTE).ok(), Some(false));
        assert!(store.claim_now(&fp(4), MINUTE).is_err());
    }

    #[test]
    fn a_capacity_of_one_holds_one_claim_per_kind() {
        let store = MemoryTicketStore::with_capacity(0);
        assert_eq!(store.capacity(), 1);
        assert_eq!(store.claim_now(&fp(1), MINUTE).ok(), Some(true));
        assert!(store.claim_now(&fp(2), MINUTE).is_err());
        for kind in [landing(1), Fingerprint::of_checkout("1")] {
            assert_eq!(store.claim_now(&kind, MINUTE).ok(), Some(true));
        }
        assert_eq!(store.len(), 3);
    }

    #[test]
    fn routine_sweeps_keep_the_table_to_live_claims() {
        let store = MemoryTicketStore::with_capacity(1_000_000);
        for i in 0..5_000 {
            assert!(store.claim_now(&fp(i), Duration::from_millis(1)).is_ok());
        }
        std::thread::sleep(Duration::from_millis(5));
        for i in 5_000..10_000 {
            assert!(store.claim_now(&fp(i), MINUTE).is_ok());
        }
        // Each new claim drops a few expired ones: the 5 000 expired claims are gone.
        assert_eq!(store.len(), 5_000);
    }
}
