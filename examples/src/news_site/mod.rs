//! A demo news site: every paywall flow of the SDK, in pages a reader clicks through.
//!
//! Run it with `cargo run -p paywall-examples --bin news-site`. Each provider's integration is
//! in its own file, written as a publisher would write it, with the crates' public API, their
//! axum extractors and their fakes (started in-process instead of the real providers):
//!
//! | file | provider |
//! | --- | --- |
//! | `tiun.rs` | tiun: a paid session from tiun's snippet, checked before the body is served |
//! | `tulo.rs` | Tulo Payway JS-API: the signed `T_ID` cookie |
//! | `shop.rs` | Tulo Shop round trip with one-time tickets (seed 003) |
//! | `sso2.rs` | Tulo Payway SSO2: identify, landing, a sealed session cookie |
//! | `accesstype.rs` | Accesstype: a first-party reader id, metered reads, the wall |

mod accesstype;
mod articles;
mod home;
mod html;
mod logins;
mod shop;
mod sso2;
mod tiun;
mod tulo;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use accesstype_jwt::test_util::FakeAccesstype;
use accesstype_jwt::{AccesstypeClient, ReaderCookie};
use axum::Router;
use axum::extract::FromRef;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use payway_client::sso2::{SessionCookieKey, Sso2Flow};
use payway_client::test_util::FakePayway;
use payway_client::{MemoryTicketStore, PaywayClient, ReturnPolicy};
use tiun_client::TiunClient;
use tiun_client::test_util::FakeTiun;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tulo_jwt::TuloVerifier;
use tulo_jwt::test_util::FakeTulo;
use url::Url;

use logins::Logins;

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
    url: Url,
    fakes: Arc<Fakes>,
    tiun: TiunClient,
    tulo: TuloVerifier,
    payway: PaywayClient,
    sso2: Sso2Flow,
    accesstype: AccesstypeClient,
    reader_cookie: ReaderCookie,
    tickets: Arc<MemoryTicketStore>,
    return_policy: ReturnPolicy,
    logins: Logins,
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

impl FromRef<Site> for ReturnPolicy {
    fn from_ref(site: &Site) -> Self {
        site.return_policy.clone()
    }
}

/// The running site: its address, and the providers' fakes it talks to.
#[derive(Debug)]
pub struct NewsSite {
    url: Url,
    fakes: Arc<Fakes>,
    server: JoinHandle<()>,
}

impl NewsSite {
    /// Starts the site on `addr` (port 0 picks a free port) with every provider's fake.
    ///
    /// # Errors
    ///
    /// When the address cannot be bound or a client cannot be built.
    pub async fn start(addr: SocketAddr) -> Result<Self, Box<dyn std::error::Error>> {
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let url = Url::parse(&format!("http://{local}/"))?;

        let tiun = FakeTiun::start().await;
        let payway = FakePayway::start().await;
        let tulo = FakeTulo::new(TULO_SECRET, url.join("/tulo/forward")?.as_str());
        for (email, password, account, subscriber) in SSO2_LOGINS {
            let products: &[&str] = if subscriber { &[sso2::PRODUCT] } else { &[] };
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
        // Readers come back to this site only; plain http because the demo runs on loopback.
        let return_policy = ReturnPolicy::allow_hosts([local.ip().to_string(), local.to_string()])
            .allow_http_for_local_development();
        let tickets = Arc::new(MemoryTicketStore::new());
        let sso2 = Sso2Flow::new(
            fakes.payway.sso2_client(),
            fakes.payway.client(),
            SessionCookieKey::new(SSO2_COOKIE_KEY)?,
            return_policy.clone(),
        )
        .with_ticket_store(tickets.clone())
        .with_refresh_after(SSO2_REFRESH_AFTER);
        let site = Site {
            tiun: fakes.tiun.client(),
            tulo: fakes.tulo.verifier()?,
            payway: fakes.payway.client(),
            sso2,
            accesstype: fakes.accesstype.client(),
            // No `Domain`: the cookie stays on this host, the only choice on 127.0.0.1.
            reader_cookie: ReaderCookie::host_only(),
            tickets,
            return_policy,
            logins: Logins::default(),
            url: url.clone(),
            fakes: Arc::clone(&fakes),
        };
        // SSO2 names the reader by address: the handlers see the peer through `ConnectInfo`.
        let app = router()
            .with_state(site)
            .into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move {
            // A failed accept loop ends the site; the tests then fail on their next request.
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { url, fakes, server })
    }

    /// The site's front page.
    #[must_use]
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The providers' fakes, to see what they received.
    #[must_use]
    pub fn fakes(&self) -> &Fakes {
        &self.fakes
    }
}

impl Drop for NewsSite {
    fn drop(&mut self) {
        self.server.abort();
    }
}

fn router() -> Router<Site> {
    Router::new()
        .route("/", get(home::front_page))
        .route("/site.css", get(stylesheet))
        .route("/tiun/articles/{slug}", get(tiun::story_page))
        .route("/tiun/api/articles/{slug}", get(tiun::story_body))
        .route("/tulo/articles/{slug}", get(tulo::story_page))
        .route("/payway-standin/tulo_js_api.js", get(tulo::standin_script))
        .route("/payway-standin/session", get(tulo::standin_session))
        .route(
            "/payway-standin/login",
            get(tulo::standin_login_page).post(tulo::standin_login),
        )
        .route("/shop/articles/{slug}", get(shop::story_page))
        .route("/shop/subscribe", get(shop::subscribe))
        .route("/shop/welcome-back", get(shop::welcome_back))
        .route("/sso2/articles/{slug}", get(sso2::story_page))
        .route("/sso2/landing", get(sso2::landing))
        .route("/metered/articles/{slug}", get(accesstype::story_page))
        .route("/metered/reader-id", post(accesstype::reader_id))
        .route("/metered/api/stories/{slug}", get(accesstype::story_body))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        html::CSS,
    )
}
