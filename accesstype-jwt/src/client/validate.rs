//! The checks [`build`](crate::AccesstypeClientBuilder::build) runs on the client's
//! configuration: the base URL, the API key and the account key.

use paywall_internal::http::{self, BaseUrlError, HeaderError, sensitive_header};
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::account_key::is_valid_account_key;
use crate::error::BuildError;

/// The API key as an `X-SUBAUTH` header value, marked sensitive so that hyper and reqwest never
/// print it. Keys are printable ASCII; anything else is a copy-paste slip Accesstype would
/// refuse.
pub(crate) fn api_key_value(key: Option<&SecretString>) -> Result<HeaderValue, BuildError> {
    let key = key.map(ExposeSecret::expose_secret).unwrap_or_default();
    sensitive_header(key).map_err(|error| match error {
        HeaderError::Empty => BuildError::MissingApiKey,
        HeaderError::NotPrintable => BuildError::InvalidApiKey,
    })
}

/// The account key (the public `key`), by the one rule of
/// [`is_valid_account_key`](crate::account_key::is_valid_account_key).
pub(crate) fn account_key(key: Option<String>) -> Result<String, BuildError> {
    match key {
        None => Err(BuildError::MissingAccountKey),
        Some(key) if key.is_empty() => Err(BuildError::MissingAccountKey),
        Some(key) if !is_valid_account_key(&key) => Err(BuildError::InvalidAccountKey),
        Some(key) => Ok(key),
    }
}

/// A host, no userinfo, no query, no fragment; `https`, or `http` to a loopback host.
pub(crate) fn check_base_url(url: &Url) -> Result<(), BuildError> {
    http::check_base_url(url).map_err(|error| match error {
        BaseUrlError::Missing => BuildError::MissingEnvironment,
        BaseUrlError::Insecure => BuildError::InsecureBaseUrl,
        BaseUrlError::Invalid(reason) => BuildError::InvalidBaseUrl { reason },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str) -> Result<(), BuildError> {
        check_base_url(&Url::parse(url).unwrap())
    }

    #[test]
    fn base_urls() {
        for ok in [
            "https://www.accesstype.com/",
            "https://proxy.example/accesstype/",
            "http://127.0.0.1:8080/",
            "http://127.9.9.9/",
            "http://[::1]:1/",
            "http://LocalHost/",
        ] {
            assert!(check(ok).is_ok(), "{ok}");
        }
        for insecure in [
            "http://www.accesstype.com/",
            "http://10.0.0.1/",
            "http://localhost.evil.example/",
            "http://[::2]/",
        ] {
            assert!(
                matches!(check(insecure), Err(BuildError::InsecureBaseUrl)),
                "{insecure}"
            );
        }
        for (invalid, why) in [
            ("https://u:p@x.example/", "it must not contain credentials"),
            ("https://u@x.example/", "it must not contain credentials"),
            (
                "https://x.example/?a=1",
                "it must not have a query or fragment",
            ),
            (
                "https://x.example/#f",
                "it must not have a query or fragment",
            ),
            ("ftp://x.example/", "the scheme must be https"),
            ("file:///etc/passwd", "it has no host"),
            ("data:text/plain,x", "it has no host"),
        ] {
            assert!(
                matches!(check(invalid), Err(BuildError::InvalidBaseUrl { reason }) if reason == why),
                "{invalid}"
            );
        }
    }

    #[test]
    fn keys() {
        let value = api_key_value(Some(&SecretString::from("at_9f8e7d"))).unwrap();
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("9f8e7d"));
        assert!(matches!(
            api_key_value(None),
            Err(BuildError::MissingApiKey)
        ));
        assert!(matches!(
            api_key_value(Some(&SecretString::from(""))),
            Err(BuildError::MissingApiKey)
        ));
        for bad in ["k y", "key\n", "kéy", "k\u{7f}"] {
            assert!(
                matches!(
                    api_key_value(Some(&SecretString::from(bad))),
                    Err(BuildError::InvalidApiKey)
                ),
                "{bad:?}"
            );
        }
        assert_eq!(account_key(Some("acct-1".into())).unwrap(), "acct-1");
        assert!(matches!(
            account_key(None),
            Err(BuildError::MissingAccountKey)
        ));
        assert!(matches!(
            account_key(Some(String::new())),
            Err(BuildError::MissingAccountKey)
        ));
        for bad in ["a b", "a\nb", "a\u{0}"] {
            assert!(matches!(
                account_key(Some(bad.into())),
                Err(BuildError::InvalidAccountKey)
            ));
        }
    }
}
