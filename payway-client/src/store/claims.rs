//! [`Claims`]: the claims of one kind in a `MemoryTicketStore`, and the queue in which they
//! expire.

use std::cmp::Reverse;
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap, VecDeque};

/// A fingerprint's 32 digest bytes (the kind is the `Claims` they sit in).
type Digest = [u8; 32];

/// How many expired claims each new claim drops at most, besides those a full kind drops to
/// make room. More than one, so expired claims leave faster than new ones arrive.
const SWEEP_STEP: usize = 4;

/// Queue entries beyond twice the live claims that trigger a compaction.
const COMPACT_SLACK: usize = 1_024;

/// The least lift of [`Claims::expiry`], in milliseconds.
const MIN_LIFT_MS: u64 = 2;

/// The claims of one kind: each claim's expiry by digest, and every claim once more in an
/// expiry-ordered queue, from which expired claims leave without a scan of the table.
///
/// Expiries are milliseconds since the store's origin. A queue entry whose digest is no
/// longer held with that expiry (released, or taken again after it expired) is stale: it is
/// skipped when it reaches the front, and dropped by a compaction once stale entries
/// outnumber the live claims (plus [`COMPACT_SLACK`]).
#[derive(Default)]
pub(super) struct Claims {
    /// Each held claim's expiry.
    expiries: HashMap<Digest, u64>,
    /// Claims made in the order they expire (a non-decreasing expiry): a FIFO queue.
    in_order: VecDeque<(u64, Digest)>,
    /// Claims that expire before one already in `in_order` expires: a min-heap.
    out_of_order: BinaryHeap<Reverse<(u64, Digest)>>,
}

/// What became of a [`Claims::claim`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Claimed {
    /// The digest was free and is now held.
    Taken,
    /// The digest is held by an unexpired claim.
    Held,
    /// The digest was free, but the kind holds `capacity` unexpired claims: refused.
    Full,
}

impl Claims {
    /// How many claims are held, counting expired ones not yet dropped.
    pub(super) fn len(&self) -> usize {
        self.expiries.len()
    }

    /// Claims `digest` for `ttl_ms` at `now`, in a kind that holds at most `capacity`.
    pub(super) fn claim(
        &mut self,
        digest: &Digest,
        now: u64,
        ttl_ms: u64,
        capacity: usize,
    ) -> Claimed {
        for _ in 0..SWEEP_STEP {
            if !self.drop_next_expired(now) {
                break;
            }
        }
        if self.expiries.len() >= capacity && !self.expiries.contains_key(digest) {
            while self.expiries.len() >= capacity && self.drop_next_expired(now) {}
            if self.expiries.len() >= capacity {
                return Claimed::Full;
            }
        }
        if self
            .expiries
            .get(digest)
            .is_some_and(|&expiry| expiry > now)
        {
            return Claimed::Held;
        }
        // Free, or expired but not yet dropped: then taken again in place (its queue entry is
        // stale).
        let expires = self.expiry(now, ttl_ms);
        self.expiries.insert(*digest, expires);
        self.enqueue(expires, *digest);
        self.compact_if_mostly_stale();
        Claimed::Taken
    }

    /// Releases the claim of `digest`, if any. Its queue entry stays, stale.
    pub(super) fn release(&mut self, digest: &Digest) {
        self.expiries.remove(digest);
    }

    /// When a claim made at `now` for `ttl_ms` expires: `now + ttl_ms`, or, when that is a
    /// little before the expiry of the claim queued last (by at most 1/64 of the TTL, or
    /// [`MIN_LIFT_MS`]), that expiry. A claim never lasts less than its TTL, and at most a
    /// 64th of it (or 2 ms) longer; claims made around one moment with about one TTL (SSO2 landings, whose
    /// TTLs end with their tokens' `exp`) then join the FIFO queue in order, not the heap.
    fn expiry(&self, now: u64, ttl_ms: u64) -> u64 {
        let expires = now.saturating_add(ttl_ms);
        let lift = (ttl_ms / 64).max(MIN_LIFT_MS);
        match self.in_order.back() {
            Some(&(last, _)) if last > expires && last - expires <= lift => last,
            _ => expires,
        }
    }

    fn enqueue(&mut self, expires: u64, digest: Digest) {
        match self.in_order.back() {
            Some((last, _)) if *last > expires => {
                self.out_of_order.push(Reverse((expires, digest)))
            }
            _ => self.in_order.push_back((expires, digest)),
        }
    }

    /// Takes the queue entry that expires first if it has expired at `now`, and drops its
    /// claim unless the entry is stale. `false` when nothing in the queue has expired.
    fn drop_next_expired(&mut self, now: u64) -> bool {
        let fifo = self.in_order.front().map(|(expiry, _)| *expiry);
        let heap = self.out_of_order.peek().map(|Reverse((expiry, _))| *expiry);
        let entry = match (fifo, heap) {
            (Some(f), Some(h)) if h < f && h <= now => self.out_of_order.pop().map(|e| e.0),
            (None, Some(h)) if h <= now => self.out_of_order.pop().map(|e| e.0),
            (Some(f), _) if f <= now => self.in_order.pop_front(),
            _ => None,
        };
        let Some((expiry, digest)) = entry else {
            return false;
        };
        if let Entry::Occupied(held) = self.expiries.entry(digest)
            && *held.get() == expiry
        {
            held.remove();
        }
        true
    }

