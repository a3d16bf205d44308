//! [`Sso2ClientBuilder`]: every SSO2 setting, checked once at start-up.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use super::client::{Endpoints, Inner, Sso2Client};
use super::hs256::Hs256Key;
use crate::builder::{MIN_CLIENT_SECRET_BYTES, check_base_url};
use crate::environment::Environment;
use crate::error::BuildError;
use crate::secret::ClientSecret;

/// Default total time for one server call, body included (10 s).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time to establish a connection (5 s).
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How far SSO2's clock may be from this server's by default when the times of its tokens
/// are checked (60 s).
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);

/// The largest leeway [`Sso2ClientBuilder::leeway`] accepts (2 minutes, what the vendor's
/// own plugin allows): a larger one would keep a leaked landing token usable for longer.
pub const MAX_LEEWAY: Duration = Duration::from_secs(120);

impl Sso2Client {
    /// Starts an [`Sso2ClientBuilder`].
    ///
    /// ```
    /// use payway_client::Environment;
    /// use payway_client::sso2::Sso2Client;
    ///
    /// let sso2 = Sso2Client::builder()
    ///     .environment(Environment::Stage)
    ///     .client_id("my-client-id")
    ///     .client_secret("my-client-secret-0123456789")
    ///     .organisation_id("my-organisation")
    ///     .build()?;
    /// assert_eq!(sso2.base_url().as_str(), "https://payway-sso-stage.azurewebsites.net/");
    /// # Ok::<(), payway_client::BuildError>(())
    /// ```
    pub fn builder() -> Sso2ClientBuilder {
        Sso2ClientBuilder::default()
    }
}

/// Builds an [`Sso2Client`]; start with [`Sso2Client::builder`].
///
/// Required: a client id, a client secret, an organisation id, and an
/// [`environment`](Self::environment) or a [`base_url`](Self::base_url).
///
/// The client secret is the one Payway issued with the client id: SSO2 signs with it, both
/// ways. It must be at least [`MIN_CLIENT_SECRET_BYTES`] (16) bytes, as for
/// [`PaywayClient`](crate::PaywayClient), not the 32 bytes the family asks of keys a site
/// chooses itself ([`MIN_SECRET_BYTES`](crate::MIN_SECRET_BYTES)): the secret is Payway's to
/// issue, not yours to lengthen, and a short one is refused only to catch a placeholder.
#[must_use = "a builder does nothing until `build()` is called"]
pub struct Sso2ClientBuilder {
    environment: Option<Environment>,
    base_url: Option<Url>,
    client_id: Option<String>,
    client_secret: Option<ClientSecret>,
    organisation_id: Option<String>,
    http_client: Option<reqwest::Client>,
    timeout: Duration,
    connect_timeout: Option<Duration>,
    leeway: Duration,
    allow_short_secret: bool,
}

impl Default for Sso2ClientBuilder {
    fn default() -> Self {
        Self {
            environment: None,
            base_url: None,
            client_id: None,
            client_secret: None,
            organisation_id: None,
            http_client: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: None,
            leeway: DEFAULT_LEEWAY,
            allow_short_secret: false,
        }
    }
}

impl Sso2ClientBuilder {
    /// The Payway environment whose SSO2 host to use
    /// ([`Environment::sso_base_url`]).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// The SSO2 host root to use instead of the environment's: a proxy, or a fake in tests.
    /// Takes precedence over [`environment`](Self::environment).
    ///
    /// It must be `https://`, except to a loopback host, and carry no credentials, query or
    /// fragment. A path is kept as a prefix.
    pub fn base_url(mut self, base_url: Url) -> Self {
        self.base_url = Some(base_url);
        self
    }

    /// Your API client id (`cid`).
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// Your API client secret, the HS256 key of every SSO2 token: at least
    /// [`MIN_CLIENT_SECRET_BYTES`] bytes (see
    /// [`insecure_allow_short_secret`](Self::insecure_allow_short_secret)).
    pub fn client_secret(mut self, client_secret: impl Into<SecretString>) -> Self {
        self.client_secret = Some(ClientSecret::from(client_secret.into()));
        self
    }

    /// Accepts a client secret shorter than [`MIN_CLIENT_SECRET_BYTES`] (never an empty one).
    ///
    /// Only for a test account whose secret you cannot change: a short HS256 key is easier
    /// to guess, and whoever guesses it can sign SSO2 answers for any reader.
    pub fn insecure_allow_short_secret(mut self) -> Self {
        self.allow_short_secret = true;
        self
    }

