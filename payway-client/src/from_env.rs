//! Configuration from environment variables: [`PaywayClient::from_env`] and
//! [`PaywayClient::builder_from_env`], both over one lookup that tests can replace.

use std::env::VarError;

use crate::builder::PaywayClientBuilder;
use crate::client::PaywayClient;
use crate::env_vars::Env;
use crate::error::BuildError;
use crate::token_encoding::TokenEncoding;

/// The variable holding the API client id (required). Tulo's JS-API user may be the same
/// API user under the name `TULO_CLIENT_ID`.
pub const ENV_CLIENT_ID: &str = "PAYWAY_CLIENT_ID";
/// The variable holding the API client secret (required). Tulo's JS-API user may be the
/// same API user under the name `TULO_CLIENT_SECRET`.
pub const ENV_CLIENT_SECRET: &str = "PAYWAY_CLIENT_SECRET";
/// The variable naming the environment, `stage` or `production` (required unless
/// [`ENV_BASE_URL`] is set).
pub const ENV_ENVIRONMENT: &str = "PAYWAY_ENVIRONMENT";
/// The variable holding an API host root that replaces the environment's (optional).
pub const ENV_BASE_URL: &str = "PAYWAY_BASE_URL";
/// The variable choosing the token request encoding, `form` (default) or `json` (optional).
pub const ENV_TOKEN_ENCODING: &str = "PAYWAY_TOKEN_ENCODING";

