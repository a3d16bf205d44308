//! [`SubscriberIdentity`]: how Accesstype knows a subscriber (`{provider, value}`), checked
//! once so that it can always be sent as two path segments.

use std::borrow::Cow;
use std::fmt;

use paywall_internal::segment::encode_segment;
use paywall_internal::text::is_hidden;
use serde::Serialize;

use crate::error::Error;

/// The longest provider or value of a [`SubscriberIdentity`], in bytes.
pub const MAX_SUBSCRIBER_IDENTITY_BYTES: usize = 256;

/// One identity of a subscriber at Accesstype: a `provider` (`email`, `quintype`, ...) and its
/// `value` (the e-mail address, the user id, ...), as in a subscription's
/// `subscriber.subscriber_identities` and `preferred_identity`.
///
/// It names the subscriber of
/// [`AccesstypeClient::subscriptions`](crate::AccesstypeClient::subscriptions), which sends
/// each part as one path segment that this crate percent-encodes itself (every byte but
/// `A-Z a-z 0-9 - . _ ~`), so `john+news@example.com` arrives as `john%2Bnews%40example.com`
/// and no value can change the path.
///
/// `Debug` shows the provider and masks the value, which is personal data.
///
/// ```
/// use accesstype_jwt::SubscriberIdentity;
///
/// let identity = SubscriberIdentity::new("email", "john+news@example.com")?;
/// assert_eq!((identity.provider(), identity.value()), ("email", "john+news@example.com"));
/// assert_eq!(
///     format!("{identity:?}"),
///     r#"SubscriberIdentity { provider: "email", value: "[redacted]" }"#
/// );
/// assert!(SubscriberIdentity::new("email", "..").is_err());
/// # Ok::<(), accesstype_jwt::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SubscriberIdentity {
    provider: String,
    value: String,
}

impl SubscriberIdentity {
    /// An identity: `provider` as Accesstype names it (`email`, `quintype`, ...) and the
    /// subscriber's `value` for it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] naming the part (`subscriber identity provider` or
    /// `subscriber identity value`) that is empty, `.` or `..` (no URL can hold them as a segment), longer than
    /// [`MAX_SUBSCRIBER_IDENTITY_BYTES`], or holds control or invisible characters.
    pub fn new(provider: impl Into<String>, value: impl Into<String>) -> Result<Self, Error> {
        let (provider, value) = (provider.into(), value.into());
        segment(&provider, PROVIDER)?;
        segment(&value, VALUE)?;
        Ok(Self { provider, value })
    }

    /// An identity by e-mail address: provider `email`.
    ///
    /// # Errors
    ///
    /// Those of [`new`](Self::new).
    pub fn email(address: impl Into<String>) -> Result<Self, Error> {
        Self::new("email", address)
    }

    /// The provider, e.g. `email`.
    #[must_use]
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The value, e.g. the e-mail address: personal data, keep it out of logs.
    #[must_use]
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The two parts as encoded path segments.
    #[cfg(any(feature = "__client", test))]
    pub(crate) fn segments(&self) -> Result<(String, String), Error> {
        let provider = segment(&self.provider, PROVIDER)?.into_owned();
        Ok((provider, segment(&self.value, VALUE)?.into_owned()))
    }
}

const PROVIDER: &str = "subscriber identity provider";
const VALUE: &str = "subscriber identity value";

/// One part as an encoded path segment, by the rule of [`SubscriberIdentity::new`]; or
/// [`Error::InvalidInput`] naming the part (`what`).
fn segment<'a>(text: &'a str, what: &'static str) -> Result<Cow<'a, str>, Error> {
    let reason = match encode_segment(text, MAX_SUBSCRIBER_IDENTITY_BYTES) {
        Err(refused) => refused.reason(),
        Ok(_) if text.chars().any(is_hidden) => "it contains an invisible character",
        Ok(encoded) => return Ok(encoded),
    };
    Err(Error::InvalidInput { what, reason })
}

impl fmt::Debug for SubscriberIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubscriberIdentity")
            .field("provider", &self.provider)
            .field("value", &"[redacted]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_SUBSCRIBER_IDENTITY_BYTES, SubscriberIdentity};
    use crate::error::Error;

    #[test]
    fn each_part_is_one_encoded_segment() {
        let identity = SubscriberIdentity::new("email", "john+news@example.com").unwrap();
        let (provider, value) = identity.segments().unwrap();
        assert_eq!(provider, "email");
        assert_eq!(value, "john%2Bnews%40example.com");
        let odd = SubscriberIdentity::new("quin;type", "../a b/%2e?").unwrap();
        assert_eq!(
            odd.segments().unwrap(),
            ("quin%3Btype".to_owned(), "..%2Fa%20b%2F%252e%3F".to_owned())
        );
    }

    #[test]
    fn unusable_parts_are_refused_by_name() {
        let long = "a".repeat(MAX_SUBSCRIBER_IDENTITY_BYTES + 1);
        for (provider, value, part) in [
            ("", "john@example.com", "provider"),
            (".", "john@example.com", "provider"),
            ("email", "", "value"),
            ("email", "..", "value"),
            ("email", "jo\u{200B}hn@example.com", "value"),
            // The braille blank draws nothing either.
            ("phone", "\u{2800}46701234567", "value"),
            ("email", "john@example.com\r\n", "value"),
            ("e\u{202E}mail", "x", "provider"),
            ("email", long.as_str(), "value"),
        ] {
            let error = SubscriberIdentity::new(provider, value).unwrap_err();
            let what = format!("subscriber identity {part}");
            assert!(
                matches!(&error, Error::InvalidInput { what: w, .. } if *w == what),
                "{provider:?} {value:?}: {error:?}"
            );
            assert!(!error.to_string().contains("john"));
        }
        let longest = "a".repeat(MAX_SUBSCRIBER_IDENTITY_BYTES);
        assert!(SubscriberIdentity::new("quintype", longest).is_ok());
    }
}
