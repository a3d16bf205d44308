//! Reading the `PAYWAY_*` variables through the family's lookup
//! (`paywall_internal::env::EnvVars`, shaped like `std::env::var`), for
//! [`PaywayClient::from_env`](crate::PaywayClient::from_env) and
//! [`Sso2Client::from_env`](crate::sso2::Sso2Client::from_env): its errors as
//! [`BuildError`]s, and where to call.
//! Tests pass a closure: none touches the process environment.

use std::env::VarError;

use paywall_internal::env::EnvVars;
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

    /// The value of `name` read by `parse`, refused with `reason`; `None` when not set.
    pub(crate) fn parsed<T>(
        &self,
        name: &'static str,
        reason: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, BuildError> {
        self.0.parsed(name, reason, parse).map_err(build_error)
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
        let reason = "expected `stage` or `production`";
        let location = self.0.location(environment_var, reason, base_url_var);
        location.map_err(location_error)
    }
}

paywall_internal::env_error_fn!(fn build_error -> BuildError { source: None });
paywall_internal::location_error_fn!(fn location_error -> BuildError);

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules are paywall-internal's (`EnvVars`, with their cases); this is the wiring.
    #[test]
    fn the_lookup_errors_are_build_errors_that_name_the_variable() {
        let env = Env::new(|name: &str| match name {
            "ENV" => Ok("Production".to_owned()),
            "BAD_URL" => Ok("not a url-secret".to_owned()),
            _ => Err(VarError::NotPresent),
        });
        let (environment, url) = env.location("ENV", "UNSET").unwrap();
        assert_eq!((environment, url), (Some(Environment::Production), None));
        assert!(matches!(
            env.required("UNSET"),
            Err(BuildError::MissingEnvVar { name: "UNSET" })
        ));
        let bad_url = env.location("ENV", "BAD_URL").unwrap_err();
        assert!(matches!(
            bad_url,
            BuildError::InvalidEnvVar {
                name: "BAD_URL",
                reason: "not an absolute URL",
                source: Some(_),
            }
        ));
        assert!(!format!("{bad_url} {bad_url:?}").contains("secret"));
    }
}
