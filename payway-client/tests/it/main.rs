//! Integration tests for payway-client: every endpoint against httpmock on 127.0.0.1 (the
//! exact requests), `FakePayway` and the axum extractor (with their features), the
//! ticket stores (a real Redis when `REDIS_URL` is set), URLs in and out, redaction, and
//! SSO2 (request tokens decoded by jsonwebtoken, landings, answers, the sealed cookie, the
//! fake, the flow, the extractor).

mod account;
mod active_products;
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
#[cfg(feature = "test-util")]
mod sso2_answers;
#[cfg(feature = "axum")]
mod sso2_axum;
#[cfg(feature = "test-util")]
mod sso2_binding;
#[cfg(feature = "test-util")]
mod sso2_browser;
mod sso2_builder;
#[cfg(feature = "test-util")]
mod sso2_checkout;
mod sso2_cookie;
#[cfg(feature = "test-util")]
mod sso2_fake;
#[cfg(feature = "test-util")]
mod sso2_flow;
mod sso2_fuzz_seeds;
mod sso2_landing;
#[cfg(feature = "test-util")]
mod sso2_redaction;
#[cfg(feature = "test-util")]
mod sso2_state_flood;
mod sso2_support;
mod sso2_tokens;
mod store;
#[cfg(feature = "test-util")]
mod store_pressure;
mod support;
mod ticket;
mod token;
#[cfg(all(feature = "tracing", feature = "test-util"))]
mod tracing_spans;
mod transport;
