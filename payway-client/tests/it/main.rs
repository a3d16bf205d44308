//! Integration tests for payway-client: every endpoint against httpmock on 127.0.0.1 (the
//! exact requests), `FakePayway` and the axum extractor (with their features), the
//! ticket stores (a real Redis when `REDIS_URL` is set), URLs in and out, and redaction.

mod account;
#[cfg(feature = "axum")]
mod axum;
mod builder;
mod callback;
#[cfg(feature = "test-util")]
mod fake;
mod login;
mod redaction;
#[cfg(feature = "redis")]
mod redis_store;
mod server_token;
mod shop_url;
mod store;
mod support;
mod ticket;
mod token;
mod transport;
