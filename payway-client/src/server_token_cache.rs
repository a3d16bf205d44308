//! The server-token cache: a fresh token per scope set, and the family's request coalescing
//! (`paywall_internal::coalesce`) for the one request in flight that every caller of a scope
//! set waits on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use paywall_internal::coalesce::Flights;
use paywall_internal::sync::lock;

use crate::error::Error;
use crate::secret::AccessToken;

/// A cached token is replaced this long before Payway said it expires (at most half its
/// lifetime), so that no caller gets a token that dies in flight.
pub(crate) const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A token is never cached longer than this, whatever `expires_in` says.
pub(crate) const MAX_CACHED_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// What a request in flight hands to the callers waiting on it.
pub(crate) type Outcome = Result<AccessToken, Arc<Error>>;

/// The per-client cache, keyed by the normalised scope set. A scope set stays in the map
/// only while its token is fresh.
#[derive(Default)]
pub(crate) struct ServerTokenCache {
    tokens: Mutex<HashMap<String, Cached>>,
    pub(crate) flights: Flights<String, Outcome>,
}

struct Cached {
    token: AccessToken,
    refresh_at: Instant,
}

impl ServerTokenCache {
    /// The cached token for `key`, while it is fresh.
    pub(crate) fn fresh(&self, key: &str) -> Option<AccessToken> {
        let now = Instant::now();
        lock(&self.tokens)
            .get(key)
            .filter(|cached| now < cached.refresh_at)
            .map(|cached| cached.token.clone())
    }

    /// Caches `token`, sent for at `sent_at` and valid for `lifetime`, until shortly before
    /// it expires; scope sets whose token is no longer fresh go, so the map cannot grow past
    /// what is in use.
    pub(crate) fn store(
        &self,
        key: String,
        token: AccessToken,
        sent_at: Instant,
        lifetime: Duration,
    ) {
        let lifetime = lifetime.min(MAX_CACHED_LIFETIME);
        let refresh_at = sent_at + lifetime - REFRESH_MARGIN.min(lifetime / 2);
        let now = Instant::now();
        let mut tokens = lock(&self.tokens);
        tokens.retain(|_, cached| now < cached.refresh_at);
        if now < refresh_at {
            tokens.insert(key, Cached { token, refresh_at });
        }
    }

    pub(crate) fn forget(&self, key: &str) {
        lock(&self.tokens).remove(key);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        lock(&self.tokens).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_fresh_scope_sets_stay_in_the_cache() {
        let cache = ServerTokenCache::default();
        let store = |key: &str, sent_at, lifetime| {
            cache.store(key.to_owned(), AccessToken::new("t"), sent_at, lifetime);
        };
        // A token already due for refresh leaves nothing behind.
        store("/stale", Instant::now(), Duration::ZERO);
        assert_eq!(cache.len(), 0);
        assert!(cache.fresh("/stale").is_none());
        // A fresh token stays, and is served; a forgotten one goes.
        store("/fresh", Instant::now(), Duration::from_secs(600));
        assert!(cache.fresh("/fresh").is_some());
        assert_eq!(cache.len(), 1);
        cache.forget("/fresh");
        assert_eq!(cache.len(), 0);
        // A short lifetime is refreshed at half of it.
        let sent_at = Instant::now() - Duration::from_secs(31);
        store("/short", sent_at, Duration::from_secs(60));
        assert!(cache.fresh("/short").is_none());
    }
}
