//! Integration tests of `tiun-client` against httpmock stand-ins for tiun on 127.0.0.1.

mod hostile_ids;
mod redaction;
mod session;
mod support;
#[cfg(feature = "tracing")]
mod tracing_spans;
mod transport;
mod user;
