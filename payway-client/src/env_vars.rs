//! Reading the `PAYWAY_*` variables through the family's lookup
//! (`paywall_internal::env::EnvVars`, shaped like `std::env::var`): what
//! [`PaywayClient::from_env`](crate::PaywayClient::from_env) and
//! [`Sso2Client::from_env`](crate::sso2::Sso2Client::from_env) add to it is where to call.
//! Tests pass a closure: none touches the process environment.

use std::env::VarError;

use paywall_internal::env::{EnvError, EnvVars};
use url::Url;

use crate::environment::Environment;
use crate::error::BuildError;

impl From<EnvError> for BuildError {
    fn from(error: EnvError) -> Self {
        match error {
            EnvError::Missing { name } => Self::MissingEnvVar { name },
            EnvError::Invalid { name, reason } => Self::InvalidEnvVar { name, reason },
        }
    }
}

/// Where to call: the environment named by `environment_var` (`stage` or `production`)
/// and the base URL in `base_url_var`, at least one of them set.
pub(crate) fn location<F>(
    env: &EnvVars<F>,
    environment_var: &'static str,
    base_url_var: &'static str,
) -> Result<(Option<Environment>, Option<Url>), BuildError>
where
    F: Fn(&str) -> Result<String, VarError>,
{
    let environment = env.parsed(
        environment_var,
        "expected `stage` or `production`",
        |name| name.parse::<Environment>().ok(),
    )?;
    let base_url = env.parsed(base_url_var, "not an absolute URL", |text| {
        Url::parse(text.trim()).ok()
    })?;
    if environment.is_none() && base_url.is_none() {
        return Err(BuildError::MissingEnvVar {
            name: environment_var,
        });
    }
    Ok((environment, base_url))
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
        let env = EnvVars::new(vars);
        let missing = BuildError::from(env.required("EMPTY").unwrap_err());
        assert!(matches!(
            missing,
            BuildError::MissingEnvVar { name: "EMPTY" }
        ));
        let error = BuildError::from(env.optional("LATIN1").unwrap_err());
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
        let env = EnvVars::new(vars);
        let (environment, url) = location(&env, "ENV", "URL").unwrap();
        assert_eq!(environment, Some(Environment::Production));
        assert_eq!(url.unwrap().as_str(), "http://127.0.0.1:9/p/");
        assert!(matches!(
            location(&env, "UNSET", "EMPTY"),
            Err(BuildError::MissingEnvVar { name: "UNSET" })
        ));
        assert!(matches!(
            location(&env, "SET", "URL"),
            Err(BuildError::InvalidEnvVar { name: "SET", .. })
        ));
        let bad_url = location(&env, "ENV", "BAD_URL").unwrap_err();
        assert!(matches!(
            bad_url,
            BuildError::InvalidEnvVar {
                name: "BAD_URL",
                ..
            }
        ));
        assert!(!format!("{bad_url} {bad_url:?}").contains("secret"));
        assert!(matches!(
            location(&env, "ENV", "LATIN1"),
            Err(BuildError::InvalidEnvVar {
                name: "LATIN1",
                reason: "not valid unicode"
            })
        ));
    }
}
