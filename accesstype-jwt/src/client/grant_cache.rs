//! The grants a client keeps (opt-in): granted answers only, for at most Accesstype's own 3
//! minutes, in a bounded map keyed by a digest of (story, reader, user JWT, meter switch).

use std::time::Duration;

use paywall_internal::expiring::SharedExpiringMap;
use sha2::{Digest, Sha256};

use crate::grant::AccessGrant;

/// The longest [`cache_grants_for`](crate::AccesstypeClientBuilder::cache_grants_for) accepted:
/// 3 minutes, as long as Accesstype itself keeps a story's attributes.
pub const MAX_CACHE_GRANTS_FOR: Duration = Duration::from_secs(3 * 60);

/// The most grants a client keeps; when full, the oldest goes first.
pub const MAX_CACHED_GRANTS: usize = 10_000;

/// What one read is about: a SHA-256 of the encoded story id, the reader id, the user JWT (if
/// any) and the meter switch, each length-prefixed. Two reads share a key only when they would
/// send the same access check; the JWT itself is not kept in memory.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct GrantKey([u8; 32]);

impl GrantKey {
    pub(crate) fn new(
        story_segment: &str,
        reader: &str,
        jwt: Option<&str>,
        disable_meter: bool,
    ) -> Self {
        let mut hash = Sha256::new();
        for part in [Some(story_segment), Some(reader), jwt] {
            match part {
                Some(text) => {
                    hash.update([1]);
                    hash.update((text.len() as u64).to_be_bytes());
                    hash.update(text.as_bytes());
                }
                None => hash.update([0]),
            }
        }
        hash.update([u8::from(disable_meter)]);
        Self(hash.finalize().into())
    }
}

/// Granted answers, each until its time is up, in the family's expiring map; when it is full
/// the oldest goes first (a cache, which only asks again what it dropped).
pub(crate) struct GrantCache(SharedExpiringMap<GrantKey, AccessGrant>);

impl GrantCache {
    pub(crate) fn new(keep_for: Duration) -> Self {
        Self(SharedExpiringMap::new(MAX_CACHED_GRANTS, keep_for))
    }

    pub(crate) fn keep_for(&self) -> Duration {
        self.0.lifetime()
    }

    /// The grant kept for `key`, if its time is not up.
    pub(crate) fn get(&self, key: &GrantKey) -> Option<AccessGrant> {
        self.0.get(key)
    }

    /// Keeps `grant` for `key` if it grants access, so that the cache never holds a reader at a
    /// wall; any other answer is asked again next time.
    pub(crate) fn insert(&self, key: GrantKey, grant: &AccessGrant) {
        if grant.granted() {
            self.0.insert_evicting_oldest(key, grant.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(granted: bool) -> AccessGrant {
        AccessGrant::from_slice(format!(r#"{{"granted":{granted}}}"#).as_bytes()).unwrap()
    }

    #[test]
    fn keys_tell_every_part_apart() {
        let key = GrantKey::new("s", "reader", Some("jwt"), false);
        assert!(key == GrantKey::new("s", "reader", Some("jwt"), false));
        for other in [
            GrantKey::new("t", "reader", Some("jwt"), false),
            GrantKey::new("s", "reader2", Some("jwt"), false),
            GrantKey::new("s", "reader", Some("jwt2"), false),
            GrantKey::new("s", "reader", None, false),
            GrantKey::new("s", "reader", Some(""), false),
            GrantKey::new("s", "reader", Some("jwt"), true),
            GrantKey::new("sr", "eader", Some("jwt"), false),
        ] {
            assert!(key != other);
        }
    }

    #[test]
    fn only_granted_answers_are_kept_and_only_for_a_while() {
        let cache = GrantCache::new(Duration::from_millis(50));
        let key = GrantKey::new("s", "r", None, false);
        cache.insert(key, &grant(false));
        assert!(cache.get(&key).is_none());
        cache.insert(key, &grant(true));
        assert!(cache.get(&key).unwrap().granted);
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.get(&key).is_none());
        assert_eq!(cache.0.live_len(), 0);
    }

    #[test]
    fn the_cache_is_bounded() {
        let cache = GrantCache::new(Duration::from_secs(60));
        let granted = grant(true);
        for i in 0..MAX_CACHED_GRANTS + 10 {
            cache.insert(GrantKey::new(&i.to_string(), "r", None, false), &granted);
        }
        assert_eq!(cache.0.live_len(), MAX_CACHED_GRANTS);
        // The oldest went first.
        assert!(cache.get(&GrantKey::new("0", "r", None, false)).is_none());
        let newest = (MAX_CACHED_GRANTS + 9).to_string();
        assert!(
            cache
                .get(&GrantKey::new(&newest, "r", None, false))
                .is_some()
        );
        // Storing one key over and over keeps one entry (the map bounds its own bookkeeping).
        let key = GrantKey::new("again", "r", None, false);
        for _ in 0..3 * MAX_CACHED_GRANTS {
            cache.insert(key, &granted);
        }
        assert_eq!(cache.0.live_len(), MAX_CACHED_GRANTS);
        assert!(cache.get(&key).is_some());
    }
}
