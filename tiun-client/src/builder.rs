//! [`TiunClientBuilder`]: every setting checked once, at start-up.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use url::{Host, Url};

use crate::client::{Inner, TiunClient};
use crate::environment::Environment;
use crate::error::BuildError;
use crate::id::encode_segment;

/// The header that carries the API key unless [`TiunClientBuilder::api_key_header`] says
/// otherwise.
pub const DEFAULT_API_KEY_HEADER: &str = "X-TIUN-API-KEY";
/// How long a whole call may take unless [`TiunClientBuilder::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long connecting may take unless [`TiunClientBuilder::connect_timeout`] says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Configures a [`TiunClient`]; get one from [`TiunClient::builder`].
///
/// Required: an API key, and an [`environment`](Self::environment) or a
/// [`base_url`](Self::base_url). [`build`](Self::build) checks everything, so a
/// misconfiguration stops the app at start-up instead of denying readers later.
///
/// ```
/// use std::time::Duration;
/// use tiun_client::{Environment, TiunClient};
///
/// let tiun = TiunClient::builder()
///     .environment(Environment::Live)
///     .api_key("live-api-key")
///     .timeout(Duration::from_secs(3))
///     .build()?;
/// # Ok::<(), tiun_client::BuildError>(())
/// ```
#[derive(Default)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct TiunClientBuilder {
    environment: Option<Environment>,
    base_url: Option<Url>,
    api_key: Option<SecretString>,
    api_key_header: Option<String>,
    provider_id: Option<String>,
    http_client: Option<reqwest::Client>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
}