    /// Your Payway organisation id (`iss`).
    pub fn organisation_id(mut self, organisation_id: impl Into<String>) -> Self {
        self.organisation_id = Some(organisation_id.into());
        self
    }

    /// Shares your application's `reqwest::Client`; **build it with
    /// `reqwest::redirect::Policy::none()` and `reqwest::retry::never()`**, as for
    /// [`PaywayClientBuilder::http_client`](crate::PaywayClientBuilder::http_client).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Total time for one server call, reading the body included (default 10 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time to establish a connection (default 5 s); not with
    /// [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How far SSO2's clock may be from this server's (default [`DEFAULT_LEEWAY`], 60 s; at
    /// most [`MAX_LEEWAY`], 2 minutes).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// A [`BuildError`] when the client id, secret or organisation id is missing or
    /// malformed, when the secret is shorter than [`MIN_CLIENT_SECRET_BYTES`] without the
    /// opt-in, when neither an environment nor a base URL was given, when the base URL is not
    /// `https` (or `http` to loopback), when a timeout is zero or the leeway too large, when a
    /// connect timeout is set with a caller's HTTP client, or when the HTTP client cannot be
    /// built.
    pub fn build(self) -> Result<Sso2Client, BuildError> {
        let client_id = self.client_id.ok_or(BuildError::MissingClientId)?;
        if !is_identifier(&client_id) {
            return Err(BuildError::InvalidClientId);
        }
        let client_secret = self.client_secret.ok_or(BuildError::MissingClientSecret)?;
        let secret = client_secret.expose_secret();
        if secret.trim().is_empty() {
            return Err(BuildError::EmptyClientSecret);
        }
        if secret.len() < MIN_CLIENT_SECRET_BYTES && !self.allow_short_secret {
            return Err(BuildError::ShortSecret {
                len: secret.len(),
                min: MIN_CLIENT_SECRET_BYTES,
            });
        }
        let organisation_id = self
            .organisation_id
            .ok_or(BuildError::MissingOrganisationId)?;
        if !is_identifier(&organisation_id) {
            return Err(BuildError::InvalidOrganisationId);
        }
        let base_url = match (self.base_url, self.environment) {
            (Some(url), _) => url,
            (None, Some(environment)) => environment.sso_base_url(),
            (None, None) => return Err(BuildError::MissingEnvironment),
        };
        check_base_url(&base_url)?;
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        for (what, value) in [
            ("timeout", self.timeout),
            ("connect timeout", connect_timeout),
        ] {
            if value.is_zero() {
                return Err(BuildError::ZeroDuration { what });
            }
        }
        if self.leeway > MAX_LEEWAY {
            return Err(BuildError::LeewayTooLarge {
                leeway: self.leeway,
                max: MAX_LEEWAY,
            });
        }
        let http = match self.http_client {
            Some(_) if self.connect_timeout.is_some() => {
                return Err(BuildError::ConnectTimeoutWithHttpClient);
            }
            Some(client) => client,
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                // A login must never be sent twice.
                .retry(reqwest::retry::never())
                .connect_timeout(connect_timeout)
                .timeout(self.timeout)
                .user_agent(concat!("payway-client/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(BuildError::HttpClient)?,
        };
        let key = Hs256Key::new(client_secret.expose_secret().as_bytes());
        Ok(Sso2Client {
            inner: Arc::new(Inner {
                http,
                endpoints: Endpoints::new(&base_url),
                base_url,
                environment: self.environment,
                client_id,
                organisation_id,
                client_secret,
                key,
                timeout: self.timeout,
                leeway: self.leeway,
            }),
        })
    }
}

/// Not empty, no whitespace or control characters.
fn is_identifier(value: &str) -> bool {
    !value.is_empty() && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl fmt::Debug for Sso2ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sso2ClientBuilder")
            .field("environment", &self.environment)
            .field("base_url", &self.base_url.as_ref().map(Url::as_str))
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("organisation_id", &self.organisation_id)
            .field(
                "http_client",
                &self.http_client.as_ref().map(|_| "caller-supplied"),
            )
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("leeway", &self.leeway)
            .field("allow_short_secret", &self.allow_short_secret)
            .finish()
    }
}
