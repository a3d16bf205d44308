#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod builder;
mod claims;
mod cookie;
mod environment;
mod error;
mod json;
mod jws;
mod session;
mod verifier;

#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;

pub use builder::{DEFAULT_LEEWAY, MAX_LEEWAY, MIN_SECRET_LEN, TuloVerifierBuilder};
pub use claims::ISSUER;
pub use cookie::COOKIE_NAME;
pub use environment::Environment;
pub use error::{BuildError, Error};
pub use session::{Session, SessionState};
pub use verifier::{MAX_INPUT_LEN, TuloVerifier};
