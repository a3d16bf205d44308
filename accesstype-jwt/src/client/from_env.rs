//! The client's configuration from environment variables.

use std::env::VarError;

use paywall_internal::env::{EnvVars, process_env};

use crate::client::builder::AccesstypeClientBuilder;
use crate::client::handle::AccesstypeClient;
use crate::error::BuildError;
use crate::from_env::env_error;

/// The variable naming the environment: `production` or `staging` (required unless
/// [`ENV_BASE_URL`] is set).
pub const ENV_ENVIRONMENT: &str = "ACCESSTYPE_ENVIRONMENT";

/// The variable holding a base URL that replaces the environment's host (optional).
pub const ENV_BASE_URL: &str = "ACCESSTYPE_BASE_URL";

/// The variable holding the account's public key, the `key` parameter (required).
pub const ENV_ACCOUNT_KEY: &str = "ACCESSTYPE_ACCOUNT_KEY";

/// The variable holding the API key sent as `X-SUBAUTH` (required).
pub const ENV_API_KEY: &str = "ACCESSTYPE_API_KEY";

impl AccesstypeClient {
    /// A client configured from environment variables:
    ///
    /// | variable | meaning |
    /// | --- | --- |
    /// | `ACCESSTYPE_API_KEY` ([`ENV_API_KEY`]) | the API key, sent as `X-SUBAUTH` (required) |
    /// | `ACCESSTYPE_ACCOUNT_KEY` ([`ENV_ACCOUNT_KEY`]) | the account's public `key` (required) |
    /// | `ACCESSTYPE_ENVIRONMENT` ([`ENV_ENVIRONMENT`]) | `production` or `staging` (required unless `ACCESSTYPE_BASE_URL` is set) |
    /// | `ACCESSTYPE_BASE_URL` ([`ENV_BASE_URL`]) | replaces the environment's host root (optional) |
    ///
    /// An empty variable counts as not set. To add settings of your own (a shared
    /// `reqwest::Client`, a timeout, a grant cache), start from
    /// [`AccesstypeClient::builder_from_env`] instead.
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingEnvVar`] or [`BuildError::InvalidEnvVar`] naming the variable
    /// (never its value), or any error of [`AccesstypeClientBuilder::build`].
    pub fn from_env() -> Result<Self, BuildError> {
        Self::builder_from_env()?.build()
    }

    /// A builder preset from the variables [`AccesstypeClient::from_env`] reads.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use accesstype_jwt::AccesstypeClient;
    ///
    /// let accesstype = AccesstypeClient::builder_from_env()?
    ///     .cache_grants_for(Duration::from_secs(60))
    ///     .build()?;
    /// # Ok::<(), accesstype_jwt::BuildError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingEnvVar`] or [`BuildError::InvalidEnvVar`], naming the variable.
    pub fn builder_from_env() -> Result<AccesstypeClientBuilder, BuildError> {
        from_lookup(process_env())
    }
}

/// Reads the variables through `lookup`, so tests need not touch the process environment.
fn from_lookup(
    lookup: impl Fn(&str) -> Result<String, VarError>,
) -> Result<AccesstypeClientBuilder, BuildError> {
    let vars = EnvVars::new(lookup);
    let api_key = vars.required(ENV_API_KEY).map_err(env_error)?;
    let account_key = vars.required(ENV_ACCOUNT_KEY).map_err(env_error)?;
    let reason = "expected `production` or `staging`";
    let location = vars
        .location(ENV_ENVIRONMENT, reason, ENV_BASE_URL)
        .map_err(location_error)?;
    Ok(AccesstypeClient::builder()
        .api_key(api_key)
        .account_key(account_key)
        .location(location))
}

paywall_internal::location_error_fn!(fn location_error -> BuildError);

#[cfg(test)]
mod tests {
    use paywall_internal::env::lookup_of;

    use super::*;
    use crate::environment::Environment;

    const API_KEY: &str = "at-api-key-5e4d3c2b1a";
    const KEYS: [(&str, &str); 2] = [(ENV_API_KEY, API_KEY), (ENV_ACCOUNT_KEY, "acct")];

    /// A client from exactly `vars`, `garbled` set but not Unicode.
    fn build_from(
        vars: &[(&str, &str)],
        garbled: Option<&str>,
    ) -> Result<AccesstypeClient, BuildError> {
        from_lookup(lookup_of(vars, garbled))?.build()
    }

