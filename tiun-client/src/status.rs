//! [`SessionStatus`]: what tiun answered about one paywall session.

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
