//! What every handler of the site shares: the providers' clients and fakes, and the site's
//! own settings, built once at start-up.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use accesstype_jwt::test_util::FakeAccesstype;
use accesstype_jwt::{AccesstypeClient, ReaderCookie, WebhookSigningKey};
use axum::extract::FromRef;
use payway_client::sso2::{PaywallSecret, SessionCookieKey, Sso2Flow};
use payway_client::test_util::FakePayway;
use payway_client::{MemoryTicketStore, PaywayClient, ReturnPolicy};
use tiun_client::TiunClient;
use tiun_client::test_util::FakeTiun;
use tulo_jwt::TuloVerifier;
use tulo_jwt::test_util::FakeTulo;
use url::Url;

use super::articles::PRODUCT;
use super::logins::Logins;
use super::subscribers::Subscribers;

/// The secret the stand-in Payway JS-API user signs `T_ID` cookies with.
const TULO_SECRET: &str = "news-site-demo-secret-for-the-stand-in-only";
/// The site's own key for the sealed SSO2 session cookie (from a secret store in production).
const SSO2_COOKIE_KEY: &[u8] = b"news-site-demo-key-for-sealed-sso2-session-cookies";
/// How long a sealed SSO2 session is trusted before SSO2 is asked again. Short, so that the
/// demo shows a logout on another site at the next page; SSO2's own plugin uses 30-60 s.
const SSO2_REFRESH_AFTER: Duration = Duration::from_secs(2);

/// The test accounts the fake Payway knows: e-mail, password, account id, subscriber?
pub const SSO2_LOGINS: [(&str, &str, &str, bool); 2] = [
    (
        "subscriber@example.com",
        "correct horse battery staple",
        "acc-subscriber",
        true,
    ),
    (
        "reader@example.com",
        "correct horse battery staple",
        "acc-reader",
        false,
    ),
];

/// The providers' fakes the site talks to, for a test to look at what they received.
#[derive(Debug)]
pub struct Fakes {
    /// tiun: sessions, checks, and the stand-in snippet.
    pub tiun: FakeTiun,
    /// Tulo Payway and Tulo Shop: accounts, tickets, tokens.
    pub payway: FakePayway,
    /// Payway's JS-API signer, for the `T_ID` cookie.
    pub tulo: FakeTulo,
    /// Accesstype: a meter per reader, pingbacks.
    pub accesstype: FakeAccesstype,
}

/// What every handler may need, cheap to clone.
#[derive(Clone)]
pub(crate) struct Site {
    pub(crate) url: Url,
    pub(crate) fakes: Arc<Fakes>,
    pub(crate) tiun: TiunClient,
    pub(crate) tulo: TuloVerifier,
    pub(crate) payway: PaywayClient,
    pub(crate) sso2: Sso2Flow,
    pub(crate) accesstype: AccesstypeClient,
    pub(crate) reader_cookie: ReaderCookie,
    /// Checks Accesstype's webhook signatures (the webhook's `Secret`, from a secret store in
    /// production: `WebhookSigningKey::new(secret)`).
    pub(crate) webhook_key: WebhookSigningKey,
    /// What Accesstype's webhooks made the site read again.
    pub(crate) subscribers: Subscribers,
    pub(crate) tickets: Arc<MemoryTicketStore>,
    pub(crate) return_policy: ReturnPolicy,
    pub(crate) logins: Logins,
}

impl FromRef<Site> for TiunClient {
    fn from_ref(site: &Site) -> Self {
        site.tiun.clone()
    }
}

impl FromRef<Site> for TuloVerifier {
    fn from_ref(site: &Site) -> Self {
        site.tulo.clone()
    }
}

impl FromRef<Site> for SessionCookieKey {
    fn from_ref(site: &Site) -> Self {
        site.sso2.key().clone()
    }
}

impl FromRef<Site> for ReaderCookie {
    fn from_ref(site: &Site) -> Self {
        site.reader_cookie.clone()
    }
}

impl FromRef<Site> for WebhookSigningKey {
    fn from_ref(site: &Site) -> Self {
        site.webhook_key.clone()
    }
}

impl FromRef<Site> for ReturnPolicy {
    fn from_ref(site: &Site) -> Self {
        site.return_policy.clone()
    }
}

impl Site {
    /// Starts every provider's fake and builds the site's clients for the site at `url`
    /// (listening on `local`), taking logins once in `tickets`.
    pub(crate) async fn start(
        url: &Url,
        local: SocketAddr,
        tickets: Arc<MemoryTicketStore>,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let tiun = FakeTiun::start().await;
        let payway = FakePayway::start().await;
        let tulo = FakeTulo::new(TULO_SECRET, url.join("/tulo/forward")?.as_str());
        for (email, password, account, subscriber) in SSO2_LOGINS {
            let products: &[&str] = if subscriber { &[PRODUCT] } else { &[] };
            payway.add_account(account, products.iter().copied());
            payway.add_login(email, password, account);
        }
        payway.set_sso2_landing_url(url.join("/sso2/landing")?);
        let accesstype = FakeAccesstype::start().await;
        let fakes = Arc::new(Fakes {
            tiun,
            payway,
            tulo,
            accesstype,
        });
        // Readers come back to this site only: its host and port (a bare `127.0.0.1` would be
        // port 80, another origin). Plain http because the demo runs on loopback.
        let return_policy =
            ReturnPolicy::allow_hosts([local.to_string()]).allow_http_for_local_development();
        // The cookie key, bound to its SSO2 client: a cookie sealed for another environment
        // never opens here (in production, SessionCookieKey::from_env, which binds).
        let sso2_client = fakes.payway.sso2_client();
        let cookie_key = SessionCookieKey::new(SSO2_COOKIE_KEY)?.bound_to(&sso2_client);
        let sso2 = Sso2Flow::new(
            sso2_client,
            fakes.payway.client(),
            cookie_key,
            return_policy.clone(),
        )
        .with_ticket_store(tickets.clone())
        // Checkout tokens from the Tulo Paywall are signed with its own secret (in
        // production, PaywallSecret::from_env and PAYWAY_PAYWALL_SECRET).
        .with_paywall_secret(PaywallSecret::new(fakes.payway.paywall_secret())?)
        .with_refresh_after(SSO2_REFRESH_AFTER)
        // The cookie keeps only the product the site gates on, whatever else the account has.
        .gated_products([PRODUCT])?;
        Ok(Self {
            tiun: fakes.tiun.client(),
            tulo: fakes.tulo.verifier()?,
            payway: fakes.payway.client(),
            sso2,
            accesstype: fakes.accesstype.client(),
            // No `Domain`: the cookie stays on this host, the only choice on 127.0.0.1.
            // Lax: no story of this site is metered inside another site's frame, so the cookie
            // is left out of what another site's page loads from here (`<img>` of a story
            // URL). A link from another site still carries it: the metered story route itself
            // refuses requests another site started (`accesstype::story_body`).
            reader_cookie: ReaderCookie::host_only().same_site_lax(),
            webhook_key: fakes.accesstype.webhook_signing_key(),
            subscribers: Subscribers::default(),
            tickets,
            return_policy,
            logins: Logins::default(),
            url: url.clone(),
            fakes,
        })
    }
}
