//! The setters every client builder of the family has, and the accessors every client handle
//! has, with their docs, written once.

/// Defines a builder's `environment`, `base_url`, `http_client`, `timeout` and
/// `connect_timeout` setters, with their docs, and a crate-private `location` that sets the
/// first two from what `EnvVars::location` read. The builder has the fields
/// `environment: Option<E>`, `base_url: Option<url::Url>` and `http` (a
/// [`HttpSettings`](crate::http::HttpSettings)), and its crate has `DEFAULT_TIMEOUT`,
/// `DEFAULT_CONNECT_TIMEOUT`, `Error::RedirectFollowed` and
/// `BuildError::ConnectTimeoutWithHttpClient`.
///
/// The crate gives the words that differ: the environment's doc and type; the environment's
/// host root and the paths appended below it; what a followed redirect would carry; what one
/// timeout covers (`"call"`, `"request"`). Doc comments given before `base_url`,
/// `http_client`, `timeout` and `connect_timeout` are appended to the shared text.
///
/// ```ignore
/// impl MyBuilder {
///     paywall_internal::http_setters! {
///         /// The environment: [`Environment::Live`] or [`Environment::Sandbox`].
///         environment: Environment;
///         base_url: "`https://api.example/`", "`/v1/...`";
///         http_client: "the API key header";
///         timeout: "call";
///         connect_timeout;
///     }
/// }
/// ```
#[macro_export]
macro_rules! http_setters {
    (
        $(#[$environment_doc:meta])* environment: $environment:ty;
        $(#[$url_doc:meta])* base_url: $host:literal, $paths:literal;
        $(#[$client_doc:meta])* http_client: $carries:literal;
        $(#[$timeout_doc:meta])* timeout: $call:literal;
        $(#[$connect_doc:meta])* connect_timeout;
    ) => {
        $(#[$environment_doc])*
        pub fn environment(mut self, environment: $environment) -> Self {
            self.environment = ::core::option::Option::Some(environment);
            self
        }

        #[doc = concat!("Replaces the environment's host root (", $host, "): for a proxy, or a")]
        #[doc = "fake server in tests. It takes precedence over [`environment`](Self::environment)."]
        #[doc = concat!("Paths are appended below it (", $paths, "), keeping its path as a prefix.")]
        #[doc = ""]
        #[doc = "Must be `https://`, except to a loopback host (`127.0.0.1`, `[::1]`, `localhost`);"]
        #[doc = "must have no credentials, query or fragment."]
        $(#[$url_doc])*
        pub fn base_url(mut self, base_url: ::url::Url) -> Self {
            self.base_url = ::core::option::Option::Some(base_url);
            self
        }

        /// Both, as a `from_env` reads them (`EnvVars::location`).
        pub(crate) fn location(
            mut self,
            (environment, base_url): (
                ::core::option::Option<$environment>,
                ::core::option::Option<::url::Url>,
            ),
        ) -> Self {
            self.environment = environment;
            self.base_url = base_url;
            self
        }

        #[doc = "Uses your own `reqwest::Client`, so the whole app shares one connection pool."]
        #[doc = ""]
        #[doc = "**Build it with `.redirect(reqwest::redirect::Policy::none())` and"]
        #[doc = "`.retry(reqwest::retry::never())`:** no call of this crate may be sent twice, and a"]
        #[doc = concat!("redirect would carry ", $carries, " to wherever it points. The client this")]
        #[doc = "crate builds never follows one; a call through yours that followed one fails with"]
        #[doc = "[`Error::RedirectFollowed`](crate::Error::RedirectFollowed), but by then the request"]
        #[doc = "has gone out. The [`timeout`](Self::timeout) still applies to every request; set the"]
        #[doc = "connect timeout on your client."]
        $(#[$client_doc])*
        pub fn http_client(mut self, client: ::reqwest::Client) -> Self {
            self.http.http_client(client);
            self
        }

        #[doc = concat!("The most a whole ", $call, " may take, from connecting to the last byte of")]
        #[doc = "the answer; default [`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT) (10 s)."]
        $(#[$timeout_doc])*
        pub fn timeout(mut self, timeout: ::core::time::Duration) -> Self {
            self.http.timeout(timeout);
            self
        }

        #[doc = "The most connecting may take; default"]
        #[doc = "[`DEFAULT_CONNECT_TIMEOUT`](crate::DEFAULT_CONNECT_TIMEOUT) (5 s). Not with"]
        #[doc = "[`http_client`](Self::http_client), which owns its connect timeout:"]
        #[doc = "[`build`](Self::build) refuses the two together"]
        #[doc = "([`BuildError::ConnectTimeoutWithHttpClient`](crate::BuildError::ConnectTimeoutWithHttpClient))."]
        $(#[$connect_doc])*
        pub fn connect_timeout(mut self, timeout: ::core::time::Duration) -> Self {
            self.http.connect_timeout(timeout);
            self
        }
    };
}

/// Defines a client handle's `environment` and `base_url` accessors, over the fields of those
/// names of its `inner`, and, given a name (`environment_label`), the crate-private method
/// that gives its spans the environment's name (`custom` for a base URL alone), only with the
/// crate's `tracing` feature.
///
/// ```ignore
/// impl MyClient {
///     paywall_internal::client_accessors!(Environment, environment_label);
/// }
/// ```
#[macro_export]
macro_rules! client_accessors {
    ($environment:ty $(, $label:ident)?) => {
        /// The environment given to the builder, if any: a client built from a base URL alone
        /// has none (and a base URL given beside one replaces its host).
        #[must_use]
        pub fn environment(&self) -> ::core::option::Option<$environment> {
            self.inner.environment
        }

        /// The host root requests go to (with a proxy's path prefix, if any).
        #[must_use]
        pub fn base_url(&self) -> &::url::Url {
            &self.inner.base_url
        }

        $(
            /// The name spans give the environment.
            #[cfg(feature = "tracing")]
            pub(crate) fn $label(&self) -> &'static str {
                self.inner.environment.map_or("custom", <$environment>::as_str)
            }
        )?
    };
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use url::Url;

    use crate::http::{HttpSettings, SettingsError};

    #[derive(Debug, Default)]
    struct Builder {
        environment: Option<u8>,
        base_url: Option<Url>,
        http: HttpSettings,
    }

    // The setters are `pub`, as on a crate's public builder; this one is private to the test.
    #[allow(unreachable_pub, rustdoc::broken_intra_doc_links)]
    impl Builder {
        crate::http_setters! {
            /// The environment.
            environment: u8;
            base_url: "`https://api.example/`", "`/v1/...`";
            http_client: "the key";
            timeout: "call";
            connect_timeout;
        }
    }

    #[test]
    fn each_setter_reaches_its_field() {
        let url = Url::parse("https://proxy.example/").unwrap();
        let built = Builder::default()
            .environment(7)
            .base_url(url.clone())
            .timeout(Duration::from_secs(3));
        assert_eq!((built.environment, &built.base_url), (Some(7), &Some(url)));
        let reset = built.location((None, None));
        assert_eq!(
            reset.http.build("test").unwrap().timeout(),
            Duration::from_secs(3)
        );
        assert_eq!((reset.environment, reset.base_url), (None, None));
        let refused = Builder::default()
            .http_client(reqwest::Client::new())
            .connect_timeout(Duration::from_secs(1))
            .http
            .build("test");
        assert!(matches!(
            refused,
            Err(SettingsError::ConnectTimeoutWithHttpClient)
        ));
        let zero = Builder::default()
            .connect_timeout(Duration::ZERO)
            .http
            .build("test");
        assert!(matches!(
            zero,
            Err(SettingsError::ZeroDuration {
                what: "connect_timeout"
            })
        ));
    }
}
