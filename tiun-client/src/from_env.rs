//! Configuration from environment variables.

use std::env::VarError;

use paywall_internal::env::{EnvVars, process_env};

use crate::builder::TiunClientBuilder;
use crate::client::TiunClient;
use crate::error::{BuildError, env_error, location_error};

/// The variable holding the API key (required).
pub const ENV_API_KEY: &str = "TIUN_API_KEY";
/// The variable naming the environment: `live` or `sandbox` (required unless
/// [`ENV_BASE_URL`] is set).
pub const ENV_ENVIRONMENT: &str = "TIUN_ENVIRONMENT";
/// The variable holding a base URL that replaces the environment's host (optional).
pub const ENV_BASE_URL: &str = "TIUN_BASE_URL";
/// The variable holding a provider id, which switches to the legacy path (optional).
pub const ENV_PROVIDER_ID: &str = "TIUN_PROVIDER_ID";
/// The variable naming the API key header (optional; default `X-TIUN-API-KEY`).
pub const ENV_API_KEY_HEADER: &str = "TIUN_API_KEY_HEADER";

impl TiunClient {
    /// Builds a client from environment variables: [`ENV_API_KEY`], [`ENV_ENVIRONMENT`] (or
    /// [`ENV_BASE_URL`]), and optionally [`ENV_PROVIDER_ID`] and [`ENV_API_KEY_HEADER`]; each
    /// constant says what its variable holds.
    ///
    /// An empty variable counts as not set; one that is not valid Unicode is
    /// [`BuildError::InvalidEnvVar`]. To add settings of your own (a shared
    /// `reqwest::Client`, a timeout, a validity cache), start from
    /// [`TiunClient::builder_from_env`] instead.
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingEnvVar`] or [`BuildError::InvalidEnvVar`] naming the variable (never
    /// its value), or any error of [`TiunClientBuilder::build`].
    pub fn from_env() -> Result<Self, BuildError> {
        Self::builder_from_env()?.build()
    }

    /// A builder preset from the environment variables [`TiunClient::from_env`] reads.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use tiun_client::TiunClient;
    ///
    /// let tiun = TiunClient::builder_from_env()?
    ///     .cache_valid_for(Duration::from_secs(10))
    ///     .build()?;
    /// # Ok::<(), tiun_client::BuildError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingEnvVar`] or [`BuildError::InvalidEnvVar`] naming the variable.
    pub fn builder_from_env() -> Result<TiunClientBuilder, BuildError> {
        from_lookup(process_env())
    }
}

/// Reads the variables through `lookup` (the signature of `std::env::var`), so tests need not
/// touch the process environment.
pub(crate) fn from_lookup(
    lookup: impl Fn(&str) -> Result<String, VarError>,
) -> Result<TiunClientBuilder, BuildError> {
    let env = EnvVars::new(lookup);
    let api_key = env.required(ENV_API_KEY).map_err(env_error)?;
    let mut builder = TiunClient::builder().api_key(api_key);
    let reason = "expected `live` or `sandbox`";
    let location = env.location(ENV_ENVIRONMENT, reason, ENV_BASE_URL);
    builder = builder.location(location.map_err(location_error)?);
    if let Some(provider_id) = env.optional(ENV_PROVIDER_ID).map_err(env_error)? {
        builder = builder.provider_id(provider_id);
    }
    if let Some(header) = env.optional(ENV_API_KEY_HEADER).map_err(env_error)? {
        builder = builder.api_key_header(header);
    }
    Ok(builder)
}

#[cfg(test)]
mod tests {
    use paywall_internal::env::lookup_of;

    use super::*;
    use crate::environment::Environment;

    fn build(vars: &[(&str, &str)]) -> Result<TiunClient, BuildError> {
        from_lookup(lookup_of(vars, None))?.build()
    }

