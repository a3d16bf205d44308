//! Integration tests of `tiun-client` against httpmock stand-ins for tiun and its own
//! `FakeTiun`, all on 127.0.0.1.

mod coalescing;
mod echoed_secrets;
mod fake;
mod hardening;
mod hostile_ids;
mod paid_session;
mod redaction;
mod session;
mod support;
#[cfg(feature = "tracing")]
mod tracing_spans;
mod transport;
mod user;
