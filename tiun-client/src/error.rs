//! What can go wrong: [`Error`] for calls, [`BuildError`] for configuration.

use std::fmt;

use reqwest::StatusCode;

use crate::id::InvalidId;
use crate::problem::ProblemDetails;

/// A call to tiun did not produce an answer the caller can act on.
///
/// Whatever the variant, the caller must not serve the content: an `Err` is never access.
/// The message never contains the API key, and the session id only as "a session id".
///
/// ```
/// # async fn check(tiun: &tiun_client::TiunClient, session_id: &str) {
/// match tiun.verify_session(session_id).await {
///     Ok(status) => { /* tiun answered: act on `status` */ }
///     Err(error) if error.is_timeout() => { /* tiun too slow: show the paywall, maybe retry later */ }
///     Err(error) => { /* show the paywall and log `error` */ }
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The session id was refused before any request was sent.
    #[error("session id refused before sending")]
    InvalidSessionId(#[source] InvalidId),
    /// The user id was refused before any request was sent.
    #[error("user id refused before sending")]
    InvalidUserId(#[source] InvalidId),
    /// The user verification token was refused before any request was sent.
    #[error("user verification token refused before sending")]
    InvalidUserToken(#[source] InvalidId),
    /// The request failed before a complete answer arrived: connection, TLS, timeout, or the
    /// body could not be read. See [`Error::is_timeout`] and [`Error::is_connect`].
    #[error("request to tiun failed")]
    Request(#[source] reqwest::Error),
    /// tiun answered with a status this call does not expect (a `5xx`, a `3xx`, a `400`, ...).
    #[error("tiun answered with unexpected status {status}")]
    UnexpectedStatus {
        /// The status tiun answered with.
        status: StatusCode,
        /// The problem details of the body, when it had any (boxed to keep `Error` small).
        problem: Option<Box<ProblemDetails>>,
    },
    /// The answer's body was larger than the cap ([`crate::MAX_BODY_BYTES`]); the rest was not
    /// read.
    #[error("tiun's response body exceeds {limit} bytes")]
    BodyTooLarge {
        /// The status tiun answered with.
        status: StatusCode,
        /// The cap that was exceeded, in bytes.
        limit: usize,
    },
    /// A successful answer's body was not the JSON the endpoint documents.
    #[error("tiun's response body could not be parsed")]
    Parse {
        /// The status tiun answered with.
        status: StatusCode,
        /// The body as received (capped), for diagnosis.
        body: ResponseBody,
        /// What the JSON parser reported.
        #[source]
        source: serde_json::Error,
    },
    /// The HTTP client followed a redirect. A client passed to
    /// [`TiunClientBuilder::http_client`](crate::TiunClientBuilder::http_client) must be built
    /// with `redirect::Policy::none()`: a redirect would carry the API key to another location.
    #[error("the HTTP client followed a redirect; requests to tiun must not follow redirects")]
    RedirectFollowed,
}

impl Error {
    /// Whether the request timed out (connect or total timeout).
    #[must_use]
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Request(e) if e.is_timeout())
    }

    /// Whether the connection to tiun could not be established.
    #[must_use]
    pub fn is_connect(&self) -> bool {
        matches!(self, Self::Request(e) if e.is_connect())
    }

    /// The HTTP status tiun answered with, when the error happened after an answer arrived.
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::UnexpectedStatus { status, .. }
            | Self::BodyTooLarge { status, .. }
            | Self::Parse { status, .. } => Some(*status),
            Self::Request(e) => e.status(),
            _ => None,
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
}

/// A response body kept for diagnosis.
///
/// Its `Debug` shows only the length: bodies of the user endpoints carry e-mail addresses, which
/// should not reach logs through an error. Read it with [`ResponseBody::as_bytes`].
#[derive(Clone, PartialEq, Eq)]
pub struct ResponseBody(Vec<u8>);

impl ResponseBody {
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The body's bytes, as tiun sent them.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResponseBody({} bytes)", self.0.len())
    }
}

/// The configuration given to [`TiunClientBuilder`](crate::TiunClientBuilder) cannot work.
///
/// Found by [`build`](crate::TiunClientBuilder::build) at start-up, before any request. The
/// message never contains the API key.
#[derive(Debug, thiserror::Error)]
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
    #[error("invalid tiun base URL: {0}")]
    InvalidBaseUrl(&'static str),
    /// The base URL is plain `http://` to a host that is not loopback: the API key would cross
    /// the network in clear text.
    #[error("refusing a plain http:// base URL to a non-loopback host; use https://")]
    InsecureBaseUrl,
    /// The provider id cannot be used in the legacy path.
    #[error("invalid provider id")]
    InvalidProviderId(#[source] InvalidId),
    /// A connect timeout was set together with a caller's HTTP client, which has its own.
    #[error(
        "connect_timeout cannot be applied to a caller-supplied HTTP client; set it on that client"
    )]
    ConnectTimeoutWithHttpClient,
    /// A timeout of zero was given.
    #[error("timeouts must be greater than zero")]
    ZeroTimeout,
    /// The HTTP client could not be built (for example, no TLS backend could be initialised).
    #[error("could not build the HTTP client")]
    HttpClient(#[source] reqwest::Error),
    /// An environment variable read by [`TiunClient::from_env`](crate::TiunClient::from_env) is
    /// missing or invalid.
    #[error("environment variable {variable}: {problem}")]
    Env {
        /// The variable's name.
        variable: &'static str,
        /// What is wrong with it (never its value).
        problem: &'static str,
    },
}
