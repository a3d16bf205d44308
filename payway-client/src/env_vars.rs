//! Reading the `PAYWAY_*` variables through the family's lookup
//! (`paywall_internal::env::EnvVars`, shaped like `std::env::var`), for
//! [`PaywayClient::from_env`](crate::PaywayClient::from_env) and
//! [`Sso2Client::from_env`](crate::sso2::Sso2Client::from_env): its errors as
//! [`BuildError`]s, and where to call.
//! Tests pass a closure: none touches the process environment.

use std::env::VarError;

use paywall_internal::env::{EnvError, EnvVars};
use url::Url;

use crate::environment::Environment;
use crate::error::BuildError;

/// The family's lookup, its errors as [`BuildError`]s (mapped here: no internal type is part
/// of the public API, not even through a `From` impl).
pub(crate) struct Env<F>(EnvVars<F>);

impl<F> Env<F>
where
    F: Fn(&str) -> Result<String, VarError>,
{
    pub(crate) fn new(lookup: F) -> Self {
        Self(EnvVars::new(lookup))
    }

    /// The value of `name`; `None` when it is not set or empty.
    pub(crate) fn optional(&self, name: &'static str) -> Result<Option<String>, BuildError> {
        self.0.optional(name).map_err(build_error)
    }

    /// The value of `name`, which must be set and not empty.
    pub(crate) fn required(&self, name: &'static str) -> Result<String, BuildError> {
        self.0.required(name).map_err(build_error)
    }

    /// Where to call: the environment named by `environment_var` (`stage` or `production`)
    /// and the base URL in `base_url_var`, at least one of them set.
    pub(crate) fn location(
        &self,
        environment_var: &'static str,
        base_url_var: &'static str,
    ) -> Result<(Option<Environment>, Option<Url>), BuildError> {
        let environment = self
            .0
            .parsed(
                environment_var,
                "expected `stage` or `production`",
                |name| name.parse::<Environment>().ok(),
            )
            .map_err(build_error)?;
        let base_url = self
            .0
            .parsed(base_url_var, "not an absolute URL", |text| {
                Url::parse(text.trim()).ok()
            })
            .map_err(build_error)?;
        if environment.is_none() && base_url.is_none() {
            return Err(BuildError::MissingEnvVar {
                name: environment_var,
            });
        }
        Ok((environment, base_url))
    }
}

fn build_error(error: EnvError) -> BuildError {
    match error {
        EnvError::Missing { name } => BuildError::MissingEnvVar { name },
        EnvError::Invalid { name, reason } => BuildError::InvalidEnvVar { name, reason },
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::*;

    fn vars(name: &str) -> Result<String, VarError> {
        match name {
            "SET" => Ok("value".to_owned()),
            "EMPTY" => Ok(String::new()),
            "LATIN1" => Err(VarError::NotUnicode(OsString::from("x-secret"))),
            "ENV" => Ok("Production".to_owned()),
            "URL" => Ok(" http://127.0.0.1:9/p/ ".to_owned()),
            "BAD_URL" => Ok("not a url-secret".to_owned()),
            _ => Err(VarError::NotPresent),
        }
    }

    #[test]
    fn the_lookup_errors_are_build_errors_that_name_the_variable() {
        let env = Env::new(vars);
        assert_eq!(env.optional("SET").unwrap().as_deref(), Some("value"));
        assert_eq!(env.optional("EMPTY").unwrap(), None);
        let missing = env.required("EMPTY").unwrap_err();
        assert!(matches!(
            missing,
            BuildError::MissingEnvVar { name: "EMPTY" }
        ));
        let error = env.optional("LATIN1").unwrap_err();
        assert!(matches!(
            error,
            BuildError::InvalidEnvVar {
                name: "LATIN1",
                reason: "not valid unicode"
            }
        ));
        assert!(!format!("{error} {error:?}").contains("secret"));
    }

    #[test]
    fn the_location_needs_an_environment_or_a_base_url() {
        let env = Env::new(vars);
        let (environment, url) = env.location("ENV", "URL").unwrap();
        assert_eq!(environment, Some(Environment::Production));
        assert_eq!(url.unwrap().as_str(), "http://127.0.0.1:9/p/");
        assert!(matches!(
            env.location("UNSET", "EMPTY"),
            Err(BuildError::MissingEnvVar { name: "UNSET" })
        ));
        assert!(matches!(
            env.location("SET", "URL"),
            Err(BuildError::InvalidEnvVar { name: "SET", .. })
        ));
        let bad_url = env.location("ENV", "BAD_URL").unwrap_err();
        assert!(matches!(
            bad_url,
            BuildError::InvalidEnvVar {
                name: "BAD_URL",
                ..
            }
        ));
        assert!(!format!("{bad_url} {bad_url:?}").contains("secret"));
        assert!(matches!(
            env.location("ENV", "LATIN1"),
            Err(BuildError::InvalidEnvVar {
                name: "LATIN1",
                reason: "not valid unicode"
            })
        ));
    }
}
