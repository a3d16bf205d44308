//! The paywall session check: is this session paid for? (The opt-in validity cache is in
//! `valid_cache`.)

use paywall_internal::http::{Read, append_segments, send};
use reqwest::header::CONTENT_LENGTH;
use reqwest::{Method, StatusCode};
use url::Url;

use crate::client::TiunClient;
use crate::error::Error;
use crate::id::encode_id;
use crate::status::SessionStatus;

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
    /// [`Error::InvalidInput`] (`session id`) before any request for an empty, over-long (more than 256
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
        let inner = &self.inner;
        // The cache first: it holds only ids tiun answered `Valid`, each checked before it was
        // sent, so a hit needs no URL; any other id is checked as the URL is built.
        if inner
            .cache
            .as_ref()
            .is_some_and(|cache| cache.is_valid(session_id))
        {
            return Ok(SessionStatus::Valid);
        }
        let provider = inner.provider_segment.as_deref();
        let url = session_url(&inner.base_url, provider, session_id).map_err(|reason| {
            Error::InvalidInput {
                what: "session id",
                reason,
            }
        })?;
        let Some(flights) = &inner.flights else {
            return self.check_and_remember(session_id, url).await;
        };
        // Only a call that sends the request runs `start`: the URL moves into it, with a copy of
        // the id (the request outlives this call when its caller leaves).
        let start = || {
            let id = session_id.to_owned();
            let client = self.clone();
            async move { client.check_and_remember(&id, url).await }
        };
        flights.run(session_id, start).await
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
}

/// The check's URL, current or legacy path (with the provider's segment, already encoded),
/// with the session id as one encoded segment.
pub(crate) fn session_url(
    base: &Url,
    provider_segment: Option<&str>,
    session_id: &str,
) -> Result<Url, &'static str> {
    let session = encode_id(session_id)?;
    let segments: &[&str] = match provider_segment {
        None => &["live_api", "s2s", "v1", "sessions", &session, "status"],
        Some(provider) => &[
            "live_api",
            "v1",
            "providers",
            provider,
            "sessions",
            &session,
            "status",
        ],
    };
    Ok(append_segments(base, segments))
}
