//! Secret newtypes: the client secret and access and refresh tokens (tickets live in
//! `ticket.rs`, beside their checks).
//!
//! Each wraps a [`SecretString`](secrecy::SecretString) (zeroed on drop), prints `[redacted]` under `{:?}`, has no
//! `Display`, and gives its value only through a method whose name and docs say what it does.

macro_rules! secret_type {
    ($(#[$meta:meta])* $name:ident, $what:literal) => {
        $(#[$meta])*
        #[derive(Clone)]
        pub struct $name(::secrecy::SecretString);

        impl $name {
            #[doc = concat!("Wraps ", $what, ".")]
            pub fn new(value: impl Into<String>) -> Self {
                Self(::secrecy::SecretString::from(value.into()))
            }

            #[doc = concat!("Returns ", $what, " in clear text.")]
            ///
            /// # Security
            ///
            /// Whoever holds this value can act with it. Do not log it, print it, put it in an
            /// error message or a URL you log, or keep it longer than you need to.
            pub fn expose_secret(&self) -> &str {
                ::secrecy::ExposeSecret::expose_secret(&self.0)
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::new(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::new(value)
            }
        }

        impl From<::secrecy::SecretString> for $name {
            fn from(value: ::secrecy::SecretString) -> Self {
                Self(value)
            }
        }
    };
}

pub(crate) use secret_type;

secret_type!(
    /// The API client secret Payway issued with your client id.
    ClientSecret,
    "the client secret"
);

secret_type!(
    /// A Payway access token, sent as `Authorization: Bearer ...`.
    ///
    /// A token from a ticket or a refresh acts for one reader; a server token from
    /// [`PaywayClient::server_token`](crate::PaywayClient::server_token) acts for your
    /// organisation. Either way it is a credential: keep it server-side.
    AccessToken,
    "the access token"
);

secret_type!(
    /// A Payway refresh token: trades for a new access token with
    /// [`PaywayClient::refresh_token`](crate::PaywayClient::refresh_token).
    RefreshToken,
    "the refresh token"
);

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;

    #[test]
    fn debug_is_redacted_and_value_is_kept() {
        let secret = ClientSecret::new("s3cr3t-value");
        assert_eq!(format!("{secret:?}"), "ClientSecret([redacted])");
        assert_eq!(secret.expose_secret(), "s3cr3t-value");
        let refresh = RefreshToken::from("rt-123");
        assert_eq!(format!("{refresh:?}"), "RefreshToken([redacted])");
        let token = AccessToken::from(SecretString::from("abc"));
        assert_eq!(format!("{token:#?}"), "AccessToken([redacted])");
        assert_eq!(token.clone().expose_secret(), "abc");
    }
}
