//! Signed webhooks: [`WebhookSigningKey`] and [`WebhookEvent::from_signed_slice`], which checks
//! `X-AT-Signature` (the HMAC-SHA256 of the raw body under the webhook's `Secret`) before
//! anything of the body is parsed.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::{BuildError, Error};
use crate::webhook::{MAX_WEBHOOK_BODY_BYTES, WebhookEvent};

/// The header Accesstype sends the signature in.
pub const WEBHOOK_SIGNATURE_HEADER: &str = "X-AT-Signature";

paywall_internal::hs256_secret_type! {
    /// The `Secret` of an Accesstype webhook (Settings > Outgoing webhooks), ready to check the
    /// `X-AT-Signature` of its calls with [`WebhookEvent::from_signed_slice`].
    ///
    /// Its UTF-8 bytes are the HMAC key, as in Accesstype's sample. Like every key of this crate
    /// it must be at least [`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES) (32) bytes long; set a
    /// long random one in the dashboard (for instance 32 random bytes as 64 hex characters). A
    /// shorter secret you cannot replace is accepted by
    /// [`insecure_allow_short_secret`](Self::insecure_allow_short_secret).
    ///
    /// Build it once at start-up and share it (it is `Clone`; with the `axum` feature the
    /// [`SignedWebhook`](crate::axum::SignedWebhook) extractor takes it from the state). `Debug`
    /// prints `[redacted]`.
    ///
    /// ```
    /// use accesstype_jwt::{BuildError, WebhookSigningKey};
    ///
    /// let key = WebhookSigningKey::new("4d1f0c2b9a8e7d6c5b4a39281f0e2d3c4b5a69788f9e0d1c")?;
    /// assert_eq!(format!("{key:?}"), "WebhookSigningKey([redacted])");
    /// assert!(matches!(WebhookSigningKey::new("hunter2"), Err(BuildError::ShortSecret { .. })));
    /// # Ok::<(), BuildError>(())
    /// ```
    pub struct WebhookSigningKey;
    /// The key for a webhook's `Secret`, at least
    /// [`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES) long.
    ///
    /// # Errors
    ///
    /// [`BuildError::EmptySecret`], [`BuildError::ShortSecret`].
    fn new;
    /// The key for a webhook's `Secret` shorter than
    /// [`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES).
    ///
    /// **Weaker.** A short secret can be guessed offline from one signed call, and whoever
    /// finds it can sign events for any reader. Prefer replacing it in the dashboard. An empty
    /// secret is refused even so.
    ///
    /// # Errors
    ///
    /// [`BuildError::EmptySecret`].
    fn insecure_allow_short_secret;
    refused: BuildError = crate::builder::secret_error;
}

impl WebhookSigningKey {
    /// The signature Accesstype sends for `body`: the HMAC-SHA256 in lowercase hex.
    #[cfg(feature = "test-util")]
    pub(crate) fn signature(&self, body: &[u8]) -> String {
        let tag = self.key.sign(&[body]);
        tag.iter().map(|byte| format!("{byte:02x}")).collect()
    }
}