impl TiunClientBuilder {
    /// The tiun environment: [`Environment::Live`] or [`Environment::Sandbox`]. Its API key must
    /// come from the same environment.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// The API key from the business dashboard (my.tiun.business, "APIs"). Required.
    ///
    /// It is kept as a secret: no `Debug` output, error or log line of this crate contains it.
    pub fn api_key(mut self, api_key: impl Into<SecretString>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// Switches to the legacy provider-scoped check,
    /// `PATCH /live_api/v1/providers/{providerId}/sessions/{sessionId}/status`.
    ///
    /// Without it the client uses the current server-to-server check,
    /// `PATCH /live_api/s2s/v1/sessions/{sessionId}/status`.
    pub fn provider_id(mut self, provider_id: impl Into<String>) -> Self {
        self.provider_id = Some(provider_id.into());
        self
    }

    /// The header that carries the API key; default [`DEFAULT_API_KEY_HEADER`]
    /// (`X-TIUN-API-KEY`).
    ///
    /// tiun's current guide names `X-TIUN-API-KEY`; its OpenAPI file still declares the older
    /// `X-ACCESS-TOKEN`. Switch only if tiun tells you to.
    pub fn api_key_header(mut self, name: impl Into<String>) -> Self {
        self.api_key_header = Some(name.into());
        self
    }

    /// Replaces the host root of the environment (`https://api.tiun.live/`): for a proxy, or a
    /// local mock in tests. Paths are appended below it (`/live_api/...`).
    ///
    /// Must be `https://`, except to a loopback host (`127.0.0.1`, `[::1]`, `localhost`); must
    /// have no credentials, query or fragment.
    pub fn base_url(mut self, base_url: Url) -> Self {
        self.base_url = Some(base_url);
        self
    }

    /// Uses your own `reqwest::Client`, so the whole app shares one connection pool.
    ///
    /// **Build it with `.redirect(reqwest::redirect::Policy::none())`.** A redirect would carry
    /// the API key header to wherever it points; the client this crate builds never follows
    /// one, and a call through yours that followed one fails with
    /// [`Error::RedirectFollowed`](crate::Error::RedirectFollowed). The
    /// [`timeout`](Self::timeout) is still applied per request; set the connect timeout on your
    /// client.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The most a whole call may take, from connecting to the last byte of the answer; default
    /// [`DEFAULT_TIMEOUT`] (10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The most connecting may take; default [`DEFAULT_CONNECT_TIMEOUT`] (5 s). Cannot be
    /// combined with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// A [`BuildError`] when the key is missing, empty or not sendable in a header; when neither
    /// environment nor base URL is set; when the base URL is unusable or plain `http://` to a
    /// non-loopback host; when the provider id or key header name is invalid; when a timeout is
    /// zero; or when the HTTP client cannot be built.
    pub fn build(self) -> Result<TiunClient, BuildError> {
        let api_key = api_key_header_value(self.api_key.as_ref())?;
        let header_name = self
            .api_key_header
            .as_deref()
            .unwrap_or(DEFAULT_API_KEY_HEADER);
        let api_key_header = HeaderName::from_bytes(header_name.as_bytes())
            .map_err(|_| BuildError::InvalidApiKeyHeader(header_name.to_owned()))?;

        let base_url = match (self.base_url, self.environment) {
            (Some(url), _) => url,
            (None, Some(environment)) => environment.base_url(),
            (None, None) => return Err(BuildError::MissingEnvironment),
        };
        check_base_url(&base_url)?;

        let provider_segment = self
            .provider_id
            .as_deref()
            .map(|id| encode_segment(id).map(String::from))
            .transpose()
            .map_err(BuildError::InvalidProviderId)?;

        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        if timeout.is_zero() || connect_timeout.is_zero() {
            return Err(BuildError::ZeroTimeout);
        }
        let http = match self.http_client {
            Some(_) if self.connect_timeout.is_some() => {
                return Err(BuildError::ConnectTimeoutWithHttpClient);
            }
            Some(client) => client,
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                // The check's side effects are undocumented: one request, never a second copy.
                .retry(reqwest::retry::never())
                .connect_timeout(connect_timeout)
                .timeout(timeout)
                .user_agent(concat!("tiun-client/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(BuildError::HttpClient)?,
        };

        Ok(TiunClient {
            inner: Arc::new(Inner {
                http,
                base_url,
                environment: self.environment,
                api_key_header,
                api_key,
                provider_segment,
                timeout,
            }),
        })
    }
}

/// The key as a header value marked sensitive (hyper never logs or prints it).
fn api_key_header_value(key: Option<&SecretString>) -> Result<HeaderValue, BuildError> {
    let key = key.map(ExposeSecret::expose_secret).unwrap_or_default();
    if key.is_empty() {
        return Err(BuildError::MissingApiKey);
    }
    // Keys are printable ASCII; anything else is a copy-paste slip that tiun would answer 401.
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(BuildError::InvalidApiKey);
    }
    let mut value = HeaderValue::from_str(key).map_err(|_| BuildError::InvalidApiKey)?;
    value.set_sensitive(true);
    Ok(value)
}

fn check_base_url(url: &Url) -> Result<(), BuildError> {
    let Some(host) = url.host() else {
        return Err(BuildError::InvalidBaseUrl("it has no host"));
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(BuildError::InvalidBaseUrl(
            "it must not contain credentials",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(BuildError::InvalidBaseUrl(
            "it must not have a query or fragment",
        ));
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&host) => Ok(()),
        "http" => Err(BuildError::InsecureBaseUrl),
        _ => Err(BuildError::InvalidBaseUrl("the scheme must be https")),
    }
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
    }
}

impl fmt::Debug for TiunClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TiunClientBuilder")
            .field("environment", &self.environment)
            .field("base_url", &self.base_url.as_ref().map(Url::as_str))
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("api_key_header", &self.api_key_header)
            .field("provider_id", &self.provider_id)
            .field(
                "http_client",
                &self.http_client.as_ref().map(|_| "caller-supplied"),
            )
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder() -> TiunClientBuilder {
        TiunClientBuilder::default()
            .environment(Environment::Sandbox)
            .api_key("k3y")
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn a_minimal_configuration_builds() {
        builder().build().unwrap();
    }

    #[test]
    fn the_key_is_required_non_empty_and_header_safe() {
        let no_key = TiunClientBuilder::default().environment(Environment::Live);
        assert!(matches!(no_key.build(), Err(BuildError::MissingApiKey)));
        assert!(matches!(
            builder().api_key("").build(),
            Err(BuildError::MissingApiKey)
        ));
        for bad in [
            "k3y\n", " k3y", "k3y ", "k\r\ney", "k\u{7f}y", "kéy", "k\ty", "k y",
        ] {
            assert!(
                matches!(
                    builder().api_key(bad).build(),
                    Err(BuildError::InvalidApiKey)
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn an_environment_or_base_url_is_required() {
        let none = TiunClientBuilder::default().api_key("k");
        assert!(matches!(none.build(), Err(BuildError::MissingEnvironment)));
        TiunClientBuilder::default()
            .api_key("k")
            .base_url(url("https://proxy.example/"))
            .build()
            .unwrap();
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3/",
            "http://[::1]:1/",
            "http://localhost:9/",
            "https://tiun.example/p/",
        ] {
            builder()
                .base_url(url(ok))
                .build()
                .unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for insecure in [
            "http://api.tiun.live/",
            "http://10.0.0.1/",
            "http://localhost.evil.example/",
            "http://[::2]/",
        ] {
            assert!(
                matches!(
                    builder().base_url(url(insecure)).build(),
                    Err(BuildError::InsecureBaseUrl)
                ),
                "{insecure}"
            );
        }
        for invalid in [
            "ftp://x.example/",
            "https://u:p@x.example/",
            "https://x.example/?a=1",
            "https://x.example/#f",
            "unix:/run/sock",
            "data:text/plain,x",
        ] {
            assert!(
                matches!(
                    builder().base_url(url(invalid)).build(),
                    Err(BuildError::InvalidBaseUrl(_))
                ),
                "{invalid}"
            );
        }
    }

    #[test]
    fn header_name_provider_id_and_timeouts_are_checked() {
        assert!(matches!(
            builder().api_key_header("X Bad").build(),
            Err(BuildError::InvalidApiKeyHeader(_))
        ));
        builder().api_key_header("X-ACCESS-TOKEN").build().unwrap();
        assert!(matches!(
            builder().provider_id("").build(),
            Err(BuildError::InvalidProviderId(_))
        ));
        assert!(matches!(
            builder().provider_id("..").build(),
            Err(BuildError::InvalidProviderId(_))
        ));
        builder().provider_id("prov/1").build().unwrap();
        assert!(matches!(
            builder().timeout(Duration::ZERO).build(),
            Err(BuildError::ZeroTimeout)
        ));
        assert!(matches!(
            builder().connect_timeout(Duration::ZERO).build(),
            Err(BuildError::ZeroTimeout)
        ));
        let shared = reqwest::Client::new();
        assert!(matches!(
            builder()
                .http_client(shared.clone())
                .connect_timeout(Duration::from_secs(1))
                .build(),
            Err(BuildError::ConnectTimeoutWithHttpClient)
        ));
        builder()
            .http_client(shared)
            .timeout(Duration::from_secs(1))
            .build()
            .unwrap();
    }
}
