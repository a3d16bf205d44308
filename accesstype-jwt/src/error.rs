//! The crate's two error types: [`Error`] for everything a call can refuse, [`BuildError`] for
//! a configuration that a builder refuses at start-up.

#[cfg(feature = "__client")]
use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "__client")]
use reqwest::StatusCode;

use crate::violation::TaxonomyViolation;

/// Everything a call of this crate can refuse.
///
/// Messages start lowercase, name what was wrong and never contain the secret, the API key,
/// a token, a claim's value, a request URL or a body's text. Underlying errors are kept as
/// [`source`](std::error::Error::source) where they carry no such text.
///
/// Every verification failure means the same thing to a paywall: treat the reader as not
/// logged in. [`Error::is_token_rejected`] says whether an error is one of those. Every error
/// of the `client` feature's calls means: do not serve the story.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The user's e-mail address is empty or malformed (see [`User::email`](crate::User::email)).
    #[error("the user's e-mail address is empty or malformed")]
    InvalidEmail,

    /// The user's login phone number is not E.164, `+` and 7 to 15 digits (see
    /// [`User::login_phone_number`](crate::User::login_phone_number)).
    #[error("the user's login phone number is not in e.164 form")]
    InvalidPhoneNumber,

    /// The user has neither an e-mail address nor a login phone number: Accesstype needs one
    /// of them to know the reader.
    #[error("the user has neither an e-mail address nor a login phone number")]
    NoEmailOrPhoneNumber,

    /// The user id is an empty or over-long string, holds control characters, or is a number
    /// above 2^53 - 1 that a JavaScript server would round (see [`UserId`](crate::UserId)).
    #[error("the user id is empty, too long, holds control characters or is not a safe integer")]
    InvalidUserId,

    /// The token is larger than [`MAX_TOKEN_BYTES`](crate::MAX_TOKEN_BYTES); it was not parsed.
    #[error("the token is {len} bytes, more than the {limit} allowed")]
    TokenTooLarge {
        /// The token's length in bytes.
        len: usize,
        /// The limit it exceeded.
        limit: usize,
    },

    /// The token is not a compact JWS of three strict base64url parts holding a JSON header
    /// and a JSON object, it repeats a member name, or its header lists critical extensions
    /// (`crit`), none of which this crate implements.
    #[error("the token is malformed: {reason}")]
    Malformed {
        /// What is wrong, in words that hold nothing of the token.
        reason: &'static str,
    },

    /// The token's header names an algorithm other than exactly `HS256` (`none` in any case,
    /// `HS512`, `RS256`, ...), a non-string `alg`, or none at all. Refused before any
    /// signature work.
    #[error(
        "the token's algorithm is {}, not hs256",
        found.as_deref().unwrap_or("missing or unprintable")
    )]
    WrongAlgorithm {
        /// The `alg` the header named, when it is a string of 1 to 16 printable ASCII
        /// characters; `None` when it is missing, not a string, or anything else.
        found: Option<String>,
    },

    /// The signature does not match: the token was forged, altered or signed with another
    /// secret.
    #[error("the token's signature does not match")]
    BadSignature,

    /// The token's `exp` is in the past (beyond the leeway).
    #[error("the token has expired")]
    Expired,

    /// The token's `nbf` is in the future (beyond the leeway).
    #[error("the token is not valid yet")]
    NotYetValid,

    /// The token's `iat` is in the future (beyond the leeway): a wrong clock, or a token
    /// dated ahead to look fresh later.
    #[error("the token was issued in the future")]
    IssuedInFuture,

    /// The token carries an `aud` claim: it was minted for some other audience.
    #[error("the token carries an audience and was not minted for accesstype")]
    InvalidAudience,

    /// A claim the token must carry is absent (or `null`).
    #[error("the token has no `{claim}` claim")]
    MissingClaim {
        /// The claim's name.
        claim: &'static str,
    },

    /// A claim is present but has the wrong type or an unacceptable value.
    #[error("the token's `{claim}` claim is invalid")]
    InvalidClaim {
        /// The claim's name.
        claim: &'static str,
    },

    /// The claims could not be written as JSON.
    #[error("could not write the token's claims")]
    Signing(#[source] serde_json::Error),

    /// The system clock reads a time before 1970, so `iat`, `exp` and `nbf` cannot be used.
    #[error("the system clock is set before 1970")]
    SystemClock,

    /// A content taxonomy breaks one of the spec's rules; the violation says which.
    #[error("invalid content taxonomy: {0}")]
    InvalidTaxonomy(TaxonomyViolation),

    /// A reader id is empty, too short or too long, or holds characters other than ASCII
    /// letters, digits, `-` and `_` (see [`ReaderId`](crate::ReaderId)).
    #[error("the reader id is malformed")]
    InvalidReaderId,

    /// A `Cookie` header holds more than one `at-meter` cookie. Browsers send one per
    /// matching domain and path, so the copies may have been planted by a sibling subdomain:
    /// none of them is trusted.
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

    /// A cookie domain is not a canonical host name (see [`CookieDomain`](crate::CookieDomain)).
    #[error("the cookie domain is not a canonical lowercase host name of two or more labels")]
    InvalidCookieDomain,

    /// A story id cannot be one URL path segment: empty, `.` or `..`, longer than
    /// [`MAX_STORY_ID_BYTES`](crate::MAX_STORY_ID_BYTES), or holding control characters.
    #[error("the story id is empty, a dot segment, too long or holds control characters")]
    InvalidStoryId,

    /// A [`SubscriberIdentity`](crate::SubscriberIdentity) part is empty, `.` or `..`, longer
    /// than [`MAX_SUBSCRIBER_IDENTITY_BYTES`](crate::MAX_SUBSCRIBER_IDENTITY_BYTES), or holds
    /// control or invisible characters.
    #[error(
        "the subscriber identity's {part} is empty, a dot segment, too long or holds control or invisible characters"
    )]
    InvalidSubscriberIdentity {
        /// Which part: `provider` or `value`.
        part: &'static str,
    },

    /// A webhook call has no `X-AT-Signature` header, so it cannot be told from a forged one
    /// (see [`WebhookEvent::from_signed_slice`](crate::WebhookEvent::from_signed_slice)).
    #[error("the webhook call is not signed")]
    MissingWebhookSignature,

    /// A webhook call's `X-AT-Signature` is not the HMAC-SHA256 of its body under the
    /// webhook's secret (or is not spelled as hex or base64): forged, altered, or signed with
    /// another secret. The header's value is not kept.
    #[error("the webhook call's signature does not match")]
    BadWebhookSignature,

    /// The Accesstype account key is empty or holds control or whitespace characters.
    #[error("the account key is empty or holds control or whitespace characters")]
    InvalidAccountKey,

    /// A body is larger than [`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES); it was not parsed.
    /// With the `client` feature, only a `2xx` answer's body is read, so only such an answer
    /// gives this error.
    #[error("the body is larger than the {limit} bytes allowed")]
    BodyTooLarge {
        /// The limit it exceeded.
        limit: usize,
    },

    /// A body is not the JSON Accesstype documents. Neither the message nor the error holds
    /// any of the body's text.
    #[error("the {what} body ({len} bytes) does not parse: {reason}")]
    #[non_exhaustive]
    Parse {
        /// What the body should have been, e.g. `access grant`.
        what: &'static str,
        /// What is wrong: not JSON, a repeated member, or not the documented shape.
        reason: &'static str,
        /// The body's length in bytes.
        len: usize,
    },

    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed")]
    Random(#[source] getrandom::Error),

    /// A request to Accesstype failed before a complete answer arrived: connection, TLS,
    /// timeout, or a body that broke off. See [`Error::is_timeout`] and
    /// [`Error::is_connect`]. The source holds no URL (the URL carries the user JWT).
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error("the request to accesstype failed")]
    Transport(#[source] reqwest::Error),

    /// The same as [`Error::Transport`], for one request that concurrent reads of the same
    /// story by the same reader shared (see
    /// [`AccesstypeClient::read_story`](crate::AccesstypeClient::read_story)): each of them gets
    /// this error with the one transport error as its source. The predicates treat both alike.
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error("the request to accesstype failed (one request shared by concurrent reads)")]
    SharedTransport(#[source] Arc<reqwest::Error>),

    /// Accesstype answered with a status the call does not expect: a `401` (API key or
    /// account key refused), a `5xx`, a `3xx` (never followed; see [`Error::is_redirect`]).
    /// Accesstype does not document its error bodies: this crate does not read them, so an
    /// error page of any size keeps its status, and none of its text is kept.
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

    /// The HTTP client followed a redirect. A client given to
    /// [`AccesstypeClientBuilder::http_client`](crate::AccesstypeClientBuilder::http_client)
    /// must be built with `redirect::Policy::none()`: a redirect would carry the API key and
    /// the user JWT to another location.
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error(
        "the http client followed a redirect; requests to accesstype must not follow redirects"
    )]
    RedirectFollowed,

    /// Accesstype granted a story by its meter, but the pingback that counts the read failed
    /// (the source says why), so the story must not be served: otherwise the reader would
    /// read it for free and the meter would never move. See
    /// [`AccesstypeClient::read_story`](crate::AccesstypeClient::read_story).
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error("the story was granted by the meter but the pingback failed, so it is not served")]
    PingbackFailed(#[source] Box<Error>),
}

