//! [`TiunClientBuilder`]: every setting checked once, at start-up.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use paywall_internal::coalesce::Flights;
use paywall_internal::http::{self as policy, HttpSettings};
use paywall_internal::redact::Redactor;
use reqwest::header::HeaderName;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::client::{Inner, TiunClient};
use crate::environment::Environment;
use crate::error::{self, BuildError};
use crate::id::encode_id;
#[cfg(feature = "axum")]
use crate::source::SessionSource;
use crate::valid_cache::{MAX_CACHE_VALID_FOR, ValidCache};

/// The header that carries the API key unless [`TiunClientBuilder::api_key_header`] says
/// otherwise.
pub const DEFAULT_API_KEY_HEADER: &str = "X-TIUN-API-KEY";
/// How long a whole call may take unless [`TiunClientBuilder::timeout`] says otherwise: 10 s.
pub const DEFAULT_TIMEOUT: Duration = policy::DEFAULT_TIMEOUT;
/// How long connecting may take unless [`TiunClientBuilder::connect_timeout`] says otherwise:
/// 5 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = policy::DEFAULT_CONNECT_TIMEOUT;

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
#[must_use = "a builder does nothing until `build` is called"]
pub struct TiunClientBuilder {
    environment: Option<Environment>,
    base_url: Option<Url>,
    api_key: Option<SecretString>,
    api_key_header: Option<String>,
    provider_id: Option<String>,
    http: HttpSettings,
    coalesce: bool,
    cache_valid_for: Option<Duration>,
    #[cfg(feature = "axum")]
    session_source: Option<SessionSource>,
}

impl TiunClient {
    /// Starts configuring a client.
    pub fn builder() -> TiunClientBuilder {
        TiunClientBuilder {
            environment: None,
            base_url: None,
            api_key: None,
            api_key_header: None,
            provider_id: None,
            http: HttpSettings::default(),
            coalesce: true,
            cache_valid_for: None,
            #[cfg(feature = "axum")]
            session_source: None,
        }
    }
}

impl Default for TiunClientBuilder {
    /// The same as [`TiunClient::builder`].
    fn default() -> Self {
        TiunClient::builder()
    }
}

impl TiunClientBuilder {
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

    paywall_internal::http_setters! {
        /// The tiun environment: [`Environment::Live`] or [`Environment::Sandbox`]. Its API key
        /// must come from the same environment.
        environment: Environment;
        base_url: "`https://api.tiun.live/`", "`/live_api/...`";
        http_client: "the API key header";
        timeout: "call";
        connect_timeout;
    }

    /// Whether concurrent [`verify_session`](TiunClient::verify_session) calls for the same
    /// session id share one request and its answer; default `true`.
    ///
    /// When a popular article opens in many tabs, images and API calls of one reader at once,
    /// each of them checks the same session. With coalescing, the first check sends the request
    /// and the others wait for its answer instead of sending their own: tiun sees one request
    /// per session id at a time. This is safe because the answer is the session's status at
    /// that moment, which every waiting check would have been told anyway; an error is shared
    /// as an error. A check that is dropped (its reader left) does not cancel the request for
    /// the others. Coalescing needs a tokio runtime, as reqwest does; outside one every call
    /// sends its own request.
    ///
    /// Switch it off to have every call send its own request.
    pub fn coalesce(mut self, enabled: bool) -> Self {
        self.coalesce = enabled;
        self
    }

    /// Remembers `Valid` answers for `valid_for` (at most [`MAX_CACHE_VALID_FOR`], 60 s), so a
    /// reader who reads on is not checked again at every request; off by default.
    ///
    /// **The trade-off:** a session that ends (the reader stopped paying, or ran out of funds)
    /// may still be served for up to `valid_for` after tiun would have said `Invalid`. Only
    /// `Valid` answers are remembered, never `Invalid`, `Unauthorized` or errors, so a reader is
    /// never locked out by the cache. It holds at most
    /// [`MAX_CACHED_SESSIONS`](crate::MAX_CACHED_SESSIONS) session ids.
    pub fn cache_valid_for(mut self, valid_for: Duration) -> Self {
        self.cache_valid_for = Some(valid_for);
        self
    }

