//! The paywall session check: is this session paid for? With the opt-in validity cache of
//! session ids tiun called `Valid` a moment ago.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use paywall_internal::coalesce::lock;
use paywall_internal::expiring::ExpiringMap;
use paywall_internal::http::{Read, append_segments, send};
use reqwest::header::CONTENT_LENGTH;
use reqwest::{Method, StatusCode};
use url::Url;

use crate::client::TiunClient;
use crate::error::Error;
use crate::id::{InvalidId, encode_id};
use crate::status::SessionStatus;

/// The longest [`cache_valid_for`](crate::TiunClientBuilder::cache_valid_for) accepted: 60 s.
pub const MAX_CACHE_VALID_FOR: Duration = Duration::from_secs(60);

/// The most session ids the validity cache holds. When it is full of unexpired entries, a new
/// `Valid` answer is simply not remembered (its checks still go to tiun); no remembered one is
/// dropped for it, and a full cache costs no more per check than an empty one.
pub const MAX_CACHED_SESSIONS: usize = 10_000;

/// Session ids answered `Valid`, each until its expiry. Nothing else is ever stored.
pub(crate) struct ValidCache {
    valid_for: Duration,
    sessions: Mutex<ExpiringMap<String, ()>>,
}

impl ValidCache {
    pub(crate) fn new(valid_for: Duration) -> Self {
        Self {
            valid_for,
            sessions: Mutex::new(ExpiringMap::new(MAX_CACHED_SESSIONS)),
        }
    }

    pub(crate) fn valid_for(&self) -> Duration {
        self.valid_for
    }

    /// Whether `session_id` was answered `Valid` less than `valid_for` ago.
    fn is_valid(&self, session_id: &str) -> bool {
        let now = Instant::now();
        lock(&self.sessions).get(session_id, now).is_some()
    }

    /// Remembers that tiun answered `Valid` for `session_id` just now, unless the cache is
    /// full.
    fn remember(&self, session_id: &str) {
        let now = Instant::now();
        if let Some(expires) = now.checked_add(self.valid_for) {
            // Full: the answer is not remembered, as documented.
            let _ = lock(&self.sessions).insert(session_id.to_owned(), (), expires, now);
        }
    }
}

impl TiunClient {
    /// Asks tiun whether the paywall session `session_id` is paid for.
    ///
    /// Sends one `PATCH /live_api/s2s/v1/sessions/{sessionId}/status` with an empty body (or the
    /// legacy provider-scoped path when a [provider id](crate::TiunClientBuilder::provider_id)
    /// is set). The session id comes from the browser (the `sessionId` of the paywall-hide
    /// event), so it is treated as hostile: it is checked, then percent-encoded so it stays one
    /// path segment whatever it contains. The request is never retried, because whether the
    /// check has side effects at tiun is not documented.
    ///
    /// Concurrent checks of the same session id share one request and its answer (see
    /// [`coalesce`](crate::TiunClientBuilder::coalesce)); with
    /// [`cache_valid_for`](crate::TiunClientBuilder::cache_valid_for), a recent `Valid` answer
    /// is reused without asking tiun.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSessionId`] before any request for an empty, over-long (more than 256
    /// bytes) or control-character id, or `.`/`..`; otherwise any transport failure, timeout,
    /// redirect, or status other than `200`, `401` and `404`. An error always means "do not
    /// serve".
    ///
    /// ```no_run
    /// use tiun_client::{Error, SessionStatus, TiunClient};
    ///
    /// async fn handler(tiun: TiunClient, session_id: String) -> Result<(), Error> {
    ///     match tiun.verify_session(&session_id).await? {
    ///         SessionStatus::Valid => { /* serve the article */ }
    ///         _ => { /* show the paywall */ }
    ///     }
    ///     Ok(())
    /// }
    /// ```
    pub async fn verify_session(&self, session_id: &str) -> Result<SessionStatus, Error> {
        let outcome = self.shared_check(session_id);
        #[cfg(feature = "tracing")]
        let outcome = crate::trace::traced(
            "verify_session",
            self.environment_label(),
            outcome,
            SessionStatus::label,
        );
        outcome.await
    }

    /// The check through the validity cache and the requests in flight, when configured.
    async fn shared_check(&self, session_id: &str) -> Result<SessionStatus, Error> {
        let url = self.session_url(session_id)?;
        let inner = &self.inner;
        if inner
            .cache
            .as_ref()
            .is_some_and(|cache| cache.is_valid(session_id))
        {
            return Ok(SessionStatus::Valid);
        }
        let Some(flights) = &inner.flights else {
            return self.check_and_remember(session_id, url).await;
        };
        // Only the first call of a flight runs `start`: the URL moves into its request, with a
        // copy of the id (the request outlives this call when its caller leaves).
        let start = || {
            let id = session_id.to_owned();
            let client = self.clone();
            async move { client.check_and_remember(&id, url).await }
        };
        match flights.run(session_id, start).await {
            Some(outcome) => outcome,
            // The request this call waited for was lost: ask on its own.
            None => {
                let url = self.session_url(session_id)?;
                self.check_and_remember(session_id, url).await
            }
        }
    }

    /// One request to tiun; a `Valid` answer goes into the validity cache, when there is one.
    async fn check_and_remember(&self, session_id: &str, url: Url) -> Result<SessionStatus, Error> {
        let outcome = self.check_session(session_id, url).await;
        if let (Ok(SessionStatus::Valid), Some(cache)) = (&outcome, &self.inner.cache) {
            cache.remember(session_id);
        }
        outcome
    }

    async fn check_session(&self, session_id: &str, url: Url) -> Result<SessionStatus, Error> {
        // An empty body, announced: PATCH defines meaning for content (RFC 9110 §8.6).
        let request = self
            .request(Method::PATCH, &url)
            .header(CONTENT_LENGTH, "0")
            .body(Vec::new());
        let answer = send(request, url, Read::AllBut(StatusCode::OK))
            .await
            .map_err(Error::sent)?;
        if answer.status == StatusCode::OK {
            return Ok(SessionStatus::Valid);
        }
        let problem = self.problem(&answer, Some(session_id));
        match answer.status {
            StatusCode::NOT_FOUND => Ok(SessionStatus::Invalid { problem }),
            StatusCode::UNAUTHORIZED => Ok(SessionStatus::Unauthorized { problem }),
            status => Err(Error::UnexpectedStatus {
                status,
                problem: problem.map(Box::new),
            }),
        }
    }

    /// The check's URL for this client's base URL and path.
    fn session_url(&self, session_id: &str) -> Result<Url, Error> {
        let inner = &self.inner;
        session_url(
            &inner.base_url,
            inner.provider_segment.as_deref(),
            session_id,
        )
        .map_err(Error::InvalidSessionId)
    }
}

/// The check's URL, current or legacy path (with the provider's segment, already encoded),
/// with the session id as one encoded segment.
pub(crate) fn session_url(
    base: &Url,
    provider_segment: Option<&str>,
    session_id: &str,
) -> Result<Url, InvalidId> {
    let session = encode_id(session_id)?;
    Ok(match provider_segment {
        None => append_segments(
            base,
            &["live_api", "s2s", "v1", "sessions", &session, "status"],
        ),
        Some(provider) => append_segments(
            base,
            &[
                "live_api",
                "v1",
                "providers",
                provider,
                "sessions",
                &session,
                "status",
            ],
        ),
    })
}

#[cfg(test)]
mod tests {
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
        assert_eq!(lock(&cache.sessions).len(), MAX_CACHED_SESSIONS);
    }
}
