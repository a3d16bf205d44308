//! [`AccesstypeClientBuilder`]: the client's configuration, checked once at start-up.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::client::grant_cache::{GrantCache, MAX_CACHE_GRANTS_FOR};
use crate::client::handle::{AccesstypeClient, Inner};
use crate::environment::{Environment, is_valid_account_key};
use crate::error::BuildError;
use paywall_internal::coalesce::Flights;
use paywall_internal::http::{self, HttpSettings, sensitive_header};

/// How long a whole request may take unless [`AccesstypeClientBuilder::timeout`] says
/// otherwise: 10 seconds.
pub const DEFAULT_TIMEOUT: Duration = http::DEFAULT_TIMEOUT;

/// How long connecting may take unless [`AccesstypeClientBuilder::connect_timeout`] says
/// otherwise: 5 seconds.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = http::DEFAULT_CONNECT_TIMEOUT;

impl AccesstypeClient {
    /// Starts configuring a client.
    pub fn builder() -> AccesstypeClientBuilder {
        AccesstypeClientBuilder {
            environment: None,
            base_url: None,
            account_key: None,
            api_key: None,
            http: HttpSettings::default(),
            coalesce: true,
            cache_grants_for: None,
            serve_when_pingback_fails: false,
        }
    }
}

/// Configures an [`AccesstypeClient`]; get one from [`AccesstypeClient::builder`].
///
/// Required: the account key, the API key, and an [`environment`](Self::environment) or a
/// [`base_url`](Self::base_url). [`build`](Self::build) checks everything, so a
/// misconfiguration stops the app at start-up instead of walling readers later.
///
/// ```
/// use std::time::Duration;
/// use accesstype_jwt::{AccesstypeClient, Environment};
///
/// let accesstype = AccesstypeClient::builder()
///     .environment(Environment::Staging)
///     .account_key("your-account-key")
///     .api_key("the-api-key-from-the-dashboard")
///     .timeout(Duration::from_secs(3))
///     .cache_grants_for(Duration::from_secs(60))
///     .build()?;
/// # Ok::<(), accesstype_jwt::BuildError>(())
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct AccesstypeClientBuilder {
    environment: Option<Environment>,
    base_url: Option<Url>,
    account_key: Option<String>,
    api_key: Option<SecretString>,
    http: HttpSettings,
    coalesce: bool,
    cache_grants_for: Option<Duration>,
    serve_when_pingback_fails: bool,
}

impl AccesstypeClientBuilder {
    /// The account's public key (the `key` parameter, the one the browser script is loaded
    /// with). Required.
    pub fn account_key(mut self, account_key: impl Into<String>) -> Self {
        self.account_key = Some(account_key.into());
        self
    }

