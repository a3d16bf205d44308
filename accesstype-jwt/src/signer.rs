//! [`AccesstypeSigner`]: signs and verifies the Accesstype user JWT (HS256 with the account's
//! shared secret).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use paywall_internal::jws::{self, Hs256Key, JWT_HEADER, JwsError, SIGNATURE_NOT_BASE64URL, Typ};
use serde::Serialize;

use crate::claims::{Clock, unix_now, user_from_payload};
use crate::jwt_error::JwtError;
use crate::user::User;

/// The largest token [`AccesstypeSigner::verify`] parses, in bytes (8 KiB). Larger input is
/// refused with [`JwtError::TokenTooLarge`] before any decoding.
pub const MAX_TOKEN_BYTES: usize = jws::MAX_TOKEN_BYTES;

/// Signs the Accesstype user JWT for a logged-in reader, and verifies one.
///
/// The token is HS256 with the JWT secret of your Accesstype account (Settings > General),
/// its payload the documented one (see [`sign`](Self::sign)). Pass it to Accesstype as the
/// `accesstype_jwt` query parameter (see
/// [`Environment::story_access_url`](crate::Environment::story_access_url)) or as the user
/// context of Accesstype's browser script.
///
/// Build one at start-up and share it: cloning is cheap (an [`Arc`] inside) and the signer is
/// `Send + Sync`.
///
/// ```
/// use accesstype_jwt::{AccesstypeSigner, User};
///
/// let signer = AccesstypeSigner::builder()
///     .secret("the-jwt-secret-from-accesstype-settings")
///     .build()?;
/// let user = User::new("john@example.com", 42).name("John");
/// let jwt = signer.sign(&user)?;
/// assert_eq!(signer.verify(&jwt)?, user);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct AccesstypeSigner {
    inner: Arc<Inner>,
}

struct Inner {
    key: Hs256Key,
    ttl: Option<Duration>,
    leeway: Duration,
}

/// The signed payload: the user's documented fields in the documented order, then the
/// optional registered claims.
#[derive(Serialize)]
struct SignedClaims<'a> {
    #[serde(flatten)]
    user: &'a User,
    #[serde(skip_serializing_if = "Option::is_none")]
    iat: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<u64>,
}

impl AccesstypeSigner {
    /// A signer from its parts; [`AccesstypeSignerBuilder`](crate::AccesstypeSignerBuilder)
    /// checks them first.
    pub(crate) fn from_parts(key: Hs256Key, ttl: Option<Duration>, leeway: Duration) -> Self {
        Self {
            inner: Arc::new(Inner { key, ttl, leeway }),
        }
    }

    /// Signs the user JWT for `user`: HS256, header `{"typ":"JWT","alg":"HS256"}`, payload
    /// `{"email","id","login-phone-number","provider","name"}` in that order (`email`,
    /// `login-phone-number` and `name` left out when absent), then `iat` and `exp` when a
    /// lifetime is configured. An e-mail user's payload is exactly the one Accesstype's
    /// documentation shows, `{"email","id","provider","name"}`.
    ///
    /// The length of `name` is not limited here, but [`verify`](Self::verify) refuses tokens
    /// over [`MAX_TOKEN_BYTES`], and the token travels in a URL query: keep names short.
    ///
    /// # Security
    ///
    /// The token is a bearer credential: whoever holds it is this reader to Accesstype until
    /// it expires (never, without [`ttl`](crate::AccesstypeSignerBuilder::ttl)). It is a plain
    /// `String`, so nothing stops it from being printed: never log it, and keep it out of
    /// error messages, spans, metrics and any URL you log. It goes only into the
    /// `accesstype_jwt` query parameter of requests to Accesstype over HTTPS, as
    /// [`Environment::story_access_url`](crate::Environment::story_access_url) and the
    /// `client` feature's calls put it (or, on a page served over HTTPS to that reader alone,
    /// into the user context of Accesstype's script).
    ///
    /// # Errors
    ///
    /// [`JwtError::NoEmailOrPhoneNumber`] for a user with neither, [`JwtError::InvalidInput`]
    /// for an empty or malformed e-mail address (see [`User::email`]), a phone number that is
    /// not E.164 (see [`User::login_phone_number`]) or an unusable id (see
    /// [`UserId`](crate::UserId)), [`JwtError::SystemClock`] when a lifetime is configured and
    /// the clock reads before 1970.
    pub fn sign(&self, user: &User) -> Result<String, JwtError> {
        user.validate()?;
        let (iat, exp) = match self.inner.ttl {
            None => (None, None),
            Some(ttl) => {
                let now = unix_now()?;
                (Some(now), Some(now.saturating_add(ttl.as_secs())))
            }
        };
        let claims = SignedClaims { user, iat, exp };
        let payload =
            serde_json::to_vec(&claims).map_err(|error| JwtError::Signing(Arc::new(error)))?;
        Ok(jws::sign(&self.inner.key, JWT_HEADER, &payload))
    }

