//! A fake Payway, Tulo Shop and SSO2 for your application's tests (feature `test-util`).
//!
//! [`FakePayway`] is a real HTTP server on `127.0.0.1`, started in your test's tokio runtime,
//! so your application's real [`PaywayClient`] and [`Sso2Client`] code runs against it. It
//! keeps state like Payway: accounts and their products, single-use tickets (a second
//! exchange is answered `401 invalid_grant`), access, refresh and server tokens with the
//! scopes they were asked for, `/me` in the documented wrapped shape,
//! `/me/active_products` and `accounts/active_products` (with external plus products and
//! single articles), ticket generation; and it injects faults.
//!
//! Scopes are enforced as Payway's docs describe them: `/me` and `/me/active_products`
//! answer `403` to a reader's token without `/external/me/w`;
//! `accounts/active_products` answers `403` to anything but a server token with
//! `/external/account/r`; and generating a ticket answers `403` to a reader's token
//! without `/api/authorization/ticket`, the scope the ticket guide requires of it (which
//! status real Payway answers there is not documented; the scope a server token needs is
//! not either, so the fake takes a server token of any scope). A `403` body is
//! `{"code": "insufficient_scope", "field": null, "message": ...}`.
//! It also serves a stand-in Tulo Shop whose "Pay" button sends the reader back with a
//! ticket, and SSO2 (see [`FakePayway::sso_base_url`]): sessions, logins, the server calls,
//! identify, a login page and a "log out from another site" control.
//!
//! Enable the feature in `[dev-dependencies]` only:
//!
//! ```toml
//! [dev-dependencies]
//! payway-client = { version = "0.1", features = ["test-util"] }
//! ```
//!
//! ```
//! use payway_client::{MemoryTicketStore, Ticket, TicketLogin, test_util::FakePayway};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let payway = FakePayway::start().await;
//! payway.add_account("acc-1", ["premium"]);
//! let ticket = Ticket::new(payway.issue_ticket("acc-1"));
//!
//! let client = payway.client();
//! let store = MemoryTicketStore::new();
//! let login = client.login_with_ticket(&ticket, &store).await?;
//! assert!(matches!(login, TicketLogin::LoggedIn { ref account, .. } if account.id == "acc-1"));
//! assert_eq!(payway.exchanges(), 1);
//! # Ok(())
//! # }
//! ```

mod html;
mod server;
mod shop;
mod sso2;
mod sso2_pages;
mod sso2_state;
mod state;

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use url::Url;

use crate::builder::PaywayClientBuilder;
use crate::client::PaywayClient;
use crate::secret::AccessToken;
use crate::sso2::{Sso2Client, Sso2ClientBuilder};
use paywall_internal::fake::{FakeServer, Faults};
use server::Shared;
use sso2_state::FakeLogin;
use state::{FakeAccount, FakeArticle, State, add_once};

/// A fake Payway API and Tulo Shop on `127.0.0.1`, for tests. Stopped when dropped.
///
/// See the [module docs](self) for what it answers. Every fake has its own client id and
/// secret, accounts, tickets and tokens.
pub struct FakePayway {
    client_id: String,
    client_secret: String,
    organisation_id: String,
    shared: Arc<Shared>,
    /// Stopped, with its connections, when dropped.
    server: FakeServer,
}

impl FakePayway {
    /// Starts a fake on a free port of `127.0.0.1`, in the current tokio runtime.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound (use [`try_start`](Self::try_start) to handle it).
    #[allow(clippy::expect_used)] // A test helper: a machine without loopback cannot run the test.
    pub async fn start() -> Self {
        Self::try_start()
            .await
            .expect("FakePayway could not bind a port on 127.0.0.1")
    }

