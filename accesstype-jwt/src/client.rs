//! The `client` feature: [`AccesstypeClient`], its configuration, and the calls it makes to
//! Accesstype's server APIs.
//!
//! - `handle`: the client itself, cheap to clone.
//! - `builder`, `from_env` and `validate`: its configuration, checked once at start-up.
//! - `access` and `read_story`: the access check, the metering pingback, and the one call
//!   a story handler makes; `flights` and `grant_cache` let reads of one story by one
//!   reader share their work.
//! - `subscriptions`: the subscriptions of one subscriber.
//! - `http`: one request, sent once, its body read under the cap; `trace` (feature
//!   `tracing`): one span per call.

mod access;
mod builder;
mod from_env;
mod grant_cache;
mod handle;
mod http;
mod read_story;
mod subscriptions;
#[cfg(feature = "tracing")]
mod trace;
mod validate;

pub use access::CheckOptions;
pub use builder::{AccesstypeClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
pub use from_env::{ENV_ACCOUNT_KEY, ENV_API_KEY, ENV_BASE_URL, ENV_ENVIRONMENT};
pub use grant_cache::{MAX_CACHE_GRANTS_FOR, MAX_CACHED_GRANTS};
pub use handle::AccesstypeClient;
