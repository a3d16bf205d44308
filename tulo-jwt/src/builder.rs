//! [`TuloVerifierBuilder`]: the verifier's configuration, checked once at start-up.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use paywall_internal::jws::{self, SecretRefused};
use secrecy::{ExposeSecret, SecretString};

use crate::error::BuildError;
use crate::verifier::{Inner, TuloVerifier};

/// The default clock-skew allowance for `exp`, `nbf` and `iat`: 30 seconds.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);

/// The largest leeway [`TuloVerifierBuilder::leeway`] accepts: 5 minutes, the whole lifetime
/// Payway gives a token (`exp = iat + 300`). More would keep expired sessions alive.
pub const MAX_LEEWAY: Duration = Duration::from_secs(300);

/// The shortest client secret accepted without
/// [`TuloVerifierBuilder::insecure_allow_short_secret`]: 32 bytes, the HS256 key size
/// RFC 7518 §3.2 requires.
pub const MIN_SECRET_BYTES: usize = jws::MIN_SECRET_BYTES;

/// Longest client id accepted (Payway's are 24 hex digits).
const MAX_CLIENT_ID_LEN: usize = 256;

/// Longest redirect URI accepted.
const MAX_REDIRECT_URI_LEN: usize = 2048;

impl TuloVerifier {
    /// Starts the configuration; see [`TuloVerifierBuilder`].
    pub fn builder() -> TuloVerifierBuilder {
        TuloVerifierBuilder::new()
    }
}

/// Configures a [`TuloVerifier`]; [`build`](Self::build) checks everything.
///
/// Payway delivers the three required values together for each API user: the client id,
/// the client secret and the redirect URI (which Payway signs into every token as `aud`).
///
/// ```
/// use std::time::Duration;
/// use tulo_jwt::TuloVerifier;
///
/// let verifier = TuloVerifier::builder()
///     .client_id("52753620400e063f79000001")
///     .client_secret("a-client-secret-of-at-least-32-bytes!!")
///     .redirect_uri("https://news.example.com/forward")
///     .leeway(Duration::from_secs(10))
///     .max_age(Duration::from_secs(600))
///     .build()?;
/// # Ok::<(), tulo_jwt::BuildError>(())
/// ```
#[must_use = "a builder does nothing until `build()` is called"]
pub struct TuloVerifierBuilder {
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    redirect_uri: Option<String>,
    leeway: Duration,
    max_age: Option<Duration>,
    allow_short_secret: bool,
}

impl Default for TuloVerifierBuilder {
    fn default() -> Self {
        Self {
            client_id: None,
            client_secret: None,
            redirect_uri: None,
            leeway: DEFAULT_LEEWAY,
            max_age: None,
            allow_short_secret: false,
        }
    }
}

impl fmt::Debug for TuloVerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TuloVerifierBuilder")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("redirect_uri", &self.redirect_uri)
            .field("leeway", &self.leeway)
            .field("max_age", &self.max_age)
            .field("allow_short_secret", &self.allow_short_secret)
            .finish()
    }
}

impl TuloVerifierBuilder {
    /// A builder with the defaults: 30 s leeway, no maximum age, secrets of at least 32 bytes.
    pub fn new() -> Self {
        Self::default()
    }

    /// The API user's client id, as Payway delivered it. Required.
    ///
    /// The token does not carry it; it names this verifier in logs and `Debug` output, where
    /// the secret never appears.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The API user's client secret: the HS256 key, used as the UTF-8 bytes of the string
    /// exactly as Payway delivered it (not hex- or base64-decoded). Required.
    pub fn client_secret(mut self, client_secret: impl Into<SecretString>) -> Self {
        self.client_secret = Some(client_secret.into());
        self
    }

    /// The API user's redirect URI, exactly as configured in Payway: every token's `aud`
    /// must equal it byte for byte. Required.
    pub fn redirect_uri(mut self, redirect_uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(redirect_uri.into());
        self
    }

    /// Clock-skew allowance for `exp`, `nbf`, `iat` and `max_age`. Default
    /// [`DEFAULT_LEEWAY`] (30 s).
    ///
    /// More than [`MAX_LEEWAY`] (5 min) is refused by [`build`](Self::build) rather than
    /// silently lowered, so a typo (`Duration::from_secs(3000)`) is found at start-up.
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Refuses tokens issued (`iat`) longer ago than `max_age` (plus the leeway), even when
    /// `exp` would still allow them. Off by default. Applies to inactive sessions too.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// Accepts a client secret shorter than [`MIN_SECRET_BYTES`] (32 bytes).
    ///
    /// # Security
    ///
    /// An HS256 key shorter than 32 bytes is weaker than RFC 7518 §3.2 requires and may be
    /// brute-forced from a single captured cookie, after which anyone can mint sessions for
    /// any account. Use it only for a secret you cannot change. An empty secret is refused
    /// even with this option.
    pub fn insecure_allow_short_secret(mut self) -> Self {
        self.allow_short_secret = true;
        self
    }

    /// Checks the configuration and prepares the HMAC key.
    ///
    /// # Errors
    ///
    /// A [`BuildError`] names the first setting that is missing or refused.
    pub fn build(self) -> Result<TuloVerifier, BuildError> {
        let client_id = self.client_id.ok_or(BuildError::MissingClientId)?;
        check_client_id(&client_id)?;

        let secret = self.client_secret.ok_or(BuildError::MissingClientSecret)?;
        let secret = secret.expose_secret();
        if secret.trim() != secret {
            return Err(BuildError::ClientSecretWhitespace);
        }
        let key =
            jws::secret_key(secret.as_bytes(), self.allow_short_secret).map_err(|refused| {
                match refused {
                    SecretRefused::Empty => BuildError::EmptyClientSecret,
                    SecretRefused::Short { len, min } => BuildError::ShortSecret { len, min },
                }
            })?;

        let redirect_uri = self.redirect_uri.ok_or(BuildError::MissingRedirectUri)?;
        check_redirect_uri(&redirect_uri)?;

        if self.leeway > MAX_LEEWAY {
            return Err(BuildError::LeewayTooLarge {
                leeway: self.leeway,
                max: MAX_LEEWAY,
            });
        }
        if self.max_age == Some(Duration::ZERO) {
            return Err(BuildError::ZeroDuration { what: "max_age" });
        }
        Ok(TuloVerifier {
            inner: Arc::new(Inner {
                client_id,
                redirect_uri,
                key,
                leeway: self.leeway,
                max_age: self.max_age,
            }),
        })
    }
}

fn check_client_id(client_id: &str) -> Result<(), BuildError> {
    let reason = if client_id.is_empty() {
        "it is empty"
    } else if client_id.len() > MAX_CLIENT_ID_LEN {
        "it is longer than 256 bytes"
    } else if client_id
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        "it has whitespace or control characters"
    } else {
        return Ok(());
    };
    Err(BuildError::InvalidClientId { reason })
}

fn check_redirect_uri(uri: &str) -> Result<(), BuildError> {
    let lower = uri.get(..8).unwrap_or(uri).to_ascii_lowercase();
    let reason = if uri.is_empty() {
        "it is empty"
    } else if uri.len() > MAX_REDIRECT_URI_LEN {
        "it is longer than 2048 bytes"
    } else if uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        "it has whitespace or control characters"
    } else if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        "it is not an absolute http:// or https:// uri"
    } else {
        return Ok(());
    };
    Err(BuildError::InvalidRedirectUri { reason })
}
