//! The server-token cache: one slot per scope set, holding a fresh token or the request in
//! flight that every caller of that scope set waits on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::watch;

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
/// only while it has a fresh token or a request in flight.
#[derive(Default)]
pub(crate) struct ServerTokenCache {
    slots: Mutex<HashMap<String, Slot>>,
}

#[derive(Default)]
struct Slot {
    cached: Option<Cached>,
    in_flight: Option<watch::Receiver<Option<Outcome>>>,
}

pub(crate) struct Cached {
    pub(crate) token: AccessToken,
    pub(crate) refresh_at: Instant,
}

impl Slot {
    fn fresh_token(&self, now: Instant) -> Option<&AccessToken> {
        self.cached
            .as_ref()
            .filter(|cached| now < cached.refresh_at)
            .map(|cached| &cached.token)
    }

    fn is_idle(&self, now: Instant) -> bool {
        self.in_flight.is_none() && self.fresh_token(now).is_none()
    }
}

/// What one caller does: take the cached token, wait on a request in flight, or send it.
pub(crate) enum Role {
    Cached(AccessToken),
    Follow(watch::Receiver<Option<Outcome>>),
    Lead(watch::Sender<Option<Outcome>>),
}

impl ServerTokenCache {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Slot>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn role(&self, key: &str) -> Role {
        let now = Instant::now();
        let mut slots = self.lock();
        if !slots.contains_key(key) {
            // Only scope sets with a live token or a flight stay: the map cannot grow
            // past what is in use.
            slots.retain(|_, slot| !slot.is_idle(now));
        }
        let slot = slots.entry(key.to_owned()).or_default();
        if let Some(token) = slot.fresh_token(now) {
            return Role::Cached(token.clone());
        }
        if let Some(receiver) = &slot.in_flight {
            return Role::Follow(receiver.clone());
        }
        let (sender, receiver) = watch::channel(None);
        slot.in_flight = Some(receiver);
        Role::Lead(sender)
    }

    /// Ends the flight for `key`, caching `cached` if given.
    fn land(&self, key: &str, cached: Option<Cached>) {
        let now = Instant::now();
        let mut slots = self.lock();
        if let Some(slot) = slots.get_mut(key) {
            slot.in_flight = None;
            if cached.is_some() {
                slot.cached = cached;
            }
            if slot.is_idle(now) {
                slots.remove(key);
            }
        }
    }

    pub(crate) fn forget(&self, key: &str) {
        let mut slots = self.lock();
        if let Some(slot) = slots.get_mut(key) {
            slot.cached = None;
            if slot.in_flight.is_none() {
                slots.remove(key);
            }
        }
    }
}

/// The leader's flight. Dropped without [`finish`](Self::finish) (the leader's future was
/// cancelled), it ends the flight empty-handed, so that a waiting caller takes over.
pub(crate) struct Flight<'a> {
    cache: &'a ServerTokenCache,
    key: &'a str,
    sender: Option<watch::Sender<Option<Outcome>>>,
}

impl<'a> Flight<'a> {
    /// The flight `sender` leads for `key`.
    pub(crate) fn new(
        cache: &'a ServerTokenCache,
        key: &'a str,
        sender: watch::Sender<Option<Outcome>>,
    ) -> Self {
        Self {
            cache,
            key,
            sender: Some(sender),
        }
    }

    pub(crate) fn finish(mut self, outcome: &Outcome, cached: Option<Cached>) {
        if let Some(sender) = self.sender.take() {
            self.cache.land(self.key, cached);
            sender.send_replace(Some(outcome.clone()));
        }
    }
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        if let Some(sender) = self.sender.take() {
            // End the flight first, then drop the sender: waiters wake, find no flight,
            // and one of them leads the next request.
            self.cache.land(self.key, None);
            drop(sender);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead<'a>(cache: &'a ServerTokenCache, key: &'static str) -> Flight<'a> {
        let Role::Lead(sender) = cache.role(key) else {
            panic!("{key} has a token or a flight")
        };
        Flight {
            cache,
            key,
            sender: Some(sender),
        }
    }

    #[test]
    fn only_live_scope_sets_stay_in_the_cache() {
        let cache = ServerTokenCache::default();
        let token = AccessToken::new("t");
        let cached = |lifetime| Cached {
            token: token.clone(),
            refresh_at: Instant::now() + lifetime,
        };
        // A failure, and a token already due for refresh, leave nothing behind.
        lead(&cache, "/failed").finish(&Err(Arc::new(Error::RedirectFollowed)), None);
        lead(&cache, "/stale").finish(&Ok(token.clone()), Some(cached(Duration::ZERO)));
        assert!(cache.lock().is_empty());
        // A cancelled leader neither.
        drop(lead(&cache, "/cancelled"));
        assert!(cache.lock().is_empty());
        // A fresh token stays, and is served; a forgotten one goes.
        lead(&cache, "/fresh").finish(&Ok(token.clone()), Some(cached(Duration::from_secs(60))));
        assert!(matches!(cache.role("/fresh"), Role::Cached(_)));
        assert_eq!(cache.lock().len(), 1);
        cache.forget("/fresh");
        assert!(cache.lock().is_empty());
        // A flight's slot stays while in flight; other callers follow it.
        let flight = lead(&cache, "/flying");
        assert!(matches!(cache.role("/flying"), Role::Follow(_)));
        drop(flight);
        assert!(cache.lock().is_empty());
    }
}