impl PaywayClient {
    /// Builds a client from environment variables:
    ///
    /// | variable | |
    /// | --- | --- |
    /// | `PAYWAY_CLIENT_ID` ([`ENV_CLIENT_ID`]) | required |
    /// | `PAYWAY_CLIENT_SECRET` ([`ENV_CLIENT_SECRET`]) | required, at least 16 bytes |
    /// | `PAYWAY_ENVIRONMENT` ([`ENV_ENVIRONMENT`]) | `stage` or `production`; required unless `PAYWAY_BASE_URL` is set |
    /// | `PAYWAY_BASE_URL` ([`ENV_BASE_URL`]) | optional API host root, overrides the environment's |
    /// | `PAYWAY_TOKEN_ENCODING` ([`ENV_TOKEN_ENCODING`]) | optional, `form` (default) or `json` |
    ///
    /// An empty variable counts as not set; one that is not valid Unicode is a
    /// [`BuildError::InvalidEnvVar`]. The same API user may also be configured for Tulo's
    /// JS-API as `TULO_CLIENT_ID` / `TULO_CLIENT_SECRET` (crate `tulo-jwt`).
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingEnvVar`] or [`BuildError::InvalidEnvVar`] (which never shows the
    /// value), or any error of [`PaywayClientBuilder::build`].
    pub fn from_env() -> Result<Self, BuildError> {
        Self::builder_from_env()?.build()
    }

    /// Like [`from_env`](Self::from_env), but returns the builder so you can add settings
    /// (an HTTP client, timeouts) before building.
    ///
    /// # Errors
    ///
    /// As [`from_env`](Self::from_env), for the variables.
    pub fn builder_from_env() -> Result<PaywayClientBuilder, BuildError> {
        from_lookup(paywall_internal::env::process_env())
    }
}

/// Reads the variables through `lookup` (shaped like `std::env::var`), so that tests never
/// touch the process environment.
pub(crate) fn from_lookup(
    lookup: impl Fn(&str) -> Result<String, VarError>,
) -> Result<PaywayClientBuilder, BuildError> {
    let env = Env::new(lookup);
    let builder = PaywayClient::builder()
        .client_id(env.required(ENV_CLIENT_ID)?)
        .client_secret(env.required(ENV_CLIENT_SECRET)?)
        .location(env.location(ENV_ENVIRONMENT, ENV_BASE_URL)?);
    let encoding = env.parsed(
        ENV_TOKEN_ENCODING,
        "expected `form` or `json`",
        |text| match text.trim().to_ascii_lowercase().as_str() {
            "form" => Some(TokenEncoding::Form),
            "json" => Some(TokenEncoding::Json),
            _ => None,
        },
    )?;
    Ok(builder.token_encoding(encoding.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use paywall_internal::env::lookup_of;

    use super::*;
    use crate::environment::Environment;

    const SECRET: &str = "env-secret-0123456789";
    /// Every required variable, set.
    const SET: [(&str, &str); 3] = [
        (ENV_CLIENT_ID, "x"),
        (ENV_CLIENT_SECRET, SECRET),
        (ENV_ENVIRONMENT, "stage"),
    ];

    fn build(vars: &[(&str, &str)]) -> Result<PaywayClient, BuildError> {
        from_lookup(lookup_of(vars, None))?.build()
    }

    #[test]
    fn reads_the_documented_variables() {
        let client = build(&[
            (ENV_CLIENT_ID, "env-client"),
            (ENV_CLIENT_SECRET, SECRET),
            (ENV_ENVIRONMENT, "Production"),
            (ENV_TOKEN_ENCODING, "json"),
        ])
        .unwrap();
        assert_eq!(client.client_id(), "env-client");
        assert_eq!(client.environment(), Some(Environment::Production));
        assert_eq!(client.token_encoding(), TokenEncoding::Json);
        assert_eq!(
            client.base_url().as_str(),
            "https://backend.worldoftulo.com/"
        );
        let proxied = build(&[
            (ENV_CLIENT_ID, "env-client"),
            (ENV_CLIENT_SECRET, SECRET),
            (ENV_BASE_URL, "http://127.0.0.1:9/payway/"),
            (ENV_ENVIRONMENT, ""),
        ])
        .unwrap();
        assert_eq!(proxied.environment(), None);
        assert_eq!(proxied.base_url().as_str(), "http://127.0.0.1:9/payway/");
    }

    #[test]
    fn missing_or_invalid_variables_are_named_without_their_values() {
        let missing = build(&[(ENV_CLIENT_ID, "x"), (ENV_CLIENT_SECRET, "")]).unwrap_err();
        assert!(matches!(
            missing,
            BuildError::MissingEnvVar {
                name: "PAYWAY_CLIENT_SECRET"
            }
        ));
        let no_env = build(&[(ENV_CLIENT_ID, "x"), (ENV_CLIENT_SECRET, SECRET)]).unwrap_err();
        assert!(matches!(
            no_env,
            BuildError::MissingEnvVar {
                name: "PAYWAY_ENVIRONMENT"
            }
        ));
        // (variable, its value, or `None` for one set but not Unicode)
        for (name, value) in [
            (ENV_ENVIRONMENT, Some("moon-secret")),
            (ENV_TOKEN_ENCODING, Some("xml-secret")),
            (ENV_BASE_URL, Some("not a url-secret")),
            (ENV_CLIENT_ID, None),
            (ENV_CLIENT_SECRET, None),
            (ENV_ENVIRONMENT, None),
            (ENV_TOKEN_ENCODING, None),
        ] {
            let mut vars = SET.to_vec();
            vars.retain(|(n, _)| *n != name);
            vars.extend(value.map(|value| (name, value)));
            let garbled = value.is_none().then_some(name);
            let err = from_lookup(lookup_of(&vars, garbled))
                .and_then(PaywayClientBuilder::build)
                .unwrap_err();
            assert!(
                matches!(err, BuildError::InvalidEnvVar { name: n, reason, .. }
                    if n == name && (value.is_some() || reason == "not valid unicode")),
                "{name}: {err:?}"
            );
            assert!(!format!("{err} {err:?}").contains("secret"));
        }
        let short = build(&[SET[0], (ENV_CLIENT_SECRET, "short"), SET[2]]).unwrap_err();
        assert!(matches!(short, BuildError::ShortSecret { len: 5, min: 16 }));
    }
}
