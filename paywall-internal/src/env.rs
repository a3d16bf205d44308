//! The family's environment lookup: every crate's `from_env()` reads its variables through
//! [`EnvVars`], over a lookup shaped like `std::env::var` ([`process_env`] in production, a
//! closure in tests, so no test touches the process environment).
//!
//! One rule for all: a variable that is not present or is empty is "not set"; one that is
//! set but not Unicode is invalid, and is named without its value (it may be a secret).
//! Each crate turns an [`EnvError`] into its own `BuildError::MissingEnvVar { name }` or
//! `BuildError::InvalidEnvVar { name, reason }` with a private function, which
//! [`env_error_fn!`](crate::env_error_fn) writes (not a `From` impl, which would put this
//! crate's type into the crate's public API).

use std::collections::HashMap;
use std::env::VarError;
use std::ffi::OsString;
use std::fmt;

/// The reason given for a variable that is set but not Unicode.
pub const NOT_UNICODE: &str = "not valid unicode";

/// The reason given for a base URL variable that is not an absolute URL.
pub const NOT_A_URL: &str = "not an absolute URL";

/// Why [`EnvVars::location`] refused: the variable's error, and the URL parser's reason when
/// the base URL is not an absolute URL (the parser's reason names no part of the value).
#[cfg(feature = "http")]
pub type LocationError = (EnvError, Option<url::ParseError>);

/// Why a variable could not be used. Never holds its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvError {
    /// A required variable is not present, or is empty.
    Missing {
        /// The variable's name.
        name: &'static str,
    },
    /// A variable is set but unusable.
    Invalid {
        /// The variable's name.
        name: &'static str,
        /// What is wrong, in words: [`NOT_UNICODE`] or the caller's own reason.
        reason: &'static str,
    },
}

/// Defines the crate-private function that turns an [`EnvError`] into the crate's own error,
/// whose variants have the family's names: `MissingEnvVar { name }` and
/// `InvalidEnvVar { name, reason }`, with any further fields given (`source: None`).
///
/// ```ignore
/// paywall_internal::env_error_fn!(fn env_error -> BuildError);
/// ```
#[macro_export]
macro_rules! env_error_fn {
    (fn $name:ident -> $error:ident $({ $($field:ident: $value:expr),* })?) => {
        /// The environment lookup's refusal as this crate's error, naming the variable and
        /// never its value.
        pub(crate) fn $name(error: $crate::env::EnvError) -> $error {
            match error {
                $crate::env::EnvError::Missing { name } => $error::MissingEnvVar { name },
                $crate::env::EnvError::Invalid { name, reason } => {
                    $error::InvalidEnvVar { name, reason $($(, $field: $value)*)? }
                }
            }
        }
    };
}

/// Defines the crate-private function that turns [`EnvVars::location`]'s refusal into the
/// crate's `BuildError`: `MissingEnvVar { name }` or `InvalidEnvVar { name, reason, source }`,
/// keeping the URL parser's error as the source (it names no part of the value).
///
/// ```ignore
/// paywall_internal::location_error_fn!(fn location_error -> BuildError);
/// ```
#[macro_export]
macro_rules! location_error_fn {
    (fn $name:ident -> $error:ident) => {
        /// The environment's or base URL's refusal as this crate's error, naming the variable
        /// and never its value, with the URL parser's error as its source.
        pub(crate) fn $name((error, source): $crate::env::LocationError) -> $error {
            match error {
                $crate::env::EnvError::Missing { name } => $error::MissingEnvVar { name },
                $crate::env::EnvError::Invalid { name, reason } => $error::InvalidEnvVar {
                    name,
                    reason,
                    source,
                },
            }
        }
    };
}

/// `std::env::var` as a lookup for [`EnvVars::new`]. (A closure: `std::env::var` is generic
/// over its argument, so it is not `Fn(&str)` for every lifetime by itself.)
pub fn process_env() -> impl Fn(&str) -> Result<String, VarError> {
    |name| std::env::var(name)
}

/// A lookup over `vars`, for the crates' tests (none touches the process environment): a name
/// not among them is not present, and `garbled`, when given, is set but not Unicode, holding
/// the text `secret-value` (which no error may show).
pub fn lookup_of(
    vars: &[(&str, &str)],
    garbled: Option<&str>,
) -> impl Fn(&str) -> Result<String, VarError> + use<> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    let garbled = garbled.map(str::to_owned);
    move |name| {
        if garbled.as_deref() == Some(name) {
            return Err(VarError::NotUnicode(OsString::from("secret-value")));
        }
        vars.get(name).cloned().ok_or(VarError::NotPresent)
    }
}

