//! [`ExpiringMap`]: a bounded map whose entries all live one lifetime, for the family's caches
//! (answers kept for a while).
//!
//! **When full, it refuses, unless told to evict.** A new key that finds the map holding
//! `capacity` unexpired entries is refused by [`insert`](ExpiringMap::insert) ([`Full`]); no
//! live entry is dropped to make room. A cache whose crate documents that the oldest entry goes
//! first uses [`insert_evicting_oldest`](ExpiringMap::insert_evicting_oldest) instead.
//!
//! **Cost.** Every operation is O(1) amortised; none scans the map. One lifetime makes the
//! entries expire in the order they were stored, so their expiries wait in a plain queue and
//! expired entries leave from its front as new ones need the room. An entry stored again
//! leaves its old expiry behind, skipped when it reaches the front; once such records
//! outnumber the live entries (and 1,024 more) they are swept in one pass, which the inserts
//! that left them have paid for.
//!
//! The map holds no lock and reads no clock. A client's cache is a [`SharedExpiringMap`]: the
//! map behind the family's lock ([`crate::sync::lock`]), read at `Instant::now()`.

use std::borrow::Borrow;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::sync::lock;

/// Stale expiry records allowed beyond the live entries before a sweep.
const SLACK: usize = 1024;

/// A bounded map whose entries expire; see the [module docs](self).
pub struct ExpiringMap<K, V> {
    capacity: usize,
    lifetime: Duration,
    /// Each entry's value and expiry.
    entries: HashMap<K, (V, Instant)>,
    /// Expiry records, each at or after the one before. A record is live when its key is
    /// stored with its expiry; every live entry has exactly one.
    queue: VecDeque<(Instant, K)>,
}

/// The longest an entry is kept: a year, past any cache's need.
pub const MAX_LIFETIME: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// A new key was refused: the map holds `capacity` unexpired entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full {
    /// The map's capacity.
    pub capacity: usize,
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
    /// A map of at most `capacity` unexpired entries (at least one), each kept for `lifetime`
    /// (held at [`MAX_LIFETIME`], so that no expiry overflows the clock) from when it was
    /// stored. Memory is taken as entries arrive.
    #[must_use]
    pub fn new(capacity: usize, lifetime: Duration) -> Self {
        Self {
            capacity: capacity.max(1),
            lifetime: lifetime.min(MAX_LIFETIME),
            entries: HashMap::new(),
            queue: VecDeque::new(),
        }
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
        let (value, expires) = self.entries.get(key)?;
        (*expires > now).then_some(value)
    }

    /// Stores `value` for `key` at `now`, replacing an entry of the same key.
    ///
    /// # Errors
    ///
    /// [`Full`] for a new key when the map holds `capacity` unexpired entries at `now`.
    pub fn insert(&mut self, key: K, value: V, now: Instant) -> Result<(), Full> {
        self.drop_expired(now);
        if self.entries.len() >= self.capacity && !self.entries.contains_key(&key) {
            return Err(Full {
                capacity: self.capacity,
            });
        }
        self.store(key, value, now);
        Ok(())
    }

    /// Stores `value` for `key` at `now`, as [`insert`](Self::insert), except that a new key
    /// finding the map full is never refused: the oldest entry is dropped to make room, and
    /// returned.
    pub fn insert_evicting_oldest(&mut self, key: K, value: V, now: Instant) -> Option<(K, V)> {
        self.drop_expired(now);
        let mut evicted = None;
        if self.entries.len() >= self.capacity && !self.entries.contains_key(&key) {
            // Every live entry has a live record, so this ends at the oldest of them.
            while let Some((expires, old)) = self.queue.pop_front() {
                if self.is_live(expires, &old) {
                    evicted = self.entries.remove(&old).map(|(value, _)| (old, value));
                    break;
                }
            }
        }
        self.store(key, value, now);
        evicted
    }

    /// Drops every entry expired at `now`: the records at the front, each once.
    pub fn drop_expired(&mut self, now: Instant) {
        while let Some((expires, _)) = self.queue.front()
            && *expires <= now
        {
            if let Some((expires, key)) = self.queue.pop_front()
                && self.is_live(expires, &key)
            {
                self.entries.remove(&key);
            }
        }
    }

    /// Whether the record (`expires`, `key`) is its key's stored entry's.
    fn is_live(&self, expires: Instant, key: &K) -> bool {
        self.entries
            .get(key)
            .is_some_and(|entry| entry.1 == expires)
    }

    /// Stores the entry and files its expiry record: `now` plus the lifetime, never before the
    /// last record (so the queue stays in order even for a `now` earlier than one seen
    /// before). The lifetime is at most [`MAX_LIFETIME`], so only a clock a year short of its
    /// own end could overflow; then nothing is stored.
    fn store(&mut self, key: K, value: V, now: Instant) {
        let Some(mut expires) = now.checked_add(self.lifetime) else {
            return;
        };
        if let Some((last, _)) = self.queue.back() {
            expires = expires.max(*last);
        }
        // The same key stored again with the same expiry keeps its one record.
        if let Some((_, old)) = self.entries.insert(key.clone(), (value, expires))
            && old == expires
        {
            return;
        }
        self.queue.push_back((expires, key));
        if self.queue.len() > self.entries.len().saturating_mul(2).saturating_add(SLACK) {
            let entries = &self.entries;
            self.queue
                .retain(|(expires, key)| entries.get(key).is_some_and(|entry| entry.1 == *expires));
        }
    }
}

