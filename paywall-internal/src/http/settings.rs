//! [`HttpSettings`], the caller's `reqwest::Client` and the timeouts as a builder collects
//! them, checked once by [`HttpSettings::build`] into [`Http`], what every request of a client
//! goes through.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use reqwest::{Method, RequestBuilder};
use url::Url;

use super::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};

/// The HTTP settings of a builder: the caller's client, if any, and the two timeouts.
///
/// Each crate's builder holds one and forwards its `http_client`, `timeout` and
/// `connect_timeout` methods to it, then maps a [`SettingsError`] to its own `BuildError`
/// with the function [`http_error_fns!`](crate::http_error_fns) writes.
#[derive(Default)]
pub struct HttpSettings {
    client: Option<reqwest::Client>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
}

/// Why [`HttpSettings::build`] refused the settings.
#[derive(Debug, Clone)]
pub enum SettingsError {
    /// A timeout is zero; `what` is spelled like the builder method (`"connect_timeout"`).
    ZeroDuration {
        /// `"timeout"` or `"connect_timeout"`.
        what: &'static str,
    },
    /// A connect timeout was set beside a caller's client, which owns its connect timeout.
    ConnectTimeoutWithHttpClient,
    /// reqwest could not build a client (no TLS backend could be initialised, ...); shared,
    /// so that the crates' builder errors clone.
    HttpClient(Arc<reqwest::Error>),
}

/// Defines the crate-private functions that turn the HTTP policy's refusals into the crate's
/// own error, whose variants have the family's names: `base_url_error` for a
/// [`BaseUrlError`](super::BaseUrlError) (`MissingEnvironment`, `InsecureBaseUrl`,
/// `InvalidBaseUrl { reason }`) and `settings_error` for a [`SettingsError`]
/// (`ZeroDuration { what }`, `ConnectTimeoutWithHttpClient`, `HttpClient(source)`); with
/// `api_key`, also `api_key_error` for a [`HeaderError`] (`MissingApiKey`, `InvalidApiKey`).
/// Functions, not `From` impls, which would put this crate's types into the crate's public
/// API.
///
/// ```ignore
/// paywall_internal::http_error_fns!(BuildError);
/// paywall_internal::http_error_fns!(BuildError, api_key);
/// ```
#[macro_export]
macro_rules! http_error_fns {
    ($error:ident, api_key) => {
        $crate::http_error_fns!($error);

        /// The API key's refusal as this crate's error.
        pub(crate) fn api_key_error(error: $crate::http::HeaderError) -> $error {
            match error {
                $crate::http::HeaderError::Empty => $error::MissingApiKey,
                $crate::http::HeaderError::NotPrintable => $error::InvalidApiKey,
            }
        }
    };
    ($error:ident) => {
        /// The base URL's refusal as this crate's error.
        pub(crate) fn base_url_error(error: $crate::http::BaseUrlError) -> $error {
            match error {
                $crate::http::BaseUrlError::Missing => $error::MissingEnvironment,
                $crate::http::BaseUrlError::Insecure => $error::InsecureBaseUrl,
                $crate::http::BaseUrlError::Invalid(reason) => $error::InvalidBaseUrl { reason },
            }
        }

        /// The HTTP settings' refusal as this crate's error.
        pub(crate) fn settings_error(error: $crate::http::SettingsError) -> $error {
            match error {
                $crate::http::SettingsError::ZeroDuration { what } => $error::ZeroDuration { what },
                $crate::http::SettingsError::ConnectTimeoutWithHttpClient => {
                    $error::ConnectTimeoutWithHttpClient
                }
                $crate::http::SettingsError::HttpClient(error) => $error::HttpClient(error),
            }
        }
    };
}

impl HttpSettings {
    /// Uses the caller's client (the app's one connection pool) instead of building one.
    pub fn http_client(&mut self, client: reqwest::Client) {
        self.client = Some(client);
    }

    /// The most a whole request may take; default [`DEFAULT_TIMEOUT`].
    pub fn timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    /// The most connecting may take; default [`DEFAULT_CONNECT_TIMEOUT`]. Refused beside a
    /// caller's client.
    pub fn connect_timeout(&mut self, timeout: Duration) {
        self.connect_timeout = Some(timeout);
    }

