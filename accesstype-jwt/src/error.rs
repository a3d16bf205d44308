//! The crate's two error types: [`Error`] for everything a call can refuse, [`BuildError`] for
//! a configuration that [`AccesstypeSignerBuilder::build`](crate::AccesstypeSignerBuilder::build)
//! refuses at start-up.

use crate::violation::TaxonomyViolation;

/// Everything a call of this crate can refuse.
///
/// Messages start lowercase, name what was wrong and never contain the secret, the token, a
/// claim's value or a body's text. Underlying errors are kept as
/// [`source`](std::error::Error::source) where they carry no such text.
///
/// Every verification failure means the same thing to a paywall: treat the reader as not
/// logged in. [`Error::is_token_rejected`] says whether an error is one of those.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The user's e-mail address is empty or malformed (see [`User::email`](crate::User::email)).
    #[error("the user's e-mail address is empty or malformed")]
    InvalidEmail,

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
    /// and a JSON object, it repeats a member name, its header has no `alg`, or it lists
    /// critical extensions (`crit`), none of which this crate implements.
    #[error("the token is malformed: {reason}")]
    Malformed {
        /// What is wrong, in words that hold nothing of the token.
        reason: &'static str,
    },

    /// The token's header names an algorithm other than exactly `HS256` (`none` included).
    #[error("the token is not signed with hs256")]
    InvalidAlgorithm,

    /// The signature does not match: the token was forged, altered or signed with another
    /// secret.
    #[error("the token's signature does not match")]
    InvalidSignature,

    /// The token's `exp` is in the past (beyond the leeway).
    #[error("the token has expired")]
    Expired,

    /// The token's `nbf` or `iat` is in the future (beyond the leeway).
    #[error("the token is not valid yet")]
    NotYetValid,

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

    /// The Accesstype account key is empty or holds control characters.
    #[error("the account key is empty or holds control characters")]
    InvalidAccountKey,

    /// A body is larger than [`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES); it was not parsed.
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
}

impl Error {
    /// Whether this error is a refused token: malformed, forged, expired, not yet valid, wrong
    /// algorithm, missing or invalid claims, too large. Treat the reader as not logged in.
    #[must_use]
    pub fn is_token_rejected(&self) -> bool {
        matches!(
            self,
            Self::TokenTooLarge { .. }
                | Self::Malformed { .. }
                | Self::InvalidAlgorithm
                | Self::InvalidSignature
                | Self::Expired
                | Self::NotYetValid
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

/// A signer configuration that [`AccesstypeSignerBuilder::build`](crate::AccesstypeSignerBuilder::build)
/// (or [`AccesstypeSigner::from_env`](crate::AccesstypeSigner::from_env)) refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No secret was given.
    #[error("no jwt secret was given")]
    MissingSecret,

    /// The secret is empty. Always refused.
    #[error("the jwt secret is empty")]
    EmptySecret,

    /// The secret is shorter than [`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES), the HS256
    /// minimum of RFC 7518 section 3.2, and
    /// [`insecure_allow_short_secret`](crate::AccesstypeSignerBuilder::insecure_allow_short_secret)
    /// was not called.
    #[error("the jwt secret is {len} bytes, shorter than the {min} bytes hs256 needs")]
    ShortSecret {
        /// The secret's length in bytes.
        len: usize,
        /// The minimum length.
        min: usize,
    },

    /// A duration that must be positive is zero.
    #[error("the {what} must not be zero")]
    ZeroDuration {
        /// Which duration: `ttl`.
        what: &'static str,
    },

    /// The token lifetime is under one second or over
    /// [`MAX_TTL`](crate::AccesstypeSignerBuilder::MAX_TTL).
    #[error("the token lifetime must be between one second and one year")]
    InvalidTtl,

    /// The leeway is over [`MAX_LEEWAY`](crate::AccesstypeSignerBuilder::MAX_LEEWAY).
    #[error("the clock leeway must be at most five minutes")]
    InvalidLeeway,

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
}
