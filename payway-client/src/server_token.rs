//! Server-to-server tokens (`grant_type=none`), cached per scope set, one request in flight
//! per scope set however many callers ask at once.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use crate::client::PaywayClient;
use crate::error::Error;
use crate::secret::AccessToken;
use crate::server_token_cache::Outcome;
use crate::token::Grant;
use crate::trace::{self, in_span};
use crate::validate::is_identifier;

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
        let call = async {
            let cache = &self.inner.server_tokens;
            if let Some(token) = cache.fresh(&key) {
                return Ok(token);
            }
            let start = || self.clone().fetch_server_token(key.clone());
            let outcome = cache.flights.run(&key, start).await;
            outcome.map_err(Error::ServerToken)
        };
        in_span("server_token", self.inner.environment, trace::ok, call).await
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

    /// The one request of a flight; its token is cached before the waiting callers get it.
    async fn fetch_server_token(self, key: String) -> Outcome {
        // A flight that just landed may have cached a token since this caller looked.
        if let Some(token) = self.inner.server_tokens.fresh(&key) {
            return Ok(token);
        }
        let sent_at = Instant::now();
        let scope = (!key.is_empty()).then_some(key.as_str());
        let grant = Grant::ServerToServer { scope };
        let response = self.token_request(grant).await.map_err(Arc::new)?;
        if let Some(lifetime) = response.expires_in {
            self.inner
                .server_tokens
                .store(key, response.access_token.clone(), sent_at, lifetime);
        }
        Ok(response.access_token)
    }
}

/// The scope set as one space-separated string, sorted and without duplicates.
fn scope_key(scopes: &[&str]) -> Result<String, Error> {
    if !scopes.iter().all(|s| is_identifier(s)) {
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