    /// Checks the settings and builds the client requests go through: the caller's, or one
    /// that never follows a redirect (a key header would follow it to another host), never
    /// retries (a request may have effects), has both timeouts and sends `user_agent`
    /// (`{crate}/{version}`).
    ///
    /// # Errors
    ///
    /// [`SettingsError::ZeroDuration`] for a zero timeout (checked first),
    /// [`SettingsError::ConnectTimeoutWithHttpClient`], [`SettingsError::HttpClient`].
    pub fn build(self, user_agent: &'static str) -> Result<Http, SettingsError> {
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        for (what, duration) in [("timeout", timeout), ("connect_timeout", connect_timeout)] {
            if duration.is_zero() {
                return Err(SettingsError::ZeroDuration { what });
            }
        }
        let (client, per_request) = match self.client {
            Some(_) if self.connect_timeout.is_some() => {
                return Err(SettingsError::ConnectTimeoutWithHttpClient);
            }
            Some(client) => (client, true),
            None => {
                let client = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .retry(reqwest::retry::never())
                    .connect_timeout(connect_timeout)
                    .timeout(timeout)
                    .user_agent(user_agent)
                    .build()
                    .map_err(|error| SettingsError::HttpClient(Arc::new(error)))?;
                (client, false)
            }
        };
        Ok(Http {
            client,
            timeout,
            per_request,
        })
    }
}

impl fmt::Debug for HttpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpSettings")
            .field(
                "http_client",
                &self.client.as_ref().map(|_| "caller-supplied"),
            )
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

/// The client a crate's requests go through, with the total timeout.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    timeout: Duration,
    /// Whether the timeout must be set on each request: a caller's client has its own.
    per_request: bool,
}

impl Http {
    /// A request to `url`, with the total timeout when the client is the caller's (ours has
    /// it built in).
    pub fn request(&self, method: Method, url: &Url) -> RequestBuilder {
        let request = self.client.request(method, url.clone());
        if self.per_request {
            request.timeout(self.timeout)
        } else {
            request
        }
    }

    /// The total timeout of every request.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Starts the `Debug` output of a client handle, `name`, with the fields every handle
    /// shows: its environment, its base URL and the total timeout. The crate adds its own
    /// (a secret only as `"[redacted]"`) and finishes it.
    pub fn debug_client<'a, 'b: 'a>(
        &self,
        f: &'a mut fmt::Formatter<'b>,
        name: &str,
        environment: &dyn fmt::Debug,
        base_url: &Url,
    ) -> fmt::DebugStruct<'a, 'b> {
        let mut debug = f.debug_struct(name);
        debug
            .field("environment", environment)
            .field("base_url", &base_url.as_str())
            .field("timeout", &self.timeout);
        debug
    }
}

impl fmt::Debug for Http {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Http")
            .field(
                "client",
                &if self.per_request {
                    "caller-supplied"
                } else {
                    "built"
                },
            )
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Why a value cannot be sent as a secret header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderError {
    /// It is empty.
    Empty,
    /// It is not printable ASCII without spaces: a stray line break, space or non-ASCII
    /// character, usually a copy-paste slip.
    NotPrintable,
}

/// `value` (an API key) as a header value marked sensitive, so that hyper and reqwest never
/// print it.
///
/// # Errors
///
/// [`HeaderError::Empty`], or [`HeaderError::NotPrintable`] for anything but printable ASCII
/// without spaces.
pub fn sensitive_header(value: &str) -> Result<HeaderValue, HeaderError> {
    if value.is_empty() {
        return Err(HeaderError::Empty);
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(HeaderError::NotPrintable);
    }
    let mut header = HeaderValue::from_str(value).map_err(|_| HeaderError::NotPrintable)?;
    header.set_sensitive(true);
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A caller's client with these timeouts (`http_setters`' test goes through the setters).
    fn callers(timeout: Option<Duration>, connect_timeout: Option<Duration>) -> HttpSettings {
        let client = Some(reqwest::Client::new());
        HttpSettings {
            client,
            timeout,
            connect_timeout,
        }
    }

    #[test]
    fn defaults_build_our_own_client() {
        let http = HttpSettings::default().build("x/1").unwrap();
        assert_eq!(http.timeout(), DEFAULT_TIMEOUT);
        assert_eq!(
            format!("{http:?}"),
            "Http { client: \"built\", timeout: 10s }"
        );
    }