impl Error {
    /// Whether this error is a refused token: malformed, forged, expired, not yet valid,
    /// issued in the future, wrong algorithm, missing or invalid claims, too large. Treat the
    /// reader as not logged in.
    #[must_use]
    pub fn is_token_rejected(&self) -> bool {
        matches!(
            self,
            Self::TokenTooLarge { .. }
                | Self::Malformed { .. }
                | Self::WrongAlgorithm { .. }
                | Self::BadSignature
                | Self::Expired
                | Self::NotYetValid
                | Self::IssuedInFuture
                | Self::InvalidAudience
                | Self::MissingClaim { .. }
                | Self::InvalidClaim { .. }
        )
    }

    /// Whether the token was refused because its `exp` has passed.
    #[must_use]
    pub fn is_expired(&self) -> bool {
        matches!(self, Self::Expired)
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
    /// Whether a request timed out (connect or total timeout), also inside a failed
    /// pingback.
    #[must_use]
    pub fn is_timeout(&self) -> bool {
        self.transport().is_some_and(reqwest::Error::is_timeout)
    }

    /// Whether the connection to Accesstype could not be established, also for a failed
    /// pingback.
    #[must_use]
    pub fn is_connect(&self) -> bool {
        self.transport().is_some_and(reqwest::Error::is_connect)
    }

    /// Whether Accesstype answered with a redirect (never followed), or a caller's HTTP
    /// client followed one ([`Error::RedirectFollowed`]).
    #[must_use]
    pub fn is_redirect(&self) -> bool {
        match self {
            Self::RedirectFollowed => true,
            Self::UnexpectedStatus { status, .. } => status.is_redirection(),
            Self::PingbackFailed(inner) => inner.is_redirect(),
            _ => false,
        }
    }

    /// The HTTP status Accesstype answered with, when the error came after an answer (also
    /// the pingback's).
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::UnexpectedStatus { status, .. } => Some(*status),
            Self::PingbackFailed(inner) => inner.status(),
            _ => self.transport().and_then(reqwest::Error::status),
        }
    }

    /// Whether this is [`Error::PingbackFailed`]: the story was granted by the meter, and is
    /// not served because the read could not be counted.
    #[must_use]
    pub fn is_pingback_failure(&self) -> bool {
        matches!(self, Self::PingbackFailed(_))
    }

    fn transport(&self) -> Option<&reqwest::Error> {
        match self {
            Self::Transport(error) => Some(error),
            Self::SharedTransport(error) => Some(error),
            Self::PingbackFailed(inner) => inner.transport(),
            _ => None,
        }
    }

    /// This error and `extra` more of the same meaning, for calls that shared one request. A
    /// transport error, which cannot be cloned, becomes [`Error::SharedTransport`] for each
    /// (only when there is someone to share it with).
    pub(crate) fn share(mut self, extra: usize) -> (Self, Vec<Self>) {
        let copies = std::iter::repeat_with(|| self.duplicate())
            .take(extra)
            .collect();
        (self, copies)
    }

    /// A transport error as [`Error::SharedTransport`]; any other error as it is.
    fn into_shared(self) -> Self {
        match self {
            Self::Transport(error) => Self::SharedTransport(Arc::new(error)),
            other => other,
        }
    }

    /// A copy with the same meaning. A transport error, which cannot be cloned, first moves
    /// into an [`Arc`] in place ([`Error::SharedTransport`]), which this error and the copy
    /// then share; a `serde_json` error is rebuilt from its message.
    fn duplicate(&mut self) -> Self {
        match self {
            Self::Transport(_) => {
                // `RedirectFollowed` holds the place only while the error moves into its `Arc`.
                *self = std::mem::replace(self, Self::RedirectFollowed).into_shared();
                self.duplicate()
            }
            Self::SharedTransport(error) => Self::SharedTransport(Arc::clone(error)),
            Self::UnexpectedStatus {
                status,
                content_type,
            } => Self::UnexpectedStatus {
                status: *status,
                content_type: content_type.clone(),
            },
            Self::RedirectFollowed => Self::RedirectFollowed,
            Self::PingbackFailed(inner) => Self::PingbackFailed(Box::new(inner.duplicate())),
            Self::InvalidEmail => Self::InvalidEmail,
            Self::InvalidPhoneNumber => Self::InvalidPhoneNumber,
            Self::NoEmailOrPhoneNumber => Self::NoEmailOrPhoneNumber,
            Self::InvalidUserId => Self::InvalidUserId,
            Self::TokenTooLarge { len, limit } => Self::TokenTooLarge {
                len: *len,
                limit: *limit,
            },
            Self::Malformed { reason } => Self::Malformed { reason },
            Self::WrongAlgorithm { found } => Self::WrongAlgorithm {
                found: found.clone(),
            },
            Self::BadSignature => Self::BadSignature,
            Self::Expired => Self::Expired,
            Self::NotYetValid => Self::NotYetValid,
            Self::IssuedInFuture => Self::IssuedInFuture,
            Self::InvalidAudience => Self::InvalidAudience,
            Self::MissingClaim { claim } => Self::MissingClaim { claim },
            Self::InvalidClaim { claim } => Self::InvalidClaim { claim },
            Self::Signing(error) => {
                Self::Signing(<serde_json::Error as serde::ser::Error>::custom(error))
            }
            Self::SystemClock => Self::SystemClock,
            Self::InvalidTaxonomy(violation) => Self::InvalidTaxonomy(violation.clone()),
            Self::InvalidReaderId => Self::InvalidReaderId,
            Self::DuplicateCookie => Self::DuplicateCookie,
            Self::CookieHeaderTooLarge { len, limit } => Self::CookieHeaderTooLarge {
                len: *len,
                limit: *limit,
            },
            Self::InvalidCookieDomain => Self::InvalidCookieDomain,
            Self::InvalidStoryId => Self::InvalidStoryId,
            Self::InvalidSubscriberIdentity { part } => Self::InvalidSubscriberIdentity { part },
            Self::MissingWebhookSignature => Self::MissingWebhookSignature,
            Self::BadWebhookSignature => Self::BadWebhookSignature,
            Self::InvalidAccountKey => Self::InvalidAccountKey,
            Self::BodyTooLarge { limit } => Self::BodyTooLarge { limit: *limit },
            Self::Parse { what, reason, len } => Self::Parse {
                what,
                reason,
                len: *len,
            },
            Self::Random(error) => Self::Random(*error),
        }
    }
}