    /// Drops every stale queue entry once they outnumber the live claims (plus
    /// [`COMPACT_SLACK`]): O(n), after at least as many stale entries were made, so O(1)
    /// per claim amortised. Keeps the queue within twice the held claims plus the slack.
    fn compact_if_mostly_stale(&mut self) {
        let queued = self.in_order.len() + self.out_of_order.len();
        let bound = self.expiries.len().saturating_mul(2);
        if queued <= bound.saturating_add(COMPACT_SLACK) {
            return;
        }
        let expiries = &self.expiries;
        let live = |expiry: &u64, digest: &Digest| expiries.get(digest) == Some(expiry);
        self.in_order
            .retain(|(expiry, digest)| live(expiry, digest));
        self.out_of_order
            .retain(|Reverse((expiry, digest))| live(expiry, digest));
    }

    #[cfg(test)]
    fn queued(&self) -> usize {
        self.in_order.len() + self.out_of_order.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(i: u32) -> Digest {
        let mut d = [0; 32];
        d[..4].copy_from_slice(&i.to_be_bytes());
        d
    }

    #[test]
    fn a_claim_expiring_just_before_the_last_one_queued_joins_the_fifo() {
        let mut claims = Claims::default();
        assert_eq!(claims.claim(&digest(1), 0, 64_000, 10), Claimed::Taken);
        // 0.9 s earlier than the last one, on a 63 s TTL: lifted to it (within a 64th).
        assert_eq!(claims.claim(&digest(2), 0, 63_100, 10), Claimed::Taken);
        // 2 ms earlier on a short TTL: lifted too; 3 ms earlier: to the heap.
        assert_eq!(claims.claim(&digest(3), 63_996, 2, 10), Claimed::Taken);
        assert_eq!(claims.claim(&digest(4), 63_995, 2, 10), Claimed::Taken);
        assert_eq!((claims.in_order.len(), claims.out_of_order.len()), (3, 1));
        assert_eq!(claims.expiries.get(&digest(2)), Some(&64_000));
        assert_eq!(claims.expiries.get(&digest(3)), Some(&64_000));
        // Never shorter than asked.
        assert_eq!(claims.claim(&digest(5), 0, 70_000, 10), Claimed::Taken);
        assert_eq!(claims.expiries.get(&digest(5)), Some(&70_000));
    }

    #[test]
    fn out_of_order_expiries_leave_in_expiry_order() {
        let mut claims = Claims::default();
        // Expiries 100, 50, 200, 10: two go to the FIFO, two to the heap.
        for (i, expires) in [(1, 100), (2, 50), (3, 200), (4, 10)] {
            assert_eq!(claims.claim(&digest(i), 0, expires, 10), Claimed::Taken);
        }
        assert_eq!((claims.in_order.len(), claims.out_of_order.len()), (2, 2));
        // At 60, exactly the two claims expiring at 10 and 50 are gone.
        assert_eq!(claims.claim(&digest(5), 60, 1_000 - 60, 10), Claimed::Taken);
        assert_eq!(claims.len(), 3);
        assert_eq!(claims.claim(&digest(1), 60, 1_000 - 60, 10), Claimed::Held);
        assert_eq!(claims.claim(&digest(3), 60, 1_000 - 60, 10), Claimed::Held);
        assert_eq!(claims.claim(&digest(2), 60, 1_000 - 60, 10), Claimed::Taken);
    }

    #[test]
    fn a_full_kind_drops_every_expired_claim_it_needs_and_no_live_one() {
        let mut claims = Claims::default();
        for i in 0..100 {
            assert_eq!(claims.claim(&digest(i), 0, 10, 100), Claimed::Taken);
        }
        // At 20 all have expired; the routine sweep drops only a few, a full kind the rest.
        for i in 100..200 {
            assert_eq!(
                claims.claim(&digest(i), 20, 1_000 - 20, 100),
                Claimed::Taken
            );
        }
        assert_eq!(
            claims.claim(&digest(500), 20, 1_000 - 20, 100),
            Claimed::Full
        );
        assert!(
            (100..200).all(|i| claims.claim(&digest(i), 999, 2_000 - 999, 100) == Claimed::Held)
        );
    }

    #[test]
    fn an_expired_claim_not_yet_dropped_is_taken_again() {
        let mut claims = Claims::default();
        assert_eq!(claims.claim(&digest(1), 0, 10, 1), Claimed::Taken);
        // Its stale queue entry (expiry 10) must not drop the new claim when it leaves.
        assert_eq!(claims.claim(&digest(1), 10, 100 - 10, 1), Claimed::Taken);
        assert_eq!(claims.claim(&digest(2), 50, 100 - 50, 1), Claimed::Full);
        assert_eq!(claims.claim(&digest(1), 50, 100 - 50, 1), Claimed::Held);
        assert_eq!(claims.claim(&digest(1), 100, 200 - 100, 1), Claimed::Taken);
    }

    #[test]
    fn claims_released_at_once_leave_a_bounded_queue() {
        let mut claims = Claims::default();
        for i in 0..100_000 {
            assert_eq!(claims.claim(&digest(i), 0, 600_000, 10), Claimed::Taken);
            claims.release(&digest(i));
            // Compacted at a claim, when the kind held that one claim: 2 × 1 + the slack.
            assert!(claims.queued() <= COMPACT_SLACK + 2, "{}", claims.queued());
        }
        assert_eq!(claims.len(), 0);
    }
}
