//! Configuration from environment variables.

use std::env::VarError;

use paywall_internal::env::{EnvVars, process_env};

use crate::builder::TuloVerifierBuilder;
use crate::error::{self, BuildError};
use crate::verifier::TuloVerifier;

/// The variable holding the JS-API user's client id (required).
pub const ENV_CLIENT_ID: &str = "TULO_CLIENT_ID";
/// The variable holding the JS-API user's client secret, the HS256 key (required).
pub const ENV_CLIENT_SECRET: &str = "TULO_CLIENT_SECRET";
/// The variable holding the JS-API user's redirect URI, every token's `aud` (required).
pub const ENV_REDIRECT_URI: &str = "TULO_REDIRECT_URI";

impl TuloVerifier {
    /// A verifier with the default settings, configured from the environment variables
    /// [`ENV_CLIENT_ID`], [`ENV_CLIENT_SECRET`] and [`ENV_REDIRECT_URI`] (all three required;
    /// each constant says what its variable holds).
    ///
    /// Payway delivers the three together for each API user. The JS-API user may be the same
    /// API user as payway-client's `PAYWAY_CLIENT_ID` / `PAYWAY_CLIENT_SECRET`, under another
    /// name: set both pairs to the same values then. An empty variable counts as not set. For
    /// other settings (`leeway`, `max_age`), start from [`TuloVerifier::builder_from_env`].
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingEnvVar`] or [`BuildError::InvalidEnvVar`] naming the variable
    /// (never its value), or any error of [`TuloVerifierBuilder::build`].
    pub fn from_env() -> Result<Self, BuildError> {
        Self::builder_from_env()?.build()
    }

    /// A builder preset from the variables [`TuloVerifier::from_env`] reads.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use tulo_jwt::TuloVerifier;
    ///
    /// let verifier = TuloVerifier::builder_from_env()?
    ///     .max_age(Duration::from_secs(120))
    ///     .build()?;
    /// # Ok::<(), tulo_jwt::BuildError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingEnvVar`] or [`BuildError::InvalidEnvVar`] naming the variable.
    pub fn builder_from_env() -> Result<TuloVerifierBuilder, BuildError> {
        from_lookup(process_env())
    }
}

/// Reads the variables through `lookup`, so tests need not touch the process environment.
pub(crate) fn from_lookup(
    lookup: impl Fn(&str) -> Result<String, VarError>,
) -> Result<TuloVerifierBuilder, BuildError> {
    let env = EnvVars::new(lookup);
    let var = |name| env.required(name).map_err(error::from_env);
    Ok(TuloVerifier::builder()
        .client_id(var(ENV_CLIENT_ID)?)
        .client_secret(var(ENV_CLIENT_SECRET)?)
        .redirect_uri(var(ENV_REDIRECT_URI)?))
}

#[cfg(test)]
mod tests {
    use paywall_internal::env::lookup_of;

    use super::{ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_REDIRECT_URI, from_lookup};
    use crate::BuildError;

    /// Every variable `from_env` reads.
    const VARIABLES: [&str; 3] = [ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_REDIRECT_URI];

    /// The three variables, with `value` in place of `name`'s (`None`: not set).
    fn vars(name: &str, value: Option<&'static str>) -> Vec<(&'static str, &'static str)> {
        [
            (ENV_CLIENT_ID, "52753620400e063f79000001"),
            (ENV_CLIENT_SECRET, "0123456789abcdef0123456789abcdef"),
            (ENV_REDIRECT_URI, "https://news.example.com/forward"),
        ]
        .into_iter()
        .filter_map(|(var, default)| match (var == name, value) {
            (false, _) => Some((var, default)),
            (true, value) => value.map(|value| (var, value)),
        })
        .collect()
    }

    #[test]
    fn the_variables_have_the_family_names() {
        assert_eq!(
            VARIABLES,
            ["TULO_CLIENT_ID", "TULO_CLIENT_SECRET", "TULO_REDIRECT_URI"]
        );
    }

    #[test]
    fn reads_the_three_variables() {
        let verifier = from_lookup(lookup_of(&vars("", None), None))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(verifier.client_id(), "52753620400e063f79000001");
        assert_eq!(verifier.redirect_uri(), "https://news.example.com/forward");
    }

    #[test]
    fn names_the_missing_or_empty_variable() {
        for missing in VARIABLES {
            for value in [None, Some("")] {
                let error = from_lookup(lookup_of(&vars(missing, value), None)).unwrap_err();
                assert!(
                    matches!(error, BuildError::MissingEnvVar { name } if name == missing),
                    "{error:?}"
                );
                assert!(error.to_string().contains(missing));
            }
        }
    }

    #[test]
    fn a_refused_secret_is_reported_without_its_value() {
        let leaked = Some("value-that-must-not-leak");
        let error = from_lookup(lookup_of(&vars(ENV_CLIENT_SECRET, leaked), None))
            .unwrap()
            .build()
            .unwrap_err();
        assert!(matches!(
            error,
            BuildError::ShortSecret { len: 24, min: 32 }
        ));
        assert!(!format!("{error:?} {error}").contains("value-that-must-not-leak"));
    }

    #[test]
    fn a_variable_that_is_not_unicode_is_invalid_not_missing() {
        for invalid in VARIABLES {
            let error = from_lookup(lookup_of(&vars("", None), Some(invalid))).unwrap_err();
            assert!(
                matches!(error, BuildError::InvalidEnvVar { name, reason: "not valid unicode" } if name == invalid),
                "{error:?}"
            );
        }
    }
}
