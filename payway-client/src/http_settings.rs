//! The HTTP settings both clients share (the base URL, the timeouts, the caller's
//! `reqwest::Client` or ours), checked and built the same way.

use std::fmt;
use std::time::Duration;

use url::Url;

use crate::environment::Environment;
use crate::error::BuildError;
use paywall_internal::http::{self, BaseUrlError};

/// Default total time for one request, body included (10 s).
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time to establish a connection (5 s).
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The caller's HTTP client and the timeouts, as given to a builder.
pub(crate) struct HttpSettings {
    pub(crate) http_client: Option<reqwest::Client>,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Option<Duration>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            http_client: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: None,
        }
    }
}

impl HttpSettings {
    /// The two timeouts, named as their builder methods are.
    pub(crate) fn durations(&self) -> [(&'static str, Duration); 2] {
        [
            ("timeout", self.timeout),
            (
                "connect_timeout",
                self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            ),
        ]
    }

    /// The caller's client, or ours: no redirects, no retries, both timeouts, the crate's
    /// `User-Agent`. A connect timeout beside a caller's client is refused (that client owns
    /// its connect timeout).
    pub(crate) fn client(self) -> Result<reqwest::Client, BuildError> {
        match self.http_client {
            Some(_) if self.connect_timeout.is_some() => {
                Err(BuildError::ConnectTimeoutWithHttpClient)
            }
            Some(client) => Ok(client),
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                // A ticket exchange or a login must never be sent twice.
                .retry(reqwest::retry::never())
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .timeout(self.timeout)
                .user_agent(concat!("payway-client/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(BuildError::HttpClient),
        }
    }
}

impl fmt::Debug for HttpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpSettings")
            .field(
                "http_client",
                &self.http_client.as_ref().map(|_| "caller-supplied"),
            )
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

/// The base URL to call: the caller's, else `host` of the environment; checked against the
/// HTTP policy.
pub(crate) fn choose_base_url(
    base_url: Option<Url>,
    environment: Option<Environment>,
    host: fn(Environment) -> Url,
) -> Result<Url, BuildError> {
    http::choose_base_url(base_url, || environment.map(host)).map_err(build_error)
}

fn build_error(problem: BaseUrlError) -> BuildError {
    match problem {
        BaseUrlError::Missing => BuildError::MissingEnvironment,
        BaseUrlError::Insecure => BuildError::InsecureBaseUrl,
        BaseUrlError::Invalid(reason) => BuildError::InvalidBaseUrl { reason },
    }
}

/// Refuses the first zero among `durations`, by its name.
pub(crate) fn check_positive(durations: &[(&'static str, Duration)]) -> Result<(), BuildError> {
    match durations.iter().find(|(_, value)| value.is_zero()) {
        Some(&(what, _)) => Err(BuildError::ZeroDuration { what }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    /// The family's base URL check, as this crate's builders see it.
    fn check_base_url(url: &Url) -> Result<Url, BuildError> {
        choose_base_url(Some(url.clone()), None, Environment::base_url)
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3/",
            "http://[::1]:1/",
            "http://localhost:9/",
            "https://payway.example/prefix/",
        ] {
            assert!(check_base_url(&url(ok)).is_ok(), "{ok}");
        }
        for insecure in [
            "http://backend.worldoftulo.com/",
            "http://10.0.0.1/",
            "http://localhost.evil.example/",
            "http://[::2]/",
        ] {
            assert!(
                matches!(
                    check_base_url(&url(insecure)),
                    Err(BuildError::InsecureBaseUrl)
                ),
                "{insecure}"
            );
        }
        for invalid in [
            "https://user:pw@payway.example/",
            "https://payway.example/?a=1",
            "https://payway.example/#x",
            "ftp://payway.example/",
            "data:text/plain,hi",
        ] {
            assert!(
                matches!(
                    check_base_url(&url(invalid)),
                    Err(BuildError::InvalidBaseUrl { .. })
                ),
                "{invalid}"
            );
        }
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
        let settings = HttpSettings {
            connect_timeout: Some(Duration::ZERO),
            ..HttpSettings::default()
        };
        assert!(matches!(
            check_positive(&settings.durations()),
            Err(BuildError::ZeroDuration {
                what: "connect_timeout"
            })
        ));
        assert!(check_positive(&HttpSettings::default().durations()).is_ok());
        let with_own = HttpSettings {
            http_client: Some(reqwest::Client::new()),
            connect_timeout: Some(Duration::from_secs(1)),
            ..HttpSettings::default()
        };
        assert!(matches!(
            with_own.client(),
            Err(BuildError::ConnectTimeoutWithHttpClient)
        ));
    }
}
