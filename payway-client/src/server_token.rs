//! Server-to-server tokens (`grant_type=none`), cached per scope set, one request in flight
//! per scope set however many callers ask at once.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::client::PaywayClient;
use crate::config::is_valid_scope;
use crate::error::Error;
use crate::secret::AccessToken;
use crate::token::{Grant, TokenResponse, token_from_response};
use crate::trace::in_span;

/// A cached token is replaced this long before Payway said it expires (at most half its
/// lifetime), so that no caller gets a token that dies in flight.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A token is never cached longer than this, whatever `expires_in` says.
const MAX_CACHED_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// What a request in flight hands to the callers waiting on it.
type Outcome = Result<AccessToken, Arc<Error>>;

/// The per-client cache, keyed by the normalised scope set.
#[derive(Default)]
pub(crate) struct ServerTokenCache {
    slots: Mutex<HashMap<String, Slot>>,
    next_flight: AtomicU64,
}

#[derive(Default)]
struct Slot {
    cached: Option<Cached>,
    in_flight: Option<(u64, watch::Receiver<Option<Outcome>>)>,
}

struct Cached {
    token: AccessToken,
    refresh_at: Instant,
}

/// What one caller does: wait on a request in flight, or send it.
enum Role {
    Follow(watch::Receiver<Option<Outcome>>),
    Lead(Flight),
}

/// The leader's claim on a scope set. Dropped without [`Flight::finish`] (the leader's
/// future was cancelled), it clears the in-flight mark so a waiting caller takes over.
struct Flight {
    id: u64,
    sender: watch::Sender<Option<Outcome>>,
}

impl ServerTokenCache {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Slot>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn join_or_lead(&self, key: &str) -> Result<AccessToken, Role> {
        let mut slots = self.lock();
        let slot = slots.entry(key.to_owned()).or_default();
        if let Some(cached) = &slot.cached
            && Instant::now() < cached.refresh_at
        {
            return Ok(cached.token.clone());
        }
        if let Some((_, receiver)) = &slot.in_flight {
            return Err(Role::Follow(receiver.clone()));
        }
        let id = self.next_flight.fetch_add(1, Ordering::Relaxed);
        let (sender, receiver) = watch::channel(None);
        slot.in_flight = Some((id, receiver));
        Err(Role::Lead(Flight { id, sender }))
    }

    fn land(&self, key: &str, id: u64, cached: Option<Cached>) {
        let mut slots = self.lock();
        if let Some(slot) = slots.get_mut(key) {
            if slot.in_flight.as_ref().is_some_and(|(i, _)| *i == id) {
                slot.in_flight = None;
            }
            if cached.is_some() {
                slot.cached = cached;
            }
        }
    }

    fn forget(&self, key: &str) {
        if let Some(slot) = self.lock().get_mut(key) {
            slot.cached = None;
        }
    }
}

/// Guard that clears the in-flight mark if the leader never finishes.
struct FlightGuard<'a> {
    cache: &'a ServerTokenCache,
    key: &'a str,
    flight: Option<Flight>,
}

impl FlightGuard<'_> {
    fn finish(mut self, outcome: &Outcome, cached: Option<Cached>) {
        if let Some(flight) = self.flight.take() {
            self.cache.land(self.key, flight.id, cached);
            flight.sender.send_replace(Some(outcome.clone()));
        }
    }
}

impl Drop for FlightGuard<'_> {
    fn drop(&mut self) {
        if let Some(flight) = self.flight.take() {
            // Clear the mark first, then drop the sender: waiters wake, find no flight, and
            // one of them leads the next request.
            self.cache.land(self.key, flight.id, None);
            drop(flight.sender);
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
            match cache.join_or_lead(key) {
                Ok(token) => return Ok(token),
                Err(Role::Follow(mut receiver)) => {
                    let outcome = match receiver.wait_for(Option::is_some).await {
                        Ok(outcome) => outcome.clone(),
                        // The leader was cancelled: try again (perhaps as the leader).
                        Err(_) => continue,
                    };
                    if let Some(outcome) = outcome {
                        return outcome.map_err(Error::ServerToken);
                    }
                }
                Err(Role::Lead(flight)) => {
                    let guard = FlightGuard {
                        cache,
                        key,
                        flight: Some(flight),
                    };
                    let sent_at = Instant::now();
                    let result = self.request_server_token(key).await;
                    let (outcome, cached) = match result {
                        Ok(response) => {
                            let cached = response.expires_in.map(|lifetime| {
                                let lifetime = lifetime.min(MAX_CACHED_LIFETIME);
                                let fresh_for = lifetime - REFRESH_MARGIN.min(lifetime / 2);
                                Cached {
                                    token: response.access_token.clone(),
                                    refresh_at: sent_at + fresh_for,
                                }
                            });
                            (Ok(response.access_token), cached)
                        }
                        Err(error) => (Err(Arc::new(error)), None),
                    };
                    guard.finish(&outcome, cached);
                    return outcome.map_err(Error::ServerToken);
                }
            }
        }
    }

    async fn request_server_token(&self, key: &str) -> Result<TokenResponse, Error> {
        let scope = (!key.is_empty()).then_some(key);
        let response = self
            .send_token_request(Grant::ServerToServer { scope })
            .await?;
        token_from_response(response).await
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
