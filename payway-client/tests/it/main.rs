//! Integration tests for payway-client: every endpoint against httpmock on 127.0.0.1, the
//! ticket stores (a real Redis when `REDIS_URL` is set), URLs in and out, and redaction.

mod account;
mod builder;
mod callback;
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
