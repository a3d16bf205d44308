//! The opt-in validity cache: session ids tiun called `Valid` a moment ago.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// The longest [`cache_valid_for`](crate::TiunClientBuilder::cache_valid_for) accepted: 60 s.
pub const MAX_CACHE_VALID_FOR: Duration = Duration::from_secs(60);

/// The most session ids the validity cache holds. When it is full of unexpired entries, a new
/// `Valid` answer is simply not remembered (its checks still go to tiun).
pub const MAX_CACHED_SESSIONS: usize = 10_000;

/// Session ids answered `Valid`, each until its expiry. Nothing else is ever stored.
pub(crate) struct ValidCache {
    valid_for: Duration,
    expiries: Mutex<HashMap<String, Instant>>,
}

impl ValidCache {
    pub(crate) fn new(valid_for: Duration) -> Self {
        Self {
            valid_for,
            expiries: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn valid_for(&self) -> Duration {
        self.valid_for
    }

    /// Whether `session_id` was answered `Valid` less than `valid_for` ago.
    pub(crate) fn is_valid(&self, session_id: &str) -> bool {
        self.is_valid_at(session_id, Instant::now())
    }

    /// Remembers that tiun answered `Valid` for `session_id` just now.
    pub(crate) fn remember(&self, session_id: &str) {
        self.remember_at(session_id, Instant::now());
    }

    fn is_valid_at(&self, session_id: &str, now: Instant) -> bool {
        let mut expiries = self.lock();
        match expiries.get(session_id) {
            Some(expiry) if *expiry > now => true,
            Some(_) => {
                expiries.remove(session_id);
                false
            }
            None => false,
        }
    }

    fn remember_at(&self, session_id: &str, now: Instant) {
        let Some(expiry) = now.checked_add(self.valid_for) else {
            return;
        };
        let mut expiries = self.lock();
        if expiries.len() >= MAX_CACHED_SESSIONS && !expiries.contains_key(session_id) {
            expiries.retain(|_, expiry| *expiry > now);
            if expiries.len() >= MAX_CACHED_SESSIONS {
                return;
            }
        }
        expiries.insert(session_id.to_owned(), expiry);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Instant>> {
        // The map is consistent after every statement, so a panic elsewhere leaves it usable.
        self.expiries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_expires() {
        let cache = ValidCache::new(Duration::from_secs(5));
        let start = Instant::now();
        assert!(!cache.is_valid_at("s", start));
        cache.remember_at("s", start);
        assert!(cache.is_valid_at("s", start + Duration::from_secs(4)));
        assert!(!cache.is_valid_at("s", start + Duration::from_secs(5)));
        assert_eq!(cache.len(), 0, "an expired entry is dropped when seen");
    }

    #[test]
    fn the_cache_is_bounded_and_makes_room_from_expired_entries() {
        let cache = ValidCache::new(Duration::from_secs(1));
        let start = Instant::now();
        for i in 0..MAX_CACHED_SESSIONS {
            cache.remember_at(&format!("s{i}"), start);
        }
        cache.remember_at("late", start);
        assert!(!cache.is_valid_at("late", start), "full: not remembered");
        assert!(cache.is_valid_at("s0", start));
        cache.remember_at("s1", start);
        assert_eq!(
            cache.len(),
            MAX_CACHED_SESSIONS,
            "a known id is refreshed in place"
        );

        let later = start + Duration::from_secs(2);
        cache.remember_at("late", later);
        assert!(cache.is_valid_at("late", later));
        assert_eq!(cache.len(), 1, "the expired entries made room");
    }
}
