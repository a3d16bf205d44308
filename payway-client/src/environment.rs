//! Payway's two API environments.

use url::Url;

paywall_internal::stage_or_production! {
    /// A Payway environment. The token endpoint and the REST API share one host per environment
    /// ([`base_url`](Self::base_url)); single sign-on has its own
    /// ([`sso_base_url`](Self::sso_base_url)). The shop and portal hosts are per organisation and
    /// are not listed here.
    ///
    /// Client ids and secrets belong to one environment: stage credentials get `401` in
    /// production.
    pub enum Environment {
        Stage = "Payway stage, for integration and testing: `https://payway-api.stage.adeprimo.se`.",
        Production = "Payway production: `https://backend.worldoftulo.com`.",
    }
    refused with ParseEnvironmentError;
}

impl Environment {
    /// The API host root as a [`Url`], with a trailing slash.
    ///
    /// ```
    /// use payway_client::Environment;
    ///
    /// assert_eq!(Environment::Stage.base_url().host_str(), Some("payway-api.stage.adeprimo.se"));
    /// assert_eq!(Environment::Production.base_url().as_str(), "https://backend.worldoftulo.com/");
    /// ```
    pub fn base_url(self) -> Url {
        match self {
            Self::Stage => constant_url("https://payway-api.stage.adeprimo.se/"),
            Self::Production => constant_url("https://backend.worldoftulo.com/"),
        }
    }

    /// The SSO2 host root as a [`Url`], with a trailing slash: what
    /// [`Sso2Client`](crate::sso2::Sso2Client) calls and sends readers to.
    ///
    /// ```
    /// use payway_client::Environment;
    ///
    /// assert_eq!(Environment::Stage.sso_base_url().as_str(), "https://payway-sso-stage.azurewebsites.net/");
    /// assert_eq!(Environment::Production.sso_base_url().as_str(), "https://sso.worldoftulo.com/");
    /// ```
    pub fn sso_base_url(self) -> Url {
        match self {
            Self::Stage => constant_url("https://payway-sso-stage.azurewebsites.net/"),
            Self::Production => constant_url("https://sso.worldoftulo.com/"),
        }
    }

    /// The environment's name as [`FromStr`](std::str::FromStr) reads it and `PAYWAY_ENVIRONMENT` takes it:
    /// `stage` or `production`.
    ///
    /// ```
    /// use payway_client::Environment;
    ///
    /// assert_eq!(Environment::Production.as_str(), "production");
    /// assert_eq!("stage".parse::<Environment>().unwrap(), Environment::Stage);
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Stage => "stage",
            Self::Production => "production",
        }
    }
}

/// One of the environments' host roots, all valid absolute URLs (a unit test parses each).
#[allow(clippy::expect_used)]
fn constant_url(text: &str) -> Url {
    Url::parse(text).expect("environment URLs are valid constants")
}

/// The text named no Payway environment (expected `stage` or `production`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown payway environment (expected `stage` or `production`)")]
pub struct ParseEnvironmentError(());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_parse_and_round_trip() {
        for env in [Environment::Stage, Environment::Production] {
            assert_eq!(env.base_url().scheme(), "https");
            assert_eq!(env.sso_base_url().scheme(), "https");
            assert_eq!(env.to_string().parse::<Environment>().unwrap(), env);
        }
        assert_eq!(
            " PROD ".parse::<Environment>().unwrap(),
            Environment::Production
        );
        assert!("live".parse::<Environment>().is_err());
    }
}