/// The variables, as a lookup gives them.
pub struct EnvVars<F> {
    lookup: F,
}

impl<F> fmt::Debug for EnvVars<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvVars").finish_non_exhaustive()
    }
}

impl<F> EnvVars<F>
where
    F: Fn(&str) -> Result<String, VarError>,
{
    /// Reads through `lookup`: [`process_env`], or a test's closure.
    pub fn new(lookup: F) -> Self {
        Self { lookup }
    }

    /// The value of `name`; `None` when it is not present or empty.
    ///
    /// # Errors
    ///
    /// [`EnvError::Invalid`] with [`NOT_UNICODE`] when it is set but not Unicode.
    pub fn optional(&self, name: &'static str) -> Result<Option<String>, EnvError> {
        match (self.lookup)(name) {
            Ok(value) if value.is_empty() => Ok(None),
            Ok(value) => Ok(Some(value)),
            Err(VarError::NotPresent) => Ok(None),
            Err(VarError::NotUnicode(_)) => Err(EnvError::Invalid {
                name,
                reason: NOT_UNICODE,
            }),
        }
    }

    /// The value of `name`, which must be set and not empty.
    ///
    /// # Errors
    ///
    /// [`EnvError::Missing`] when it is not set or empty; as [`optional`](Self::optional).
    pub fn required(&self, name: &'static str) -> Result<String, EnvError> {
        self.optional(name)?.ok_or(EnvError::Missing { name })
    }

    /// The value of `name` read by `parse`; `None` when it is not set or empty.
    ///
    /// # Errors
    ///
    /// [`EnvError::Invalid`] with `reason` when `parse` refuses the value (which the error
    /// never holds); as [`optional`](Self::optional).
    pub fn parsed<T>(
        &self,
        name: &'static str,
        reason: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, EnvError> {
        self.optional(name)?
            .map(|value| parse(&value).ok_or(EnvError::Invalid { name, reason }))
            .transpose()
    }

    /// Where a client calls, from two variables, at least one of them set: the environment
    /// named in `environment_var` (read by its `FromStr`, refused with `reason`) and a base
    /// URL in `base_url_var` (refused with [`NOT_A_URL`]).
    ///
    /// # Errors
    ///
    /// [`EnvError::Missing`] naming `environment_var` when neither is set;
    /// [`EnvError::Invalid`] for either, as [`parsed`](Self::parsed).
    #[cfg(feature = "http")]
    pub fn location<E: std::str::FromStr>(
        &self,
        environment_var: &'static str,
        reason: &'static str,
        base_url_var: &'static str,
    ) -> Result<(Option<E>, Option<url::Url>), LocationError> {
        let environment = self
            .parsed(environment_var, reason, |name| name.parse().ok())
            .map_err(|error| (error, None))?;
        let base_url = match self.optional(base_url_var).map_err(|error| (error, None))? {
            Some(text) => Some(url::Url::parse(text.trim()).map_err(|source| {
                let (name, reason) = (base_url_var, NOT_A_URL);
                (EnvError::Invalid { name, reason }, Some(source))
            })?),
            None if environment.is_none() => {
                let name = environment_var;
                return Err((EnvError::Missing { name }, None));
            }
            None => None,
        };
        Ok((environment, base_url))
    }
}

#[cfg(test)]
mod tests {
    use std::env::VarError;

    use super::{EnvError, EnvVars, NOT_UNICODE, lookup_of, process_env};

    const VARS: [(&str, &str); 4] = [
        ("SET", "value"),
        ("EMPTY", ""),
        ("SPACE", " "),
        ("NUMBER", " 42 "),
    ];

    fn vars() -> impl Fn(&str) -> Result<String, VarError> {
        lookup_of(&VARS, Some("LATIN1"))
    }

    #[test]
    fn not_present_and_empty_are_not_set() {
        let env = EnvVars::new(vars());
        assert_eq!(env.optional("SET"), Ok(Some("value".to_owned())));
        assert_eq!(env.optional("EMPTY"), Ok(None));
        assert_eq!(env.optional("UNSET"), Ok(None));
        // Only the empty string is empty: a space is a value (the caller may refuse it).
        assert_eq!(env.optional("SPACE"), Ok(Some(" ".to_owned())));
        assert_eq!(env.required("SET"), Ok("value".to_owned()));
        assert_eq!(
            env.required("EMPTY"),
            Err(EnvError::Missing { name: "EMPTY" })
        );
        assert_eq!(
            env.required("UNSET"),
            Err(EnvError::Missing { name: "UNSET" })
        );
    }

    #[test]
    fn not_unicode_is_invalid_and_named_without_its_value() {
        let env = EnvVars::new(vars());
        for result in [
            env.optional("LATIN1").map(|_| ()),
            env.required("LATIN1").map(|_| ()),
        ] {
            let error = result.unwrap_err();
            assert_eq!(
                error,
                EnvError::Invalid {
                    name: "LATIN1",
                    reason: NOT_UNICODE
                }
            );
            assert!(!format!("{error:?}").contains("secret"));
        }
    }

    #[test]
    fn parsed_values_name_the_variable_and_the_callers_reason() {
        let env = EnvVars::new(vars());
        let number = |text: &str| text.trim().parse::<u64>().ok();
        assert_eq!(env.parsed("NUMBER", "not a number", number), Ok(Some(42)));
        assert_eq!(env.parsed("UNSET", "not a number", number), Ok(None));
        assert_eq!(
            env.parsed("SET", "not a number", number),
            Err(EnvError::Invalid {
                name: "SET",
                reason: "not a number"
            })
        );
        assert_eq!(
            env.parsed("LATIN1", "not a number", number),
            Err(EnvError::Invalid {
                name: "LATIN1",
                reason: NOT_UNICODE
            })
        );
    }

    #[cfg(feature = "http")]
    #[test]
    fn the_location_needs_an_environment_or_a_base_url() {
        let urls = [
            ("URL", " http://127.0.0.1:9/p/ "),
            ("BAD_URL", "not a url-secret"),
        ];
        let env = EnvVars::new(lookup_of(&[&VARS[..], &urls].concat(), Some("LATIN1")));
        let url = url::Url::parse("http://127.0.0.1:9/p/").ok();
        let at = |name, url_var| env.location::<String>(name, "unknown", url_var);
        let value = Some("value".to_owned());
        assert_eq!(at("SET", "URL"), Ok((value.clone(), url.clone())));
        assert_eq!(at("UNSET", "URL"), Ok((None, url)));
        assert_eq!(at("SET", "EMPTY"), Ok((value, None)));
        let missing = EnvError::Missing { name: "UNSET" };
        assert_eq!(at("UNSET", "EMPTY"), Err((missing, None)));
        let refused = |name, reason| EnvError::Invalid { name, reason };
        let parser = Some(url::ParseError::RelativeUrlWithoutBase);
        let bad_url = at("SET", "BAD_URL").unwrap_err();
        assert_eq!(bad_url, (refused("BAD_URL", super::NOT_A_URL), parser));
        assert!(!format!("{bad_url:?}").contains("secret"));
        let latin1 = (refused("LATIN1", NOT_UNICODE), None);
        assert_eq!(at("SET", "LATIN1"), Err(latin1));
        let number = env.location::<u64>("SET", "not a number", "URL");
        assert_eq!(number, Err((refused("SET", "not a number"), None)));
    }

    #[test]
    fn a_fixed_lookup_gives_its_variables_and_garbles_one() {
        let env = EnvVars::new(lookup_of(&[("SET", "value"), ("BAD", "x")], Some("BAD")));
        assert_eq!(env.required("SET"), Ok("value".to_owned()));
        assert_eq!(env.optional("UNSET"), Ok(None));
        let invalid = EnvError::Invalid {
            name: "BAD",
            reason: NOT_UNICODE,
        };
        assert_eq!(env.optional("BAD"), Err(invalid));
    }

    #[derive(Debug, PartialEq)]
    pub(crate) enum BuildError {
        MissingEnvVar {
            name: &'static str,
        },
        InvalidEnvVar {
            name: &'static str,
            reason: &'static str,
            source: Option<()>,
        },
    }

    crate::env_error_fn!(fn env_error -> BuildError { source: None });

    #[test]
    fn the_mapping_names_the_variable() {
        let missing = env_error(EnvError::Missing { name: "A" });
        assert_eq!(missing, BuildError::MissingEnvVar { name: "A" });
        let (name, reason, source) = ("B", NOT_UNICODE, None);
        let invalid = env_error(EnvError::Invalid { name, reason });
        assert_eq!(
            invalid,
            BuildError::InvalidEnvVar {
                name,
                reason,
                source
            }
        );
    }

    #[test]
    fn debug_shows_no_value() {
        let env = EnvVars::new(vars());
        assert_eq!(format!("{env:?}"), "EnvVars { .. }");
        // `process_env` is `std::env::var` as an `Fn(&str)`; it type-checks as a lookup.
        let _ = EnvVars::new(process_env());
    }
}
