//! The `client` feature: [`AccesstypeClient`], its configuration (`builder`, `from_env`), its
//! calls (`access`, `read_story`, `subscriptions`) with the grant cache, one request (`http`)
//! and, with `tracing`, one span per call (`trace`).

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

pub use access::CheckOptions;
pub use builder::{AccesstypeClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
pub use from_env::{ENV_ACCOUNT_KEY, ENV_API_KEY, ENV_BASE_URL, ENV_ENVIRONMENT};
pub use grant_cache::{MAX_CACHE_GRANTS_FOR, MAX_CACHED_GRANTS};
pub use handle::AccesstypeClient;
