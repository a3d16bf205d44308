//! A fake Payway and Tulo Shop for your application's tests (feature `test-util`).
//!
//! [`FakePayway`] is a real HTTP server on `127.0.0.1`, started in your test's tokio runtime,
//! so your application's real [`PaywayClient`] code runs against it. It keeps state like
//! Payway: accounts and their products, single-use tickets (a second exchange is answered
//! `401 invalid_grant`), access, refresh and server tokens, `/me` in the documented wrapped
//! shape, `/me/active_products`, ticket generation; and it injects faults. It also serves a
//! stand-in Tulo Shop whose "Pay" button sends the reader back with a ticket.
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

mod server;
mod shared;
mod shop;
mod state;

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::StatusCode;
use url::Url;

use crate::builder::PaywayClientBuilder;
use crate::client::PaywayClient;
use shared::{Faults, Shared};
use state::State;

/// A fake Payway API and Tulo Shop on `127.0.0.1`, for tests. Stopped when dropped.
///
/// See the [module docs](self) for what it answers. Every fake has its own client id and
/// secret, accounts, tickets and tokens.
pub struct FakePayway {
    base_url: Url,
    client_id: String,
    client_secret: String,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
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
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            faults: Mutex::new(Faults::default()),
        });
        let (address, server) = server::spawn(Arc::clone(&shared)).await?;
        let base_url = Url::parse(&format!("http://{address}/"))
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(Self {
            base_url,
            client_id,
            client_secret,
            shared,
            server,
        })
    }

    /// The API host root: `http://127.0.0.1:{port}/`.
    pub fn base_url(&self) -> Url {
        self.base_url.clone()
    }

    /// The fake Tulo Shop's base URL, `{base_url}shop/`, for
    /// [`ShopUrl::builder`](crate::ShopUrl::builder). `GET {shop}/{path...}?at=&returnUrl=`
    /// shows a checkout for the product named by the last path piece; its "Pay" button
    /// issues a ticket (for the account the `at` ticket names when it is valid, else for a
    /// new demo account, which gets the product) and answers `303` to `returnUrl` with
    /// `ticket=` added. Paying twice for one checkout returns the same ticket.
    pub fn shop_base_url(&self) -> Url {
        let mut url = self.base_url.clone();
        url.set_path(shop::SHOP_PREFIX);
        url
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
            .base_url(self.base_url.clone())
            .client_id(self.client_id.clone())
            .client_secret(self.client_secret.clone())
    }

    /// Adds (or replaces) an account with these active products. Its `/me` carries a
    /// made-up e-mail and name.
    pub fn add_account<I, S>(&self, account_id: &str, products: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let products = products.into_iter().map(Into::into).collect();
        self.shared.state().add_account(account_id, products);
    }

    /// The account's active products, `None` for an unknown account (for example after a
    /// purchase in the fake shop).
    pub fn products(&self, account_id: &str) -> Option<Vec<String>> {
        self.shared.state().products(account_id)
    }

    /// Issues a single-use ticket for the account (created, without products, if unknown),
    /// as Tulo Shop does when a reader returns.
    pub fn issue_ticket(&self, account_id: &str) -> String {
        self.shared.state().issue_ticket(account_id)
    }

    /// How many ticket exchanges (`grant_type=ticket`) the fake received, accepted or not.
    pub fn exchanges(&self) -> usize {
        self.shared.state().exchanges()
    }

    /// Answers the next `n` requests with `status` (and a small JSON error body), whatever
    /// they ask.
    pub fn fail_next(&self, n: usize, status: StatusCode) {
        self.shared.faults().fail = Some((n, status));
    }

    /// Waits `delay` before answering each request from now on (`Duration::ZERO` to stop).
    pub fn delay(&self, delay: Duration) {
        self.shared.faults().delay = delay;
    }

    /// Closes the connection of the next `n` requests without answering.
    pub fn drop_next(&self, n: usize) {
        self.shared.faults().drop = n;
    }
}

impl Drop for FakePayway {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl fmt::Debug for FakePayway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakePayway")
            .field("base_url", &self.base_url.as_str())
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .finish_non_exhaustive()
    }
}
