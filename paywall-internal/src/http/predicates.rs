//! [`transport_predicates!`](crate::transport_predicates): the `is_timeout`, `is_connect` and
//! `is_redirect` of each crate's `Error`, written once.

/// Writes, inside a crate's `impl Error`, the public `is_timeout`, `is_connect` and
/// `is_redirect` and the private `transport`. The `Error` has the family's
/// `Transport(Arc<reqwest::Error>)` and `RedirectFollowed` variants and a
/// `status(&self) -> Option<StatusCode>` that gives the status of a redirect answered.
/// `$provider` names the provider in the docs; each `$wrapper` is a variant holding another
/// `Error` (a failed pingback, a shared server token request) that the predicates look into.
#[macro_export]
macro_rules! transport_predicates {
    ($provider:literal $(, $wrapper:ident)*) => {
        #[doc = concat!(
            "Whether a request timed out (connect or total timeout).",
            $(" Also inside [`", stringify!($wrapper), "`](Self::", stringify!($wrapper), ").",)*
        )]
        #[must_use]
        pub fn is_timeout(&self) -> bool {
            self.transport().is_some_and(::reqwest::Error::is_timeout)
        }

        #[doc = concat!(
            "Whether the connection to ", $provider, " could not be established.",
            $(" Also inside [`", stringify!($wrapper), "`](Self::", stringify!($wrapper), ").",)*
        )]
        #[must_use]
        pub fn is_connect(&self) -> bool {
            self.transport().is_some_and(::reqwest::Error::is_connect)
        }

        #[doc = concat!(
            "Whether ", $provider, " answered with a redirect (never followed), or a caller's ",
            "HTTP client followed one ([`RedirectFollowed`](Self::RedirectFollowed)).",
            $(" Also inside [`", stringify!($wrapper), "`](Self::", stringify!($wrapper), ").",)*
        )]
        #[must_use]
        pub fn is_redirect(&self) -> bool {
            match self {
                Self::RedirectFollowed => true,
                $(Self::$wrapper(inner) => inner.is_redirect(),)*
                _ => self.status().is_some_and(|status| status.is_redirection()),
            }
        }

        /// The transport error, when the request failed before a complete answer arrived.
        fn transport(&self) -> Option<&::reqwest::Error> {
            match self {
                Self::Transport(error) => Some(error),
                $(Self::$wrapper(inner) => inner.transport(),)*
                _ => None,
            }
        }
    };
}