    /// Where [`PaidSession`](crate::axum::PaidSession) reads a request's session id; default
    /// the `X-Tiun-Session` header ([`SESSION_HEADER`](crate::axum::SESSION_HEADER)).
    #[cfg(feature = "axum")]
    pub fn session_source(mut self, source: SessionSource) -> Self {
        self.session_source = Some(source);
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// A [`BuildError`] when the key is missing, empty or not sendable in a header; when neither
    /// environment nor base URL is set; when the base URL is unusable or plain `http://` to a
    /// non-loopback host; when the provider id or key header name is invalid; when a duration
    /// is zero or the cache duration is over 60 s; or when the HTTP client cannot be built.
    pub fn build(self) -> Result<TiunClient, BuildError> {
        let key = self.api_key.as_ref().map(ExposeSecret::expose_secret);
        let api_key =
            policy::sensitive_header(key.unwrap_or_default()).map_err(error::api_key_error)?;
        let header_name = self
            .api_key_header
            .as_deref()
            .unwrap_or(DEFAULT_API_KEY_HEADER);
        let api_key_header = HeaderName::from_bytes(header_name.as_bytes())
            .map_err(|_| BuildError::InvalidApiKeyHeader(header_name.to_owned()))?;

        let environment = self.environment;
        let base_url =
            policy::choose_base_url(self.base_url, || environment.map(Environment::base_url))
                .map_err(error::base_url_error)?;

        let provider_segment = self
            .provider_id
            .as_deref()
            .map(|id| encode_id(id).map(String::from))
            .transpose()
            .map_err(|reason| BuildError::InvalidProviderId { reason })?;

        let http = self
            .http
            .build(concat!("tiun-client/", env!("CARGO_PKG_VERSION")))
            .map_err(error::settings_error)?;
        let cache = match self.cache_valid_for {
            None => None,
            Some(d) if d.is_zero() => {
                return Err(BuildError::ZeroDuration {
                    what: "cache_valid_for",
                });
            }
            Some(d) if d > MAX_CACHE_VALID_FOR => {
                return Err(BuildError::CacheTooLong {
                    max: MAX_CACHE_VALID_FOR,
                });
            }
            Some(d) => Some(ValidCache::new(d)),
        };

        Ok(TiunClient {
            inner: Arc::new(Inner {
                http,
                base_url,
                environment,
                api_key_header,
                // The key was checked to be printable ASCII: what tiun could echo back.
                redactor: Redactor::new(&[api_key.to_str().unwrap_or_default()]),
                api_key,
                provider_segment,
                flights: self.coalesce.then(Flights::default),
                cache,
                #[cfg(feature = "axum")]
                session_source: self.session_source.unwrap_or_default(),
            }),
        })
    }
}

impl fmt::Debug for TiunClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TiunClientBuilder")
            .field("environment", &self.environment)
            .field("base_url", &self.base_url.as_ref().map(Url::as_str))
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("api_key_header", &self.api_key_header)
            .field("provider_id", &self.provider_id.as_ref().map(|_| "[set]"))
            .field("http", &self.http)
            .field("coalesce", &self.coalesce)
            .field("cache_valid_for", &self.cache_valid_for)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder() -> TiunClientBuilder {
        TiunClient::builder()
            .environment(Environment::Sandbox)
            .api_key("k3y")
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn accepted_configurations_build() {
        let defaulted = TiunClientBuilder::default()
            .environment(Environment::Live)
            .api_key("k")
            .build()
            .unwrap();
        assert!(defaulted.inner.flights.is_some(), "the same defaults");
        let shared = reqwest::Client::new();
        for accepted in [
            builder(),
            TiunClient::builder()
                .api_key("k")
                .base_url(url("https://proxy.example/")),
            // The base URL rule is paywall-internal's (`check_base_url`, with its cases);
            // here is the wiring.
            builder().base_url(url("http://127.0.0.1:8080")),
            builder().api_key_header("X-ACCESS-TOKEN"),
            builder().provider_id("prov/1"),
            builder()
                .http_client(shared)
                .timeout(Duration::from_secs(1)),
        ] {
            accepted.build().unwrap();
        }
    }

    #[test]
    fn refused_configurations_name_what_is_wrong() {
        let shared = reqwest::Client::new();
        let mut refused = vec![
            (
                TiunClient::builder().environment(Environment::Live),
                "MissingApiKey",
            ),
            (builder().api_key(""), "MissingApiKey"),
            (TiunClient::builder().api_key("k"), "MissingEnvironment"),
            (
                builder().base_url(url("http://api.tiun.live/")),
                "InsecureBaseUrl",
            ),
            (
                builder().base_url(url("https://x.example/?a=1")),
                "InvalidBaseUrl {",
            ),
            (builder().api_key_header("X Bad"), "InvalidApiKeyHeader("),
            (builder().provider_id(""), "InvalidProviderId {"),
            (
                builder().timeout(Duration::ZERO),
                r#"ZeroDuration { what: "timeout" }"#,
            ),
            (
                builder().connect_timeout(Duration::ZERO),
                r#"ZeroDuration { what: "connect_timeout" }"#,
            ),
            (
                builder()
                    .http_client(shared)
                    .connect_timeout(Duration::from_secs(1)),
                "ConnectTimeoutWithHttpClient",
            ),
        ];
        for bad in [
            "k3y\n", " k3y", "k3y ", "k\r\ney", "k\u{7f}y", "kéy", "k\ty", "k y",
        ] {
            refused.push((builder().api_key(bad), "InvalidApiKey"));
        }
        for (builder, expected) in refused {
            let error = format!("{:?}", builder.build().unwrap_err());
            let variant = error.split([' ', '(']).next();
            assert_eq!(variant, expected.split([' ', '(']).next(), "{error}");
            assert!(error.starts_with(expected), "{error}");
        }
        let error = builder().provider_id("..").build().unwrap_err();
        let reason = "it is a dot segment";
        assert!(matches!(error, BuildError::InvalidProviderId { reason: r } if r == reason));
        assert_eq!(error.to_string(), format!("invalid provider id: {reason}"));
    }

    #[test]
    fn the_validity_cache_is_opt_in_and_capped_at_a_minute() {
        let client = builder().build().unwrap();
        assert!(client.inner.cache.is_none());
        assert!(
            client.inner.flights.is_some(),
            "coalescing is on by default"
        );
        let client = builder()
            .cache_valid_for(MAX_CACHE_VALID_FOR)
            .coalesce(false)
            .build()
            .unwrap();
        assert_eq!(
            client.inner.cache.as_ref().map(ValidCache::valid_for),
            Some(MAX_CACHE_VALID_FOR)
        );
        assert!(client.inner.flights.is_none());
        assert!(matches!(
            builder()
                .cache_valid_for(MAX_CACHE_VALID_FOR + Duration::from_millis(1))
                .build(),
            Err(BuildError::CacheTooLong { max }) if max == MAX_CACHE_VALID_FOR
        ));
        assert!(matches!(
            builder().cache_valid_for(Duration::ZERO).build(),
            Err(BuildError::ZeroDuration {
                what: "cache_valid_for"
            })
        ));
    }
}
