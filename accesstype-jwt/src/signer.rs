//! [`AccesstypeSigner`]: signs and verifies the Accesstype user JWT (HS256 with the account's
//! shared secret).

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::user::is_valid_email;
use crate::{BuildError, Error, Provider, User, UserId};

/// The largest token [`AccesstypeSigner::verify`] parses, in bytes (8 KiB). Larger input is
/// refused with [`Error::TokenTooLarge`] before any decoding.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// Signs the Accesstype user JWT for a logged-in reader, and verifies one.
///
/// The token is HS256 with the JWT secret of your Accesstype account (Settings > General), the
/// payload exactly the documented `{email, id, provider, name}`; `iat` and `exp` are added only
/// when a lifetime is configured with [`AccesstypeSignerBuilder::ttl`]. Pass the token to
/// Accesstype as the `accesstype_jwt` query parameter (see
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

/// The header segment of every token: `{"typ":"JWT","alg":"HS256"}`, base64url-encoded, as
/// `jsonwebtoken::encode` writes it (a unit test holds the two together).
const HEADER_SEGMENT: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9";

struct Inner {
    encoding_key: EncodingKey,
    decoding_key: DecodingKey,
    /// HS256 only, the leeway, `exp` required when `ttl` is set.
    validation: Validation,
    ttl: Option<Duration>,
}

/// The signed payload: the documented fields in the documented order, then the optional
/// registered claims.
#[derive(Serialize)]
struct SignedClaims<'a> {
    email: &'a str,
    id: &'a UserId,
    provider: Provider,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    iat: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<u64>,
}

impl AccesstypeSigner {
    /// The environment variable [`AccesstypeSigner::from_env`] reads the secret from.
    pub const SECRET_ENV: &'static str = "ACCESSTYPE_JWT_SECRET";

    /// The optional environment variable [`AccesstypeSigner::from_env`] reads the token
    /// lifetime from, in whole seconds.
    pub const TTL_ENV: &'static str = "ACCESSTYPE_JWT_TTL_SECS";

    /// Starts configuring a signer.
    pub fn builder() -> AccesstypeSignerBuilder {
        AccesstypeSignerBuilder::default()
    }

