//! [`Error`], for what the client's calls, reader ids, cookies, webhooks and URLs refuse, and
//! [`BuildError`] for a configuration that a builder refuses at start-up. Signing and
//! verifying have [`JwtError`], taxonomies [`TaxonomyViolation`].

#[cfg(feature = "__client")]
use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "__client")]
use reqwest::StatusCode;

use paywall_internal::parse_error::ParseError;

use crate::jwt_error::JwtError;
use crate::taxonomy::TaxonomyViolation;

/// What the `client` feature's calls, reader ids, cookies, webhooks and URL builders refuse.
///
/// Signing and verifying a user JWT fail with [`JwtError`], and a content taxonomy with its
/// [`TaxonomyViolation`]; both turn into this type with `?` ([`Error::Jwt`],
/// [`Error::InvalidTaxonomy`]), so one function can use all of the crate.
///
/// Messages start lowercase, name what was wrong and never contain the secret, the API key,
/// a token, a claim's value, a request URL or a body's text. Underlying errors are kept as
/// [`source`](std::error::Error::source) where they carry no such text. `Clone`: a transport
/// error is held in an [`Arc`](std::sync::Arc), so concurrent reads that shared one request
/// each get the same error.
///
/// Every error of the `client` feature's calls means: do not serve the story.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A user JWT could not be signed, or was refused: see [`JwtError`].
    #[error(transparent)]
    Jwt(#[from] JwtError),

    /// A JWT given to an access check is larger than
    /// [`MAX_TOKEN_BYTES`](crate::MAX_TOKEN_BYTES); nothing was sent.
    #[error("the token is {len} bytes, more than the {limit} allowed")]
    TokenTooLarge {
        /// The token's length in bytes.
        len: usize,
        /// The limit it exceeded.
        limit: usize,
    },

    /// A content taxonomy breaks one of the spec's rules: the [`TaxonomyViolation`] that
    /// [`ContentTaxonomy::validate`](crate::ContentTaxonomy::validate) gives says which.
    #[error("invalid content taxonomy: {0}")]
    InvalidTaxonomy(#[from] TaxonomyViolation),

    /// An argument was refused before anything was sent or signed, by the rule its call
    /// documents (a story id: one URL path segment of at most
    /// [`MAX_STORY_ID_BYTES`](crate::MAX_STORY_ID_BYTES)): `what` is `"story id"`,
    /// `"subscriber identity provider"`, `"subscriber identity value"`, `"reader id"` or
    /// `"cookie domain"`, and `reason` says why, never quoting the value.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// Which argument.
        what: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// A `Cookie` header holds more than one `at-meter` cookie, so none of them is trusted
    /// (see [`ReaderId::from_cookie_header`](crate::ReaderId::from_cookie_header)).
    #[error("the cookie header has more than one at-meter cookie")]
    DuplicateCookie,

    /// A `Cookie` header is larger than
    /// [`MAX_COOKIE_HEADER_BYTES`](crate::MAX_COOKIE_HEADER_BYTES); it was not scanned.
    #[error("the cookie header is {len} bytes, more than the {limit} scanned")]
    CookieHeaderTooLarge {
        /// The header's length in bytes (all `Cookie` headers together).
        len: usize,
        /// The limit it exceeded.
        limit: usize,
    },

    /// A webhook call has no `X-AT-Signature` header (see
    /// [`WebhookEvent::from_signed_slice`](crate::WebhookEvent::from_signed_slice)).
    #[error("the webhook call is not signed")]
    MissingWebhookSignature,

    /// A webhook call's `X-AT-Signature` is not the HMAC-SHA256 of its body under the
    /// webhook's secret, in hex or base64: forged, altered, or signed with another secret.
    #[error("the webhook call's signature does not match")]
    BadWebhookSignature,

    /// The Accesstype account key is empty or holds control or whitespace characters.
    #[error("the account key is empty or holds control or whitespace characters")]
    InvalidAccountKey,

    /// A body is larger than [`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES) (a webhook's, than
    /// [`MAX_WEBHOOK_BODY_BYTES`](crate::MAX_WEBHOOK_BODY_BYTES)); it was not parsed. Only a
    /// `2xx` answer's body is read.
    #[error("the body is larger than the {limit} bytes allowed")]
    BodyTooLarge {
        /// The limit it exceeded.
        limit: usize,
    },

    /// A body is not the JSON Accesstype documents: the [`ParseError`] says what was parsed
    /// (`access grant`, `webhook`, `subscriptions`) and why, without any of the body's text;
    /// for an answer, also its status and media type, cut of the request's secrets.
    #[error("a body does not parse as the json accesstype documents")]
    Parse(#[source] ParseError),

    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed")]
    Random(#[source] getrandom::Error),

    /// A request to Accesstype failed before a complete answer arrived (connection, TLS,
    /// timeout, a body that broke off). The source holds no URL, which carries the user JWT.
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error("the request to accesstype failed")]
    Transport(#[source] Arc<reqwest::Error>),

    /// Accesstype answered with a status the call does not expect: a `401` (API key or
    /// account key refused), a `5xx`, a `3xx` (never followed). The body of such an answer,
    /// which Accesstype does not document, is not read.
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error("accesstype answered with unexpected status {status}")]
    UnexpectedStatus {
        /// The status Accesstype answered with.
        status: StatusCode,
        /// The media type of the answer's `Content-Type` (`text/html` from a proxy, ...), when
        /// it sent a well-formed one.
        content_type: Option<String>,
    },

    /// The HTTP client followed a redirect, which would carry the API key and the user JWT
    /// elsewhere (see
    /// [`AccesstypeClientBuilder::http_client`](crate::AccesstypeClientBuilder::http_client)).
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error(
        "the http client followed a redirect; requests to accesstype must not follow redirects"
    )]
    RedirectFollowed,

    /// Accesstype granted a story by its meter, but the pingback that counts the read failed
    /// (the source says why), so the story must not be served (see
    /// [`AccesstypeClient::read_story`](crate::AccesstypeClient::read_story)).
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error("the story was granted by the meter but the pingback failed, so it is not served")]
    PingbackFailed(#[source] Box<Error>),
}

impl Error {
    /// Whether this error is a refused token ([`JwtError::is_token_rejected`]), or a token
    /// too large for an access check. Treat the reader as not logged in.
    #[must_use]
    pub fn is_token_rejected(&self) -> bool {
        match self {
            Self::Jwt(error) => error.is_token_rejected(),
            Self::TokenTooLarge { .. } => true,
            _ => false,
        }
    }

    /// Whether the token was refused because its `exp` has passed.
    #[must_use]
    pub fn is_expired(&self) -> bool {
        matches!(self, Self::Jwt(error) if error.is_expired())
    }

    /// The taxonomy rule that was broken, when this is [`Error::InvalidTaxonomy`].
    #[must_use]
    pub fn taxonomy_violation(&self) -> Option<&TaxonomyViolation> {
        match self {
            Self::InvalidTaxonomy(violation) => Some(violation),
            _ => None,
        }
    }
}

#[cfg(feature = "__client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
impl Error {
    paywall_internal::transport_predicates!("Accesstype", PingbackFailed);

    /// The HTTP status Accesstype answered with, when the error came after an answer (also
    /// the pingback's).
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::UnexpectedStatus { status, .. } => Some(*status),
            Self::PingbackFailed(inner) => inner.status(),
            Self::Parse(error) => error.http_status(),
            _ => self.transport().and_then(reqwest::Error::status),
        }
    }

    /// Whether this is [`Error::PingbackFailed`]: the story was granted by the meter, and is
    /// not served because the read could not be counted.
    #[must_use]
    pub fn is_pingback_failure(&self) -> bool {
        matches!(self, Self::PingbackFailed(_))
    }
}

