//! [`PaywayClient`]: the configured client every call hangs off.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use paywall_internal::http::{Http, append_segments};
use reqwest::header::{ACCEPT, HeaderValue};
use reqwest::{Method, RequestBuilder};
use url::Url;

use crate::environment::Environment;
use crate::secret::ClientSecret;
use crate::server_token_cache::ServerTokenCache;
use crate::token_encoding::TokenEncoding;

/// A client for the Payway API and its authorization tickets.
///
/// Build one at start-up with [`PaywayClient::builder`] or [`PaywayClient::from_env`] and
/// share it: it is `Clone`, `Send` and `Sync`, and a clone is cheap (an `Arc` inside) and
/// shares the connection pool and the server-token cache.
///
/// Calls:
/// - [`login_with_ticket`](Self::login_with_ticket): the whole return from the shop
///   (one-time claim, exchange, `/me`);
/// - [`exchange_ticket`](Self::exchange_ticket), [`refresh_token`](Self::refresh_token),
///   [`server_token`](Self::server_token): tokens;
/// - [`me`](Self::me), [`active_products`](Self::active_products),
///   [`active_products_with_articles`](Self::active_products_with_articles): the reader's
///   account, with the reader's token;
/// - [`account_active_products`](Self::account_active_products): an account's products,
///   with a server token;
/// - [`generate_ticket`](Self::generate_ticket): a ticket to send the reader to the shop.
#[derive(Clone)]
pub struct PaywayClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: Http,
    pub(crate) base_url: Url,
    pub(crate) environment: Option<Environment>,
    pub(crate) endpoints: Endpoints,
    pub(crate) client_id: String,
    pub(crate) client_secret: ClientSecret,
    pub(crate) token_encoding: TokenEncoding,
    /// Space-joined scopes for ticket exchanges (`/external/me/w` unless configured); `None`
    /// sends no `scope`.
    pub(crate) ticket_scope: Option<String>,
    pub(crate) claim_ttl: Duration,
    pub(crate) server_tokens: ServerTokenCache,
}

/// Every endpoint URL, built once from the base URL.
pub(crate) struct Endpoints {
    pub(crate) access_token: Url,
    pub(crate) ticket: Url,
    pub(crate) me: Url,
    pub(crate) active_products: Url,
    pub(crate) account_active_products: Url,
}

impl Endpoints {
    /// The endpoints under `base` (whose path, a proxy's prefix, is kept).
    pub(crate) fn new(base: &Url) -> Self {
        let authorization = |last| append_segments(base, &["api", "authorization", last]);
        let v1 =
            |path: &[&str]| append_segments(base, &[&["external", "api", "v1"], path].concat());
        Self {
            access_token: authorization("access_token"),
            ticket: authorization("ticket"),
            me: v1(&["me"]),
            active_products: v1(&["me", "active_products"]),
            account_active_products: v1(&["accounts", "active_products"]),
        }
    }
}

impl PaywayClient {
    paywall_internal::client_accessors!(Environment);

    /// Your API client id.
    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// How token requests are encoded.
    pub fn token_encoding(&self) -> TokenEncoding {
        self.inner.token_encoding
    }

    /// How long [`login_with_ticket`](Self::login_with_ticket) keeps a ticket claimed.
    pub fn claim_ttl(&self) -> Duration {
        self.inner.claim_ttl
    }

    /// A request with `Accept: application/json` and the total timeout.
    pub(crate) fn request(&self, method: Method, url: &Url) -> RequestBuilder {
        self.inner
            .http
            .request(method, url)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
    }
}

impl fmt::Debug for PaywayClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        inner
            .http
            .debug_client(f, "PaywayClient", &inner.environment, &inner.base_url)
            .field("client_id", &inner.client_id)
            .field("client_secret", &"[redacted]")
            .field("token_encoding", &inner.token_encoding)
            .field("ticket_scope", &inner.ticket_scope)
            .field("claim_ttl", &inner.claim_ttl)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_keep_a_path_prefix() {
        let base = Url::parse("https://proxy.example/payway/").unwrap();
        let endpoints = Endpoints::new(&base);
        assert_eq!(
            endpoints.access_token.as_str(),
            "https://proxy.example/payway/api/authorization/access_token"
        );
        let bare = Url::parse("https://backend.worldoftulo.com").unwrap();
        let endpoints = Endpoints::new(&bare);
        assert_eq!(
            endpoints.active_products.as_str(),
            "https://backend.worldoftulo.com/external/api/v1/me/active_products"
        );
        assert_eq!(
            endpoints.account_active_products.as_str(),
            "https://backend.worldoftulo.com/external/api/v1/accounts/active_products"
        );
        assert_eq!(
            endpoints.ticket.as_str(),
            "https://backend.worldoftulo.com/api/authorization/ticket"
        );
    }
}
