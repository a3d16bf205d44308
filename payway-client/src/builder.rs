//! [`PaywayClientBuilder`]: every setting, checked once at start-up.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use crate::client::{Endpoints, Inner, PaywayClient};
use crate::credentials::{Credentials, MIN_CLIENT_SECRET_BYTES};
use crate::environment::Environment;
use crate::error::BuildError;
use crate::http_settings::{HttpSettings, build_http, choose_base_url};
use crate::secret::ClientSecret;
use crate::server_token_cache::ServerTokenCache;
use crate::token::DEFAULT_TICKET_SCOPE;
use crate::token_encoding::TokenEncoding;
use crate::validate::is_identifier;

/// How long [`PaywayClient::login_with_ticket`] keeps a ticket claimed by default (10 minutes).
///
/// Payway tickets are short-lived; the claim must outlive the ticket. Change it with
/// [`PaywayClientBuilder::claim_ttl`].
pub const DEFAULT_CLAIM_TTL: Duration = Duration::from_secs(600);

/// How long a whole request may take unless [`PaywayClientBuilder::timeout`] (or
/// [`Sso2ClientBuilder::timeout`](crate::sso2::Sso2ClientBuilder::timeout)) says otherwise:
/// 10 s.
pub const DEFAULT_TIMEOUT: Duration = paywall_internal::http::DEFAULT_TIMEOUT;

/// How long connecting may take unless [`PaywayClientBuilder::connect_timeout`] (or
/// [`Sso2ClientBuilder::connect_timeout`](crate::sso2::Sso2ClientBuilder::connect_timeout))
/// says otherwise: 5 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = paywall_internal::http::DEFAULT_CONNECT_TIMEOUT;

impl PaywayClient {
    /// Starts a [`PaywayClientBuilder`].
    ///
    /// ```
    /// use payway_client::{Environment, PaywayClient, TokenEncoding};
    ///
    /// let payway = PaywayClient::builder()
    ///     .environment(Environment::Stage)
    ///     .client_id("my-client-id")
    ///     .client_secret("my-client-secret-0123456789")
    ///     .token_encoding(TokenEncoding::Form)
    ///     .build()?;
    /// assert_eq!(payway.base_url().as_str(), "https://payway-api.stage.adeprimo.se/");
    /// # Ok::<(), payway_client::BuildError>(())
    /// ```
    pub fn builder() -> PaywayClientBuilder {
        PaywayClientBuilder::default()
    }
}

/// Builds a [`PaywayClient`]; start with [`PaywayClient::builder`].
///
/// Required: a client id, a client secret, and an [`environment`](Self::environment) or a
/// [`base_url`](Self::base_url). [`build`](Self::build) checks everything, so a
/// misconfiguration shows at start-up rather than on the first reader's login.
#[must_use = "a builder does nothing until `build()` is called"]
pub struct PaywayClientBuilder {
    environment: Option<Environment>,
    base_url: Option<Url>,
    credentials: Credentials,
    token_encoding: TokenEncoding,
    http: HttpSettings,
    ticket_scopes: Vec<String>,
    claim_ttl: Duration,
}

impl Default for PaywayClientBuilder {
    fn default() -> Self {
        Self {
            environment: None,
            base_url: None,
            credentials: Credentials::default(),
            token_encoding: TokenEncoding::default(),
            http: HttpSettings::default(),
            ticket_scopes: vec![DEFAULT_TICKET_SCOPE.to_owned()],
            claim_ttl: DEFAULT_CLAIM_TTL,
        }
    }
}

