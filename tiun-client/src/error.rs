//! What can go wrong: [`Error`] for calls, [`BuildError`] for configuration.

use std::sync::Arc;
use std::time::Duration;

use paywall_internal::http::SendError;
use paywall_internal::parse_error::ParseError;
use reqwest::StatusCode;

use crate::problem::ProblemDetails;

/// A call to tiun did not produce an answer the caller can act on.
///
/// Whatever the variant, the caller must not serve the content: an `Err` is never access.
///
/// No `Display` or `Debug` output of an error, nor of its [`source`](std::error::Error::source)
/// chain, contains the API key, a session id, a user verification token or any text of tiun's
/// answer: a body shows its length and content type only ([`ParseError`]), problem details
/// their status and which fields are present ([`ProblemDetails`]). Their text is there through
/// methods named `expose_*`, and even there every spelling of the request's key, session id and
/// token that tiun could echo (raw, percent-encoded, JSON-escaped in any style) is replaced by
/// `[redacted]`.
///
/// It is `Clone`: concurrent checks of one session id that shared a request (see
/// [`TiunClientBuilder::coalesce`](crate::TiunClientBuilder::coalesce)) each get the same
/// error, a transport error included (it is held in an `Arc`).
///
/// ```
/// use tiun_client::{Error, TiunClient};
///
/// async fn check(tiun: &TiunClient, session_id: &str) -> &'static str {
///     match tiun.verify_session(session_id).await {
///         Ok(status) if status.is_valid() => "serve",
///         Ok(_) => "paywall",
///         Err(error) if error.is_timeout() => "paywall: tiun is slow, try again later",
///         Err(_) => "paywall: log the error",
///     }
/// }
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument was refused before any request was sent: `what` is `"session id"`,
    /// `"user id"` or `"user verification token"`, and `reason` says why (empty, too long, a
    /// control character, `.` or `..`), never quoting the value.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// Which argument.
        what: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The request failed before a complete answer arrived: connection, TLS, timeout, or the
    /// body could not be read. See [`Error::is_timeout`] and [`Error::is_connect`]. The
    /// source holds no URL (a URL carries the session id). Concurrent checks that shared one
    /// request share the one transport error.
    #[error("request to tiun failed")]
    Transport(#[source] Arc<reqwest::Error>),
    /// tiun answered with a status this call does not expect (a `5xx`, a `3xx`, a `400`, ...).
    #[error("tiun answered with unexpected status {status}")]
    UnexpectedStatus {
        /// The status tiun answered with.
        status: StatusCode,
        /// The problem details of the body, when it had any (boxed to keep `Error` small),
        /// with the request's secrets cut out.
        problem: Option<Box<ProblemDetails>>,
    },
    /// The answer's body was larger than [`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES); the rest
    /// was not read.
    #[error("tiun's response body exceeds {limit} bytes")]
    BodyTooLarge {
        /// The status tiun answered with.
        status: StatusCode,
        /// The cap that was exceeded, in bytes.
        limit: usize,
    },
    /// A successful answer's body was not the JSON the endpoint documents. The
    /// [`ParseError`] gives the status, the body's length and content type and, as its source,
    /// why ([`ParseFault`](crate::ParseFault)), without any of its text; the body itself,
    /// with the request's secrets cut out, through
    /// [`ParseError::expose_text`].
    #[error("tiun's answer could not be parsed")]
    Parse(#[source] ParseError),
    /// The HTTP client followed a redirect. A client passed to
    /// [`TiunClientBuilder::http_client`](crate::TiunClientBuilder::http_client) must be built
    /// with `redirect::Policy::none()`: a redirect would carry the API key to another location.
    #[error("the HTTP client followed a redirect; requests to tiun must not follow redirects")]
    RedirectFollowed,
}

impl Error {
    paywall_internal::transport_predicates!("tiun");

    /// The HTTP status tiun answered with, when the error happened after an answer arrived.
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::UnexpectedStatus { status, .. } | Self::BodyTooLarge { status, .. } => {
                Some(*status)
            }
            Self::Parse(error) => error.http_status(),
            _ => self.transport().and_then(reqwest::Error::status),
        }
    }

    /// The problem details tiun sent with an unexpected status, when it sent any.
    #[must_use]
    pub fn problem(&self) -> Option<&ProblemDetails> {
        match self {
            Self::UnexpectedStatus { problem, .. } => problem.as_deref(),
            _ => None,
        }
    }

    /// The error of a request that produced no usable answer.
    pub(crate) fn sent(error: SendError) -> Self {
        match error {
            SendError::Transport(error) => Self::Transport(error),
            SendError::RedirectFollowed => Self::RedirectFollowed,
            SendError::BodyTooLarge { status, limit } => Self::BodyTooLarge { status, limit },
        }
    }
}

