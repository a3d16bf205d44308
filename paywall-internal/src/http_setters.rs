//! The three HTTP setters every client builder of the family has, written once.

/// Defines a builder's `http_client`, `timeout` and `connect_timeout` setters, each handing
/// its value to the builder's `http` field (a [`HttpSettings`](crate::http::HttpSettings))
/// and returning the builder. Each crate writes the docs of its own three methods: the
/// doc comments given before each name go on that method.
///
/// ```ignore
/// impl MyBuilder {
///     paywall_internal::http_setters! {
///         /// Shares your application's `reqwest::Client`.
///         http_client;
///         /// Total time for one request.
///         timeout;
///         /// Time to establish a connection.
///         connect_timeout;
///     }
/// }
/// ```
#[macro_export]
macro_rules! http_setters {
    (
        $(#[$client_doc:meta])* http_client;
        $(#[$timeout_doc:meta])* timeout;
        $(#[$connect_doc:meta])* connect_timeout;
    ) => {
        $(#[$client_doc])*
        pub fn http_client(mut self, client: ::reqwest::Client) -> Self {
            self.http.http_client(client);
            self
        }

        $(#[$timeout_doc])*
        pub fn timeout(mut self, timeout: ::core::time::Duration) -> Self {
            self.http.timeout(timeout);
            self
        }

        $(#[$connect_doc])*
        pub fn connect_timeout(mut self, timeout: ::core::time::Duration) -> Self {
            self.http.connect_timeout(timeout);
            self
        }
    };
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::http::{HttpSettings, SettingsError};

    #[derive(Debug, Default)]
    struct Builder {
        http: HttpSettings,
    }

    // The setters are `pub`, as on a crate's public builder; this one is private to the test.
    #[allow(unreachable_pub)]
    impl Builder {
        crate::http_setters! {
            /// The caller's client.
            http_client;
            /// The total timeout.
            timeout;
            /// The connect timeout.
            connect_timeout;
        }
    }

    #[test]
    fn each_setter_reaches_the_settings() {
        let built = Builder::default().timeout(Duration::from_secs(3)).http;
        assert_eq!(built.effective_timeout(), Duration::from_secs(3));
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
