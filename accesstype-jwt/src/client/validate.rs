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
        assert_eq!(
            base_url(None, Some(Environment::Staging)).unwrap(),
            Environment::Staging.base_url()
        );
        for (refused, expected) in [
            (
                check("http://www.accesstype.com/"),
                BuildError::InsecureBaseUrl,
            ),
            (base_url(None, None), BuildError::MissingEnvironment),
            (
                check("https://u:p@x.example/"),
                BuildError::InvalidBaseUrl {
                    reason: "it must not contain credentials",
                },
            ),
            (
                check("ftp://x.example/"),
                BuildError::InvalidBaseUrl {
                    reason: "the scheme must be https",
                },
            ),
        ] {
            assert_eq!(
                format!("{:?}", refused.unwrap_err()),
                format!("{expected:?}")
            );
        }
    }

    #[test]
    fn keys() {
        let value = api_key_value(Some(&SecretString::from("at_9f8e7d"))).unwrap();
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("9f8e7d"));
        assert_eq!(account_key(Some("acct-1".into())).unwrap(), "acct-1");
        // Not given or empty is missing; anything else these keys hold is invalid.
        for key in [
            None,
            Some(""),
            Some("k y"),
            Some("key\n"),
            Some("kéy"),
            Some("k\u{7f}"),
        ] {
            let refused = api_key_value(key.map(SecretString::from).as_ref()).unwrap_err();
            let expected = match key {
                None | Some("") => BuildError::MissingApiKey,
                Some(_) => BuildError::InvalidApiKey,
            };
            assert_eq!(format!("{refused:?}"), format!("{expected:?}"), "{key:?}");
        }
        for key in [None, Some(""), Some("a b"), Some("a\nb"), Some("a\u{0}")] {
            let refused = account_key(key.map(str::to_owned)).unwrap_err();
            let expected = match key {
                None | Some("") => BuildError::MissingAccountKey,
                Some(_) => BuildError::InvalidAccountKey,
            };
            assert_eq!(format!("{refused:?}"), format!("{expected:?}"), "{key:?}");
        }
    }
}
