//! What can go wrong: [`Error`] when verifying, [`BuildError`] when configuring.

use std::sync::Arc;
use std::time::Duration;

use paywall_internal::jws::JwsError;

/// A `T_ID` cookie or token that did not prove an active or inactive Payway session.
///
/// Whatever the variant, the reader must be treated as anonymous: an `Err` is never access.
/// Messages never contain the client secret, the token, the cookie or a session id; the
/// variants name the check that failed so that logs and metrics can tell an expired cookie
/// (normal, the reader should refresh the session) from a forged one (worth an alert).
///
/// ```
/// # fn check(verifier: &tulo_jwt::TuloVerifier, cookie_header: &str) {
/// use tulo_jwt::{Error, SessionState};
///
/// match verifier.verify_cookie_header(cookie_header) {
///     Ok(SessionState::Active(session)) => { /* logged in as session.account_id() */ }
///     Ok(_) => { /* Payway says: no session */ }
///     Err(error) if error.is_missing_cookie() => { /* the JS-API has not run yet */ }
///     Err(Error::BadSignature | Error::WrongAlgorithm { .. }) => { /* forged or wrong secret: alert */ }
///     Err(error) => { /* anonymous; log `error` */ }
/// }
/// # }
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The cookie value or token was longer than
    /// [`MAX_TOKEN_BYTES`](crate::MAX_TOKEN_BYTES) and was refused before any parsing.
    #[error("token is {len} bytes, more than the {limit} accepted")]
    TokenTooLarge {
        /// The length of the cookie value or token, in bytes.
        len: usize,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The `Cookie` header (all of a request's `Cookie` headers together) was longer than
    /// [`MAX_COOKIE_HEADER_BYTES`](crate::MAX_COOKIE_HEADER_BYTES) and was not scanned.
    #[error("cookie header is {len} bytes, more than the {limit} scanned")]
    CookieHeaderTooLarge {
        /// The length of the header, in bytes.
        len: usize,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The `Cookie` header has no `T_ID` cookie: the reader's browser has not run the JS-API's
    /// session call on this site yet.
    #[error("the cookie header has no T_ID cookie")]
    MissingCookie,
    /// The `Cookie` header has more than one `T_ID` cookie (set for different domains or
    /// paths, or planted by a sibling subdomain); none of them is trusted.
    #[error("the cookie header has more than one T_ID cookie")]
    DuplicateCookie,
    /// The cookie value is not the JS-API's JSON object with one string `signature` member,
    /// raw or URL-encoded: not JSON, not an object, a member name repeated at any depth, or
    /// no `signature`.
    #[error("malformed T_ID cookie: {reason}")]
    MalformedCookie {
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// The token is not a well-formed compact JWS with JSON header and claims, or its header
    /// or claims repeat a member name at any depth.
    #[error("malformed token: {reason}")]
    MalformedToken {
        /// What is wrong, in words.
        reason: &'static str,
        /// serde_json's report, when the claims are not JSON it reads: a syntax error, a number
        /// no double can hold, or a member without an accessor nested deeper than a
        /// `serde_json::Value` is built (128 levels). It quotes no text of the token. Shared,
        /// so that the error clones.
        #[source]
        source: Option<Arc<serde_json::Error>>,
    },
    /// The token's header names an algorithm other than `HS256` (including `none` in any
    /// case), or none at all. Refused before any signature work.
    #[error("token algorithm {} is not HS256", found.as_deref().unwrap_or("(missing)"))]
    WrongAlgorithm {
        /// The `alg` the header named, when it was a short printable string; longer or
        /// unprintable values are left out.
        found: Option<String>,
    },
    /// The HS256 signature does not match the token under the client secret: the token was
    /// changed, forged, or signed for another client.
    #[error("token signature does not match")]
    BadSignature,
    /// `exp` is in the past, beyond the leeway.
    #[error("token expired")]
    Expired,
    /// `nbf` is in the future, beyond the leeway.
    #[error("token not valid yet")]
    NotYetValid,
    /// `iat` is in the future, beyond the leeway.
    #[error("token issued in the future")]
    IssuedInFuture,
    /// `iat` is older than the configured
    /// [`max_age`](crate::TuloVerifierBuilder::max_age), beyond the leeway.
    #[error("token older than the accepted maximum age")]
    TooOld,
    /// `iss` is not [`ISSUER`](crate::ISSUER).
    #[error("token issuer is not Tulo")]
    WrongIssuer,
    /// `aud` is not the configured redirect URI.
    #[error("token audience is not this site's redirect URI")]
    WrongAudience,
    /// A claim the token must carry is absent: `iat` and `session.active` always; `exp`,
    /// `nbf`, `iss`, `aud`, `prn` and `session.id` for an active session.
    #[error("token has no `{claim}` claim")]
    MissingClaim {
        /// The claim's name; members of the `session` object are written `session.<name>`.
        claim: &'static str,
    },
    /// A claim has the wrong JSON type (a string `exp`, a numeric `session.active`, ...).
    /// Wrong types are never skipped.
    #[error("token claim `{claim}` is not {expected}")]
    InvalidClaim {
        /// The claim's name; members of the `session` object are written `session.<name>`.
        claim: &'static str,
        /// What the claim must be, in words.
        expected: &'static str,
    },
    /// The active session's `prn` (the principal) is neither its `session.id` (the account
    /// id) nor its `session.contact_email`.
    #[error("token principal is neither the session's account id nor its e-mail")]
    PrincipalMismatch,
    /// The system clock reads a time before 1970, so no time claim can be checked.
    #[error("the system clock is before the unix epoch")]
    ClockBeforeUnixEpoch,
}

impl Error {
    /// Whether the `Cookie` header had no `T_ID` cookie at all: the ordinary state of a reader
    /// whose browser has not run the JS-API on this site yet.
    #[must_use]
    pub fn is_missing_cookie(&self) -> bool {
        matches!(self, Self::MissingCookie)
    }

    /// Whether the token was genuine but is out of date (`exp` passed, or older than
    /// `max_age`): the page should let the JS-API refresh the cookie.
    #[must_use]
    pub fn is_expired(&self) -> bool {
        matches!(self, Self::Expired | Self::TooOld)
    }

    /// Whether the input could not even be read as a cookie or token (too large, not JSON,
    /// not a JWS, repeated cookie).
    #[must_use]
    pub fn is_malformed(&self) -> bool {
        matches!(
            self,
            Self::TokenTooLarge { .. }
                | Self::CookieHeaderTooLarge { .. }
                | Self::DuplicateCookie
                | Self::MalformedCookie { .. }
                | Self::MalformedToken { .. }
        )
    }
}

/// The verifier's configuration was refused by
/// [`TuloVerifierBuilder::build`](crate::TuloVerifierBuilder::build) or
/// [`TuloVerifier::from_env`](crate::TuloVerifier::from_env).
///
/// Messages never contain the client secret.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No client id was given.
    #[error("client id is missing")]
    MissingClientId,
    /// The client id is empty, too long, or has whitespace or control characters.
    #[error("client id is invalid: {reason}")]
    InvalidClientId {
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// No client secret was given.
    #[error("client secret is missing")]
    MissingClientSecret,
    /// The client secret is empty. Always refused.
    #[error("client secret is empty")]
    EmptyClientSecret,
    /// The client secret is shorter than [`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES) and
    /// [`insecure_allow_short_secret`](crate::TuloVerifierBuilder::insecure_allow_short_secret)
    /// was not called (RFC 7518 §3.2).
    #[error("client secret is {len} bytes, shorter than the {min} required")]
    ShortSecret {
        /// The secret's length, in bytes.
        len: usize,
        /// The minimum length, in bytes.
        min: usize,
    },
    /// The client secret starts or ends with whitespace, the usual trace of a copied line
    /// ending; Payway's secrets never do, and such a key would reject every cookie.
    #[error("client secret starts or ends with whitespace")]
    ClientSecretWhitespace,
    /// No redirect URI was given.
    #[error("redirect uri is missing")]
    MissingRedirectUri,
    /// The redirect URI is not an absolute `http(s)://` URI without whitespace or control
    /// characters.
    #[error("redirect uri is invalid: {reason}")]
    InvalidRedirectUri {
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// The leeway is over [`MAX_LEEWAY`](crate::MAX_LEEWAY).
    #[error("leeway of {leeway:?} is more than the {max:?} accepted")]
    LeewayTooLarge {
        /// The leeway that was asked for.
        leeway: Duration,
        /// The largest leeway accepted.
        max: Duration,
    },
    /// A duration that must be positive is zero (`max_age`: no token could meet it).
    #[error("{what} must be greater than zero")]
    ZeroDuration {
        /// The setting, spelled like its builder method.
        what: &'static str,
    },
    /// An environment variable [`TuloVerifier::from_env`](crate::TuloVerifier::from_env)
    /// needs is not set, or is empty.
    #[error("environment variable {name} is not set")]
    MissingEnvVar {
        /// The variable's name.
        name: &'static str,
    },
    /// An environment variable [`TuloVerifier::from_env`](crate::TuloVerifier::from_env)
    /// reads is set but unusable (not Unicode). Its value is never kept: it may be the
    /// secret.
    #[error("environment variable {name} is unusable: {reason}")]
    InvalidEnvVar {
        /// The variable's name.
        name: &'static str,
        /// What is wrong, in words.
        reason: &'static str,
    },
}

/// The shared JWS layer's refusal in this crate's words. (A function, not a `From` impl: the
/// internal crate's types stay out of the public API.)
pub(crate) fn from_jws(error: JwsError) -> Error {
    match error {
        JwsError::TooLarge { len, limit } => Error::TokenTooLarge { len, limit },
        JwsError::WrongAlgorithm { found } => Error::WrongAlgorithm { found },
        JwsError::BadSignature => Error::BadSignature,
        other => Error::MalformedToken {
            reason: other.reason(),
            source: None,
        },
    }
}

paywall_internal::env_error_fn!(fn from_env -> BuildError);