impl PaywayClientBuilder {
    /// Your API client id.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.credentials.client_id = Some(client_id.into());
        self
    }

    /// Your API client secret: at least [`MIN_CLIENT_SECRET_BYTES`] bytes (see
    /// [`insecure_allow_short_secret`](Self::insecure_allow_short_secret)).
    pub fn client_secret(mut self, client_secret: impl Into<SecretString>) -> Self {
        self.credentials.client_secret = Some(ClientSecret::from(client_secret.into()));
        self
    }

    /// Accepts a client secret shorter than [`MIN_CLIENT_SECRET_BYTES`] (never an empty one).
    ///
    /// Only for a test account whose secret you cannot change: a short secret is easier to
    /// guess, and usually a placeholder left in a configuration.
    pub fn insecure_allow_short_secret(mut self) -> Self {
        self.credentials.allow_short_secret = true;
        self
    }

    /// How to encode token requests (default [`TokenEncoding::Form`]).
    pub fn token_encoding(mut self, encoding: TokenEncoding) -> Self {
        self.token_encoding = encoding;
        self
    }

    paywall_internal::http_setters! {
        /// The Payway environment whose API host to call.
        environment: Environment;
        base_url: "`https://backend.worldoftulo.com/`", "`/external/api/v1/me`, ...";
        http_client: "the client secret or a bearer token";
        timeout: "request";
        connect_timeout;
    }

    /// Scopes to request when exchanging a ticket, sent space-separated as `scope`. They
    /// replace the default, [`DEFAULT_TICKET_SCOPE`] (`/external/me/w`): Payway's docs
    /// require that scope for `/me` and `/me/active_products`, so keep it in the list if you
    /// call them. An empty list sends no `scope` at all.
    ///
    /// To [generate a ticket](PaywayClient::generate_ticket) with the reader's own token,
    /// that token needs `/api/authorization/ticket` too (Payway's ticket guide); without it
    /// Payway refuses the call (a `401` or a `403`). Ask for both:
    ///
    /// ```
    /// # use payway_client::{Environment, PaywayClient};
    /// let payway = PaywayClient::builder()
    ///     .environment(Environment::Stage)
    ///     .client_id("your-client-id")
    ///     .client_secret("your-client-secret-0123")
    ///     .ticket_scopes(["/external/me/w", "/api/authorization/ticket"])
    ///     .build();
    /// assert!(payway.is_ok());
    /// ```
    pub fn ticket_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.ticket_scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// How long [`login_with_ticket`](PaywayClient::login_with_ticket) keeps a ticket
    /// claimed (default [`DEFAULT_CLAIM_TTL`], 10 minutes). Make it
    /// longer than a ticket can live; [`build`](Self::build) refuses one that is not longer
    /// than the [`timeout`](Self::timeout), as a claim must outlive the exchange it guards.
    pub fn claim_ttl(mut self, ttl: Duration) -> Self {
        self.claim_ttl = ttl;
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// A [`BuildError`] when the client id or secret is missing or empty, when the secret is
    /// shorter than [`MIN_CLIENT_SECRET_BYTES`] without the opt-in, when neither an
    /// environment nor a base URL was given, when a connect timeout is set with a caller's
    /// HTTP client, when the base URL is not `https` (or `http` to
    /// loopback) or cannot serve as an API root, when a timeout or the claim TTL is zero,
    /// when the claim TTL is not longer than the timeout, when a ticket scope is malformed,
    /// or when the HTTP client cannot be built.
    pub fn build(self) -> Result<PaywayClient, BuildError> {
        let (client_id, client_secret) = self.credentials.check(MIN_CLIENT_SECRET_BYTES)?;
        let base_url = choose_base_url(self.base_url, self.environment, Environment::base_url)?;
        let http = build_http(self.http)?;
        if self.claim_ttl.is_zero() {
            return Err(BuildError::ZeroDuration { what: "claim_ttl" });
        }
        if self.claim_ttl <= http.timeout() {
            return Err(BuildError::ClaimTtlTooShort);
        }
        if !self.ticket_scopes.iter().all(|s| is_identifier(s)) {
            return Err(BuildError::InvalidScope);
        }
        let ticket_scope = (!self.ticket_scopes.is_empty()).then(|| self.ticket_scopes.join(" "));
        let endpoints = Endpoints::new(&base_url);
        Ok(PaywayClient {
            inner: Arc::new(Inner {
                http,
                base_url,
                environment: self.environment,
                endpoints,
                client_id,
                client_secret,
                token_encoding: self.token_encoding,
                ticket_scope,
                claim_ttl: self.claim_ttl,
                server_tokens: ServerTokenCache::default(),
            }),
        })
    }
}

impl fmt::Debug for PaywayClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaywayClientBuilder")
            .field("environment", &self.environment)
            .field("base_url", &self.base_url.as_ref().map(Url::as_str))
            .field("credentials", &self.credentials)
            .field("token_encoding", &self.token_encoding)
            .field("http", &self.http)
            .field("ticket_scopes", &self.ticket_scopes)
            .field("claim_ttl", &self.claim_ttl)
            .finish()
    }
}
