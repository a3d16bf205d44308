#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
// Library code never panics, indexes or prints; tests, benches and examples may.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![deny(clippy::indexing_slicing, clippy::print_stdout, clippy::print_stderr)]

mod builder;
mod claims;
mod cookie;
mod environment;
mod error;
mod from_env;
mod session;
mod verifier;

#[cfg(feature = "axum")]
pub mod axum;

#[cfg(feature = "test-util")]
pub mod test_util;

pub use builder::{DEFAULT_LEEWAY, MAX_LEEWAY, MIN_SECRET_BYTES, TuloVerifierBuilder};
pub use claims::ISSUER;
pub use cookie::{COOKIE_NAME, MAX_COOKIE_HEADER_BYTES, find_cookie};
pub use environment::{Environment, ParseEnvironmentError};
pub use error::{BuildError, Error};
pub use from_env::{ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_REDIRECT_URI};
pub use session::{Session, SessionState};
pub use verifier::{MAX_TOKEN_BYTES, TuloVerifier};
