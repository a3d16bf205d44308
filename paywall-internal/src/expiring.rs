//! [`ExpiringMap`]: a bounded map whose entries expire, for the family's caches (answers kept
//! for a while) and claim sets (a ticket taken once).
//!
//! **When full, it refuses, unless told to evict.** A new key that finds the map holding
//! `capacity` unexpired entries is refused by [`insert`](ExpiringMap::insert) and
//! [`insert_new`](ExpiringMap::insert_new) ([`Full`]); no live entry is dropped to make room.
//! A claim set must refuse: one that evicted would let a used ticket be taken again. A cache
//! whose crate documents that the oldest entry goes first uses
//! [`insert_evicting_oldest`](ExpiringMap::insert_evicting_oldest), which drops the entry
//! that expires first (the oldest, in a map of one lifetime) instead.
//!
//! **Cost.** Every operation is O(1) amortised (O(log n) for an entry that expires before one
//! stored earlier); none scans the map. Expiries are kept in the order entries will expire: a
//! plain queue while each new expiry is at or after the last one (a map with one lifetime, the
//! usual case), a binary heap for the others. Expired entries leave from the front, as each
//! new entry needs the room. An entry removed or stored again early leaves its old expiry
//! record behind, skipped when it reaches the front; once such records outnumber the live
//! entries (and 1,024 more) they are swept in one pass, which the operations that left them
//! have paid for.
//!
//! The map holds no lock: a client keeps it in a `Mutex` (see [`crate::coalesce::lock`]).

use std::borrow::Borrow;
use std::cmp::{Ordering, Reverse};
use std::collections::hash_map::Entry;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::fmt;
use std::hash::Hash;
use std::time::Instant;

/// Stale expiry records allowed beyond the live entries before a sweep.
const SLACK: usize = 1024;

/// A bounded map whose entries expire; see the [module docs](self).
pub struct ExpiringMap<K, V> {
    capacity: usize,
    entries: HashMap<K, Stored<V>>,
    /// Expiry records in expiry order (each expiry at or after the one before).
    queue: VecDeque<Expiry<K>>,
    /// Expiry records that came out of order.
    heap: BinaryHeap<Reverse<Expiry<K>>>,
    next_seq: u64,
}

struct Stored<V> {
    value: V,
    expires: Instant,
    /// The number of the expiry record that is this entry's.
    seq: u64,
}

struct Expiry<K> {
    expires: Instant,
    seq: u64,
    key: K,
}

impl<K> PartialEq for Expiry<K> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<K> Eq for Expiry<K> {}

impl<K> PartialOrd for Expiry<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<K> Ord for Expiry<K> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.expires, self.seq).cmp(&(other.expires, other.seq))
    }
}

/// A new key was refused: the map holds `capacity` unexpired entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full {
    /// The map's capacity.
    pub capacity: usize,
}

/// What [`ExpiringMap::insert_new`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The key was absent (or expired) and is now stored.
    Inserted,
    /// The key is present and unexpired; nothing changed.
    Present,
    /// The key was absent and the map is full; nothing changed.
    Full,
}

impl<K, V> fmt::Debug for ExpiringMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExpiringMap")
            .field("capacity", &self.capacity)
            .field("len", &self.entries.len())
            .finish_non_exhaustive()
    }
}

