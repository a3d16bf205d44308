//! Configuration from environment variables.

use url::Url;

use crate::builder::TiunClientBuilder;
use crate::client::TiunClient;
use crate::environment::Environment;
use crate::error::BuildError;

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
    /// Builds a client from environment variables:
    ///
    /// | variable | meaning |
    /// | --- | --- |
    /// | `TIUN_API_KEY` | the API key (required) |
    /// | `TIUN_ENVIRONMENT` | `live` or `sandbox` (required unless `TIUN_BASE_URL` is set) |
    /// | `TIUN_BASE_URL` | replaces the environment's host root (optional) |
    /// | `TIUN_PROVIDER_ID` | switches to the legacy provider-scoped path (optional) |
    /// | `TIUN_API_KEY_HEADER` | the key's header name (optional, default `X-TIUN-API-KEY`) |
    ///
    /// To add settings of your own (a shared `reqwest::Client`, a timeout), start from
    /// [`TiunClient::builder_from_env`] instead.
    ///
    /// # Errors
    ///
    /// [`BuildError::Env`] naming the variable that is missing or invalid (never its value), or
    /// any error of [`TiunClientBuilder::build`].
    pub fn from_env() -> Result<Self, BuildError> {
        Self::builder_from_env()?.build()
    }

    /// A builder preset from the environment variables [`TiunClient::from_env`] reads.
    ///
    /// # Errors
    ///
    /// [`BuildError::Env`] naming the variable that is missing or invalid.
    pub fn builder_from_env() -> Result<TiunClientBuilder, BuildError> {
        builder_from(|name| std::env::var(name).ok())
    }
}

/// Reads the variables through `var`, so tests need not touch the process environment.
fn builder_from(var: impl Fn(&str) -> Option<String>) -> Result<TiunClientBuilder, BuildError> {
    let env_error = |variable, problem| BuildError::Env { variable, problem };
    let api_key = var(ENV_API_KEY).ok_or(env_error(ENV_API_KEY, "not set"))?;
    let mut builder = TiunClient::builder().api_key(api_key);
    let base_url = var(ENV_BASE_URL);
    match var(ENV_ENVIRONMENT) {
        Some(name) => {
            let environment: Environment = name
                .parse()
                .map_err(|_| env_error(ENV_ENVIRONMENT, "expected `live` or `sandbox`"))?;
            builder = builder.environment(environment);
        }
        None if base_url.is_none() => {
            return Err(env_error(
                ENV_ENVIRONMENT,
                "not set (expected `live` or `sandbox`)",
            ));
        }
        None => {}
    }
    if let Some(url) = base_url {
        let url = Url::parse(&url).map_err(|_| env_error(ENV_BASE_URL, "not an absolute URL"))?;
        builder = builder.base_url(url);
    }
    if let Some(provider_id) = var(ENV_PROVIDER_ID) {
        builder = builder.provider_id(provider_id);
    }
    if let Some(header) = var(ENV_API_KEY_HEADER) {
        builder = builder.api_key_header(header);
    }
    Ok(builder)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn build(vars: &[(&str, &str)]) -> Result<TiunClient, BuildError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        builder_from(|name| vars.get(name).cloned())?.build()
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
    fn missing_or_invalid_variables_are_named_without_their_values() {
        let missing_key = build(&[(ENV_ENVIRONMENT, "live")]).unwrap_err();
        assert!(matches!(
            missing_key,
            BuildError::Env {
                variable: ENV_API_KEY,
                ..
            }
        ));
        let missing_env = build(&[(ENV_API_KEY, "k")]).unwrap_err();
        assert!(matches!(
            missing_env,
            BuildError::Env {
                variable: ENV_ENVIRONMENT,
                ..
            }
        ));
        let bad_env =
            build(&[(ENV_API_KEY, "k"), (ENV_ENVIRONMENT, "production-secret")]).unwrap_err();
        assert!(matches!(
            bad_env,
            BuildError::Env {
                variable: ENV_ENVIRONMENT,
                ..
            }
        ));
        assert!(!bad_env.to_string().contains("production-secret"));
        let bad_url = build(&[(ENV_API_KEY, "k"), (ENV_BASE_URL, "not a url")]).unwrap_err();
        assert!(matches!(
            bad_url,
            BuildError::Env {
                variable: ENV_BASE_URL,
                ..
            }
        ));
        let insecure =
            build(&[(ENV_API_KEY, "k"), (ENV_BASE_URL, "http://tiun.example/")]).unwrap_err();
        assert!(matches!(insecure, BuildError::InsecureBaseUrl));
    }
}
