//! Configuration from environment variables: [`Sso2Client::from_env`],
//! [`Sso2Client::builder_from_env`] and [`SessionCookieKey::from_env`], over one lookup that
//! tests can replace.

use std::env::VarError;

use super::builder::Sso2ClientBuilder;
use super::client::Sso2Client;
use super::cookie_key::{self, SessionCookieKey};
use crate::env_vars::Env;
use crate::error::BuildError;
use crate::from_env::{ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_ENVIRONMENT};

/// The variable holding the Payway organisation id, SSO2's `iss` (required for SSO2).
pub const ENV_ORGANISATION_ID: &str = "PAYWAY_ORGANISATION_ID";
/// The variable holding an SSO2 host root that replaces the environment's (optional).
pub const ENV_SSO_BASE_URL: &str = "PAYWAY_SSO_BASE_URL";
/// The variable holding the paywall secret, the key of the Tulo Paywall's checkout tokens
/// ([`PaywallSecret::from_env`](super::PaywallSecret::from_env)).
pub const ENV_PAYWALL_SECRET: &str = "PAYWAY_PAYWALL_SECRET";
/// The variable holding the site's own secret for its SSO2 session cookies
/// ([`SessionCookieKey::from_env`]).
pub const ENV_SSO2_COOKIE_SECRET: &str = "PAYWAY_SSO2_COOKIE_SECRET";
/// The variable holding the cookie secret being retired, during a rotation (optional).
pub const ENV_SSO2_COOKIE_PREVIOUS_SECRET: &str = "PAYWAY_SSO2_COOKIE_PREVIOUS_SECRET";

