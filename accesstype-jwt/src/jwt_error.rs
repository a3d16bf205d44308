//! [`JwtError`]: why a user JWT could not be signed, or was refused.

use std::sync::Arc;

/// Why [`AccesstypeSigner::sign`](crate::AccesstypeSigner::sign) could not sign a user JWT,
/// or [`AccesstypeSigner::verify`](crate::AccesstypeSigner::verify) refused one.
///
/// Messages start lowercase, name what was wrong and never contain the secret, the token or
/// a claim's value. Every verification failure means the same thing to a paywall: treat the
/// reader as not logged in; [`JwtError::is_token_rejected`] says whether an error is one of
/// those. `?` turns it into an [`Error`](crate::Error) ([`Error::Jwt`](crate::Error::Jwt)).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum JwtError {
    /// A part of the user to sign was refused before signing: `what` is `"e-mail address"`,
    /// `"phone number"` or `"user id"` (their rules: [`User::email`](crate::User::email),
    /// [`User::login_phone_number`](crate::User::login_phone_number),
    /// [`UserId`](crate::UserId)); `reason` says why, never quoting the value.
    #[error("invalid {what}: {reason}")]
    InvalidInput {
        /// Which part of the user.
        what: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// The user has neither an e-mail address nor a login phone number: Accesstype needs one
    /// of them to know the reader.
    #[error("the user has neither an e-mail address nor a login phone number")]
    NoEmailOrPhoneNumber,

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
    Signing(#[source] Arc<serde_json::Error>),

    /// The system clock reads a time before 1970, so `iat`, `exp` and `nbf` cannot be used.
    #[error("the system clock is set before 1970")]
    SystemClock,
}

impl JwtError {
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
}