/// A configuration that a builder refuses at start-up:
/// [`AccesstypeSignerBuilder::build`](crate::AccesstypeSignerBuilder::build) (or
/// [`AccesstypeSigner::from_env`](crate::AccesstypeSigner::from_env)), and with the `client`
/// feature `AccesstypeClientBuilder::build` (or `AccesstypeClient::from_env`). No message
/// holds a secret, a key or a variable's value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No secret was given.
    #[error("no jwt secret was given")]
    MissingSecret,

    /// The secret (the JWT secret, a webhook's signing secret or secret path) is empty.
    /// Always refused.
    #[error("the secret is empty")]
    EmptySecret,

    /// The secret is shorter than [`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES), the HS256
    /// minimum of RFC 7518 section 3.2, and the caller did not opt in to a shorter one
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
    },

    /// Neither an environment nor a base URL was given.
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error("choose an accesstype environment (production or staging) or a base url")]
    MissingEnvironment,

    /// The base URL is plain `http://` to a host that is not loopback: the API key and the
    /// user JWT would cross the network in clear text.
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

    /// The API key is not printable ASCII without spaces: a stray line break, space or
    /// non-ASCII character usually means a copy-paste slip.
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error("the accesstype api key must be printable ascii without spaces")]
    InvalidApiKey,

    /// A connect timeout was set together with a caller's HTTP client, which owns its connect
    /// timeout.
    #[cfg(feature = "__client")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
    #[error(
        "connect_timeout cannot be applied to a caller-supplied http client; set it on that client"
    )]
    ConnectTimeoutWithHttpClient,

    /// [`cache_grants_for`](crate::AccesstypeClientBuilder::cache_grants_for) is longer than
    /// [`MAX_CACHE_GRANTS_FOR`](crate::MAX_CACHE_GRANTS_FOR), Accesstype's own 3 minutes.
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
    HttpClient(#[source] reqwest::Error),
}