    /// A client from both keys and `vars`, which may replace them (`""` counts as not set).
    fn build(vars: &[(&str, &str)]) -> Result<AccesstypeClient, BuildError> {
        build_from(&[&KEYS[..], vars].concat(), None)
    }

    #[test]
    fn a_variable_that_is_not_unicode_is_named_and_never_shown() {
        let complete = [
            (ENV_API_KEY, API_KEY),
            (ENV_ACCOUNT_KEY, "acct"),
            (ENV_ENVIRONMENT, "staging"),
            (ENV_BASE_URL, "https://proxy.example/"),
        ];
        for garbled in [ENV_API_KEY, ENV_ACCOUNT_KEY, ENV_ENVIRONMENT, ENV_BASE_URL] {
            let error = build_from(&complete, Some(garbled)).unwrap_err();
            assert!(
                matches!(
                    error,
                    BuildError::InvalidEnvVar { name, reason: "not valid unicode", .. }
                        if name == garbled
                ),
                "{garbled}: {error:?}"
            );
            assert!(!format!("{error} {error:?}").contains("secret-value"));
        }
    }

    #[test]
    fn reads_the_documented_variables() {
        assert_eq!(ENV_ENVIRONMENT, "ACCESSTYPE_ENVIRONMENT");
        assert_eq!(ENV_BASE_URL, "ACCESSTYPE_BASE_URL");
        assert_eq!(ENV_ACCOUNT_KEY, "ACCESSTYPE_ACCOUNT_KEY");
        assert_eq!(ENV_API_KEY, "ACCESSTYPE_API_KEY");
        let client = build(&[(ENV_ENVIRONMENT, "Staging")]).unwrap();
        assert_eq!(client.environment(), Some(Environment::Staging));
        assert_eq!(
            client.base_url().as_str(),
            "https://staging.accesstype.com/"
        );
        assert_eq!(client.account_key(), "acct");
        let proxied = build(&[
            (ENV_BASE_URL, "http://127.0.0.1:9000/at/"),
            (ENV_ENVIRONMENT, ""),
        ])
        .unwrap();
        assert_eq!(proxied.environment(), None);
        assert_eq!(proxied.base_url().as_str(), "http://127.0.0.1:9000/at/");
    }

    #[test]
    fn names_the_variable_and_never_its_value() {
        let staging = (ENV_ENVIRONMENT, "staging");
        for (outcome, missing) in [
            (
                build_from(&[(ENV_ACCOUNT_KEY, "acct"), staging], None),
                ENV_API_KEY,
            ),
            (build(&[(ENV_ACCOUNT_KEY, ""), staging]), ENV_ACCOUNT_KEY),
            (build(&[]), ENV_ENVIRONMENT),
            (build(&[(ENV_API_KEY, "")]), ENV_API_KEY),
        ] {
            let error = outcome.unwrap_err();
            assert!(
                matches!(error, BuildError::MissingEnvVar { name } if name == missing),
                "{error:?}"
            );
        }
        let environment = build(&[(ENV_ENVIRONMENT, "prod-eu-secret")]).unwrap_err();
        let base_url = build(&[(ENV_BASE_URL, "not a url with secret-part")]).unwrap_err();
        for (error, name) in [(&environment, ENV_ENVIRONMENT), (&base_url, ENV_BASE_URL)] {
            assert!(
                matches!(error, BuildError::InvalidEnvVar { name: named, .. } if *named == name),
                "{error:?}"
            );
        }
        // The URL parser's error is kept as the source; it names no part of the value.
        let source = std::error::Error::source(&base_url).map(ToString::to_string);
        assert_eq!(
            source.as_deref(),
            Some(url::ParseError::RelativeUrlWithoutBase.to_string().as_str())
        );
        for error in [
            environment,
            base_url,
            build(&[(ENV_API_KEY, "bad key\n"), (ENV_ENVIRONMENT, "production")]).unwrap_err(),
            build(&[(ENV_BASE_URL, "http://accesstype.example/")]).unwrap_err(),
        ] {
            let shown = format!("{error} {error:?}");
            for value in ["bad key", "prod-eu", "secret-part", API_KEY] {
                assert!(!shown.contains(value), "{shown}");
            }
        }
    }
}
