//! [`AccesstypeClient`]: the handle every server-side call goes through.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use url::Url;

use crate::client::grant_cache::{GrantCache, GrantKey};
use crate::environment::Environment;
use crate::error::Error;
use crate::grant::AccessGrant;
use paywall_internal::coalesce::Flights;
use paywall_internal::http::Http;

/// Asks Accesstype, from your server, whether a reader may read a story, and counts metered
/// reads.
///
/// A server that renders pages decides before rendering: [`read_story`](Self::read_story)
/// checks access and, when the meter granted it, pings back before it returns, so the one call
/// a handler makes gives an [`AccessGrant`](crate::AccessGrant) it can act on. The two
/// requests are also available alone: [`check_access`](Self::check_access) and
/// [`pingback`](Self::pingback).
///
/// Build one at start-up with [`AccesstypeClient::builder`] (or [`AccesstypeClient::from_env`])
/// and share it: it is `Clone`, `Send` and `Sync`, and cloning is cheap (an `Arc` inside), so
/// every clone shares the connection pool, the reads in flight and the grant cache. Its `Debug`
/// output never shows the API key.
///
/// ```no_run
/// use accesstype_jwt::{AccesstypeClient, Environment, ReaderId};
///
/// # async fn page(reader: ReaderId) -> Result<(), Box<dyn std::error::Error>> {
/// let accesstype = AccesstypeClient::builder()
///     .environment(Environment::Production)
///     .account_key("your-account-key")
///     .api_key(std::env::var("ACCESSTYPE_API_KEY")?)
///     .build()?;
/// let grant = accesstype.read_story("3f1c2a9e-story", &reader, None).await?;
/// if grant.granted() {
///     // render the whole story
/// } else {
///     // render the wall `grant.wall_type()` names
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct AccesstypeClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// The caller's client or ours, with the total timeout.
    pub(crate) http: Http,
    /// Host root, possibly with a proxy's path prefix; `https`, or `http` to loopback.
    pub(crate) base_url: Url,
    pub(crate) environment: Option<Environment>,
    /// The public `key` of the account.
    pub(crate) account_key: String,
    /// `X-SUBAUTH`, marked sensitive.
    pub(crate) api_key: HeaderValue,
    /// Reads in flight, shared by concurrent reads of one story by one reader (`None` when
    /// coalescing is off, so such a read never hashes a key).
    pub(crate) flights: Option<Flights<GrantKey, Result<AccessGrant, Error>>>,
    /// `None` unless `cache_grants_for` was set.
    pub(crate) cache: Option<GrantCache>,
    /// Whether a metered story is served when its pingback fails.
    pub(crate) serve_when_pingback_fails: bool,
}

impl AccesstypeClient {
    paywall_internal::client_accessors!(Environment, environment_label);

    /// The account key (the public `key`) sent with every request.
    #[must_use]
    pub fn account_key(&self) -> &str {
        &self.inner.account_key
    }

    /// How long granted answers are kept, when
    /// [`cache_grants_for`](crate::AccesstypeClientBuilder::cache_grants_for) was set.
    #[must_use]
    pub fn cache_grants_for(&self) -> Option<Duration> {
        self.inner.cache.as_ref().map(GrantCache::keep_for)
    }
}

impl fmt::Debug for AccesstypeClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        inner
            .http
            .debug_client(f, "AccesstypeClient", &inner.environment, &inner.base_url)
            .field("account_key", &inner.account_key)
            .field("api_key", &"[redacted]")
            .field("coalesce", &inner.flights.is_some())
            .field("cache_grants_for", &self.cache_grants_for())
            .field(
                "serve_when_pingback_fails",
                &inner.serve_when_pingback_fails,
            )
            .finish_non_exhaustive()
    }
}
