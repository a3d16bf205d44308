//! [`AccesstypeSignerBuilder`]: the signer's configuration, checked once at start-up.

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::error::BuildError;
use crate::signer::AccesstypeSigner;
use paywall_internal::jws::{self, SecretRefused};

/// The shortest secret accepted without
/// [`insecure_allow_short_secret`](AccesstypeSignerBuilder::insecure_allow_short_secret):
/// 32 bytes, the output size of SHA-256 (RFC 7518 section 3.2).
pub const MIN_SECRET_BYTES: usize = jws::MIN_SECRET_BYTES;

/// The clock leeway [`AccesstypeSigner::verify`] allows on `exp`, `nbf` and `iat` unless
/// [`AccesstypeSignerBuilder::leeway`] says otherwise: 30 seconds.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);

/// The largest leeway [`AccesstypeSignerBuilder::leeway`] accepts: 5 minutes. More would keep
/// expired tokens alive.
pub const MAX_LEEWAY: Duration = Duration::from_secs(5 * 60);

/// The longest token lifetime [`AccesstypeSignerBuilder::ttl`] accepts: 366 days.
pub const MAX_TTL: Duration = Duration::from_secs(366 * 24 * 60 * 60);

impl AccesstypeSigner {
    /// Starts configuring a signer.
    pub fn builder() -> AccesstypeSignerBuilder {
        AccesstypeSignerBuilder::default()
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
            leeway: DEFAULT_LEEWAY,
            allow_short_secret: false,
        }
    }
}

impl AccesstypeSignerBuilder {
    /// The JWT secret of your Accesstype account (Settings > General). Required.
    ///
    /// Its UTF-8 bytes are the HMAC key, as the JavaScript libraries Accesstype documents use
    /// a string secret. It must be at least [`MIN_SECRET_BYTES`] long unless
    /// [`insecure_allow_short_secret`](Self::insecure_allow_short_secret) is called.
    pub fn secret(mut self, secret: impl Into<SecretString>) -> Self {
        self.secret = Some(secret.into());
        self
    }

    /// Adds `iat` (now) and `exp` (now + `ttl`, whole seconds) to every signed token, and
    /// makes [`AccesstypeSigner::verify`] require `exp`.
    ///
    /// Without it the payload is exactly the documented one, with no expiry: Accesstype does
    /// not document whether it honours `exp`, so a token that must stop working should also
    /// be kept short-lived on your side. At least one second, at most [`MAX_TTL`].
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// The clock leeway [`AccesstypeSigner::verify`] allows on `exp`, `nbf` and `iat`, in
    /// whole seconds. Default [`DEFAULT_LEEWAY`] (30 s); more than [`MAX_LEEWAY`] (5 min) is
    /// refused by [`build`](Self::build) rather than silently lowered.
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Accepts a secret shorter than [`MIN_SECRET_BYTES`].
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
    /// # Errors
    ///
    /// [`BuildError::MissingSecret`], [`BuildError::EmptySecret`],
    /// [`BuildError::ShortSecret`], [`BuildError::ZeroDuration`] (a zero `ttl`),
    /// [`BuildError::InvalidTtl`] or [`BuildError::LeewayTooLarge`].
    pub fn build(self) -> Result<AccesstypeSigner, BuildError> {
        let secret = self.secret.ok_or(BuildError::MissingSecret)?;
        let key = jws::secret_key(secret.expose_secret().as_bytes(), self.allow_short_secret)
            .map_err(secret_error)?;
        match self.ttl {
            Some(ttl) if ttl.is_zero() => return Err(BuildError::ZeroDuration { what: "ttl" }),
            Some(ttl) if ttl < Duration::from_secs(1) || ttl > MAX_TTL => {
                return Err(BuildError::InvalidTtl);
            }
            _ => {}
        }
        if self.leeway > MAX_LEEWAY {
            return Err(BuildError::LeewayTooLarge {
                leeway: self.leeway,
                max: MAX_LEEWAY,
            });
        }
        Ok(AccesstypeSigner::from_parts(key, self.ttl, self.leeway))
    }
}

/// The family's key rule's refusal (for the JWT secret and the webhook keys) in this crate's
/// words: a function, not a `From` impl, so that no internal type enters the public API.
pub(crate) fn secret_error(refused: SecretRefused) -> BuildError {
    match refused {
        SecretRefused::Empty => BuildError::EmptySecret,
        SecretRefused::Short { len, min } => BuildError::ShortSecret { len, min },
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
