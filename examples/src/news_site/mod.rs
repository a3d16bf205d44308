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
//! | `paywall.rs` | Tulo Paywall: a purchase on the story's page, its checkout return logging the SSO2 session in |
//! | `accesstype.rs` | Accesstype: a first-party reader id, metered reads, the wall |
//! | `accesstype_webhooks.rs` | Accesstype's signed webhooks: a subscription changed, the site reads it again |
//!
//! And what every integration leans on:
//!
//! | file | rule |
//! | --- | --- |
//! | `return_to.rs` | a redirect target from the request is resolved against the site's URL and must keep its origin, or the reader goes to the front page |
//! | `same_origin.rs` | a request that changes something (`POST`...) must come from the site's own origin (`Origin`, or `Sec-Fetch-Site`), or it is `403` |
//! | `logins.rs` | the site's own session: a `__Host-` cookie, one per browser |

mod accesstype;
mod accesstype_webhooks;
mod articles;
mod home;
mod html;
mod logins;
mod logout;
mod not_stored;
mod paywall;
mod return_to;
mod same_origin;
mod shop;
mod site;
mod sso2;
mod subscribers;
mod tiun;
mod tulo;

use std::net::SocketAddr;
use std::sync::Arc;

use accesstype_jwt::SubscriberIdentity;
use axum::Router;
use axum::http::header;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use payway_client::MemoryTicketStore;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use url::Url;

use site::Site;
pub use site::{Fakes, SSO2_LOGINS};

/// The running site: its address, and the providers' fakes it talks to.
#[derive(Debug)]
pub struct NewsSite {
    url: Url,
    fakes: Arc<Fakes>,
    tickets: Arc<MemoryTicketStore>,
    subscribers: subscribers::Subscribers,
    server: JoinHandle<()>,
}

impl NewsSite {
    /// Starts the site on `addr` (port 0 picks a free port) with every provider's fake.
    ///
    /// # Errors
    ///
    /// When the address cannot be bound or a client cannot be built.
    pub async fn start(addr: SocketAddr) -> Result<Self, Box<dyn std::error::Error>> {
        Self::start_with_store(addr, MemoryTicketStore::new()).await
    }

    /// Like [`start`](Self::start), with a ticket store of `capacity` claims of each kind
    /// (tickets, landings, checkout returns) instead of the default 100,000: a test can fill it.
    ///
    /// # Errors
    ///
    /// As [`start`](Self::start).
    pub async fn start_with_ticket_capacity(
        addr: SocketAddr,
        capacity: usize,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        Self::start_with_store(addr, MemoryTicketStore::with_capacity(capacity)).await
    }

    async fn start_with_store(
        addr: SocketAddr,
        store: MemoryTicketStore,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let url = Url::parse(&format!("http://{local}/"))?;
        let site = Site::start(&url, local, Arc::new(store)).await?;
        let fakes = Arc::clone(&site.fakes);
        let tickets = Arc::clone(&site.tickets);
        let subscribers = site.subscribers.clone();
        // SSO2 names the reader by address: the handlers see the peer through `ConnectInfo`.
        let app = router(site).into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move {
            // A failed accept loop ends the site; the tests then fail on their next request.
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            url,
            fakes,
            tickets,
            subscribers,
            server,
        })
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

    /// The Accesstype plans the subscriber known by `identity` has active, as the site read
    /// them after Accesstype's last webhook about them; `None` before any.
    #[must_use]
    pub fn accesstype_plans(&self, identity: &SubscriberIdentity) -> Option<Vec<String>> {
        self.subscribers.plans(identity)
    }

    /// The store that takes the shop's tickets, SSO2's landings and tickets once, to see
    /// what it holds.
    #[must_use]
    pub fn ticket_store(&self) -> &MemoryTicketStore {
        &self.tickets
    }
}

impl Drop for NewsSite {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Every page and endpoint of the site. The same-origin layer wraps every route a browser
/// calls, so a `POST` route added among them is checked like the others, and the not-stored
/// layer marks every answer not to be cached (each depends on the reader). Calls from the
/// providers' servers (webhooks) carry no `Origin`: they sit outside those layers, and each
/// proves where it came from itself (a signature).
fn router(site: Site) -> Router {
    let server_calls = Router::new()
        .route("/webhooks/accesstype", post(accesstype_webhooks::receive))
        .with_state(site.clone());
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
        .route("/sso2/paywall/{slug}", get(paywall::paywall_page))
        .route("/paywall-standin/buy", post(paywall::buy))
        .route(paywall::CHECKOUT_LANDING, post(paywall::checkout_landing))
        .route("/metered/articles/{slug}", get(accesstype::story_page))
        .route("/metered/reader-id", post(accesstype::reader_id))
        .route("/metered/api/stories/{slug}", get(accesstype::story_body))
        .route("/logout", post(logout::logout))
        .layer(middleware::from_fn_with_state(
            site.clone(),
            same_origin::refuse_cross_origin,
        ))
        .layer(middleware::from_fn(not_stored::not_stored))
        .with_state(site)
        .merge(server_calls)
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            // The same for every reader: any cache may keep it.
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        html::CSS,
    )
}