impl WebhookEvent {
    /// Checks a signed webhook call, then parses it: `body` is the raw request body, exactly
    /// as received, and `signature` its `X-AT-Signature` header (`None` when absent).
    ///
    /// The signature is the HMAC-SHA256 of the body under the webhook's `Secret`, in hex (as
    /// Accesstype's sample computes it; upper case accepted too) or in padded standard base64
    /// (as its prose describes it). It is compared in constant time, and nothing of the body
    /// is parsed before it matches. A body over [`MAX_WEBHOOK_BODY_BYTES`] is refused before any HMAC
    /// work.
    ///
    /// ```
    /// use accesstype_jwt::{Error, WebhookEvent, WebhookSigningKey};
    ///
    /// let key = WebhookSigningKey::new("4d1f0c2b9a8e7d6c5b4a39281f0e2d3c4b5a69788f9e0d1c")?;
    /// let body = br#"{"event":"subscription.renewal","data":{"id":88213,"active":true}}"#;
    /// let signature = "7a5b1d4a1f9d6bb6ef4e93a0b6e7b77d6a1a71cbf2d6a5a0cf1e1b1d2c3b4a59";
    /// // A signature that does not match is an error, which never repeats the header.
    /// let forged = WebhookEvent::from_signed_slice(body, Some(signature), &key);
    /// assert!(matches!(forged, Err(Error::BadWebhookSignature)));
    /// let unsigned = WebhookEvent::from_signed_slice(body, None, &key);
    /// assert!(matches!(unsigned, Err(Error::MissingWebhookSignature)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::BodyTooLarge`] (checked first), [`Error::MissingWebhookSignature`],
    /// [`Error::BadWebhookSignature`] (also for a header that is neither 64 hex digits nor 44
    /// characters of base64), then those of [`from_slice`](Self::from_slice). No error holds
    /// the header's value or the body's text. Answer `401` to a signature error: Accesstype
    /// retries, and e-mails the account's admins, so a real misconfiguration is noticed.
    pub fn from_signed_slice(
        body: &[u8],
        signature: Option<&str>,
        key: &WebhookSigningKey,
    ) -> Result<Self, Error> {
        if body.len() > MAX_WEBHOOK_BODY_BYTES {
            return Err(Error::BodyTooLarge {
                limit: MAX_WEBHOOK_BODY_BYTES,
            });
        }
        let signature = signature.ok_or(Error::MissingWebhookSignature)?;
        let tag = decode_signature(signature).ok_or(Error::BadWebhookSignature)?;
        // `verify` compares the tags in constant time.
        if !key.key.verify(&[body], &tag) {
            return Err(Error::BadWebhookSignature);
        }
        Self::from_slice(body)
    }
}

/// The 32 bytes of a signature spelled as 64 hex digits (either case) or as padded standard
/// base64 (44 characters); `None` for anything else.
fn decode_signature(text: &str) -> Option<[u8; 32]> {
    let mut tag = [0_u8; 32];
    match text.len() {
        64 => {
            // `to_digit` takes `0-9`, `a-f` and `A-F` only: no sign, no space.
            let digit = |byte: u8| char::from(byte).to_digit(16);
            for (byte, pair) in tag.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
                let [high, low] = pair else {
                    return None;
                };
                *byte = u8::try_from(digit(*high)? << 4 | digit(*low)?).ok()?;
            }
            Some(tag)
        }
        44 => match STANDARD.decode_slice(text, &mut tag) {
            Ok(32) => Some(tag),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::decode_signature;

    #[test]
    fn both_spellings_decode_to_the_same_tag() {
        let hex = "00ff10a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1";
        let tag = decode_signature(hex).unwrap();
        assert_eq!(tag[..3], [0x00, 0xff, 0x10]);
        assert_eq!(decode_signature(&hex.to_uppercase()), Some(tag));
        assert_eq!(
            decode_signature("AP8QqbjH1uX0o7LB0On4p7bF1OPyobDJ2Of2pbTD0uE="),
            Some(tag)
        );
        for bad in [
            "",
            &hex[..63],
            &format!("{hex}0"),
            &format!("{}g", &hex[..63]),
            &format!(" {}", &hex[..63]),
            "AP8QqbjH1uX0o7LB0On4p7bF1OPyobDJ2Of2pbTD0uE",
            "AP8QqbjH1uX0o7LB0On4p7bF1OPyobDJ2Of2pbTD0uF=",
            "AP8QqbjH1uX0o7LB0On4p7bF1OPyobDJ2Of2pbTD0uE_",
            "AP8QqbjH1uX0o7LB0On4p7bF1OPyobDJ2Of2pbTD0u==",
            "AP8Qqbj-1uX0o7LB0On4p7bF1OPyobDJ2Of2pbTD0uE=",
        ] {
            assert_eq!(decode_signature(bad), None, "{bad:?}");
        }
    }
}