    #[test]
    fn a_variable_that_is_not_unicode_is_invalid_not_missing() {
        let set = [
            (ENV_API_KEY, "k"),
            (ENV_ENVIRONMENT, "live"),
            (ENV_BASE_URL, "http://127.0.0.1:9/"),
        ];
        for name in [
            ENV_API_KEY,
            ENV_ENVIRONMENT,
            ENV_BASE_URL,
            ENV_PROVIDER_ID,
            ENV_API_KEY_HEADER,
        ] {
            let error = from_lookup(lookup_of(&set, Some(name))).unwrap_err();
            assert!(
                matches!(
                    error,
                    BuildError::InvalidEnvVar { name: named, reason: "not valid unicode", .. }
                        if named == name
                ),
                "{name}: {error:?}"
            );
            let printed = format!("{error} {error:?}");
            assert!(!printed.contains("secret-value"), "{printed}");
        }
    }

    #[test]
    fn key_and_environment_are_enough() {
        let client = build(&[(ENV_API_KEY, "k"), (ENV_ENVIRONMENT, "sandbox")]).unwrap();
        assert_eq!(client.environment(), Some(Environment::Sandbox));
        assert_eq!(client.base_url().as_str(), "https://api-sandbox.tiun.live/");
    }

    #[test]
    fn a_base_url_may_replace_the_environment() {
        let client = build(&[(ENV_API_KEY, "k"), (ENV_BASE_URL, "http://127.0.0.1:9/")]).unwrap();
        assert_eq!(client.environment(), None);
        assert_eq!(client.base_url().as_str(), "http://127.0.0.1:9/");
    }

    #[test]
    fn missing_empty_or_invalid_variables_are_named_without_their_values() {
        let missing = |error: &BuildError| match error {
            BuildError::MissingEnvVar { name } => Some((true, *name)),
            BuildError::InvalidEnvVar { name, .. } => Some((false, *name)),
            _ => None,
        };
        let secret = "production-secret";
        for (vars, expected) in [
            (&[(ENV_ENVIRONMENT, "live")][..], (true, ENV_API_KEY)),
            (
                &[(ENV_API_KEY, ""), (ENV_ENVIRONMENT, "live")],
                (true, ENV_API_KEY),
            ),
            (&[(ENV_API_KEY, "k")], (true, ENV_ENVIRONMENT)),
            (
                &[(ENV_API_KEY, "k"), (ENV_ENVIRONMENT, secret)],
                (false, ENV_ENVIRONMENT),
            ),
            (
                &[(ENV_API_KEY, "k"), (ENV_BASE_URL, "not a url")],
                (false, ENV_BASE_URL),
            ),
        ] {
            let error = build(vars).unwrap_err();
            assert_eq!(missing(&error), Some(expected), "{error:?}");
            assert!(!error.to_string().contains(secret));
        }
        // The URL parser's reason stays the source.
        let bad_url = build(&[(ENV_API_KEY, "k"), (ENV_BASE_URL, "not a url")]).unwrap_err();
        assert!(std::error::Error::source(&bad_url).is_some(), "{bad_url:?}");
        let insecure =
            build(&[(ENV_API_KEY, "k"), (ENV_BASE_URL, "http://tiun.example/")]).unwrap_err();
        assert!(matches!(insecure, BuildError::InsecureBaseUrl));
    }

    #[test]
    fn an_empty_variable_counts_as_not_set() {
        let client = build(&[
            (ENV_API_KEY, "k"),
            (ENV_ENVIRONMENT, "live"),
            (ENV_BASE_URL, ""),
            (ENV_PROVIDER_ID, ""),
            (ENV_API_KEY_HEADER, ""),
        ])
        .unwrap();
        assert_eq!(client.base_url().as_str(), "https://api.tiun.live/");
        assert!(client.inner.provider_segment.is_none());
        assert_eq!(client.inner.api_key_header, "x-tiun-api-key");
    }

    #[test]
    fn optional_variables_are_applied() {
        let client = build(&[
            (ENV_API_KEY, "k"),
            (ENV_ENVIRONMENT, "sandbox"),
            (ENV_PROVIDER_ID, "p/1"),
            (ENV_API_KEY_HEADER, "X-ACCESS-TOKEN"),
        ])
        .unwrap();
        assert_eq!(client.inner.provider_segment.as_deref(), Some("p%2F1"));
        assert_eq!(client.inner.api_key_header, "x-access-token");
    }
}
