#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
// Library code never panics, indexes or prints; `.clippy.toml` allows these in unit tests.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![deny(clippy::indexing_slicing, clippy::print_stdout, clippy::print_stderr)]

mod account;
mod active_products;
#[cfg(feature = "axum")]
pub mod axum;
mod builder;
mod callback;
mod client;
mod credentials;
mod env_vars;
mod environment;
mod error;
mod from_env;
mod http;
mod http_settings;
mod login;
mod login_state;
mod parse;
mod provider_error;
mod secret;
mod server_token;
mod server_token_cache;
mod shop_url;
pub mod sso2;
mod store;
#[cfg(feature = "test-util")]
pub mod test_util;
mod ticket;
mod ticket_request;
mod token;
mod token_encoding;
mod token_response;
mod trace;
mod validate;

pub use account::{Account, Address, UserProduct};
pub use active_products::{ACCOUNT_READ_SCOPE, AccountProducts, ActiveArticle, ActiveProducts};
pub use builder::{
    DEFAULT_CLAIM_TTL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, PaywayClientBuilder,
};
pub use callback::{CallbackError, ReturnPolicy, TicketCallback};
pub use client::PaywayClient;
pub use credentials::{MIN_CLIENT_SECRET_BYTES, MIN_SECRET_BYTES};
pub use environment::{Environment, ParseEnvironmentError};
pub use error::{BuildError, Error};
pub use from_env::{
    ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_ENVIRONMENT, ENV_TOKEN_ENCODING,
};
pub use http::MAX_BODY_BYTES;
pub use login::{RejectReason, TicketLogin};
pub use login_state::{
    LoginState, LoginStateError, MAX_STATE_COOKIES, STATE_COOKIE_PREFIX, STATE_MAX_AGE,
    STATE_PARAM, SetCookies,
};
#[doc(inline)]
pub use paywall_internal::parse_error::{ParseError, ParseFault};
pub use provider_error::ProviderError;
/// The HTTP client this crate's API takes (`PaywayClientBuilder::http_client`) and whose
/// errors it keeps as sources.
pub use reqwest;
pub use secret::{AccessToken, ClientSecret, RefreshToken};
pub use shop_url::{ShopUrl, ShopUrlBuilder, ShopUrlError};
pub use sso2::cookie_key::MAX_COOKIE_HEADER_BYTES;
pub use sso2::from_env::{
    ENV_ORGANISATION_ID, ENV_PAYWALL_SECRET, ENV_SSO_BASE_URL, ENV_SSO2_COOKIE_PREVIOUS_SECRET,
    ENV_SSO2_COOKIE_SECRET,
};
pub use sso2::jws::MAX_TOKEN_BYTES;
pub use store::{ClaimKind, Fingerprint, MemoryTicketStore, StoreError, TicketStore};
#[cfg(feature = "redis")]
pub use store::{RedisTicketStore, RedisTicketStoreBuilder};
pub use ticket::Ticket;
pub use ticket_request::TicketRequest;
pub use token::DEFAULT_TICKET_SCOPE;
pub use token_encoding::TokenEncoding;
pub use token_response::TokenResponse;
/// The URL type this crate's API takes and returns.
pub use url;

/// Internals the fuzz targets in `fuzz/` call; built only with `--cfg fuzzing`.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing {
    /// Reads a token answer as the token endpoint's caller does.
    pub fn parse_token_response(body: &[u8]) -> Result<crate::TokenResponse, crate::Error> {
        crate::token_response::parse_token_response(body)
    }

    /// Builds the error a refused request gets, with `secrets` cut out.
    pub fn provider_error(status: u16, body: &[u8], secrets: &[&str]) -> crate::ProviderError {
        let status =
            reqwest::StatusCode::from_u16(status).unwrap_or(reqwest::StatusCode::UNAUTHORIZED);
        crate::provider_error::ProviderError::from_body(status, None, body, secrets)
    }

    /// `true` when `ticket` is shaped like a ticket.
    pub fn is_ticket_shaped(ticket: &str) -> bool {
        crate::ticket::check_ticket(ticket).is_ok()
    }

    /// [`Sso2Client::landing`](crate::sso2::Sso2Client::landing) as if the clock read `now`
    /// (seconds since the epoch): seeds signed once stay inside the landing token's bounded
    /// lifetime.
    pub fn sso2_landing_at(
        client: &crate::sso2::Sso2Client,
        callback: &url::Url,
        policy: &crate::ReturnPolicy,
        now: u64,
    ) -> Result<crate::sso2::Sso2Landing, crate::Error> {
        client.landing_at(callback.query().unwrap_or_default(), policy, now)
    }

    /// A session cookie's binary form (what is sealed).
    pub fn cookie_payload(cookie: &crate::sso2::SessionCookie) -> Vec<u8> {
        cookie.encode()
    }

    /// A session cookie's binary form decoded and encoded again, when it decodes.
    pub fn cookie_payload_round_trip(bytes: &[u8]) -> Option<Vec<u8>> {
        crate::sso2::session_cookie::SessionCookie::decode(bytes).map(|cookie| cookie.encode())
    }
}