#[cfg(all(test, feature = "__client"))]
mod tests {
    use std::sync::Arc;

    use super::Error;

    /// A real `reqwest::Error`, made without a network.
    fn transport_error() -> Option<reqwest::Error> {
        reqwest::Client::new().get("http://[::1").build().err()
    }

    #[test]
    fn a_transport_error_is_shared_not_rewritten() {
        let mut error = Error::Transport(transport_error().unwrap());
        let copy = error.duplicate();
        let (Error::SharedTransport(first), Error::SharedTransport(second)) = (&error, &copy)
        else {
            panic!("{error:?} and {copy:?}");
        };
        assert!(Arc::ptr_eq(first, second));

        let mut failed =
            Error::PingbackFailed(Box::new(Error::Transport(transport_error().unwrap())));
        let copy = failed.duplicate();
        for error in [&failed, &copy] {
            assert!(
                matches!(error, Error::PingbackFailed(inner) if matches!(**inner, Error::SharedTransport(_))),
                "{error:?}"
            );
        }
    }

    #[test]
    fn sharing_gives_every_caller_the_same_meaning() {
        let (first, copies) = Error::Transport(transport_error().unwrap()).share(3);
        assert_eq!(copies.len(), 3);
        for error in copies.iter().chain([&first]) {
            assert!(matches!(error, Error::SharedTransport(_)), "{error:?}");
        }
        let (alone, none) = Error::Transport(transport_error().unwrap()).share(0);
        assert!(matches!(alone, Error::Transport(_)) && none.is_empty());
        let (first, copies) = Error::RedirectFollowed.share(2);
        for error in copies.iter().chain([&first]) {
            assert!(error.is_redirect(), "{error:?}");
        }
    }
}
