//! The HTTP settings both clients share (the base URL, the timeouts, the caller's
//! `reqwest::Client` or ours), checked and built the same way.

use paywall_internal::http::{self, Http};
use url::Url;

use crate::environment::Environment;
use crate::error::BuildError;

pub(crate) use paywall_internal::http::HttpSettings;

/// The `User-Agent` of the client this crate builds.
const USER_AGENT: &str = concat!("payway-client/", env!("CARGO_PKG_VERSION"));

/// The base URL to call: the caller's, else `host` of the environment; checked against the
/// HTTP policy.
pub(crate) fn choose_base_url(
    base_url: Option<Url>,
    environment: Option<Environment>,
    host: fn(Environment) -> Url,
) -> Result<Url, BuildError> {
    http::choose_base_url(base_url, || environment.map(host)).map_err(base_url_error)
}

paywall_internal::http_error_fns!(BuildError);

/// The family's HTTP settings built (durations checked, the caller's client or ours), as a
/// [`BuildError`] when refused.
pub(crate) fn build_http(settings: HttpSettings) -> Result<Http, BuildError> {
    settings.build(USER_AGENT).map_err(settings_error)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    /// The rule is paywall-internal's (`check_base_url`, with its cases); this is the wiring.
    #[test]
    fn plain_http_only_to_loopback() {
        let check = |base: &str| choose_base_url(Some(url(base)), None, Environment::base_url);
        assert!(check("http://127.0.0.1:8080").is_ok());
        assert!(matches!(
            check("http://backend.worldoftulo.com/"),
            Err(BuildError::InsecureBaseUrl)
        ));
        assert!(matches!(
            check("https://payway.example/?a=1"),
            Err(BuildError::InvalidBaseUrl { .. })
        ));
    }

    #[test]
    fn the_base_url_wins_over_the_environment() {
        let chosen = choose_base_url(
            Some(url("http://127.0.0.1:9/p/")),
            Some(Environment::Production),
            Environment::base_url,
        );
        assert_eq!(chosen.unwrap().as_str(), "http://127.0.0.1:9/p/");
        let chosen = choose_base_url(None, Some(Environment::Stage), Environment::sso_base_url);
        assert_eq!(chosen.unwrap(), Environment::Stage.sso_base_url());
        assert!(matches!(
            choose_base_url(None, None, Environment::base_url),
            Err(BuildError::MissingEnvironment)
        ));
    }

    #[test]
    fn zero_durations_are_named_like_their_methods() {
        let mut settings = HttpSettings::default();
        settings.connect_timeout(Duration::ZERO);
        assert!(matches!(
            build_http(settings),
            Err(BuildError::ZeroDuration {
                what: "connect_timeout"
            })
        ));
        assert!(build_http(HttpSettings::default()).is_ok());
        let mut with_own = HttpSettings::default();
        with_own.http_client(reqwest::Client::new());
        with_own.connect_timeout(Duration::from_secs(1));
        assert!(matches!(
            build_http(with_own),
            Err(BuildError::ConnectTimeoutWithHttpClient)
        ));
    }
}
