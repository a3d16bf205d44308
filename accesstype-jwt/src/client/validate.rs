//! The checks [`build`](crate::AccesstypeClientBuilder::build) runs on the client's
//! configuration: the base URL, the API key and the account key.

use paywall_internal::http::{self, sensitive_header};
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::account_key::is_valid_account_key;
use crate::environment::Environment;
use crate::error::BuildError;

/// The API key as an `X-SUBAUTH` header value, marked sensitive so that hyper and reqwest never
/// print it. Keys are printable ASCII; anything else is a copy-paste slip Accesstype would
/// refuse.
pub(crate) fn api_key_value(key: Option<&SecretString>) -> Result<HeaderValue, BuildError> {
    let key = key.map(ExposeSecret::expose_secret).unwrap_or_default();
    sensitive_header(key).map_err(api_key_error)
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

/// The caller's base URL, else `environment`'s, by the family's rule: a host, no userinfo, no
/// query, no fragment; `https`, or `http` to a loopback host.
pub(crate) fn base_url(
    given: Option<Url>,
    environment: Option<Environment>,
) -> Result<Url, BuildError> {
    let environment_url = || environment.map(Environment::base_url);
    http::choose_base_url(given, environment_url).map_err(base_url_error)
}

paywall_internal::http_error_fns!(BuildError, api_key);

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str) -> Result<Url, BuildError> {
        base_url(
            Some(Url::parse(url).unwrap()),
            Some(Environment::Production),
        )
    }

    /// The rule itself is paywall-internal's (and tested there); this is its mapping onto
    /// [`BuildError`].
    #[test]
    fn base_url_refusals_map_onto_build_errors() {
        for ok in [
            "https://proxy.example/accesstype/",
            "http://127.0.0.1:8080/",
        ] {
            assert!(check(ok).is_ok(), "{ok}");
        }
        assert!(matches!(
            check("http://www.accesstype.com/"),
            Err(BuildError::InsecureBaseUrl)
        ));
        assert!(matches!(
            base_url(None, None),
            Err(BuildError::MissingEnvironment)
        ));
        assert_eq!(
            base_url(None, Some(Environment::Staging)).unwrap(),
            Environment::Staging.base_url()
        );
        assert!(matches!(
            check("https://u:p@x.example/"),
            Err(BuildError::InvalidBaseUrl {
                reason: "it must not contain credentials"
            })
        ));
        assert!(matches!(
            check("ftp://x.example/"),
            Err(BuildError::InvalidBaseUrl {
                reason: "the scheme must be https"
            })
        ));
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