    /// A signer configured from the environment: the secret from `ACCESSTYPE_JWT_SECRET`
    /// (required, at least 32 bytes) and, when set, the token lifetime in seconds from
    /// `ACCESSTYPE_JWT_TTL_SECS`.
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingEnvVar`] when the secret is not set, [`BuildError::InvalidEnvVar`]
    /// when a variable is not Unicode or the lifetime is not a whole number, and every error
    /// of [`AccesstypeSignerBuilder::build`].
    pub fn from_env() -> Result<Self, BuildError> {
        let secret = read_env(Self::SECRET_ENV)?.ok_or(BuildError::MissingEnvVar {
            name: Self::SECRET_ENV,
        })?;
        let mut builder = Self::builder().secret(secret);
        if let Some(ttl) = read_env(Self::TTL_ENV)? {
            let seconds = ttl
                .trim()
                .parse::<u64>()
                .map_err(|_| BuildError::InvalidEnvVar {
                    name: Self::TTL_ENV,
                })?;
            builder = builder.ttl(Duration::from_secs(seconds));
        }
        builder.build()
    }

    /// Signs the user JWT for `user`: HS256, header `{"typ":"JWT","alg":"HS256"}`, payload
    /// `{"email","id","provider","name"}` in that order (`name` left out when absent), then
    /// `iat` and `exp` when a lifetime is configured.
    ///
    /// The length of `name` is not limited here, but [`verify`](Self::verify) refuses tokens
    /// over [`MAX_TOKEN_BYTES`], and the token travels in a URL query: keep names short.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEmail`] for an empty or malformed e-mail address,
    /// [`Error::InvalidUserId`] for an unusable id (see [`UserId`]), [`Error::SystemClock`]
    /// when a lifetime is configured and the clock reads before 1970, [`Error::Signing`] if
    /// jsonwebtoken fails.
    pub fn sign(&self, user: &User) -> Result<String, Error> {
        user.validate()?;
        let (iat, exp) = match self.inner.ttl {
            None => (None, None),
            Some(ttl) => {
                let now = unix_now()?;
                (Some(now), Some(now.saturating_add(ttl.as_secs())))
            }
        };
        let claims = SignedClaims {
            email: &user.email,
            id: &user.id,
            provider: user.provider,
            name: user.name.as_deref(),
            iat,
            exp,
        };
        // What `jsonwebtoken::encode` does, minus serialising and encoding the constant header
        // on every call; the HMAC is still jsonwebtoken's.
        let payload = serde_json::to_vec(&claims).map_err(|e| Error::Signing(e.into()))?;
        let mut token = String::with_capacity(HEADER_SEGMENT.len() + payload.len() * 4 / 3 + 48);
        token.push_str(HEADER_SEGMENT);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&payload, &mut token);
        let signature = jsonwebtoken::crypto::sign(
            token.as_bytes(),
            &self.inner.encoding_key,
            Algorithm::HS256,
        )
        .map_err(Error::Signing)?;
        token.push('.');
        token.push_str(&signature);
        Ok(token)
    }

    /// Verifies a user JWT signed with this secret and returns the user it speaks for.
    ///
    /// Checks, in order: at most [`MAX_TOKEN_BYTES`]; the header's `alg` is HS256 (every other
    /// algorithm, `none` included, is refused); the signature; `exp` and `nbf` when present,
    /// with the configured leeway (`exp` is required when a lifetime is configured); no `aud`
    /// claim; no `crit` header (critical extensions, none of which are implemented); then the
    /// claims themselves: `email` and `id` present and well-formed as
    /// [`AccesstypeSigner::sign`] requires, `provider` absent, `quintype` or `wordpress`,
    /// `name` absent or a string (`null` counts as absent). A claim given twice makes the
    /// token malformed; other claims are ignored.
    ///
    /// # Errors
    ///
    /// Every refusal is an error for which [`Error::is_token_rejected`] is true, except
    /// [`Error::SystemClock`] when the clock reads before 1970.
    pub fn verify(&self, token: &str) -> Result<User, Error> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(Error::TokenTooLarge {
                len: token.len(),
                max: MAX_TOKEN_BYTES,
            });
        }
        // jsonwebtoken panics on a clock before 1970 when it checks `exp`; refuse first.
        unix_now()?;
        let data = jsonwebtoken::decode::<UnverifiedClaims>(
            token,
            &self.inner.decoding_key,
            &self.inner.validation,
        )
        .map_err(verification_error)?;
        // RFC 7515 section 4.1.11: a token whose header names critical extensions must be
        // refused by a verifier that does not implement them, and this one implements none.
        if data.header.crit.is_some() {
            return Err(Error::Malformed(ErrorKind::InvalidToken.into()));
        }
        user_from_claims(data.claims)
    }
}

impl fmt::Debug for AccesstypeSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccesstypeSigner")
            .field("secret", &"[redacted]")
            .field("algorithm", &Algorithm::HS256)
            .field("ttl", &self.inner.ttl)
            .field("leeway", &Duration::from_secs(self.inner.validation.leeway))
            .finish()
    }
}

/// Configures an [`AccesstypeSigner`]; see [`AccesstypeSigner::builder`].
///
/// [`build`](AccesstypeSignerBuilder::build) checks everything, so a bad configuration is
/// found at start-up.
#[derive(Clone)]
#[must_use]
pub struct AccesstypeSignerBuilder {
    secret: Option<SecretString>,
    ttl: Option<Duration>,
    leeway: Duration,
    allow_short_secret: bool,
}

impl Default for AccesstypeSignerBuilder {
    fn default() -> Self {
        Self {
            secret: None,
            ttl: None,
            leeway: Self::DEFAULT_LEEWAY,
            allow_short_secret: false,
        }
    }
}

impl AccesstypeSignerBuilder {
    /// The shortest secret accepted without
    /// [`insecure_allow_short_secret`](Self::insecure_allow_short_secret): 32 bytes, the
    /// output size of SHA-256 (RFC 7518 section 3.2).
    pub const MIN_SECRET_BYTES: usize = 32;