    #[test]
    fn a_client_handle_debug_opens_with_where_it_calls() {
        struct Handle(Http);
        impl fmt::Debug for Handle {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let base_url = Url::parse("https://api.example/p/").unwrap();
                let mut debug = self.0.debug_client(f, "Handle", &Some("live"), &base_url);
                debug.field("key", &"[redacted]").finish()
            }
        }
        let http = HttpSettings::default().build("x/1").unwrap();
        assert_eq!(
            format!("{:?}", Handle(http)),
            "Handle { environment: Some(\"live\"), base_url: \"https://api.example/p/\", \
             timeout: 10s, key: \"[redacted]\" }"
        );
    }

    #[test]
    fn zero_durations_are_named_like_their_methods() {
        for (timeout, connect, what) in [
            (Some(Duration::ZERO), None, "timeout"),
            (None, Some(Duration::ZERO), "connect_timeout"),
            // Checked before the caller's client.
            (Some(Duration::ZERO), Some(Duration::ZERO), "timeout"),
        ] {
            let error = callers(timeout, connect).build("x/1").unwrap_err();
            assert!(
                matches!(error, SettingsError::ZeroDuration { what: named } if named == what),
                "{error:?}"
            );
        }
    }

    #[test]
    fn a_callers_client_owns_its_connect_timeout_and_gets_the_total_per_request() {
        let connect = Some(Duration::from_secs(1));
        let error = callers(None, connect).build("x/1").unwrap_err();
        assert!(matches!(error, SettingsError::ConnectTimeoutWithHttpClient));
        let http = callers(Some(Duration::from_secs(3)), None);
        let http = http.build("x/1").unwrap();
        assert!(format!("{http:?}").contains("caller-supplied"));
        let url = Url::parse("http://127.0.0.1:9/a").unwrap();
        let request = http.request(Method::PATCH, &url).build().unwrap();
        assert_eq!(request.timeout(), Some(&Duration::from_secs(3)));
        assert_eq!(request.url(), &url);
        let ours = HttpSettings::default().build("x/1").unwrap();
        let request = ours.request(Method::GET, &url).build().unwrap();
        assert_eq!(request.timeout(), None, "our client carries it");
        let printed = format!("{:?}", callers(None, None));
        assert!(printed.contains("caller-supplied"), "{printed}");
    }

    #[tokio::test]
    async fn our_client_never_follows_a_redirect_and_sends_the_user_agent() {
        let head = "HTTP/1.1 302 Found\r\nlocation: /b\r\n";
        let url = crate::http::test_server::server(head, Vec::new(), 1).await;
        let http = HttpSettings::default().build("family-crate/9.9").unwrap();
        let response = http.request(Method::GET, &url).send().await.unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::FOUND);
        assert_eq!(response.url(), &url);
        assert_eq!(response.headers()["x-user-agent"], "family-crate/9.9");
    }

    #[derive(Debug)]
    pub(crate) enum BuildError {
        MissingEnvironment,
        InsecureBaseUrl,
        InvalidBaseUrl { reason: &'static str },
        ZeroDuration { what: &'static str },
        ConnectTimeoutWithHttpClient,
        HttpClient(Arc<reqwest::Error>),
        MissingApiKey,
        InvalidApiKey,
    }

    crate::http_error_fns!(BuildError, api_key);

    #[test]
    fn the_mappings_keep_each_refusals_words() {
        use super::super::BaseUrlError::{Insecure, Invalid, Missing};
        use BuildError as B;
        assert!(matches!(
            api_key_error(HeaderError::Empty),
            B::MissingApiKey
        ));
        let not_printable = api_key_error(HeaderError::NotPrintable);
        assert!(matches!(not_printable, B::InvalidApiKey));
        assert!(matches!(base_url_error(Missing), B::MissingEnvironment));
        assert!(matches!(base_url_error(Insecure), B::InsecureBaseUrl));
        let invalid = base_url_error(Invalid("no host"));
        assert!(matches!(invalid, B::InvalidBaseUrl { reason: "no host" }));
        let zero = settings_error(SettingsError::ZeroDuration { what: "timeout" });
        assert!(matches!(zero, B::ZeroDuration { what: "timeout" }));
        let own = settings_error(SettingsError::ConnectTimeoutWithHttpClient);
        assert!(matches!(own, B::ConnectTimeoutWithHttpClient));
        let source = reqwest::Client::new().get("http://[::1").build();
        let client = settings_error(SettingsError::HttpClient(Arc::new(source.unwrap_err())));
        assert!(matches!(client, B::HttpClient(error) if error.is_builder()));
    }

    #[test]
    fn secret_headers_are_printable_and_sensitive() {
        let header = sensitive_header("k3y_9f8e").unwrap();
        assert!(header.is_sensitive());
        assert!(!format!("{header:?}").contains("9f8e"));
        assert_eq!(sensitive_header(""), Err(HeaderError::Empty));
        for bad in ["k3y\n", " k3y", "k y", "k\ty", "kéy", "k\u{7f}y", "k\r\ney"] {
            assert_eq!(
                sensitive_header(bad),
                Err(HeaderError::NotPrintable),
                "{bad:?}"
            );
        }
    }
}
