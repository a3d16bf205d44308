//! The opt-in validity cache: session ids tiun called `Valid` a moment ago.

use std::time::Duration;

use paywall_internal::expiring::SharedExpiringMap;

/// The longest [`cache_valid_for`](crate::TiunClientBuilder::cache_valid_for) accepted: 60 s.
pub const MAX_CACHE_VALID_FOR: Duration = Duration::from_secs(60);

/// The most session ids the validity cache holds. When it is full of unexpired entries, a new
/// `Valid` answer is simply not remembered (its checks still go to tiun); no remembered one is
/// dropped for it, and a full cache costs no more per check than an empty one.
pub const MAX_CACHED_SESSIONS: usize = 10_000;

/// Session ids answered `Valid`, each until its expiry. Nothing else is ever stored; when the
/// cache is full, a new `Valid` answer is not remembered (`insert` refuses it).
pub(crate) type ValidCache = SharedExpiringMap<String, ()>;

/// An empty cache keeping each `Valid` answer for `valid_for`.
pub(crate) fn valid_cache(valid_for: Duration) -> ValidCache {
    SharedExpiringMap::new(MAX_CACHED_SESSIONS, valid_for)
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    fn is_valid(cache: &ValidCache, session_id: &str) -> bool {
        cache.get(session_id).is_some()
    }

    fn remember(cache: &ValidCache, session_id: &str) {
        let _ = cache.insert(session_id.to_owned(), ());
    }

    #[test]
    fn a_remembered_session_is_valid_until_its_time_is_up() {
        let cache = valid_cache(Duration::from_millis(50));
        assert!(!is_valid(&cache, "s"));
        remember(&cache, "s");
        assert!(is_valid(&cache, "s"));
        std::thread::sleep(Duration::from_millis(60));
        assert!(!is_valid(&cache, "s"));
    }

    #[test]
    fn a_full_cache_keeps_what_it_holds_and_costs_no_scan() {
        let cache = valid_cache(MAX_CACHE_VALID_FOR);
        for i in 0..MAX_CACHED_SESSIONS {
            remember(&cache, &format!("s{i}"));
        }
        // Each of these once scanned all 10,000 entries under the lock.
        let started = Instant::now();
        for i in 0..50_000 {
            remember(&cache, &format!("late{i}"));
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        assert!(!is_valid(&cache, "late0"), "full: not remembered");
        assert!(is_valid(&cache, "s0") && is_valid(&cache, "s9999"));
        remember(&cache, "s1");
        assert_eq!(cache.live_len(), MAX_CACHED_SESSIONS);
    }
}