/// A configuration that a builder (or a `from_env`) refuses at start-up, for the signer and,
/// with the `client` feature, the client. No message holds a secret, a key or a variable's
/// value.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No secret was given.
    #[error("no jwt secret was given")]
    MissingSecret,

    /// The secret (the JWT secret, a webhook's signing secret or secret path) is empty.
    /// Always refused.
    #[error("the secret is empty")]
    EmptySecret,

    /// The secret is shorter than [`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES), and the
    /// caller did not opt in to a shorter one
    /// ([`AccesstypeSignerBuilder::insecure_allow_short_secret`](crate::AccesstypeSignerBuilder::insecure_allow_short_secret),
    /// [`WebhookSigningKey::insecure_allow_short_secret`](crate::WebhookSigningKey::insecure_allow_short_secret)).
    #[error("the secret is {len} bytes, shorter than the {min} bytes hmac-sha256 needs")]
    ShortSecret {
        /// The secret's length in bytes.
        len: usize,
        /// The minimum length.
        min: usize,
    },

    /// A duration that must be positive is zero.
    #[error("the {what} must not be zero")]
    ZeroDuration {
        /// Which duration: `ttl`, or with the `client` feature `timeout`, `connect_timeout` or
        /// `cache_grants_for`.
        what: &'static str,
    },

    /// The token lifetime is under one second or over [`MAX_TTL`](crate::MAX_TTL).
    #[error("the token lifetime must be between one second and one year")]
    InvalidTtl,

    /// The leeway is over [`MAX_LEEWAY`](crate::MAX_LEEWAY).
    #[error("the clock leeway of {leeway:?} is more than the {max:?} allowed")]
    LeewayTooLarge {
        /// The leeway that was asked for.
        leeway: Duration,
        /// The largest leeway accepted.
        max: Duration,
    },

    /// A required environment variable is not set (or is empty).
    #[error("the environment variable `{name}` is not set")]
    MissingEnvVar {
        /// The variable's name.
        name: &'static str,
    },

    /// An environment variable is set but unusable. Its value is never shown.
    #[error("the environment variable `{name}` is invalid: {reason}")]
    InvalidEnvVar {
        /// The variable's name.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
        /// Why the URL parser refused the value, for `ACCESSTYPE_BASE_URL`.
        #[source]
        source: Option<url::ParseError>,
    },

    /// Neither an environment nor a base URL was given.
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error("choose an accesstype environment (production or staging) or a base url")]
    MissingEnvironment,

    /// The base URL is plain `http://` to a host that is not loopback.
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error("refusing a plain http:// base url to a non-loopback host; use https://")]
    InsecureBaseUrl,

    /// The base URL cannot be used.
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error("invalid accesstype base url: {reason}")]
    InvalidBaseUrl {
        /// Why, in a few words.
        reason: &'static str,
    },

    /// No account key (the public `key`) was given, or it was empty.
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error("no accesstype account key was given")]
    MissingAccountKey,

    /// The account key holds control characters or whitespace.
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error("the accesstype account key must not hold control characters or whitespace")]
    InvalidAccountKey,

    /// No API key (sent as `X-SUBAUTH`) was given, or it was empty.
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error("no accesstype api key was given")]
    MissingApiKey,

    /// The API key is not printable ASCII without spaces.
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error("the accesstype api key must be printable ascii without spaces")]
    InvalidApiKey,

    /// A connect timeout was set together with a caller's HTTP client.
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error(
        "connect_timeout cannot be applied to a caller-supplied http client; set it on that client"
    )]
    ConnectTimeoutWithHttpClient,

    /// [`cache_grants_for`](crate::AccesstypeClientBuilder::cache_grants_for) is longer than
    /// [`MAX_CACHE_GRANTS_FOR`](crate::MAX_CACHE_GRANTS_FOR).
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error("cache_grants_for may be at most {} s", max.as_secs())]
    CacheTooLong {
        /// The longest accepted.
        max: Duration,
    },

    /// The HTTP client could not be built (for example, no TLS backend could be initialised).
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error("could not build the http client")]
    HttpClient(#[source] Arc<reqwest::Error>),
}

