//! [`PaywayClient`]: the configured client every call hangs off.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, HeaderValue};
use reqwest::{Method, RequestBuilder};
use url::Url;

use crate::config::{PaywayClientBuilder, TokenEncoding};
use crate::environment::Environment;
use crate::error::BuildError;
use crate::secret::ClientSecret;
use crate::server_token::ServerTokenCache;

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
/// - [`me`](Self::me), [`active_products`](Self::active_products): the reader's account;
/// - [`generate_ticket`](Self::generate_ticket): a ticket to send the reader to the shop.
#[derive(Clone)]
pub struct PaywayClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: Url,
    pub(crate) environment: Option<Environment>,
    pub(crate) endpoints: Endpoints,
    pub(crate) client_id: String,
    pub(crate) client_secret: ClientSecret,
    pub(crate) token_encoding: TokenEncoding,
    pub(crate) timeout: Duration,
    /// Space-joined scopes for ticket exchanges, if configured.
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
}

impl Endpoints {
    pub(crate) fn new(base: &Url) -> Result<Self, BuildError> {
        Ok(Self {
            access_token: join(base, &["api", "authorization", "access_token"])?,
            ticket: join(base, &["api", "authorization", "ticket"])?,
            me: join(base, &["external", "api", "v1", "me"])?,
            active_products: join(base, &["external", "api", "v1", "me", "active_products"])?,
        })
    }
}

fn join(base: &Url, segments: &[&str]) -> Result<Url, BuildError> {
    let mut url = base.clone();
    url.path_segments_mut()
        .map_err(|()| BuildError::InvalidBaseUrl {
            reason: "it cannot be a base",
        })?
        .pop_if_empty()
        .extend(segments);
    Ok(url)
}

impl PaywayClient {
    /// Starts a [`PaywayClientBuilder`].
    ///
    /// ```
    /// use payway_client::{Environment, PaywayClient, TokenEncoding};
    ///
    /// let payway = PaywayClient::builder()
    ///     .environment(Environment::Stage)
    ///     .client_id("my-client-id")
    ///     .client_secret("my-client-secret")
    ///     .token_encoding(TokenEncoding::Form)
    ///     .build()?;
    /// assert_eq!(payway.base_url().as_str(), "https://payway-api.stage.adeprimo.se/");
    /// # Ok::<(), payway_client::BuildError>(())
    /// ```
    pub fn builder() -> PaywayClientBuilder {
        PaywayClientBuilder::default()
    }

    /// Builds a client from environment variables:
    ///
    /// | variable | |
    /// | --- | --- |
    /// | `PAYWAY_CLIENT_ID` | required |
    /// | `PAYWAY_CLIENT_SECRET` | required |
    /// | `PAYWAY_ENVIRONMENT` | `stage` or `production`; required unless `PAYWAY_BASE_URL` is set |
    /// | `PAYWAY_BASE_URL` | optional API host root, overrides the environment |
    /// | `PAYWAY_TOKEN_ENCODING` | optional, `form` (default) or `json` |
    ///
    /// # Errors
    ///
    /// [`BuildError::MissingEnvVar`] or [`BuildError::InvalidEnvVar`] (which never shows the
    /// value), or any error of [`PaywayClientBuilder::build`].
    pub fn from_env() -> Result<Self, BuildError> {
        Self::builder_from_env()?.build()
    }

    /// Like [`from_env`](Self::from_env), but returns the builder so you can add settings
    /// (an HTTP client, timeouts) before building.
    ///
    /// # Errors
    ///
    /// As [`from_env`](Self::from_env), for the variables.
    pub fn builder_from_env() -> Result<PaywayClientBuilder, BuildError> {
        let client_id = require_var("PAYWAY_CLIENT_ID")?;
        let client_secret = require_var("PAYWAY_CLIENT_SECRET")?;
        let mut builder = Self::builder()
            .client_id(client_id)
            .client_secret(client_secret);
        if let Some(environment) = optional_var("PAYWAY_ENVIRONMENT")? {
            let environment =
                environment
                    .parse::<Environment>()
                    .map_err(|_| BuildError::InvalidEnvVar {
                        name: "PAYWAY_ENVIRONMENT",
                        reason: "expected `stage` or `production`",
                    })?;
            builder = builder.environment(environment);
        }
        if let Some(base_url) = optional_var("PAYWAY_BASE_URL")? {
            let base_url = Url::parse(base_url.trim()).map_err(|_| BuildError::InvalidEnvVar {
                name: "PAYWAY_BASE_URL",
                reason: "not an absolute URL",
            })?;
            builder = builder.base_url(base_url);
        }
        if let Some(encoding) = optional_var("PAYWAY_TOKEN_ENCODING")? {
            let encoding = match encoding.trim().to_ascii_lowercase().as_str() {
                "form" => TokenEncoding::Form,
                "json" => TokenEncoding::Json,
                _ => {
                    return Err(BuildError::InvalidEnvVar {
                        name: "PAYWAY_TOKEN_ENCODING",
                        reason: "expected `form` or `json`",
                    });
                }
            };
            builder = builder.token_encoding(encoding);
        }
        Ok(builder)
    }

    /// The API host root this client calls.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The environment given to the builder, if any (a [`base_url`](PaywayClientBuilder::base_url)
    /// overrides its host).
    pub fn environment(&self) -> Option<Environment> {
        self.inner.environment
    }

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
            .request(method, url.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .timeout(self.inner.timeout)
    }
}

fn require_var(name: &'static str) -> Result<String, BuildError> {
    optional_var(name)?.ok_or(BuildError::MissingEnvVar { name })
}

fn optional_var(name: &'static str) -> Result<Option<String>, BuildError> {
    match std::env::var(name) {
        Ok(value) if value.is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(BuildError::InvalidEnvVar {
            name,
            reason: "not valid unicode",
        }),
    }
}

impl fmt::Debug for PaywayClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("PaywayClient")
            .field("base_url", &inner.base_url.as_str())
            .field("environment", &inner.environment)
            .field("client_id", &inner.client_id)
            .field("client_secret", &"[redacted]")
            .field("token_encoding", &inner.token_encoding)
            .field("timeout", &inner.timeout)
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
        let endpoints = Endpoints::new(&base).unwrap();
        assert_eq!(
            endpoints.access_token.as_str(),
            "https://proxy.example/payway/api/authorization/access_token"
        );
        let bare = Url::parse("https://backend.worldoftulo.com").unwrap();
        let endpoints = Endpoints::new(&bare).unwrap();
        assert_eq!(
            endpoints.active_products.as_str(),
            "https://backend.worldoftulo.com/external/api/v1/me/active_products"
        );
        assert_eq!(
            endpoints.ticket.as_str(),
            "https://backend.worldoftulo.com/api/authorization/ticket"
        );
    }
}
