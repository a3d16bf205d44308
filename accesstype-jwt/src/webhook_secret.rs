//! [`WebhookSecret`]: a secret path (or header) compared in constant time, for webhooks
//! configured without a `Secret`.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

use crate::builder::secret_error;
use crate::error::BuildError;
use paywall_internal::jws::{self, Hs256Key};

/// A shared secret that tells Accesstype's webhook calls from forged ones, compared in
/// constant time: for a webhook configured **without** a `Secret`.
///
/// A webhook that has a `Secret` (Settings > Outgoing webhooks) is signed: each call carries
/// `X-AT-Signature`, and [`WebhookSigningKey`](crate::WebhookSigningKey) with
/// [`WebhookEvent::from_signed_slice`](crate::WebhookEvent::from_signed_slice) checks it. Use
/// that whenever you can. A webhook without one is not signed, and anyone who learns the
/// endpoint's URL can post an event for any reader; then put a long random secret where only
/// Accesstype has it, and refuse every call without it:
///
/// - **a secret path**: configure `https://news.example.com/webhooks/accesstype/{secret}`
///   and check the last segment with [`matches`](Self::matches);
/// - **a shared-secret header**, when a proxy in front of your endpoint can add one.
///
/// Either way, answer `2xx` only once the event is stored, since Accesstype retries the
/// others; and re-read the subscriptions from Accesstype's API (with the `client` feature,
/// `AccesstypeClient::subscriptions`) rather than trust the payload, if your threat model
/// needs it.
///
/// ```
/// use accesstype_jwt::WebhookSecret;
///
/// let secret = WebhookSecret::new("c8f1e2d3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9")?;
/// assert!(secret.matches("c8f1e2d3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9"));
/// assert!(!secret.matches("c8f1e2d3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d8"));
/// assert!(!secret.matches(""));
/// assert_eq!(format!("{secret:?}"), "WebhookSecret([redacted])");
/// # Ok::<(), accesstype_jwt::BuildError>(())
/// ```
#[derive(Clone)]
pub struct WebhookSecret {
    secret: SecretString,
    /// A per-process key: the secret's tag under it is compared with the candidate's.
    key: Hs256Key,
    tag: [u8; 32],
}

impl WebhookSecret {
    /// A secret of at least [`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES) (32) bytes:
    /// generate it randomly, for instance 20 random bytes as 40 hex characters.
    ///
    /// # Errors
    ///
    /// [`BuildError::EmptySecret`] or [`BuildError::ShortSecret`]: a secret that could be
    /// guessed would let anyone post subscription events.
    pub fn new(secret: impl Into<SecretString>) -> Result<Self, BuildError> {
        let secret = secret.into();
        jws::check_secret(secret.expose_secret().as_bytes(), false).map_err(secret_error)?;
        let mut random = [0_u8; 32];
        // Without randomness the key is fixed; the comparison stays constant-time either way.
        let _ = getrandom::fill(&mut random);
        let key = Hs256Key::new(&random);
        let tag = key.sign(&[secret.expose_secret().as_bytes()]);
        Ok(Self { secret, key, tag })
    }

    /// Whether `candidate` (a path segment, a header value) is the secret. Both are hashed
    /// first and the hashes compared in constant time, so the time taken tells nothing about
    /// how much of a guess was right, nor the secret's length.
    #[must_use]
    pub fn matches(&self, candidate: &str) -> bool {
        self.key.verify(&[candidate.as_bytes()], &self.tag)
    }

    /// The secret, to build the URL you configure in Accesstype's dashboard. Keep it out of
    /// logs.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        self.secret.expose_secret()
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret([redacted])")
    }
}