    /// The longest token lifetime [`ttl`](Self::ttl) accepts: 366 days.
    pub const MAX_TTL: Duration = Duration::from_secs(366 * 24 * 60 * 60);

    /// The clock leeway applied to `exp` and `nbf` unless [`leeway`](Self::leeway) is called:
    /// 30 seconds.
    pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);

    /// The largest leeway [`leeway`](Self::leeway) accepts: 5 minutes.
    pub const MAX_LEEWAY: Duration = Duration::from_secs(5 * 60);

    /// The JWT secret of your Accesstype account (Settings > General). Required.
    ///
    /// Its UTF-8 bytes are the HMAC key, as the JavaScript libraries Accesstype documents use
    /// a string secret. It must be at least [`MIN_SECRET_BYTES`](Self::MIN_SECRET_BYTES) long
    /// unless [`insecure_allow_short_secret`](Self::insecure_allow_short_secret) is called.
    pub fn secret(mut self, secret: impl Into<SecretString>) -> Self {
        self.secret = Some(secret.into());
        self
    }

    /// Adds `iat` (now) and `exp` (now + `ttl`, whole seconds) to every signed token, and
    /// makes [`AccesstypeSigner::verify`] require `exp`.
    ///
    /// Without it the payload is exactly the documented one, with no expiry: Accesstype does
    /// not document whether it honours `exp`, so a token that must stop working should also
    /// be kept short-lived on your side. At least one second, at most
    /// [`MAX_TTL`](Self::MAX_TTL).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// The clock leeway [`AccesstypeSigner::verify`] allows on `exp` and `nbf`, in whole
    /// seconds. Default [`DEFAULT_LEEWAY`](Self::DEFAULT_LEEWAY), at most
    /// [`MAX_LEEWAY`](Self::MAX_LEEWAY).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Accepts a secret shorter than [`MIN_SECRET_BYTES`](Self::MIN_SECRET_BYTES).
    ///
    /// **Weaker.** An HS256 key shorter than the hash output can be brute-forced more easily
    /// (RFC 7518 section 3.2), and anyone who finds it can sign tokens for any reader. Use
    /// this only when Accesstype issued a shorter secret that you cannot replace. An empty
    /// secret is refused even so.
    pub fn insecure_allow_short_secret(mut self) -> Self {
        self.allow_short_secret = true;
        self
    }

    /// Checks the configuration and builds the signer.
    ///
    /// Also installs jsonwebtoken's aws-lc-rs crypto provider as the process default (if
    /// another was installed first, that one stays), so that an application which also
    /// enables jsonwebtoken's `rust_crypto` feature cannot make signing panic.
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingSecret`], [`BuildError::EmptySecret`],
    /// [`BuildError::ShortSecret`], [`BuildError::InvalidTtl`] or
    /// [`BuildError::InvalidLeeway`].
    pub fn build(self) -> Result<AccesstypeSigner, BuildError> {
        let secret = self.secret.ok_or(BuildError::MissingSecret)?;
        let key = secret.expose_secret().as_bytes();
        if key.is_empty() {
            return Err(BuildError::EmptySecret);
        }
        if key.len() < Self::MIN_SECRET_BYTES && !self.allow_short_secret {
            return Err(BuildError::ShortSecret {
                len: key.len(),
                min: Self::MIN_SECRET_BYTES,
            });
        }
        if let Some(ttl) = self.ttl
            && (ttl < Duration::from_secs(1) || ttl > Self::MAX_TTL)
        {
            return Err(BuildError::InvalidTtl);
        }
        if self.leeway > Self::MAX_LEEWAY {
            return Err(BuildError::InvalidLeeway);
        }

        // An `Err` only means a provider is already installed, which is all we need.
        let _already_installed = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();

        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = self.leeway.as_secs();
        validation.validate_exp = true;
        validation.validate_nbf = true;
        // No audience is configured, so any token that carries `aud` is refused.
        validation.validate_aud = true;
        validation.required_spec_claims = if self.ttl.is_some() {
            HashSet::from(["exp".to_owned()])
        } else {
            HashSet::new()
        };

        Ok(AccesstypeSigner {
            inner: Arc::new(Inner {
                encoding_key: EncodingKey::from_secret(key),
                decoding_key: DecodingKey::from_secret(key),
                validation,
                ttl: self.ttl,
            }),
        })
    }
}

impl fmt::Debug for AccesstypeSignerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccesstypeSignerBuilder")
            .field("secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .field("ttl", &self.ttl)
            .field("leeway", &self.leeway)
            .field("allow_short_secret", &self.allow_short_secret)
            .finish()
    }
}

fn read_env(name: &'static str) -> Result<Option<String>, BuildError> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(BuildError::InvalidEnvVar { name }),
    }
}

fn unix_now() -> Result<u64, Error> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .map_err(|_| Error::SystemClock)
}

fn verification_error(error: jsonwebtoken::errors::Error) -> Error {
    match error.kind() {
        ErrorKind::InvalidSignature => Error::InvalidSignature,
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => Error::InvalidAlgorithm,
        ErrorKind::ExpiredSignature => Error::Expired,
        ErrorKind::ImmatureSignature => Error::NotYetValid,
        ErrorKind::InvalidAudience => Error::InvalidAudience,
        ErrorKind::MissingRequiredClaim(claim) => Error::MissingClaim {
            claim: claim.clone(),
        },
        ErrorKind::InvalidClaimFormat(claim) => Error::InvalidClaim {
            claim: claim.clone(),
        },
        _ => Error::Malformed(error),
    }
}

/// The claims of a signature-checked token, before they are held to what `sign` produces.
/// Everything is a loose JSON value so that a wrong type is reported per claim; other claims
/// are skipped.
#[derive(Deserialize)]
struct UnverifiedClaims {
    email: Option<Value>,
    id: Option<Value>,
    provider: Option<Value>,
    name: Option<Value>,
}

/// Reads the user out of verified claims, holding them to what `sign` would have produced.
fn user_from_claims(claims: UnverifiedClaims) -> Result<User, Error> {
    let email = match claims.email {
        None => return Err(missing("email")),
        Some(Value::String(email)) if is_valid_email(&email) => email,
        Some(_) => return Err(invalid("email")),
    };
    let id = match claims.id {
        None => return Err(missing("id")),
        Some(Value::Number(number)) => match number.as_u64() {
            Some(id) => UserId::Number(id),
            None => return Err(invalid("id")),
        },
        Some(Value::String(text)) => UserId::Text(text),
        Some(_) => return Err(invalid("id")),
    };
    let provider = match claims.provider {
        None => Provider::default(),
        Some(Value::String(name)) => match name.as_str() {
            "quintype" => Provider::Quintype,
            "wordpress" => Provider::Wordpress,
            _ => return Err(invalid("provider")),
        },
        Some(_) => return Err(invalid("provider")),
    };
    let name = match claims.name {
        None => None,
        Some(Value::String(name)) => Some(name),
        Some(_) => return Err(invalid("name")),
    };
    let user = User {
        email,
        id,
        provider,
        name,
    };
    // The e-mail address was checked above, so what is left to refuse is the id (empty,
    // too long, control characters, or beyond a JavaScript number's exact range).
    user.validate().map_err(|_| invalid("id"))?;
    Ok(user)
}

fn missing(claim: &str) -> Error {
    Error::MissingClaim {
        claim: claim.to_owned(),
    }
}

fn invalid(claim: &str) -> Error {
    Error::InvalidClaim {
        claim: claim.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_segment_is_the_one_jsonwebtoken_writes() {
        let header = serde_json::to_vec(&jsonwebtoken::Header::new(Algorithm::HS256)).unwrap();
        assert_eq!(header, br#"{"typ":"JWT","alg":"HS256"}"#);
        assert_eq!(URL_SAFE_NO_PAD.encode(header), HEADER_SEGMENT);
    }
}
