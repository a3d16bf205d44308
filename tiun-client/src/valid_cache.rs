//! The opt-in validity cache: session ids tiun called `Valid` a moment ago.

use std::time::Duration;

use paywall_internal::expiring::SharedExpiringMap;

/// The longest [`cache_valid_for`](crate::TiunClientBuilder::cache_valid_for) accepted: 60 s.
pub const MAX_CACHE_VALID_FOR: Duration = Duration::from_secs(60);

/// The most session ids the validity cache holds. When it is full of unexpired entries, a new
/// `Valid` answer is simply not remembered (its checks still go to tiun); no remembered one is
/// dropped for it, and a full cache costs no more per check than an empty one.
pub const MAX_CACHED_SESSIONS: usize = 10_000;

/// Session ids answered `Valid`, each until its expiry. Nothing else is ever stored, and no
/// remembered id is dropped for a new one: the only ways in and out are below.
pub(crate) struct ValidCache(SharedExpiringMap<String, ()>);

impl ValidCache {
    pub(crate) fn new(valid_for: Duration) -> Self {
        Self(SharedExpiringMap::new(MAX_CACHED_SESSIONS, valid_for))
    }

    pub(crate) fn valid_for(&self) -> Duration {
        self.0.lifetime()
    }

    /// Whether `session_id` was answered `Valid` less than `valid_for` ago.
    pub(crate) fn is_valid(&self, session_id: &str) -> bool {
        self.0.get(session_id).is_some()
    }

    /// Remembers that tiun answered `Valid` for `session_id` just now, unless the cache is
    /// full.
    pub(crate) fn remember(&self, session_id: &str) {
        // Full: the answer is not remembered, as documented on `MAX_CACHED_SESSIONS`.
        let _ = self.0.insert(session_id.to_owned(), ());
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    #[test]
    fn a_remembered_session_is_valid_until_its_time_is_up() {
        let cache = ValidCache::new(Duration::from_millis(50));
        assert!(!cache.is_valid("s"));
        cache.remember("s");
        assert!(cache.is_valid("s"));
        std::thread::sleep(Duration::from_millis(60));
        assert!(!cache.is_valid("s"));
    }

    #[test]
    fn a_full_cache_keeps_what_it_holds_and_costs_no_scan() {
        let cache = ValidCache::new(MAX_CACHE_VALID_FOR);
        for i in 0..MAX_CACHED_SESSIONS {
            cache.remember(&format!("s{i}"));
        }
        // Each of these once scanned all 10,000 entries under the lock.
        let started = Instant::now();
        for i in 0..50_000 {
            cache.remember(&format!("late{i}"));
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        assert!(!cache.is_valid("late0"), "full: not remembered");
        assert!(cache.is_valid("s0") && cache.is_valid("s9999"));
        cache.remember("s1");
        assert_eq!(cache.0.live_len(), MAX_CACHED_SESSIONS);
    }
}
