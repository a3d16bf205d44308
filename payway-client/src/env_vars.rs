//! Reading the `PAYWAY_*` variables through a lookup shaped like `std::env::var`, the one
//! piece [`PaywayClient::from_env`](crate::PaywayClient::from_env) and
//! [`Sso2Client::from_env`](crate::sso2::Sso2Client::from_env) share. Tests pass a closure:
//! none touches the process environment.

use std::env::VarError;

use url::Url;

use crate::environment::Environment;
use crate::error::BuildError;

/// The variables, as a lookup gives them.
pub(crate) struct EnvVars<F> {
    lookup: F,
}

impl<F> EnvVars<F>
where
    F: Fn(&str) -> Result<String, VarError>,
{
    pub(crate) fn new(lookup: F) -> Self {
        Self { lookup }
    }

    /// The value of `name`; `None` when it is not set or empty. A value that is not Unicode
    /// is an error that names the variable, never its value.
    pub(crate) fn optional(&self, name: &'static str) -> Result<Option<String>, BuildError> {
        match (self.lookup)(name) {
            Ok(value) if value.is_empty() => Ok(None),
            Ok(value) => Ok(Some(value)),
            Err(VarError::NotPresent) => Ok(None),
            Err(VarError::NotUnicode(_)) => Err(BuildError::InvalidEnvVar {
                name,
                reason: "not valid unicode",
            }),
        }
    }

    /// The value of `name`, which must be set and not empty.
    pub(crate) fn required(&self, name: &'static str) -> Result<String, BuildError> {
        self.optional(name)?
            .ok_or(BuildError::MissingEnvVar { name })
    }

    /// Where to call: the environment named by `environment_var` (`stage` or `production`)
    /// and the base URL in `base_url_var`, at least one of them set.
    pub(crate) fn location(
        &self,
        environment_var: &'static str,
        base_url_var: &'static str,
    ) -> Result<(Option<Environment>, Option<Url>), BuildError> {
        let environment = self
            .optional(environment_var)?
            .map(|name| {
                name.parse::<Environment>()
                    .map_err(|_| BuildError::InvalidEnvVar {
                        name: environment_var,
                        reason: "expected `stage` or `production`",
                    })
            })
            .transpose()?;
        let base_url = self
            .optional(base_url_var)?
            .map(|text| {
                Url::parse(text.trim()).map_err(|_| BuildError::InvalidEnvVar {
                    name: base_url_var,
                    reason: "not an absolute URL",
                })
            })
            .transpose()?;
        if environment.is_none() && base_url.is_none() {
            return Err(BuildError::MissingEnvVar {
                name: environment_var,
            });
        }
        Ok((environment, base_url))
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
    fn unset_and_empty_are_the_same_and_non_unicode_is_named() {
        let env = EnvVars::new(vars);
        assert_eq!(env.optional("SET").unwrap().as_deref(), Some("value"));
        assert_eq!(env.optional("EMPTY").unwrap(), None);
        assert_eq!(env.optional("UNSET").unwrap(), None);
        assert!(matches!(
            env.required("EMPTY"),
            Err(BuildError::MissingEnvVar { name: "EMPTY" })
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
        let env = EnvVars::new(vars);
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
        assert!(matches!(
            env.location("ENV", "BAD_URL"),
            Err(BuildError::InvalidEnvVar {
                name: "BAD_URL",
                ..
            })
        ));
        assert!(matches!(
            env.location("ENV", "LATIN1"),
            Err(BuildError::InvalidEnvVar {
                name: "LATIN1",
                reason: "not valid unicode"
            })
        ));
    }
}
