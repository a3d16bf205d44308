#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
// Library code never unwraps, panics, indexes or prints (workspace lints would reach tests too).
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![deny(clippy::indexing_slicing, clippy::print_stdout, clippy::print_stderr)]

#[cfg(feature = "axum")]
pub mod axum;
mod builder;
mod client;
mod environment;
mod error;
mod from_env;
#[cfg(fuzzing)]
pub mod fuzzing;
mod http;
mod id;
mod problem;
mod session;
#[cfg(feature = "axum")]
mod source;
mod status;
#[cfg(feature = "test-util")]
pub mod test_util;
#[cfg(feature = "tracing")]
mod trace;
mod user;
mod valid_cache;

pub use builder::{
    DEFAULT_API_KEY_HEADER, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, TiunClientBuilder,
};
pub use client::TiunClient;
pub use environment::{Environment, ParseEnvironmentError};
pub use error::{BuildError, Error};
pub use from_env::{
    ENV_API_KEY, ENV_API_KEY_HEADER, ENV_BASE_URL, ENV_ENVIRONMENT, ENV_PROVIDER_ID,
};
pub use http::MAX_BODY_BYTES;
pub use id::MAX_ID_BYTES;
#[doc(inline)]
pub use paywall_internal::parse_error::{ParseError, ParseFault};
pub use problem::ProblemDetails;
pub use status::SessionStatus;
pub use user::{MAX_USER_TOKEN_BYTES, UserInfo, UserLookup, UserVerification};
pub use valid_cache::{MAX_CACHE_VALID_FOR, MAX_CACHED_SESSIONS};

/// The HTTP client crate this crate is built on, for [`TiunClientBuilder::http_client`].
pub use reqwest;
/// The URL crate this crate is built on, for [`TiunClientBuilder::base_url`].
pub use url;