    /// Like [`start`](Self::start), returning the error when no port can be bound.
    ///
    /// # Errors
    ///
    /// The I/O error of binding `127.0.0.1:0`.
    pub async fn try_start() -> std::io::Result<Self> {
        let state = State::new();
        let client_id = state.client_id.clone();
        let client_secret = state.client_secret.clone();
        let organisation_id = state.organisation_id.clone();
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            faults: Faults::default(),
        });
        let server = server::spawn(Arc::clone(&shared)).await?;
        Ok(Self {
            client_id,
            client_secret,
            organisation_id,
            shared,
            server,
        })
    }

    /// The API host root: `http://127.0.0.1:{port}/`.
    pub fn base_url(&self) -> Url {
        self.server.base_url().clone()
    }

    /// The fake's URL of `path`.
    fn url_of(&self, path: &str) -> Url {
        let mut url = self.base_url();
        url.set_path(path);
        url
    }

    /// The fake Tulo Shop's base URL, `{base_url}shop/`, for
    /// [`ShopUrl::builder`](crate::ShopUrl::builder). `GET {shop}/{path...}?at=&returnUrl=`
    /// shows a checkout for the product named by the last path piece; its "Pay" button
    /// issues a ticket (for the account the `at` ticket names when it is valid, else for a
    /// new demo account, which gets the product) and answers `303` to `returnUrl` with
    /// `ticket=` added. Paying twice for one checkout returns the same ticket.
    pub fn shop_base_url(&self) -> Url {
        self.url_of(shop::SHOP_PREFIX)
    }

    /// The client id the fake accepts.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The client secret the fake accepts. A test value: it guards nothing.
    pub fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// A [`PaywayClient`] configured for this fake (its base URL and credentials).
    ///
    /// # Panics
    ///
    /// Never in practice: the fake's own settings always build.
    #[allow(clippy::expect_used)] // The settings are the fake's own and always valid.
    pub fn client(&self) -> PaywayClient {
        self.client_builder()
            .build()
            .expect("the fake's own settings build a client")
    }

    /// A builder with this fake's base URL and credentials, to add settings (a timeout, the
    /// JSON token encoding) before building.
    pub fn client_builder(&self) -> PaywayClientBuilder {
        PaywayClient::builder()
            .base_url(self.base_url())
            .client_id(self.client_id.clone())
            .client_secret(self.client_secret.clone())
    }

    /// Adds (or replaces) an account with these active products. Its `/me` carries a
    /// made-up e-mail and name.
    ///
    /// Any id is taken, but Payway's are 24 lowercase hex digits, and
    /// [`PaywayClient::account_active_products`] refuses any other before it sends: give such
    /// an id to the accounts that call is tested with. The accounts the fake shop and paywall
    /// create for a purchase have one.
    pub fn add_account<I, S>(&self, account_id: &str, products: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let account = FakeAccount::new(account_id, products.into_iter().map(Into::into).collect());
        self.shared
            .state()
            .accounts
            .insert(account_id.to_owned(), account);
    }

    /// The account's active products, `None` for an unknown account (for example after a
    /// purchase in the fake shop).
    pub fn products(&self, account_id: &str) -> Option<Vec<String>> {
        let state = self.shared.state();
        state.accounts.get(account_id).map(|a| a.products.clone())
    }

    /// Adds an external plus product to the account (created, without products, if
    /// unknown): active-products answers list it in `external_plus_products`, a member they
    /// leave out while the account has none.
    pub fn grant_external_plus_product(&self, account_id: &str, product: &str) {
        let mut state = self.shared.state();
        add_once(
            &mut state.account(account_id).external_plus_products,
            product,
        );
    }

    /// Records that the account (created, without products, if unknown) bought the single
    /// article `article_id`. Active-products answers list it in `active_articles` when asked
    /// with `include_articles=true`, with a made-up name, URL and title, a fresh order id and
    /// a fixed purchase date.
    pub fn grant_article(&self, account_id: &str, article_id: &str) {
        let mut state = self.shared.state();
        let order_id = state.token("ord");
        let articles = &mut state.account(account_id).articles;
        if !articles.iter().any(|a| a.article_id == article_id) {
            let article_id = article_id.to_owned();
            articles.push(FakeArticle {
                article_id,
                order_id,
            });
        }
    }

    /// The scope (space-separated, as asked for) the fake issued `access_token` with; `None`
    /// for a token it never issued. A ticket exchange gets exactly the scope it asked for, a
    /// refreshed token the scope of the token it renews.
    pub fn granted_scope(&self, access_token: &AccessToken) -> Option<String> {
        self.shared
            .state()
            .granted_scope(access_token.expose_secret())
    }

    /// Cancels the account's `product`, as a reader's cancelled subscription does: `/me` and
    /// `/me/active_products` no longer list it. `false` when the account did not have it.
    pub fn cancel_product(&self, account_id: &str, product: &str) -> bool {
        let mut state = self.shared.state();
        let Some(account) = state.accounts.get_mut(account_id) else {
            return false;
        };
        let before = account.products.len();
        account.products.retain(|p| p != product);
        account.products.len() < before
    }

    /// Issues a single-use ticket for the account (created, without products, if unknown),
    /// as Tulo Shop does when a reader returns.
    pub fn issue_ticket(&self, account_id: &str) -> String {
        self.shared.state().issue_ticket(account_id)
    }

    /// How many ticket exchanges (`grant_type=ticket`) the fake received, accepted or not.
    pub fn exchanges(&self) -> usize {
        self.shared.state().exchanges
    }

    /// Answers the next `n` ticket exchanges (`grant_type=ticket`) `401 invalid_grant`
    /// whatever the ticket, as Payway answers a ticket that expired before it was exchanged:
    /// each ticket so refused is used up. A ticket SSO2 answers with is refused alike.
    pub fn refuse_next_tickets(&self, n: usize) {
        self.shared.state().refused_tickets = n;
    }

    /// Answers the next `n` requests with `status` (and a small JSON error body), whatever
    /// they ask. A number that is not an HTTP status (outside 100-999) answers `500`.
    pub fn fail_next(&self, n: usize, status: u16) {
        self.shared.faults.fail_next(n, status);
    }

    /// Waits `delay` before answering each request from now on (`Duration::ZERO` to stop).
    pub fn delay(&self, delay: Duration) {
        self.shared.faults.delay(delay);
    }

    /// Closes the connection of the next `n` requests without answering.
    pub fn drop_next(&self, n: usize) {
        self.shared.faults.drop_next(n);
    }
}

