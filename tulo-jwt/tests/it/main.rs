//! Integration tests for `tulo-jwt`: one binary, one module per concern.
//!
//! Every token here is signed by `fixtures` with jsonwebtoken (or, for headers jsonwebtoken
//! refuses to write, by hand with the same HMAC), never by the crate under test.

#[cfg(feature = "axum")]
mod axum;
mod builder;
mod cookie;
mod environment;
mod fixtures;
mod properties;
mod redaction;
mod rfc8725;
mod session;
#[cfg(feature = "test-util")]
mod test_util;
