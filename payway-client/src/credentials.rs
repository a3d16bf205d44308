//! The client id and secret both builders take, checked the same way: the id one word, the
//! secret non-blank and long enough unless the caller opted in by name.

use crate::error::BuildError;
use crate::secret::ClientSecret;
use crate::validate::is_identifier;

/// The shortest client secret [`PaywayClientBuilder::build`](crate::PaywayClientBuilder::build)
/// accepts, in bytes (16), unless
/// [`insecure_allow_short_secret`](crate::PaywayClientBuilder::insecure_allow_short_secret) is
/// called.
///
/// Payway checks the secret at its token endpoint and issues long random ones: a short one
/// is a placeholder or a typo that would only show as a `401` on the first reader's login.
/// SSO2, which signs with the same secret, asks for [`MIN_SECRET_BYTES`].
pub const MIN_CLIENT_SECRET_BYTES: usize = 16;

/// The shortest HMAC-SHA256 key accepted without an opt-in, in bytes (32, the length of the
/// HMAC's output, as RFC 7518 §3.2 asks of HS256 keys): the site's
/// [`SessionCookieKey`](crate::sso2::SessionCookieKey), and the client secret of an
/// [`Sso2Client`](crate::sso2::Sso2Client), which SSO2 uses as the HS256 key of every token
/// both ways (opt-in: [`Sso2ClientBuilder::insecure_allow_short_secret`](crate::sso2::Sso2ClientBuilder::insecure_allow_short_secret)).
pub const MIN_SECRET_BYTES: usize = 32;

/// A client id and secret as given to a builder, not yet checked; `{:?}` shows the secret as
/// `ClientSecret([redacted])`.
#[derive(Debug, Default)]
pub(crate) struct Credentials {
    pub(crate) client_id: Option<String>,
    pub(crate) client_secret: Option<ClientSecret>,
    pub(crate) allow_short_secret: bool,
}

impl Credentials {
    /// The id and secret, once the id is one word and the secret is not blank and at least
    /// `min_secret_bytes` long (or the caller allowed a short one).
    pub(crate) fn check(
        self,
        min_secret_bytes: usize,
    ) -> Result<(String, ClientSecret), BuildError> {
        let client_id = self.checked_client_id()?.to_owned();
        let client_secret = self.client_secret.ok_or(BuildError::MissingClientSecret)?;
        let secret = client_secret.expose_secret();
        if secret.trim().is_empty() {
            return Err(BuildError::EmptyClientSecret);
        }
        if secret.len() < min_secret_bytes && !self.allow_short_secret {
            return Err(BuildError::ShortSecret {
                len: secret.len(),
                min: min_secret_bytes,
            });
        }
        Ok((client_id, client_secret))
    }

    /// The client id, once it is given and one word.
    pub(crate) fn checked_client_id(&self) -> Result<&str, BuildError> {
        let client_id = self.client_id.as_deref();
        let client_id = client_id.ok_or(BuildError::MissingClientId)?;
        if !is_identifier(client_id) {
            return Err(BuildError::InvalidClientId);
        }
        Ok(client_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials(id: &str, secret: &str) -> Credentials {
        Credentials {
            client_id: Some(id.to_owned()),
            client_secret: Some(ClientSecret::new(secret)),
            allow_short_secret: false,
        }
    }

    #[test]
    fn ids_are_words_and_secrets_long_enough() {
        let (id, secret) = credentials("cid", "0123456789abcdef").check(16).unwrap();
        assert_eq!(
            (id.as_str(), secret.expose_secret()),
            ("cid", "0123456789abcdef")
        );
        assert!(matches!(
            credentials("c id", "0123456789abcdef").check(16),
            Err(BuildError::InvalidClientId)
        ));
        assert!(matches!(
            credentials("cid", " \t ").check(16),
            Err(BuildError::EmptyClientSecret)
        ));
        assert!(matches!(
            credentials("cid", "0123456789abcdef").check(MIN_SECRET_BYTES),
            Err(BuildError::ShortSecret { len: 16, min: 32 })
        ));
        let mut allowed = credentials("cid", "short");
        allowed.allow_short_secret = true;
        assert!(allowed.check(MIN_SECRET_BYTES).is_ok());
        let shown = format!("{:?}", credentials("cid", "zq-secret-value-1"));
        assert!(!shown.contains("zq-secret") && shown.contains("[redacted]"));
    }
}
