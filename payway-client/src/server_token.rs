//! Server-to-server tokens (`grant_type=none`), cached per scope set, one request in flight
//! per scope set however many callers ask at once.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::client::PaywayClient;
use crate::config::is_valid_scope;
use crate::error::Error;
use crate::secret::AccessToken;
use crate::token::{Grant, TokenResponse};
use crate::trace::in_span;

/// A cached token is replaced this long before Payway said it expires (at most half its
/// lifetime), so that no caller gets a token that dies in flight.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A token is never cached longer than this, whatever `expires_in` says.
const MAX_CACHED_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// What a request in flight hands to the callers waiting on it.
type Outcome = Result<AccessToken, Arc<Error>>;

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

struct Cached {
    token: AccessToken,
    refresh_at: Instant,
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
enum Role {
    Cached(AccessToken),
    Follow(watch::Receiver<Option<Outcome>>),
    Lead(watch::Sender<Option<Outcome>>),
}

impl ServerTokenCache {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Slot>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn role(&self, key: &str) -> Role {
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

    fn forget(&self, key: &str) {
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
struct Flight<'a> {
    cache: &'a ServerTokenCache,
    key: &'a str,
    sender: Option<watch::Sender<Option<Outcome>>>,
}

impl Flight<'_> {
    fn finish(mut self, outcome: &Outcome, cached: Option<Cached>) {
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

impl PaywayClient {
    /// A server-to-server access token for `scopes` (`grant_type=none`: no reader, your
    /// organisation's own access), e.g. `&["/external/account/r", "/external/account/w"]`.
    ///
    /// Tokens are cached per scope set (order and duplicates do not matter) until shortly
    /// before `expires_in` runs out (60 s before, or half the lifetime if shorter); a token
    /// without `expires_in` is not cached. However many tasks ask at once, one request is
    /// sent per scope set and its answer (token or error) is shared by every caller waiting
    /// on it. Clones of this client share the cache.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an empty scope or one with whitespace (nothing sent);
    /// otherwise [`Error::ServerToken`], wrapping the request's error: every caller that
    /// waited on that request receives the same one, and [`Error::status`],
    /// [`Error::is_timeout`] and friends look through the wrapper.
    pub async fn server_token(&self, scopes: &[&str]) -> Result<AccessToken, Error> {
        let key = scope_key(scopes)?;
        in_span("server_token", self.server_token_for(&key)).await
    }

    /// Drops the cached server token for `scopes`, e.g. after Payway refused it with 401;
    /// the next [`server_token`](Self::server_token) call requests a new one.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a malformed scope.
    pub fn forget_server_token(&self, scopes: &[&str]) -> Result<(), Error> {
        let key = scope_key(scopes)?;
        self.inner.server_tokens.forget(&key);
        Ok(())
    }

    async fn server_token_for(&self, key: &str) -> Result<AccessToken, Error> {
        let cache = &self.inner.server_tokens;
        loop {
            let sender = match cache.role(key) {
                Role::Cached(token) => return Ok(token),
                Role::Follow(mut receiver) => {
                    if let Ok(outcome) = receiver.wait_for(Option::is_some).await
                        && let Some(outcome) = outcome.clone()
                    {
                        return outcome.map_err(Error::ServerToken);
                    }
                    // The leader was cancelled: try again (perhaps as the leader).
                    continue;
                }
                Role::Lead(sender) => sender,
            };
            let flight = Flight {
                cache,
                key,
                sender: Some(sender),
            };
            let sent_at = Instant::now();
            let (outcome, cached) = match self.request_server_token(key).await {
                Ok(response) => {
                    let cached = response.expires_in.map(|lifetime| {
                        let lifetime = lifetime.min(MAX_CACHED_LIFETIME);
                        Cached {
                            token: response.access_token.clone(),
                            refresh_at: sent_at + lifetime - REFRESH_MARGIN.min(lifetime / 2),
                        }
                    });
                    (Ok(response.access_token), cached)
                }
                Err(error) => (Err(Arc::new(error)), None),
            };
            flight.finish(&outcome, cached);
            return outcome.map_err(Error::ServerToken);
        }
    }

    async fn request_server_token(&self, key: &str) -> Result<TokenResponse, Error> {
        let scope = (!key.is_empty()).then_some(key);
        self.token_request(Grant::ServerToServer { scope }).await
    }
}

/// The scope set as one space-separated string, sorted and without duplicates.
fn scope_key(scopes: &[&str]) -> Result<String, Error> {
    if !scopes.iter().all(|s| is_valid_scope(s)) {
        return Err(Error::InvalidInput {
            what: "scope",
            reason: "empty or contains whitespace or control characters",
        });
    }
    let set: BTreeSet<&str> = scopes.iter().copied().collect();
    Ok(set.into_iter().collect::<Vec<_>>().join(" "))
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

    #[test]
    fn scope_sets_are_normalised() {
        assert_eq!(
            scope_key(&["/b", "/a", "/b"]).unwrap(),
            scope_key(&["/a", "/b"]).unwrap()
        );
        assert_eq!(scope_key(&[]).unwrap(), "");
        assert!(scope_key(&["/a /b"]).is_err());
        assert!(scope_key(&[""]).is_err());
    }
}