impl<K: Hash + Eq + Clone, V> ExpiringMap<K, V> {
    /// A map of at most `capacity` unexpired entries (at least one). Memory is taken as
    /// entries arrive.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            entries: HashMap::new(),
            queue: VecDeque::new(),
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }

    /// The most unexpired entries held.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many entries are held, counting expired ones not yet dropped.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value of `key` if it has not expired at `now`. One lookup; an expired entry is
    /// left for the next insert to drop.
    pub fn get<Q>(&self, key: &Q, now: Instant) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries
            .get(key)
            .filter(|stored| stored.expires > now)
            .map(|stored| &stored.value)
    }

    /// Stores `value` for `key` until `expires`, replacing an entry of the same key.
    ///
    /// # Errors
    ///
    /// [`Full`] for a new key when the map holds `capacity` unexpired entries at `now`.
    pub fn insert(&mut self, key: K, value: V, expires: Instant, now: Instant) -> Result<(), Full> {
        self.drop_expired(now);
        let full = self.entries.len() >= self.capacity;
        let seq = self.next_seq;
        let record_key = match self.entries.entry(key) {
            Entry::Occupied(mut entry) => {
                let record_key = entry.key().clone();
                *entry.get_mut() = Stored {
                    value,
                    expires,
                    seq,
                };
                record_key
            }
            Entry::Vacant(_) if full => {
                return Err(Full {
                    capacity: self.capacity,
                });
            }
            Entry::Vacant(entry) => {
                let record_key = entry.key().clone();
                entry.insert(Stored {
                    value,
                    expires,
                    seq,
                });
                record_key
            }
        };
        self.record(record_key, expires, seq);
        Ok(())
    }

    /// Stores `value` for `key` until `expires`, as [`insert`](Self::insert), except that a new
    /// key finding the map full at `now` is never refused: the entry that expires first (the
    /// oldest, when every entry lives as long) is dropped to make room, and returned.
    pub fn insert_evicting_oldest(
        &mut self,
        key: K,
        value: V,
        expires: Instant,
        now: Instant,
    ) -> Option<(K, V)> {
        self.drop_expired(now);
        let evicted = if self.entries.len() >= self.capacity && !self.entries.contains_key(&key) {
            self.evict_first()
        } else {
            None
        };
        // There is room now (the capacity is at least one), so this is never refused.
        let stored = self.insert(key, value, expires, now);
        debug_assert!(stored.is_ok());
        evicted
    }

    /// Stores `value` for `key` until `expires` only if `key` is absent or expired at `now`:
    /// taking a claim once.
    pub fn insert_new(&mut self, key: K, value: V, expires: Instant, now: Instant) -> Claim {
        self.drop_expired(now);
        // Every expired entry is gone now, so a present key is a live one.
        let full = self.entries.len() >= self.capacity;
        let seq = self.next_seq;
        let record_key = match self.entries.entry(key) {
            Entry::Occupied(_) => return Claim::Present,
            Entry::Vacant(_) if full => return Claim::Full,
            Entry::Vacant(entry) => {
                let record_key = entry.key().clone();
                entry.insert(Stored {
                    value,
                    expires,
                    seq,
                });
                record_key
            }
        };
        self.record(record_key, expires, seq);
        Claim::Inserted
    }

    /// Removes `key`, expired or not, and returns its value.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let value = self.entries.remove(key).map(|stored| stored.value);
        self.sweep_if_stale();
        value
    }

    /// Drops every entry expired at `now`: the records at the front, each once.
    pub fn drop_expired(&mut self, now: Instant) {
        while self.first_expiry().is_some_and(|expires| expires <= now) {
            if let Some(record) = self.pop_first()
                && self.is_live(&record)
            {
                self.entries.remove(&record.key);
            }
        }
    }

    /// Removes the live entry that expires first, and returns it.
    fn evict_first(&mut self) -> Option<(K, V)> {
        // Every live entry has one live record, so this ends at the first of them.
        while let Some(record) = self.pop_first() {
            if self.is_live(&record) {
                let stored = self.entries.remove(&record.key)?;
                return Some((record.key, stored.value));
            }
        }
        None
    }

    /// Whether `record` is the expiry record of its key's stored entry.
    fn is_live(&self, record: &Expiry<K>) -> bool {
        self.entries
            .get(&record.key)
            .is_some_and(|stored| stored.seq == record.seq)
    }

    /// Whether the first expiry record is the queue's (else the heap's); `None` when both are
    /// empty.
    fn first_is_queued(&self) -> Option<bool> {
        match (self.queue.front(), self.heap.peek()) {
            (Some(first), Some(Reverse(other))) => Some(first <= other),
            (Some(_), None) => Some(true),
            (None, Some(_)) => Some(false),
            (None, None) => None,
        }
    }

    /// The expiry of the first record, live or stale.
    fn first_expiry(&self) -> Option<Instant> {
        if self.first_is_queued()? {
            self.queue.front().map(|record| record.expires)
        } else {
            self.heap.peek().map(|Reverse(record)| record.expires)
        }
    }

    /// Takes out the first record, live or stale.
    fn pop_first(&mut self) -> Option<Expiry<K>> {
        if self.first_is_queued()? {
            self.queue.pop_front()
        } else {
            self.heap.pop().map(|Reverse(record)| record)
        }
    }

    /// Files the expiry record of a stored entry.
    fn record(&mut self, key: K, expires: Instant, seq: u64) {
        self.next_seq += 1;
        let record = Expiry { expires, seq, key };
        if self.queue.back().is_none_or(|last| last.expires <= expires) {
            self.queue.push_back(record);
        } else {
            self.heap.push(Reverse(record));
        }
        self.sweep_if_stale();
    }

    /// Sweeps the records of entries removed or stored again, once they outnumber the live
    /// entries (and [`SLACK`] more).
    fn sweep_if_stale(&mut self) {
        let records = self.queue.len() + self.heap.len();
        if records <= self.entries.len().saturating_mul(2).saturating_add(SLACK) {
            return;
        }
        let entries = &self.entries;
        let live = |record: &Expiry<K>| {
            entries
                .get(&record.key)
                .is_some_and(|stored| stored.seq == record.seq)
        };
        self.queue.retain(|record| live(record));
        let mut heap = std::mem::take(&mut self.heap).into_vec();
        heap.retain(|Reverse(record)| live(record));
        self.heap = BinaryHeap::from(heap);
    }

    #[cfg(test)]
    fn records(&self) -> usize {
        self.queue.len() + self.heap.len()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn at(start: Instant, secs: u64) -> Instant {
        start + Duration::from_secs(secs)
    }

    #[test]
    fn an_entry_lives_until_it_expires() {
        let start = Instant::now();
        let mut map = ExpiringMap::new(10);
        assert_eq!(map.get("s", start), None);
        map.insert("s".to_owned(), 1, at(start, 5), start).unwrap();
        assert_eq!(map.get("s", at(start, 4)), Some(&1));
        assert_eq!(map.get("s", at(start, 5)), None);
        assert_eq!(map.len(), 1, "left for the next insert");
        map.insert("t".to_owned(), 2, at(start, 10), at(start, 5))
            .unwrap();
        assert_eq!(map.len(), 1, "the expired entry was dropped");
        assert_eq!(map.remove("t"), Some(2));
        assert!(map.is_empty());
    }

    #[test]
    fn a_full_map_refuses_a_new_key_and_keeps_every_live_one() {
        let start = Instant::now();
        let mut map = ExpiringMap::new(3);
        for key in ["a", "b", "c"] {
            map.insert(key, (), at(start, 10), start).unwrap();
        }
        assert_eq!(
            map.insert("d", (), at(start, 10), start),
            Err(Full { capacity: 3 })
        );
        assert_eq!(map.insert_new("d", (), at(start, 10), start), Claim::Full);
        for key in ["a", "b", "c"] {
            assert!(map.get(key, start).is_some(), "{key} kept");
        }
        // A present key is refreshed in place, full or not.
        map.insert("a", (), at(start, 20), at(start, 1)).unwrap();
        assert!(map.get("a", at(start, 15)).is_some());
        // Expired entries make room.
        map.insert("d", (), at(start, 30), at(start, 10)).unwrap();
        assert_eq!(map.len(), 2, "b and c expired");
        assert!(map.get("d", at(start, 10)).is_some());
    }

    #[test]
    fn evicting_inserts_drop_the_entry_that_expires_first_to_make_room() {
        let start = Instant::now();
        let mut map = ExpiringMap::new(3);
        assert_eq!(
            map.insert_evicting_oldest("a", 1, at(start, 10), start),
            None
        );
        assert_eq!(
            map.insert_evicting_oldest("b", 2, at(start, 11), start),
            None
        );
        assert_eq!(
            map.insert_evicting_oldest("c", 3, at(start, 12), start),
            None
        );
        // A present key is replaced in place: nothing leaves.
        assert_eq!(
            map.insert_evicting_oldest("b", 4, at(start, 13), start),
            None
        );
        // Full: the oldest goes, whatever the new key.
        assert_eq!(
            map.insert_evicting_oldest("d", 5, at(start, 14), start),
            Some(("a", 1))
        );
        // `c` now expires before `b` (stored again), so it goes next; `b`'s stale record is
        // passed over.
        assert_eq!(
            map.insert_evicting_oldest("e", 6, at(start, 15), start),
            Some(("c", 3))
        );
        assert_eq!(map.len(), 3);
        for (key, value) in [("b", 4), ("d", 5), ("e", 6)] {
            assert_eq!(map.get(key, start), Some(&value), "{key}");
        }
        // An entry expiring out of order (the heap's) goes first too.
        assert_eq!(
            map.insert_evicting_oldest("f", 7, at(start, 1), start),
            Some(("b", 4))
        );
        assert_eq!(
            map.insert_evicting_oldest("g", 8, at(start, 20), start),
            Some(("f", 7))
        );
        // Expired entries make room before any live one is evicted.
        assert_eq!(
            map.insert_evicting_oldest("h", 9, at(start, 30), at(start, 14)),
            None
        );
        assert_eq!(map.len(), 3, "d expired");
        assert_eq!(
            map.insert("i", 0, at(start, 30), at(start, 14)),
            Err(Full { capacity: 3 })
        );
    }

    #[test]
    fn a_claim_is_taken_once_until_it_expires() {
        let start = Instant::now();
        let mut map = ExpiringMap::new(2);
        assert_eq!(
            map.insert_new([1_u8; 32], (), at(start, 5), start),
            Claim::Inserted
        );
        assert_eq!(
            map.insert_new([1_u8; 32], (), at(start, 9), start),
            Claim::Present
        );
        assert!(map.get(&[1_u8; 32], at(start, 4)).is_some(), "not extended");
        assert!(map.get(&[1_u8; 32], at(start, 5)).is_none());
        assert_eq!(
            map.insert_new([1_u8; 32], (), at(start, 9), at(start, 5)),
            Claim::Inserted,
            "taken again once expired"
        );
        assert_eq!(map.remove(&[1_u8; 32]), Some(()));
        assert_eq!(
            map.insert_new([1_u8; 32], (), at(start, 9), at(start, 5)),
            Claim::Inserted,
            "taken again once released"
        );
    }

    #[test]
    fn entries_that_expire_out_of_order_leave_in_order() {
        let start = Instant::now();
        let mut map = ExpiringMap::new(10);
        map.insert(1, (), at(start, 50), start).unwrap();
        map.insert(2, (), at(start, 10), start).unwrap();
        map.insert(3, (), at(start, 30), start).unwrap();
        map.insert(4, (), at(start, 60), start).unwrap();
        map.drop_expired(at(start, 10));
        assert_eq!(map.len(), 3);
        assert!(map.get(&2, at(start, 9)).is_none(), "gone");
        map.drop_expired(at(start, 30));
        assert_eq!(map.len(), 2);
        map.drop_expired(at(start, 50));
        assert_eq!(map.len(), 1);
        assert!(map.get(&4, at(start, 55)).is_some());
    }

    #[test]
    fn stale_records_are_swept_and_stay_bounded() {
        let start = Instant::now();
        let mut map = ExpiringMap::new(10);
        for round in 0..10 * SLACK {
            map.insert("again", round, at(start, 60), start).unwrap();
            assert_eq!(
                map.insert_new("claim", round, at(start, 60), start),
                Claim::Inserted
            );
            map.remove("claim");
        }
        assert!(
            map.records() <= 2 * map.len() + SLACK + 1,
            "{}",
            map.records()
        );
        assert_eq!(map.get("again", start), Some(&(10 * SLACK - 1)));
        // The records left are the live ones: each entry still expires.
        map.drop_expired(at(start, 60));
        assert!(map.is_empty());
    }

    #[test]
    fn a_full_map_of_live_entries_costs_no_scan_per_refusal() {
        // 10,000 live entries and 100,000 refused inserts: each refusal pops nothing and
        // scans nothing, so this takes milliseconds (a scan per refusal took seconds).
        let start = Instant::now();
        let mut map = ExpiringMap::new(10_000);
        for i in 0..10_000 {
            map.insert(i, (), at(start, 60), start).unwrap();
        }
        let timer = Instant::now();
        for i in 10_000..110_000 {
            assert!(map.insert(i, (), at(start, 60), start).is_err());
        }
        assert!(
            timer.elapsed() < Duration::from_secs(1),
            "{:?}",
            timer.elapsed()
        );
        assert_eq!(
            format!("{map:?}"),
            "ExpiringMap { capacity: 10000, len: 10000, .. }"
        );
    }
}