impl Sso2Client {
    /// Builds an SSO2 client from environment variables:
    ///
    /// | variable | |
    /// | --- | --- |
    /// | `PAYWAY_CLIENT_ID` ([`ENV_CLIENT_ID`](crate::ENV_CLIENT_ID)) | required |
    /// | `PAYWAY_CLIENT_SECRET` ([`ENV_CLIENT_SECRET`](crate::ENV_CLIENT_SECRET)) | required, at least 32 bytes ([`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES)) |
    /// | `PAYWAY_ORGANISATION_ID` ([`ENV_ORGANISATION_ID`](crate::ENV_ORGANISATION_ID)) | required |
    /// | `PAYWAY_ENVIRONMENT` ([`ENV_ENVIRONMENT`](crate::ENV_ENVIRONMENT)) | `stage` or `production`; required unless `PAYWAY_SSO_BASE_URL` is set |
    /// | `PAYWAY_SSO_BASE_URL` ([`ENV_SSO_BASE_URL`](crate::ENV_SSO_BASE_URL)) | optional SSO2 host root, overrides the environment's |
    ///
    /// The same variables as [`PaywayClient::from_env`](crate::PaywayClient::from_env), plus
    /// the organisation and the SSO2 host. An empty variable counts as not set; one that is
    /// not valid Unicode is a [`BuildError::InvalidEnvVar`].
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingEnvVar`] or [`BuildError::InvalidEnvVar`] (which never shows the
    /// value), or any error of [`Sso2ClientBuilder::build`].
    pub fn from_env() -> Result<Self, BuildError> {
        Self::builder_from_env()?.build()
    }

    /// Like [`from_env`](Self::from_env), but returns the builder so you can add settings
    /// (an HTTP client, a timeout, the leeway) before building.
    ///
    /// # Errors
    ///
    /// As [`from_env`](Self::from_env), for the variables.
    pub fn builder_from_env() -> Result<Sso2ClientBuilder, BuildError> {
        from_lookup(paywall_internal::env::process_env())
    }
}

impl SessionCookieKey {
    /// The session cookie key from environment variables, [bound](Self::bound_to) to the
    /// SSO2 client the same variables describe ([`Sso2Client::from_env`]'s):
    ///
    /// | variable | |
    /// | --- | --- |
    /// | `PAYWAY_SSO2_COOKIE_SECRET` ([`ENV_SSO2_COOKIE_SECRET`](crate::ENV_SSO2_COOKIE_SECRET)) | required, at least 32 bytes ([`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES)): the site's own, one per environment |
    /// | `PAYWAY_SSO2_COOKIE_PREVIOUS_SECRET` ([`ENV_SSO2_COOKIE_PREVIOUS_SECRET`](crate::ENV_SSO2_COOKIE_PREVIOUS_SECRET)) | optional, at least 32 bytes: the secret being retired ([`with_previous`](Self::with_previous)) |
    /// | the variables of [`Sso2Client::from_env`] | required as there: the client the key is bound to (its secret may be one the client takes only with [`insecure_allow_short_secret`](super::Sso2ClientBuilder::insecure_allow_short_secret)) |
    ///
    /// A client configured in code beyond these variables (another base URL) is another
    /// binding: bind the key to it yourself, `SessionCookieKey::new(secret)?.bound_to(&sso2)`.
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingEnvVar`] or [`BuildError::InvalidEnvVar`] (which never shows the
    /// value; a cookie secret shorter than 32 bytes is one, naming its variable), or the base
    /// URL errors of [`Sso2Client::from_env`].
    pub fn from_env() -> Result<Self, BuildError> {
        key_from_lookup(paywall_internal::env::process_env())
    }
}

/// [`SessionCookieKey::from_env`], through `lookup`.
fn key_from_lookup(
    lookup: impl Fn(&str) -> Result<String, VarError>,
) -> Result<SessionCookieKey, BuildError> {
    let env = Env::new(&lookup);
    let key = |name| {
        env.parsed(name, "shorter than 32 bytes (MIN_SECRET_BYTES)", |secret| {
            cookie_key::key(secret.as_bytes())
        })
    };
    let current = key(ENV_SSO2_COOKIE_SECRET)?.ok_or(BuildError::MissingEnvVar {
        name: ENV_SSO2_COOKIE_SECRET,
    })?;
    let previous = key(ENV_SSO2_COOKIE_PREVIOUS_SECRET)?;
    // The client `Sso2Client::from_env` builds from the same variables; the binding needs
    // neither its secret's length nor its HTTP client.
    let sso2 = from_lookup(&lookup)?;
    let (base_url, client_id, organisation_id) = sso2.cookie_binding()?;
    Ok(SessionCookieKey::from_keys(current, previous).bound(&base_url, client_id, organisation_id))
}

/// Reads the variables through `lookup` (shaped like `std::env::var`), so that tests never
/// touch the process environment.
pub(crate) fn from_lookup(
    lookup: impl Fn(&str) -> Result<String, VarError>,
) -> Result<Sso2ClientBuilder, BuildError> {
    let env = Env::new(lookup);
    Ok(Sso2Client::builder()
        .client_id(env.required(ENV_CLIENT_ID)?)
        .client_secret(env.required(ENV_CLIENT_SECRET)?)
        .organisation_id(env.required(ENV_ORGANISATION_ID)?)
        .location(env.location(ENV_ENVIRONMENT, ENV_SSO_BASE_URL)?))
}

#[cfg(test)]
mod tests {
    use paywall_internal::env::lookup_of;

    use super::*;

    const SECRET: &str = "env-sso2-secret-0123456789abcdefghij";

    /// The client id, the secret and the organisation, with `more` (which may replace them).
    fn build(more: &[(&'static str, &'static str)]) -> Result<Sso2Client, BuildError> {
        let mut vars = vec![
            (ENV_CLIENT_ID, "cid"),
            (ENV_CLIENT_SECRET, SECRET),
            (ENV_ORGANISATION_ID, "org"),
        ];
        vars.extend_from_slice(more);
        from_lookup(lookup_of(&vars, None))?.build()
    }

    #[test]
    fn reads_the_documented_variables() {
        let sso2 = build(&[(ENV_ENVIRONMENT, "production")]).unwrap();
        assert_eq!(sso2.base_url().as_str(), "https://sso.worldoftulo.com/");
        assert_eq!((sso2.client_id(), sso2.organisation_id()), ("cid", "org"));
        let proxied = build(&[(ENV_SSO_BASE_URL, "http://127.0.0.1:9/sso/")]).unwrap();
        assert_eq!(proxied.base_url().as_str(), "http://127.0.0.1:9/sso/");
        assert_eq!(proxied.environment(), None);
    }

    #[test]
    fn missing_or_invalid_variables_are_named_without_their_values() {
        let set = [(ENV_CLIENT_ID, "cid"), (ENV_CLIENT_SECRET, SECRET)];
        let missing = from_lookup(lookup_of(&set, None))
            .and_then(Sso2ClientBuilder::build)
            .unwrap_err();
        assert!(matches!(
            missing,
            BuildError::MissingEnvVar {
                name: "PAYWAY_ORGANISATION_ID"
            }
        ));
        let no_env = build(&[(ENV_SSO_BASE_URL, "")]).unwrap_err();
        assert!(matches!(
            no_env,
            BuildError::MissingEnvVar {
                name: "PAYWAY_ENVIRONMENT"
            }
        ));
        let bad = build(&[(ENV_SSO_BASE_URL, "not a url-secret")]).unwrap_err();
        assert!(matches!(
            bad,
            BuildError::InvalidEnvVar {
                name: "PAYWAY_SSO_BASE_URL",
                ..
            }
        ));
        assert!(!format!("{bad} {bad:?}").contains("url-secret"));
    }

    #[test]
    fn the_cookie_key_is_bound_to_the_client_the_same_variables_describe() {
        const COOKIE_SECRET: &str = "env-cookie-secret-0123456789abcdefgh";
        const OLD_SECRET: &str = "old-cookie-secret-0123456789abcdefgh";
        let vars = |more: &[(&'static str, &'static str)]| {
            let mut vars = vec![
                (ENV_CLIENT_ID, "cid"),
                (ENV_CLIENT_SECRET, SECRET),
                (ENV_ORGANISATION_ID, "org"),
                (ENV_ENVIRONMENT, "stage"),
                (ENV_SSO2_COOKIE_SECRET, COOKIE_SECRET),
            ];
            vars.extend_from_slice(more);
            vars
        };
        let cookie = crate::sso2::SessionCookie::new(&crate::sso2::Sso2Session {
            sid: "sid-1".to_owned(),
            status: crate::sso2::Sso2Status::LoggedIn,
            ticket: None,
            error: None,
        });
        let key = key_from_lookup(lookup_of(&vars(&[]), None)).unwrap();
        let sso2 = from_lookup(lookup_of(&vars(&[]), None))
            .unwrap()
            .build()
            .unwrap();
        let sealed = key.seal(&cookie).unwrap();
        let same = SessionCookieKey::new(COOKIE_SECRET.as_bytes()).unwrap();
        assert_eq!(same.clone().bound_to(&sso2).open(&sealed).unwrap(), cookie);
        assert!(same.open(&sealed).is_err());
        // The same secret in production is another key.
        let production = vars(&[(ENV_ENVIRONMENT, "production")]);
        let production = key_from_lookup(lookup_of(&production, None)).unwrap();
        assert!(production.open(&sealed).is_err());
        // Rotation: the previous secret still opens what it sealed.
        let old = SessionCookieKey::new(OLD_SECRET.as_bytes())
            .unwrap()
            .bound_to(&sso2);
        let rotating = vars(&[(ENV_SSO2_COOKIE_PREVIOUS_SECRET, OLD_SECRET)]);
        let rotating = key_from_lookup(lookup_of(&rotating, None)).unwrap();
        assert_eq!(rotating.open(&old.seal(&cookie).unwrap()).unwrap(), cookie);
        assert!(old.open(&rotating.seal(&cookie).unwrap()).is_err());
        // Refusals, never showing a value.
        let mut unset = vars(&[]);
        unset.retain(|(name, _)| *name != ENV_SSO2_COOKIE_SECRET);
        let missing = key_from_lookup(lookup_of(&unset, None)).unwrap_err();
        assert!(matches!(
            missing,
            BuildError::MissingEnvVar {
                name: "PAYWAY_SSO2_COOKIE_SECRET"
            }
        ));
        for name in [ENV_SSO2_COOKIE_SECRET, ENV_SSO2_COOKIE_PREVIOUS_SECRET] {
            let short = vars(&[(name, "short-secret-value")]);
            let error = key_from_lookup(lookup_of(&short, None)).unwrap_err();
            assert!(
                matches!(error, BuildError::InvalidEnvVar { name: named, .. } if named == name),
                "{error:?}"
            );
            assert!(!format!("{error} {error:?}").contains("secret-value"));
        }
        // The client's secret is not the key's business: a short one (which the client takes
        // with its opt-in) binds the same.
        let short_client_secret = vars(&[(ENV_CLIENT_SECRET, "a-16-byte-secret")]);
        let key = key_from_lookup(lookup_of(&short_client_secret, None)).unwrap();
        assert_eq!(key.open(&sealed).unwrap(), cookie);
        let no_client = key_from_lookup(lookup_of(&vars(&[(ENV_CLIENT_ID, "")]), None));
        assert!(matches!(
            no_client.unwrap_err(),
            BuildError::MissingEnvVar {
                name: "PAYWAY_CLIENT_ID"
            }
        ));
        // Ids the client refuses are never a binding.
        let spaced = key_from_lookup(lookup_of(&vars(&[(ENV_CLIENT_ID, "c id")]), None));
        assert!(matches!(spaced.unwrap_err(), BuildError::InvalidClientId));
        let spaced = key_from_lookup(lookup_of(&vars(&[(ENV_ORGANISATION_ID, "o rg")]), None));
        assert!(matches!(
            spaced.unwrap_err(),
            BuildError::InvalidOrganisationId
        ));
    }

    #[test]
    fn a_variable_that_is_not_unicode_is_named_never_shown() {
        let set = [(ENV_CLIENT_ID, "cid"), (ENV_CLIENT_SECRET, SECRET)];
        let err = from_lookup(lookup_of(&set, Some(ENV_ORGANISATION_ID))).unwrap_err();
        assert!(matches!(
            err,
            BuildError::InvalidEnvVar {
                name: "PAYWAY_ORGANISATION_ID",
                reason: "not valid unicode",
                ..
            }
        ));
        assert!(!format!("{err} {err:?}").contains("secret-value"));
        let short = [
            (ENV_CLIENT_SECRET, "a-16-byte-secret"),
            (ENV_ENVIRONMENT, "stage"),
        ];
        let short = build(&short).unwrap_err();
        assert!(matches!(
            short,
            BuildError::ShortSecret { len: 16, min: 32 }
        ));
    }
}
