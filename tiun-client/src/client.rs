//! [`TiunClient`]: the handle every call goes through.

use std::fmt;
use std::sync::Arc;

use paywall_internal::coalesce::Flights;
use paywall_internal::http::{Http, append_segments};
use paywall_internal::redact::Redactor;
use reqwest::header::{HeaderName, HeaderValue};
use url::Url;

use crate::environment::Environment;
use crate::error::Error;
#[cfg(feature = "axum")]
use crate::source::SessionSource;
use crate::status::SessionStatus;
use crate::valid_cache::ValidCache;

/// An async client for tiun's server-to-server API.
///
/// Build one at start-up with [`TiunClient::builder`] (or [`TiunClient::from_env`]) and share
/// it: it is `Clone`, `Send` and `Sync`, and cloning is cheap (an `Arc` inside), so every clone
/// uses the same connection pool, the same requests in flight and the same validity cache. Its
/// `Debug` output never shows the API key.
///
/// The calls: [`verify_session`](Self::verify_session) (is this paywall session paid for?),
/// [`verify_user`](Self::verify_user) and [`user_info`](Self::user_info).
#[derive(Clone)]
pub struct TiunClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: Http,
    /// Host root (possibly with a proxy's path prefix); `https`, or `http` to loopback.
    pub(crate) base_url: Url,
    pub(crate) environment: Option<Environment>,
    pub(crate) api_key_header: HeaderName,
    /// Marked sensitive.
    pub(crate) api_key: HeaderValue,
    /// The key, ready to be cut out of whatever tiun echoes.
    pub(crate) redactor: Redactor,
    /// Already checked and percent-encoded.
    pub(crate) provider_segment: Option<String>,
    /// `None` when coalescing is switched off: then no call builds or hashes a key.
    pub(crate) flights: Option<Flights<String, Result<SessionStatus, Error>>>,
    /// `None` unless `cache_valid_for` was set.
    pub(crate) cache: Option<ValidCache>,
    #[cfg(feature = "axum")]
    pub(crate) session_source: SessionSource,
}

impl TiunClient {
    paywall_internal::client_accessors!(Environment, environment_label);

    /// Where [`PaidSession`](crate::axum::PaidSession) reads the session id of a request.
    #[cfg(feature = "axum")]
    #[must_use]
    pub fn session_source(&self) -> &SessionSource {
        &self.inner.session_source
    }

    /// The base URL with `segments` appended, each already percent-encoded.
    pub(crate) fn endpoint(&self, segments: &[&str]) -> Url {
        append_segments(&self.inner.base_url, segments)
    }
}

impl fmt::Debug for TiunClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        inner
            .http
            .debug_client(f, "TiunClient", &inner.environment, &inner.base_url)
            .field("api_key_header", &inner.api_key_header)
            .field("api_key", &"[redacted]")
            .field("legacy_provider_path", &inner.provider_segment.is_some())
            .field("coalesce", &inner.flights.is_some())
            .field(
                "cache_valid_for",
                &inner.cache.as_ref().map(ValidCache::valid_for),
            )
            .finish_non_exhaustive()
    }
}