/// An [`ExpiringMap`] shared by a client's tasks: behind a `Mutex`, each call at
/// `Instant::now()`, values handed out as clones. tiun-client's cache of `Valid` sessions and
/// accesstype-jwt's cache of grants are each one of these.
pub struct SharedExpiringMap<K, V> {
    lifetime: Duration,
    map: Mutex<ExpiringMap<K, V>>,
}

/// Prints the lifetime only: a `Debug` that took the lock would deadlock a caller printing the
/// map while it holds the lock.
impl<K, V> fmt::Debug for SharedExpiringMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedExpiringMap")
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

impl<K: Hash + Eq + Clone, V: Clone> SharedExpiringMap<K, V> {
    /// A map as [`ExpiringMap::new`], behind a lock.
    #[must_use]
    pub fn new(capacity: usize, lifetime: Duration) -> Self {
        Self {
            lifetime,
            map: Mutex::new(ExpiringMap::new(capacity, lifetime)),
        }
    }

    /// How long each entry is kept, as given to [`new`](Self::new).
    #[must_use]
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// A copy of the value of `key`, if it has not expired.
    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        lock(&self.map).get(key, Instant::now()).cloned()
    }

    /// [`ExpiringMap::insert`] now.
    ///
    /// # Errors
    ///
    /// [`Full`] as [`ExpiringMap::insert`].
    pub fn insert(&self, key: K, value: V) -> Result<(), Full> {
        lock(&self.map).insert(key, value, Instant::now())
    }

    /// [`ExpiringMap::insert_evicting_oldest`] now.
    pub fn insert_evicting_oldest(&self, key: K, value: V) -> Option<(K, V)> {
        lock(&self.map).insert_evicting_oldest(key, value, Instant::now())
    }

    /// How many entries have not expired.
    #[must_use]
    pub fn live_len(&self) -> usize {
        let mut map = lock(&self.map);
        map.drop_expired(Instant::now());
        map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: Instant, secs: u64) -> Instant {
        start + Duration::from_secs(secs)
    }

    #[test]
    fn a_lifetime_past_the_clock_is_held_at_a_year_and_the_entry_kept() {
        let start = Instant::now();
        let mut map = ExpiringMap::new(2, Duration::MAX);
        map.insert("a", 1, start).unwrap();
        assert_eq!(map.get("a", at(start, 364 * 24 * 60 * 60)), Some(&1));
        assert_eq!(map.get("a", at(start, 366 * 24 * 60 * 60)), None);
    }

    #[test]
    fn an_entry_lives_until_it_expires() {
        let start = Instant::now();
        let mut map = ExpiringMap::new(10, Duration::from_secs(5));
        assert_eq!(map.get("s", start), None);
        map.insert("s".to_owned(), 1, start).unwrap();
        assert_eq!(map.get("s", at(start, 4)), Some(&1));
        assert_eq!(map.get("s", at(start, 5)), None);
        assert_eq!(map.len(), 1, "left for the next insert");
        map.insert("t".to_owned(), 2, at(start, 5)).unwrap();
        assert_eq!(map.len(), 1, "the expired entry was dropped");
        map.drop_expired(at(start, 10));
        assert!(map.is_empty());
    }

    #[test]
    fn a_full_map_refuses_a_new_key_and_keeps_every_live_one() {
        let start = Instant::now();
        let mut map = ExpiringMap::new(3, Duration::from_secs(10));
        for key in ["a", "b", "c"] {
            map.insert(key, (), start).unwrap();
        }
        assert_eq!(map.insert("d", (), start), Err(Full { capacity: 3 }));
        for key in ["a", "b", "c"] {
            assert!(map.get(key, start).is_some(), "{key} kept");
        }
        // A present key is refreshed in place, full or not.
        map.insert("a", (), at(start, 5)).unwrap();
        assert!(map.get("a", at(start, 12)).is_some());
        // Expired entries make room.
        map.insert("d", (), at(start, 10)).unwrap();
        assert_eq!(map.len(), 2, "b and c expired");
        assert!(map.get("d", at(start, 10)).is_some());
    }

    #[test]
    fn evicting_inserts_drop_the_oldest_entry_to_make_room() {
        let start = Instant::now();
        let mut map = ExpiringMap::new(3, Duration::from_secs(10));
        assert_eq!(map.insert_evicting_oldest("a", 1, start), None);
        assert_eq!(map.insert_evicting_oldest("b", 2, at(start, 1)), None);
        assert_eq!(map.insert_evicting_oldest("c", 3, at(start, 2)), None);
        // A present key is replaced in place: nothing leaves.
        assert_eq!(map.insert_evicting_oldest("b", 4, at(start, 3)), None);
        // Full: the oldest goes, whatever the new key.
        assert_eq!(
            map.insert_evicting_oldest("d", 5, at(start, 4)),
            Some(("a", 1))
        );
        // `c` is now older than `b` (stored again), so it goes next; `b`'s stale record is
        // passed over.
        assert_eq!(
            map.insert_evicting_oldest("e", 6, at(start, 5)),
            Some(("c", 3))
        );
        assert_eq!(map.len(), 3);
        for (key, value) in [("b", 4), ("d", 5), ("e", 6)] {
            assert_eq!(map.get(key, at(start, 5)), Some(&value), "{key}");
        }
        // Expired entries make room before any live one is evicted.
        assert_eq!(map.insert_evicting_oldest("h", 9, at(start, 13)), None);
        assert_eq!(map.len(), 3, "b expired");
        assert_eq!(map.insert("i", 0, at(start, 13)), Err(Full { capacity: 3 }));
    }

    #[test]
    fn a_clock_that_goes_back_keeps_the_order() {
        let start = Instant::now();
        let mut map = ExpiringMap::new(10, Duration::from_secs(10));
        map.insert(1, (), at(start, 20)).unwrap();
        map.insert(2, (), at(start, 5)).unwrap();
        assert_eq!(map.get(&2, at(start, 25)), Some(&()), "held as long as 1");
        map.drop_expired(at(start, 30));
        assert!(map.is_empty());
    }

    #[test]
    fn stale_records_are_swept_and_stay_bounded() {
        let start = Instant::now();
        let mut map = ExpiringMap::new(10, Duration::from_secs(60));
        for round in 0..3 * SLACK {
            map.insert("same", round, start).unwrap();
        }
        assert_eq!(map.queue.len(), 1, "one expiry, one record");
        for round in 0..10 * SLACK {
            let now = start + Duration::from_millis(round as u64);
            map.insert("again", round, now).unwrap();
        }
        assert!(
            map.queue.len() <= 2 * map.len() + SLACK,
            "{}",
            map.queue.len()
        );
        assert_eq!(map.get("again", start), Some(&(10 * SLACK - 1)));
        // The records left are the live ones: each entry still expires.
        map.drop_expired(at(start, 80));
        assert!(map.is_empty());
    }

    #[test]
    fn a_full_map_of_live_entries_costs_no_scan_per_refusal() {
        // 10,000 live entries and 100,000 refused inserts: each refusal pops nothing and
        // scans nothing, so this takes milliseconds (a scan per refusal took seconds).
        let start = Instant::now();
        let mut map = ExpiringMap::new(10_000, Duration::from_secs(60));
        for i in 0..10_000 {
            map.insert(i, (), start).unwrap();
        }
        let timer = Instant::now();
        for i in 10_000..110_000 {
            assert!(map.insert(i, (), start).is_err());
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

    #[test]
    fn a_shared_map_reads_the_clock_and_hands_out_copies() {
        let map = SharedExpiringMap::new(2, Duration::from_millis(50));
        assert_eq!(map.lifetime(), Duration::from_millis(50));
        map.insert("a".to_owned(), vec![1]).unwrap();
        map.insert("b".to_owned(), vec![2]).unwrap();
        assert_eq!(
            map.insert("c".to_owned(), vec![3]),
            Err(Full { capacity: 2 })
        );
        assert_eq!(
            map.insert_evicting_oldest("c".to_owned(), vec![3]),
            Some(("a".to_owned(), vec![1]))
        );
        assert_eq!(map.get("b"), Some(vec![2]));
        assert_eq!(map.get("a"), None);
        assert_eq!(map.live_len(), 2);
        assert_eq!(
            format!("{map:?}"),
            "SharedExpiringMap { lifetime: 50ms, .. }"
        );
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(map.get("b"), None);
        assert_eq!(map.live_len(), 0);
    }
}