/// SSO2: the server calls, identify, a login page and a "log out from another site" control.
///
/// Under [`sso_base_url`](Self::sso_base_url) the fake answers what SSO2 answers, with the
/// same client id, secret and organisation as the Payway API, so a ticket an SSO2 login
/// gives is exchanged at this fake's token endpoint:
///
/// - `POST {sso}/sessionstatus`, `/authenticate`, `/authenticatewithticket`, `/logout` with
///   `{"t": token}`: every request token is checked exactly (HS256 with the secret; the
///   claims `cid`, `iss`, `aud: "pw-sso"`, `iat`, `nbf`, `exp = iat + 10`, `sid`, `ipa`,
///   `uas` and the operation's own, and no other). Anything else is `401`
///   `{"error": "invalid_token"}` and recorded ([`sso2_refusals`](Self::sso2_refusals)).
///   Answers are `{"t": token}`, signed with the secret. Three wrong passwords freeze a login
///   for 300 s.
/// - `GET {sso}/identify?t=&r=`: checks `t` (`exp = iat + 60`), finds the browser's session
///   by a cookie on the fake's own origin (starting an anonymous one when there is none),
///   and answers `303` to the [landing URL](Self::set_sso2_landing_url) with a signed `t`
///   (and a ticket when logged in) and the `r` it was given.
/// - [`sso2_login_url`](Self::sso2_login_url): a login page whose form logs the browser's
///   session in and goes back through identify; a button on it ends the session "from another
///   site", so the next status call answers `terminated`.
impl FakePayway {
    /// The SSO2 host root: `{base_url}sso/`.
    pub fn sso_base_url(&self) -> Url {
        self.url_of(sso2::SSO_PREFIX)
    }

    /// The organisation id the fake's SSO2 expects as `iss`.
    pub fn organisation_id(&self) -> &str {
        &self.organisation_id
    }

    /// An [`Sso2Client`] configured for this fake.
    ///
    /// # Panics
    ///
    /// Never in practice: the fake's own settings always build.
    #[allow(clippy::expect_used)] // The settings are the fake's own and always valid.
    pub fn sso2_client(&self) -> Sso2Client {
        self.sso2_client_builder()
            .build()
            .expect("the fake's own settings build an SSO2 client")
    }

    /// An SSO2 builder with this fake's SSO2 URL, credentials and organisation.
    pub fn sso2_client_builder(&self) -> Sso2ClientBuilder {
        Sso2Client::builder()
            .base_url(self.sso_base_url())
            .client_id(self.client_id.clone())
            .client_secret(self.client_secret.clone())
            .organisation_id(self.organisation_id.clone())
    }

