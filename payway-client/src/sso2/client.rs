//! [`Sso2Client`]: the configured SSO2 client every call hangs off.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use super::request_token::Signer;
use crate::environment::Environment;
use crate::secret::ClientSecret;
use paywall_internal::http::Http;
use paywall_internal::jws::Hs256Key;

/// A client for Tulo Payway's single sign-on, SSO2.
///
/// Build one at start-up with [`Sso2Client::builder`] or [`Sso2Client::from_env`] and share
/// it: it is `Clone`, `Send` and `Sync`, and a clone is cheap (an `Arc` inside) and shares
/// the connection pool.
///
/// - In the browser: [`identify_url`](Self::identify_url) (where to send a reader without a
///   session cookie) and [`landing`](Self::landing) (the URL SSO2 sends them back with).
/// - Server calls, for a [`Reader`](super::Reader): [`session_status`](Self::session_status),
///   [`authenticate`](Self::authenticate),
///   [`authenticate_with_ticket`](Self::authenticate_with_ticket), [`logout`](Self::logout).
///
/// Every token it sends is HS256 with the client secret; every token it reads must be too.
#[derive(Clone)]
pub struct Sso2Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: Http,
    pub(crate) base_url: Url,
    pub(crate) environment: Option<Environment>,
    pub(crate) client_id: String,
    pub(crate) organisation_id: String,
    pub(crate) client_secret: ClientSecret,
    pub(crate) key: Hs256Key,
    pub(crate) leeway: Duration,
}

impl Sso2Client {
    paywall_internal::client_accessors!(Environment);

    /// Your API client id (`cid`).
    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// Your organisation id (`iss`).
    pub fn organisation_id(&self) -> &str {
        &self.inner.organisation_id
    }

    /// How far SSO2's clock may be from this server's when its tokens' times are checked.
    pub fn leeway(&self) -> Duration {
        self.inner.leeway
    }

    pub(crate) fn signer(&self) -> Signer<'_> {
        Signer {
            client_id: &self.inner.client_id,
            organisation_id: &self.inner.organisation_id,
            key: &self.inner.key,
        }
    }
}

impl fmt::Debug for Sso2Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        inner
            .http
            .debug_client(f, "Sso2Client", &inner.environment, &inner.base_url)
            .field("client_id", &inner.client_id)
            .field("organisation_id", &inner.organisation_id)
            .field("client_secret", &"[redacted]")
            .field("leeway", &inner.leeway)
            .finish_non_exhaustive()
    }
}