/// The configuration given to [`TiunClientBuilder`](crate::TiunClientBuilder) cannot work.
///
/// Found by [`build`](crate::TiunClientBuilder::build) at start-up, before any request. The
/// message never contains the API key.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No API key was given, or it was empty.
    #[error("missing tiun API key")]
    MissingApiKey,
    /// The API key is not printable ASCII without spaces: a stray line break, space or
    /// non-ASCII character usually means a copy-paste slip.
    #[error(
        "the tiun API key must be printable ASCII without spaces (check for stray whitespace or line breaks)"
    )]
    InvalidApiKey,
    /// The header name given for the API key is not a valid HTTP header name.
    #[error("`{0}` is not a valid HTTP header name")]
    InvalidApiKeyHeader(String),
    /// Neither an environment nor a base URL was given.
    #[error("choose a tiun environment (live or sandbox) or a base URL")]
    MissingEnvironment,
    /// The base URL cannot be used.
    #[error("invalid tiun base URL: {reason}")]
    InvalidBaseUrl {
        /// Why, in a few words.
        reason: &'static str,
    },
    /// The base URL is plain `http://` to a host that is not loopback: the API key would cross
    /// the network in clear text.
    #[error("refusing a plain http:// base URL to a non-loopback host; use https://")]
    InsecureBaseUrl,
    /// The provider id cannot be used in the legacy path.
    #[error("invalid provider id: {reason}")]
    InvalidProviderId {
        /// Why: empty, too long, a control character, `.` or `..`.
        reason: &'static str,
    },
    /// A connect timeout was set together with a caller's HTTP client, which has its own.
    #[error(
        "connect_timeout cannot be applied to a caller-supplied HTTP client; set it on that client"
    )]
    ConnectTimeoutWithHttpClient,
    /// A duration that must be positive was zero.
    #[error("{what} must be greater than zero")]
    ZeroDuration {
        /// The setting: `"timeout"`, `"connect_timeout"` or `"cache_valid_for"`.
        what: &'static str,
    },
    /// [`cache_valid_for`](crate::TiunClientBuilder::cache_valid_for) was longer than
    /// [`MAX_CACHE_VALID_FOR`](crate::MAX_CACHE_VALID_FOR).
    #[error("cache_valid_for may be at most {} s", max.as_secs())]
    CacheTooLong {
        /// The longest accepted.
        max: Duration,
    },
    /// The HTTP client could not be built (for example, no TLS backend could be initialised).
    #[error("could not build the HTTP client")]
    HttpClient(#[source] Arc<reqwest::Error>),
    /// A required environment variable is not set (or is empty).
    #[error("environment variable {name} is not set")]
    MissingEnvVar {
        /// The variable's name.
        name: &'static str,
    },
    /// An environment variable is set but unusable.
    #[error("environment variable {name}: {reason}")]
    InvalidEnvVar {
        /// The variable's name.
        name: &'static str,
        /// What is wrong with it (never its value).
        reason: &'static str,
        /// Why the URL parser refused the value, for `TIUN_BASE_URL`.
        #[source]
        source: Option<url::ParseError>,
    },
}

paywall_internal::http_error_fns!(BuildError, api_key);
paywall_internal::env_error_fn!(fn env_error -> BuildError { source: None });
paywall_internal::location_error_fn!(fn location_error -> BuildError);

#[cfg(test)]
mod tests {
    use paywall_internal::parse_error::ParseFault;

    use super::*;

    #[test]
    fn an_error_clones_with_its_meaning_and_shares_its_transport_error() {
        let status = Error::UnexpectedStatus {
            status: StatusCode::BAD_GATEWAY,
            problem: None,
        };
        assert_eq!(status.clone().status(), Some(StatusCode::BAD_GATEWAY));
        assert!(Error::RedirectFollowed.clone().is_redirect());
        let transport = reqwest::Client::new()
            .get("http://[::1")
            .build()
            .unwrap_err();
        let error = Error::Transport(Arc::new(transport));
        let copy = error.clone();
        let (Error::Transport(first), Error::Transport(second)) = (&error, &copy) else {
            unreachable!()
        };
        assert!(Arc::ptr_eq(first, second), "one transport error, shared");
    }

    #[test]
    fn a_parse_error_shows_its_status_length_and_type_only() {
        let fault = ParseFault::Shape {
            reason: "`userId` is missing",
        };
        let error = Error::Parse(
            ParseError::new("user info answer", 23, fault)
                .answered(200, Some("application/json".into()))
                .keep_body(b"{\"email\":\"a@b.example\"}".to_vec()),
        );
        assert_eq!(error.status(), Some(StatusCode::OK));
        let mut printed = format!("{error} {error:?}");
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            printed.push_str(&format!(" | {cause} {cause:?}"));
            source = cause.source();
        }
        assert!(!printed.contains("a@b.example"), "{printed}");
        assert!(printed.contains("23 bytes, application/json"), "{printed}");
        let Error::Parse(kept) = &error else {
            unreachable!()
        };
        assert_eq!(kept.expose_text(), Some("{\"email\":\"a@b.example\"}"));
    }
}
