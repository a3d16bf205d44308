//! What can go wrong: [`Error`] for calls, [`BuildError`] for configuration.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;

use crate::id::InvalidId;
use crate::json::ParseError;
use crate::problem::ProblemDetails;

/// A call to tiun did not produce an answer the caller can act on.
///
/// Whatever the variant, the caller must not serve the content: an `Err` is never access.
///
/// No `Display` or `Debug` output of an error, nor of its [`source`](std::error::Error::source)
/// chain, contains the API key, a session id, a user verification token or any text of tiun's
/// answer: a body shows its length and content type only ([`ResponseBody`]), problem details
/// their status and which fields are present ([`ProblemDetails`]). Their text is there through
/// methods named `expose_*`, and even there every spelling of the request's key, session id and
/// token that tiun could echo (raw, percent-encoded, JSON-escaped in any style) is replaced by
/// `[redacted]`.
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
    Transport(#[source] reqwest::Error),
    /// The same as [`Error::Transport`], for a request that several concurrent checks of one
    /// session id shared (see [`TiunClientBuilder::coalesce`](crate::TiunClientBuilder::coalesce)):
    /// each of them gets this error, with the one transport error as its source. The
    /// predicates ([`is_timeout`](Error::is_timeout), ...) treat both alike.
    #[error("request to tiun failed (one request shared by concurrent checks of a session)")]
    SharedTransport(#[source] Arc<reqwest::Error>),
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
    /// A successful answer's body was not the JSON the endpoint documents.
    #[error("tiun's {status} answer could not be parsed ({})", body.summary())]
    Parse {
        /// The status tiun answered with.
        status: StatusCode,
        /// The body as received (capped), with the request's secrets cut out; its text only
        /// through [`ResponseBody::expose_text`].
        body: ResponseBody,
        /// What was wrong with it, without any of its text.
        #[source]
        source: ParseError,
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
        self.transport().is_some_and(reqwest::Error::is_timeout)
    }

    /// Whether the connection to tiun could not be established.
    #[must_use]
    pub fn is_connect(&self) -> bool {
        self.transport().is_some_and(reqwest::Error::is_connect)
    }

    /// Whether tiun answered with a redirect (never followed), or a caller's HTTP client
    /// followed one ([`Error::RedirectFollowed`]).
    #[must_use]
    pub fn is_redirect(&self) -> bool {
        match self {
            Self::RedirectFollowed => true,
            Self::UnexpectedStatus { status, .. } => status.is_redirection(),
            _ => false,
        }
    }

    /// The HTTP status tiun answered with, when the error happened after an answer arrived.
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::UnexpectedStatus { status, .. }
            | Self::BodyTooLarge { status, .. }
            | Self::Parse { status, .. } => Some(*status),
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

    fn transport(&self) -> Option<&reqwest::Error> {
        match self {
            Self::Transport(error) => Some(error),
            Self::SharedTransport(error) => Some(error),
            _ => None,
        }
    }

    /// This error and `extra` more of the same meaning, for callers that shared one request; a
    /// transport error (which cannot be cloned) becomes [`Error::SharedTransport`] for each.
    pub(crate) fn into_copies(self, extra: usize) -> (Self, Vec<Self>) {
        let make: Box<dyn Fn() -> Self> = match self {
            Self::Transport(error) => {
                let shared = Arc::new(error);
                Box::new(move || Self::SharedTransport(Arc::clone(&shared)))
            }
            Self::SharedTransport(shared) => {
                Box::new(move || Self::SharedTransport(Arc::clone(&shared)))
            }
            Self::InvalidSessionId(why) => Box::new(move || Self::InvalidSessionId(why)),
            Self::InvalidUserId(why) => Box::new(move || Self::InvalidUserId(why)),
            Self::InvalidUserToken(why) => Box::new(move || Self::InvalidUserToken(why)),
            Self::UnexpectedStatus { status, problem } => {
                Box::new(move || Self::UnexpectedStatus {
                    status,
                    problem: problem.clone(),
                })
            }
            Self::BodyTooLarge { status, limit } => {
                Box::new(move || Self::BodyTooLarge { status, limit })
            }
            Self::Parse {
                status,
                body,
                source,
            } => Box::new(move || Self::Parse {
                status,
                body: body.clone(),
                source: source.clone(),
            }),
            Self::RedirectFollowed => Box::new(|| Self::RedirectFollowed),
        };
        (make(), std::iter::repeat_with(make).take(extra).collect())
    }
}

/// A response body kept for diagnosis.
///
/// Bodies of the user endpoints carry e-mail addresses, so its `Debug` shows the length and
/// content type only, and it has no `Display`. Read the text with
/// [`expose_text`](Self::expose_text) or [`expose_bytes`](Self::expose_bytes), and keep it out
/// of logs.
#[derive(Clone, PartialEq, Eq)]
pub struct ResponseBody {
    /// With the request's secrets cut out.
    bytes: Vec<u8>,
    /// As received.
    len: usize,
    content_type: Option<String>,
}

impl ResponseBody {
    /// `bytes` already redacted, `len` the length as received.
    pub(crate) fn new(bytes: Vec<u8>, len: usize, content_type: Option<String>) -> Self {
        Self {
            bytes,
            len,
            content_type,
        }
    }

    /// The body's length in bytes, as received.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the body was empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The media type of the `Content-Type` header, without parameters (`application/json`),
    /// when tiun sent a well-formed one.
    #[must_use]
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The body's bytes as tiun sent them, except that every spelling of the request's API
    /// key and user verification token is replaced by `[redacted]`. They may hold personal
    /// data: keep them out of logs.
    #[must_use]
    pub fn expose_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The body as text (as [`expose_bytes`](Self::expose_bytes)), when it is UTF-8. It may
    /// hold personal data: keep it out of logs.
    #[must_use]
    pub fn expose_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }

    /// `"42 bytes, application/json"`: what an error message may say about a body.
    fn summary(&self) -> String {
        let content_type = self.content_type.as_deref().unwrap_or("no content type");
        format!("{} bytes, {content_type}", self.len)
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseBody")
            .field("len", &self.len)
            .field("content_type", &self.content_type)
            .finish()
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
    #[error("invalid provider id")]
    InvalidProviderId(#[source] InvalidId),
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
    HttpClient(#[source] reqwest::Error),
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
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_keep_the_meaning() {
        let (first, copies) = Error::UnexpectedStatus {
            status: StatusCode::BAD_GATEWAY,
            problem: None,
        }
        .into_copies(2);
        assert_eq!(copies.len(), 2);
        assert_eq!(first.status(), Some(StatusCode::BAD_GATEWAY));
        assert!(
            copies
                .iter()
                .all(|e| e.status() == Some(StatusCode::BAD_GATEWAY))
        );
        let (first, copies) = Error::RedirectFollowed.into_copies(1);
        assert!(first.is_redirect() && copies.iter().all(Error::is_redirect));
    }

    #[test]
    fn a_body_shows_its_length_and_type_only() {
        let body = ResponseBody::new(
            b"{\"email\":\"a@b.example\"}".to_vec(),
            23,
            Some("application/json".into()),
        );
        assert_eq!(
            format!("{body:?}"),
            r#"ResponseBody { len: 23, content_type: Some("application/json") }"#
        );
        assert_eq!(body.expose_text(), Some("{\"email\":\"a@b.example\"}"));
        assert_eq!(body.len(), 23);
    }
}
