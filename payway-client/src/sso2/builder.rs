//! [`Sso2ClientBuilder`]: every SSO2 setting, checked once at start-up.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;

use super::client::{Inner, Sso2Client};
use crate::credentials::{Credentials, MIN_SECRET_BYTES};
use crate::environment::Environment;
use crate::error::BuildError;
use crate::http_settings::{HttpSettings, build_http, choose_base_url};
use crate::secret::ClientSecret;
use crate::validate::is_identifier;
use paywall_internal::jws::Hs256Key;

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
    ///     .client_secret("my-client-secret-0123456789abcdef")
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
/// The client secret is the one Payway issued with the client id: SSO2 uses it as the HS256
/// key of every token, both ways. Like every HMAC key in this crate it must be at least
/// [`MIN_SECRET_BYTES`] (32) bytes (RFC 7518 §3.2), unless you call
/// [`insecure_allow_short_secret`](Self::insecure_allow_short_secret) (see there why not).
/// ([`PaywayClient`](crate::PaywayClient), which only sends the secret to Payway's token
/// endpoint, asks for [`MIN_CLIENT_SECRET_BYTES`](crate::MIN_CLIENT_SECRET_BYTES), 16.)
#[derive(Default)]
#[must_use = "a builder does nothing until `build()` is called"]
pub struct Sso2ClientBuilder {
    environment: Option<Environment>,
    base_url: Option<Url>,
    credentials: Credentials,
    organisation_id: Option<String>,
    http: HttpSettings,
    /// `None`: [`DEFAULT_LEEWAY`].
    leeway: Option<Duration>,
}

impl Sso2ClientBuilder {
    /// Your API client id (`cid`).
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.credentials.client_id = Some(client_id.into());
        self
    }

    /// Your API client secret, the HS256 key of every SSO2 token: at least
    /// [`MIN_SECRET_BYTES`] (32) bytes (see
    /// [`insecure_allow_short_secret`](Self::insecure_allow_short_secret)).
    pub fn client_secret(mut self, client_secret: impl Into<SecretString>) -> Self {
        self.credentials.client_secret = Some(ClientSecret::from(client_secret.into()));
        self
    }

    /// Accepts a client secret shorter than [`MIN_SECRET_BYTES`] (never an empty one).
    ///
    /// Only for a client whose secret you cannot change: a short HS256 key is easier to
    /// guess, and whoever guesses it can sign SSO2 answers (a logged-in session, a ticket)
    /// for any reader, and read the passwords in request tokens they capture.
    pub fn insecure_allow_short_secret(mut self) -> Self {
        self.credentials.allow_short_secret = true;
        self
    }

    /// Your Payway organisation id (`iss`).
    pub fn organisation_id(mut self, organisation_id: impl Into<String>) -> Self {
        self.organisation_id = Some(organisation_id.into());
        self
    }

    paywall_internal::http_setters! {
        /// The Payway environment whose SSO2 host to use ([`Environment::sso_base_url`]).
        environment: Environment;
        base_url: "`https://sso.worldoftulo.com/`", "`/identify`, `/sessionstatus`, ...";
        http_client: "request tokens signed with the client secret (a reader's password, too)";
        timeout: "server call";
        connect_timeout;
    }

    /// How far SSO2's clock may be from this server's (default [`DEFAULT_LEEWAY`], 60 s; at
    /// most [`MAX_LEEWAY`], 2 minutes).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = Some(leeway);
        self
    }

    /// The base URL [`build`](Self::build) chooses: the one given, else the environment's.
    fn chosen_base_url(&self) -> Result<Url, BuildError> {
        choose_base_url(
            self.base_url.clone(),
            self.environment,
            Environment::sso_base_url,
        )
    }

    /// What a session cookie key bound to the client this builds is bound to
    /// ([`SessionCookieKey::bound_to`](super::SessionCookieKey::bound_to)): the base URL, the
    /// client id and the organisation id, checked as [`build`](Self::build) checks them, without
    /// checking the secret.
    pub(crate) fn cookie_binding(&self) -> Result<(Url, &str, &str), BuildError> {
        let client_id = self.credentials.checked_client_id()?;
        let organisation_id = self.checked_organisation_id()?;
        Ok((self.chosen_base_url()?, client_id, organisation_id))
    }

    /// The organisation id, once it is given and one word.
    fn checked_organisation_id(&self) -> Result<&str, BuildError> {
        let organisation_id = self.organisation_id.as_deref();
        let organisation_id = organisation_id.ok_or(BuildError::MissingOrganisationId)?;
        if !is_identifier(organisation_id) {
            return Err(BuildError::InvalidOrganisationId);
        }
        Ok(organisation_id)
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// A [`BuildError`] when the client id, secret or organisation id is missing or
    /// malformed, when the secret is shorter than [`MIN_SECRET_BYTES`] without the
    /// opt-in, when neither an environment nor a base URL was given, when the base URL is not
    /// `https` (or `http` to loopback), when a timeout is zero or the leeway too large, when a
    /// connect timeout is set with a caller's HTTP client, or when the HTTP client cannot be
    /// built.
    pub fn build(self) -> Result<Sso2Client, BuildError> {
        // Chosen before the fields move out; its error comes in its turn, below.
        let base_url = self.chosen_base_url();
        // Checked in the order of its errors: the credentials first.
        let organisation_id = self.checked_organisation_id().map(str::to_owned);
        let (client_id, client_secret) = self.credentials.check(MIN_SECRET_BYTES)?;
        let organisation_id = organisation_id?;
        let base_url = base_url?;
        let leeway = self.leeway.unwrap_or(DEFAULT_LEEWAY);
        if leeway > MAX_LEEWAY {
            return Err(BuildError::LeewayTooLarge {
                leeway,
                max: MAX_LEEWAY,
            });
        }
        // Last: building the HTTP client is the one costly step.
        let http = build_http(self.http)?;
        let key = Hs256Key::new(client_secret.expose_secret().as_bytes());
        Ok(Sso2Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                environment: self.environment,
                client_id,
                organisation_id,
                client_secret,
                key,
                leeway,
            }),
        })
    }
}

impl fmt::Debug for Sso2ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sso2ClientBuilder")
            .field("environment", &self.environment)
            .field("base_url", &self.base_url.as_ref().map(Url::as_str))
            .field("credentials", &self.credentials)
            .field("organisation_id", &self.organisation_id)
            .field("http", &self.http)
            .field("leeway", &self.leeway.unwrap_or(DEFAULT_LEEWAY))
            .finish()
    }
}