    /// Verifies a user JWT signed with this secret and returns the user it speaks for.
    ///
    /// Checks, in order:
    ///
    /// 1. at most [`MAX_TOKEN_BYTES`];
    /// 2. exactly three parts, each strict unpadded base64url;
    /// 3. the header: a JSON object, no member twice, `alg` exactly `HS256` (every other
    ///    algorithm, `none` included, is refused before any signature work), no `crit`
    ///    (critical extensions, none of which are implemented);
    /// 4. the HMAC-SHA256 signature, compared in constant time;
    /// 5. the payload: a JSON object with no member twice at any depth; no `aud`; `exp` and
    ///    `nbf` when present, with the configured leeway (`exp` is required when a lifetime is
    ///    configured); `iat`, when present, not in the future beyond the leeway; each of them
    ///    a whole number of seconds;
    /// 6. the claims themselves: `id` present, at least one of `email` and
    ///    `login-phone-number`, each well-formed as [`AccesstypeSigner::sign`] requires;
    ///    `provider` absent, `quintype`, `wordpress` or `supertokens`; `name` absent or a
    ///    string (`null` counts as absent). Other claims are ignored.
    ///
    /// # Errors
    ///
    /// Every refusal is an error for which [`JwtError::is_token_rejected`] is true, except
    /// [`JwtError::SystemClock`] when the clock reads before 1970.
    pub fn verify(&self, token: &str) -> Result<User, JwtError> {
        let payload = jws::verify(token, &self.inner.key, Typ::Any).map_err(refused)?;
        let clock = Clock {
            leeway: self.inner.leeway.as_secs(),
            require_exp: self.inner.ttl.is_some(),
        };
        user_from_payload(&payload, clock)
    }

    /// The lifetime of signed tokens, when one is configured.
    #[must_use]
    pub fn ttl(&self) -> Option<Duration> {
        self.inner.ttl
    }

    /// The clock leeway [`verify`](Self::verify) allows.
    #[must_use]
    pub fn leeway(&self) -> Duration {
        self.inner.leeway
    }
}

impl fmt::Debug for AccesstypeSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccesstypeSigner")
            .field("secret", &"[redacted]")
            .field("algorithm", &"HS256")
            .field("ttl", &self.inner.ttl)
            .field("leeway", &self.inner.leeway)
            .finish()
    }
}

/// A token the JWS layer refused, as this crate's error.
fn refused(error: JwsError) -> JwtError {
    match error {
        JwsError::TooLarge { len, limit } => JwtError::TokenTooLarge { len, limit },
        // A signature segment that is not base64url cannot be the tag: forged, as before.
        JwsError::Malformed {
            reason: SIGNATURE_NOT_BASE64URL,
        }
        | JwsError::BadSignature => JwtError::BadSignature,
        JwsError::WrongAlgorithm { found } => JwtError::WrongAlgorithm { found },
        other => JwtError::Malformed {
            reason: other.reason(),
        },
    }
}