    /// Where identify sends readers back to (your landing page), as Payway configures it per
    /// client. Until it is set, identify answers `400`.
    pub fn set_sso2_landing_url(&self, landing_url: Url) {
        self.shared.state().sso2.landing_url = Some(landing_url);
    }

    /// Adds (or replaces) an SSO2 login: this e-mail address (in any case) and password log in
    /// the account (created, without products, if unknown).
    pub fn add_login(&self, email: &str, password: &str, account_id: &str) {
        let mut state = self.shared.state();
        state.account(account_id);
        state.sso2.logins.insert(
            email.to_lowercase(),
            FakeLogin {
                password: password.to_owned(),
                account_id: account_id.to_owned(),
                active: true,
                failures: 0,
            },
        );
    }

    /// Marks a login as not active: logging in with it answers `account_not_active`.
    pub fn deactivate_login(&self, email: &str) {
        let mut state = self.shared.state();
        if let Some(login) = state.sso2.logins.get_mut(&email.to_lowercase()) {
            login.active = false;
        }
    }

    /// The fake SSO2's login page, continuing to `continue_url` after a login (through
    /// identify, to your landing page).
    pub fn sso2_login_url(&self, continue_url: &Url) -> Url {
        let mut url = self.url_of(sso2_pages::LOGIN_PATH);
        url.query_pairs_mut()
            .append_pair("r", continue_url.as_str());
        url
    }

    /// What a browser without an SSO2 session gets from `identify_url` (from
    /// [`Sso2Client::identify_url`]): the landing URL, with an anonymous session's `t` and
    /// the `r`. Done in-process, as `GET {sso}/identify` does it.
    ///
    /// # Errors
    ///
    /// [`Refused`] when the identify token is refused or no landing URL is set.
    pub fn sso2_identify(&self, identify_url: &Url) -> Result<Url, Refused> {
        let mut state = self.shared.state();
        let sid = sso2::new_session(&mut state);
        sso2::identify(&mut state, identify_url.query().unwrap_or_default(), &sid).map_err(Refused)
    }

    /// Like [`sso2_identify`](Self::sso2_identify), for a browser whose SSO2 session is
    /// logged in with the login of `email` (its `t` carries a ticket).
    ///
    /// # Errors
    ///
    /// [`Refused`] for an unknown login, a refused identify token, or no landing URL.
    pub fn sso2_identify_logged_in(&self, identify_url: &Url, email: &str) -> Result<Url, Refused> {
        let mut state = self.shared.state();
        let login = state.sso2.logins.get(&email.to_lowercase());
        let account = login.map(|login| login.account_id.clone());
        let account = account.ok_or_else(|| Refused("no such login".to_owned()))?;
        let sid = sso2::new_session(&mut state);
        sso2::log_session_in(&mut state, &sid, &account);
        sso2::identify(&mut state, identify_url.query().unwrap_or_default(), &sid).map_err(Refused)
    }

    /// Ends SSO2 session `sid`, as a logout on another site does: its next status call
    /// answers `terminated`. `false` for an unknown session.
    pub fn log_out_elsewhere(&self, sid: &str) -> bool {
        sso2::end_session(&mut self.shared.state(), sid)
    }

    /// Gives no ticket (`at`) in the next `n` SSO2 answers that would carry one (a server
    /// call's or identify's): the session is still `loggedin`, but the site has no ticket to
    /// read its account by.
    pub fn sso2_withhold_next_tickets(&self, n: usize) {
        self.shared.state().sso2.withheld_tickets = n;
    }

    /// How many SSO2 server calls arrived, accepted or not.
    pub fn sso2_calls(&self) -> usize {
        self.shared.state().sso2.calls
    }

    /// Why each refused SSO2 request token (server call or identify) was refused, in order.
    pub fn sso2_refusals(&self) -> Vec<String> {
        self.shared.state().sso2.refusals.clone()
    }
}

/// Why the fake refused an in-process SSO2 request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the fake SSO2 refused: {0}")]
pub struct Refused(String);

impl Refused {
    /// The reason, in words.
    pub fn reason(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for FakePayway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakePayway")
            .field("base_url", &self.server.base_url().as_str())
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("organisation_id", &self.organisation_id)
            .finish_non_exhaustive()
    }
}