    /// The API key from the Accesstype dashboard, sent as `X-SUBAUTH`. Required.
    ///
    /// It is a secret: the header is marked sensitive, and no `Debug` output, error or span of
    /// this crate contains it.
    pub fn api_key(mut self, api_key: impl Into<SecretString>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    paywall_internal::http_setters! {
        /// The Accesstype environment: [`Environment::Production`] or [`Environment::Staging`].
        /// Its keys must come from the same environment.
        environment: Environment;
        base_url: "`https://www.accesstype.com/`", "`/api/access/v1/...`";
        http_client: "the API key and the user JWT";
        /// A read makes up to two requests.
        timeout: "request";
        connect_timeout;
    }

    /// Whether concurrent [`read_story`](AccesstypeClient::read_story) calls for the same
    /// story, reader and JWT share one access check and one pingback; default `true`.
    ///
    /// A reader who reloads a page, or a page with its prefetch, asks for the same story
    /// twice at once. Without coalescing, both reads could be granted by the meter and both
    /// pinged back: the reader would pay two free stories for one. With it, the first read
    /// does the work and the others wait for its answer. When the first read is dropped while
    /// others wait (the browser cancelled it), its work moves to a task of its own and
    /// finishes for them; that needs a tokio runtime, as reqwest does.
    pub fn coalesce(mut self, enabled: bool) -> Self {
        self.coalesce = enabled;
        self
    }

    /// Keeps granted answers for `keep_for` (at most [`MAX_CACHE_GRANTS_FOR`], Accesstype's own
    /// 3 minutes), so that a reader who reloads a story they were just granted is served
    /// without asking Accesstype again, and without a second pingback; off by default.
    ///
    /// Answers are kept by story, reader id, user JWT and meter switch, so a reader who logs
    /// in (a new JWT) is asked about afresh. Only granted answers are kept, never walls or
    /// errors, so the cache never holds a reader at a wall. At most
    /// [`MAX_CACHED_GRANTS`](crate::MAX_CACHED_GRANTS) answers are kept; the oldest go first.
    ///
    /// **The trade-off:** a reader whose subscription ends, or an anonymous reader whose
    /// meter runs out elsewhere, may still be served a story they were granted for up to
    /// `keep_for`. Sign user JWTs the same way for the same reader (the default signer, with
    /// no lifetime, does) so that their reloads find the kept answer.
    pub fn cache_grants_for(mut self, keep_for: Duration) -> Self {
        self.cache_grants_for = Some(keep_for);
        self
    }

    /// Serves a metered story even when its pingback fails; off by default.
    ///
    /// **Insecure.** By default a failed pingback makes
    /// [`read_story`](AccesstypeClient::read_story) fail closed
    /// ([`Error::PingbackFailed`](crate::Error::PingbackFailed)): the read could not be
    /// counted, so it is not served. With this switch the story is served and the read is not
    /// counted: a reader whose pingbacks fail (an outage, or a reader who found a way to make
    /// them fail) reads every metered story for free and never meets the wall. Such answers
    /// are never kept in the grant cache. With the `tracing` feature each one logs a warning.
    pub fn insecure_serve_when_pingback_fails(mut self) -> Self {
        self.serve_when_pingback_fails = true;
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingAccountKey`] / [`BuildError::InvalidAccountKey`],
    /// [`BuildError::MissingApiKey`] / [`BuildError::InvalidApiKey`],
    /// [`BuildError::MissingEnvironment`], [`BuildError::InvalidBaseUrl`],
    /// [`BuildError::InsecureBaseUrl`], [`BuildError::ZeroDuration`],
    /// [`BuildError::CacheTooLong`], [`BuildError::ConnectTimeoutWithHttpClient`] or
    /// [`BuildError::HttpClient`].
    pub fn build(self) -> Result<AccesstypeClient, BuildError> {
        let account_key = account_key(self.account_key)?;
        let api_key = api_key_value(self.api_key.as_ref())?;
        let base_url = base_url(self.base_url, self.environment)?;

        let http = self
            .http
            .build(concat!("accesstype-jwt/", env!("CARGO_PKG_VERSION")))
            .map_err(settings_error)?;
        let cache = match self.cache_grants_for {
            None => None,
            Some(keep_for) if keep_for.is_zero() => {
                return Err(BuildError::ZeroDuration {
                    what: "cache_grants_for",
                });
            }
            Some(keep_for) if keep_for > MAX_CACHE_GRANTS_FOR => {
                return Err(BuildError::CacheTooLong {
                    max: MAX_CACHE_GRANTS_FOR,
                });
            }
            Some(keep_for) => Some(GrantCache::new(keep_for)),
        };
        Ok(AccesstypeClient {
            inner: Arc::new(Inner {
                http,
                base_url,
                environment: self.environment,
                account_key,
                api_key,
                flights: self.coalesce.then(Flights::default),
                cache,
                serve_when_pingback_fails: self.serve_when_pingback_fails,
            }),
        })
    }
}

impl fmt::Debug for AccesstypeClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccesstypeClientBuilder")
            .field("environment", &self.environment)
            .field("base_url", &self.base_url.as_ref().map(Url::as_str))
            .field("account_key", &self.account_key)
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("http", &self.http)
            .field("coalesce", &self.coalesce)
            .field("cache_grants_for", &self.cache_grants_for)
            .field("serve_when_pingback_fails", &self.serve_when_pingback_fails)
            .finish()
    }
}

/// The API key as an `X-SUBAUTH` header value, marked sensitive so that hyper and reqwest never
/// print it. Keys are printable ASCII; anything else is a copy-paste slip Accesstype would
/// refuse.
fn api_key_value(key: Option<&SecretString>) -> Result<HeaderValue, BuildError> {
    let key = key.map(ExposeSecret::expose_secret).unwrap_or_default();
    sensitive_header(key).map_err(api_key_error)
}

/// The account key (the public `key`), by the one rule of
/// [`is_valid_account_key`](crate::environment::is_valid_account_key).
fn account_key(key: Option<String>) -> Result<String, BuildError> {
    match key {
        None => Err(BuildError::MissingAccountKey),
        Some(key) if key.is_empty() => Err(BuildError::MissingAccountKey),
        Some(key) if !is_valid_account_key(&key) => Err(BuildError::InvalidAccountKey),
        Some(key) => Ok(key),
    }
}

/// The caller's base URL, else `environment`'s, by the family's rule: a host, no userinfo, no
/// query, no fragment; `https`, or `http` to a loopback host.
fn base_url(given: Option<Url>, environment: Option<Environment>) -> Result<Url, BuildError> {
    let environment_url = || environment.map(Environment::base_url);
    http::choose_base_url(given, environment_url).map_err(base_url_error)
}

paywall_internal::http_error_fns!(BuildError, api_key);

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str) -> Result<Url, BuildError> {
        base_url(
            Some(Url::parse(url).unwrap()),
            Some(Environment::Production),
        )
    }

    /// The rule itself is paywall-internal's (and tested there); this is its mapping onto
    /// [`BuildError`].
    #[test]
    fn base_url_refusals_map_onto_build_errors() {
        for ok in [
            "https://proxy.example/accesstype/",
            "http://127.0.0.1:8080/",
        ] {
            assert!(check(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            base_url(None, Some(Environment::Staging)).unwrap(),
            Environment::Staging.base_url()
        );
        for (refused, expected) in [
            (
                check("http://www.accesstype.com/"),
                BuildError::InsecureBaseUrl,
            ),
            (base_url(None, None), BuildError::MissingEnvironment),
            (
                check("https://u:p@x.example/"),
                BuildError::InvalidBaseUrl {
                    reason: "it must not contain credentials",
                },
            ),
            (
                check("ftp://x.example/"),
                BuildError::InvalidBaseUrl {
                    reason: "the scheme must be https",
                },
            ),
        ] {
            assert_eq!(
                format!("{:?}", refused.unwrap_err()),
                format!("{expected:?}")
            );
        }
    }

    #[test]
    fn keys() {
        let value = api_key_value(Some(&SecretString::from("at_9f8e7d"))).unwrap();
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("9f8e7d"));
        assert_eq!(account_key(Some("acct-1".into())).unwrap(), "acct-1");
        // Not given or empty is missing; anything else these keys hold is invalid.
        for key in [
            None,
            Some(""),
            Some("k y"),
            Some("key\n"),
            Some("kéy"),
            Some("k\u{7f}"),
        ] {
            let refused = api_key_value(key.map(SecretString::from).as_ref()).unwrap_err();
            let expected = match key {
                None | Some("") => BuildError::MissingApiKey,
                Some(_) => BuildError::InvalidApiKey,
            };
            assert_eq!(format!("{refused:?}"), format!("{expected:?}"), "{key:?}");
        }
        for key in [None, Some(""), Some("a b"), Some("a\nb"), Some("a\u{0}")] {
            let refused = account_key(key.map(str::to_owned)).unwrap_err();
            let expected = match key {
                None | Some("") => BuildError::MissingAccountKey,
                Some(_) => BuildError::InvalidAccountKey,
            };
            assert_eq!(format!("{refused:?}"), format!("{expected:?}"), "{key:?}");
        }
    }
}
