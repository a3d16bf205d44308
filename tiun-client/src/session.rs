//! The paywall session check: is this session paid for?

use reqwest::header::CONTENT_LENGTH;
use reqwest::{Method, StatusCode};
use url::Url;

use crate::client::TiunClient;
use crate::error::Error;
use crate::http::{ReadBody, send};
use crate::id::encode_segment;
use crate::problem::ProblemDetails;

/// tiun's answer about one paywall session.
///
/// Serve the content for [`SessionStatus::Valid`] only; every other answer, including variants
/// added in later versions, means "do not serve".
///
/// ```
/// use tiun_client::SessionStatus;
///
/// fn may_serve(status: &SessionStatus) -> bool {
///     status.is_valid()
/// }
/// assert!(may_serve(&SessionStatus::Valid));
/// assert!(!may_serve(&SessionStatus::Invalid { problem: None }));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[must_use = "serve the content only when the status is `Valid`"]
pub enum SessionStatus {
    /// `200`: the session is paid for; serve the content.
    Valid,
    /// `404`: the session is invalid, expired or ended, or the reader has no funds left; show
    /// the paywall.
    Invalid {
        /// The problem details tiun sent, when the body had them.
        problem: Option<ProblemDetails>,
    },
    /// `401`: tiun refused the API key (or the provider id of the legacy path). A configuration
    /// problem, not the reader's: show the paywall and alert whoever runs the site.
    Unauthorized {
        /// The problem details tiun sent, when the body had them.
        problem: Option<ProblemDetails>,
    },
}

impl SessionStatus {
    /// Whether the content may be served: `true` for [`SessionStatus::Valid`] only.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        matches!(self, Self::Valid)
    }

    /// The problem details of an `Invalid` or `Unauthorized` answer.
    #[must_use]
    pub fn problem(&self) -> Option<&ProblemDetails> {
        match self {
            Self::Invalid { problem } | Self::Unauthorized { problem } => problem.as_ref(),
            Self::Valid => None,
        }
    }

    #[cfg(feature = "tracing")]
    pub(crate) fn label(&self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Invalid { .. } => "invalid",
            Self::Unauthorized { .. } => "unauthorized",
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
    /// # Errors
    ///
    /// [`Error::InvalidSessionId`] before any request for an empty, over-long (more than 256
    /// bytes) or control-character id, or `.`/`..`; otherwise any transport failure, timeout,
    /// followed redirect, or status other than `200`, `401` and `404`. An error always means
    /// "do not serve".
    ///
    /// ```no_run
    /// # async fn handler(tiun: tiun_client::TiunClient, session_id: String) -> Result<(), tiun_client::Error> {
    /// use tiun_client::SessionStatus;
    ///
    /// match tiun.verify_session(&session_id).await? {
    ///     SessionStatus::Valid => { /* serve the article */ }
    ///     _ => { /* show the paywall */ }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn verify_session(&self, session_id: &str) -> Result<SessionStatus, Error> {
        let outcome = self.check_session(session_id);
        #[cfg(feature = "tracing")]
        let outcome = crate::trace::traced(
            "verify_session",
            self.environment_label(),
            outcome,
            SessionStatus::label,
        );
        outcome.await
    }

    async fn check_session(&self, session_id: &str) -> Result<SessionStatus, Error> {
        let url = self.session_url(session_id)?;
        // An empty body, announced: PATCH defines meaning for content (RFC 9110 §8.6).
        let request = self
            .request(Method::PATCH, &url)
            .header(CONTENT_LENGTH, "0")
            .body(Vec::new());
        let answer = send(request, url, ReadBody::UnlessOk).await?;
        let problem = || answer.body.as_deref().and_then(ProblemDetails::parse);
        match answer.status {
            StatusCode::OK => Ok(SessionStatus::Valid),
            StatusCode::NOT_FOUND => Ok(SessionStatus::Invalid { problem: problem() }),
            StatusCode::UNAUTHORIZED => Ok(SessionStatus::Unauthorized { problem: problem() }),
            status => Err(Error::UnexpectedStatus {
                status,
                problem: problem().map(Box::new),
            }),
        }
    }

    /// The check's URL, current or legacy path, with the session id as one encoded segment.
    fn session_url(&self, session_id: &str) -> Result<Url, Error> {
        let session = encode_segment(session_id).map_err(Error::InvalidSessionId)?;
        Ok(match &self.inner.provider_segment {
            None => self.endpoint(&["live_api", "s2s", "v1", "sessions", &session, "status"]),
            Some(provider) => self.endpoint(&[
                "live_api",
                "v1",
                "providers",
                provider,
                "sessions",
                &session,
                "status",
            ]),
        })
    }
}
