//! Configuration from environment variables, read through one lookup that tests replace
//! with a closure.

use std::env::VarError;
use std::time::Duration;

use paywall_internal::env::{EnvVars, process_env};

use crate::builder::AccesstypeSignerBuilder;
use crate::error::BuildError;
use crate::signer::AccesstypeSigner;

/// The variable holding the account's JWT secret (required by
/// [`AccesstypeSigner::from_env`]).
pub const ENV_JWT_SECRET: &str = "ACCESSTYPE_JWT_SECRET";

/// The variable holding the token lifetime in whole seconds (optional; see
/// [`AccesstypeSignerBuilder::ttl`]).
pub const ENV_JWT_TTL_SECS: &str = "ACCESSTYPE_JWT_TTL_SECS";

impl AccesstypeSigner {
    /// A signer configured from environment variables:
    ///
    /// | variable | meaning |
    /// | --- | --- |
    /// | `ACCESSTYPE_JWT_SECRET` ([`ENV_JWT_SECRET`]) | the account's JWT secret (required, at least 32 bytes) |
    /// | `ACCESSTYPE_JWT_TTL_SECS` ([`ENV_JWT_TTL_SECS`]) | the token lifetime in whole seconds (optional) |
    ///
    /// An empty variable counts as not set. To add settings of your own (a leeway), start
    /// from [`AccesstypeSigner::builder_from_env`] instead.
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingEnvVar`] when the secret is not set, [`BuildError::InvalidEnvVar`]
    /// when a variable is not Unicode or the lifetime is not a whole number (never showing
    /// the value), and every error of [`AccesstypeSignerBuilder::build`].
    pub fn from_env() -> Result<Self, BuildError> {
        Self::builder_from_env()?.build()
    }

    /// A builder preset from the variables [`AccesstypeSigner::from_env`] reads.
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingEnvVar`] or [`BuildError::InvalidEnvVar`], naming the variable.
    pub fn builder_from_env() -> Result<AccesstypeSignerBuilder, BuildError> {
        from_lookup(process_env())
    }
}

paywall_internal::env_error_fn!(fn env_error -> BuildError { source: None });

/// Reads the variables through `lookup`, so tests need not touch the process environment.
fn from_lookup(
    lookup: impl Fn(&str) -> Result<String, VarError>,
) -> Result<AccesstypeSignerBuilder, BuildError> {
    let vars = EnvVars::new(lookup);
    let secret = vars.required(ENV_JWT_SECRET).map_err(env_error)?;
    let mut builder = AccesstypeSigner::builder().secret(secret);
    let ttl = vars.parsed(ENV_JWT_TTL_SECS, "not a whole number of seconds", |ttl| {
        ttl.trim().parse::<u64>().ok()
    });
    if let Some(seconds) = ttl.map_err(env_error)? {
        builder = builder.ttl(Duration::from_secs(seconds));
    }
    Ok(builder)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use paywall_internal::env::lookup_of;

    use super::{ENV_JWT_SECRET, ENV_JWT_TTL_SECS, from_lookup};
    use crate::error::BuildError;

    const SECRET: &str = "accesstype-test-secret-0123456789abcde";

    fn build(vars: &[(&str, &str)]) -> Result<crate::AccesstypeSigner, BuildError> {
        from_lookup(lookup_of(vars, None))?.build()
    }

    #[test]
    fn a_variable_that_is_not_unicode_is_named_and_never_shown() {
        for (name, vars) in [
            (ENV_JWT_SECRET, &[][..]),
            (ENV_JWT_TTL_SECS, &[(ENV_JWT_SECRET, SECRET)][..]),
        ] {
            let error = from_lookup(lookup_of(vars, Some(name))).unwrap_err();
            assert!(
                matches!(
                    error,
                    BuildError::InvalidEnvVar { name: named, reason: "not valid unicode", .. }
                        if named == name
                ),
                "{error:?}"
            );
            assert!(!format!("{error} {error:?}").contains("secret-value"));
        }
    }

    #[test]
    fn reads_the_documented_variables() {
        assert_eq!(ENV_JWT_SECRET, "ACCESSTYPE_JWT_SECRET");
        assert_eq!(ENV_JWT_TTL_SECS, "ACCESSTYPE_JWT_TTL_SECS");
        let signer = build(&[(ENV_JWT_SECRET, SECRET), (ENV_JWT_TTL_SECS, " 120 ")]).unwrap();
        assert_eq!(signer.ttl(), Some(Duration::from_secs(120)));
        let signer = build(&[(ENV_JWT_SECRET, SECRET)]).unwrap();
        assert_eq!(signer.ttl(), None);
        // An empty lifetime counts as not set.
        let signer = build(&[(ENV_JWT_SECRET, SECRET), (ENV_JWT_TTL_SECS, "")]).unwrap();
        assert_eq!(signer.ttl(), None);
    }

    #[test]
    fn names_the_variable_and_never_its_value() {
        for vars in [&[][..], &[(ENV_JWT_SECRET, "")][..]] {
            assert!(matches!(
                build(vars).unwrap_err(),
                BuildError::MissingEnvVar {
                    name: "ACCESSTYPE_JWT_SECRET"
                }
            ));
        }
        let error =
            build(&[(ENV_JWT_SECRET, SECRET), (ENV_JWT_TTL_SECS, "two minutes")]).unwrap_err();
        assert!(matches!(
            error,
            BuildError::InvalidEnvVar {
                name: "ACCESSTYPE_JWT_TTL_SECS",
                reason: "not a whole number of seconds",
                ..
            }
        ));
        assert!(!error.to_string().contains("two minutes"));
        assert!(matches!(
            build(&[(ENV_JWT_SECRET, "short")]).unwrap_err(),
            BuildError::ShortSecret { len: 5, .. }
        ));
        assert!(matches!(
            build(&[(ENV_JWT_SECRET, SECRET), (ENV_JWT_TTL_SECS, "0")]).unwrap_err(),
            BuildError::ZeroDuration { what: "ttl" }
        ));
    }
}