#[cfg(all(test, feature = "__client"))]
mod tests {
    use std::sync::Arc;

    use super::{Error, JwtError};

    /// A real `reqwest::Error`, made without a network.
    fn transport_error() -> Option<reqwest::Error> {
        reqwest::Client::new().get("http://[::1").build().err()
    }

    #[test]
    fn a_clone_shares_the_transport_error_and_keeps_its_meaning() {
        let error = Error::Transport(Arc::new(transport_error().unwrap()));
        let copy = error.clone();
        let (Error::Transport(first), Error::Transport(second)) = (&error, &copy) else {
            panic!("{error:?} and {copy:?}");
        };
        assert!(Arc::ptr_eq(first, second));
        let failed = Error::PingbackFailed(Box::new(error));
        let copy = failed.clone();
        assert!(copy.is_pingback_failure());
        assert_eq!(copy.is_timeout(), failed.is_timeout());
        assert!(std::error::Error::source(&copy).is_some());
    }

    #[test]
    fn a_jwt_error_keeps_its_message_and_predicates_inside_error() {
        let error = Error::from(JwtError::Expired);
        assert_eq!(error.to_string(), JwtError::Expired.to_string());
        assert!(error.is_token_rejected() && error.is_expired());
        let too_large = Error::TokenTooLarge {
            len: 9000,
            limit: 8192,
        };
        assert!(too_large.is_token_rejected() && !too_large.is_expired());
        assert!(!Error::from(JwtError::SystemClock).is_token_rejected());
    }
}
