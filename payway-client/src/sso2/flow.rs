//! [`Sso2Flow`]: the whole SSO2 sequence as two small calls a handler makes, one for your
//! landing page and one for every other page.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use super::client::Sso2Client;
use super::cookie_key::SessionCookieKey;
use super::reader::Reader;
use super::session::{Sso2Session, Sso2Status};
use super::session_cookie::SessionCookie;
use crate::callback::ReturnPolicy;
use crate::client::PaywayClient;
use crate::error::Error;
use crate::login::TicketLogin;
use crate::store::{MemoryTicketStore, TicketStore};

/// How long a session cookie is trusted before [`Sso2Flow`] asks SSO2 again, by default
/// (60 s; the vendor's plugin uses 30 to 60 s).
pub const DEFAULT_REFRESH_AFTER: Duration = Duration::from_secs(60);

/// The SSO2 sequence, done for you:
///
/// 1. a page without a session cookie → [`Sso2Page::Identify`]: redirect to SSO2;
/// 2. your landing page → [`landing`](Self::landing): `t` and `r` verified, the landing
///    taken once, a login's ticket exchanged once with
///    [`login_with_ticket`](PaywayClient::login_with_ticket), the account's
///    [`active_products`](PaywayClient::active_products) read, the cookie sealed, and the
///    reader sent on to `r`;
/// 3. every page → [`page`](Self::page) with the opened cookie: when it
///    [needs a refresh](SessionCookie::needs_refresh), `session_status`; a session ended
///    elsewhere (`terminated`, `session_not_found`) clears the cookie and identifies again.
///
/// **Bots and prefetches are never sent to identify.** A crawler or a link previewer keeps no
/// cookie, and a prefetch (`Purpose: prefetch`, `Sec-Purpose: prefetch`) follows no
/// redirect: sending them to SSO2 would start a redirect loop, or a session per request.
/// [`PageVisit::new`] tells bots by their User-Agent ([`Reader::is_bot`]);
/// [`PageVisit::prefetch`] takes what [`is_prefetch`](super::is_prefetch) reads from the
/// request's headers; [`PageVisit::bot`] overrides the guess. Both get
/// [`Sso2Page::Anonymous`] without a cookie, and their cookie's answer with one.
///
/// Clone it into your state: it is cheap (an `Arc` inside).
#[derive(Clone)]
pub struct Sso2Flow {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    sso2: Sso2Client,
    payway: PaywayClient,
    key: SessionCookieKey,
    policy: ReturnPolicy,
    store: Arc<dyn TicketStore>,
    refresh_after: Duration,
}

/// A page request, as [`Sso2Flow::page`] needs it.
#[derive(Debug)]
pub struct PageVisit<'a> {
    page_url: &'a Url,
    reader: &'a Reader,
    session: Option<SessionCookie>,
    prefetch: bool,
    bot: bool,
}

impl<'a> PageVisit<'a> {
    /// A visit of `page_url` (absolute: where SSO2 sends the reader back to) by `reader`,
    /// without a session cookie; a bot when [`Reader::is_bot`] says so.
    pub fn new(page_url: &'a Url, reader: &'a Reader) -> Self {
        Self {
            page_url,
            reader,
            session: None,
            prefetch: false,
            bot: reader.is_bot(),
        }
    }

    /// The reader's session cookie, opened (with
    /// [`SessionCookieKey::open_cookie_header`], or the `axum` feature's `Sso2Cookie`).
    /// A cookie that did not open is `None`.
    pub fn session(mut self, cookie: Option<SessionCookie>) -> Self {
        self.session = cookie;
        self
    }

    /// Whether the browser only prefetches the page (see
    /// [`is_prefetch`](super::is_prefetch)): it is never sent to identify.
    pub fn prefetch(mut self, prefetch: bool) -> Self {
        self.prefetch = prefetch;
        self
    }

    /// Whether the client is a bot, overriding [`Reader::is_bot`]'s guess: a bot is never
    /// sent to identify.
    pub fn bot(mut self, bot: bool) -> Self {
        self.bot = bot;
        self
    }
}

/// What to answer a page request with. Send `set_cookie`, when there is one, as a
/// `Set-Cookie` header.
#[derive(Clone)]
#[non_exhaustive]
#[must_use = "the page must be answered as the flow says"]
pub enum Sso2Page {
    /// Serve the page for the reader the cookie describes
    /// ([`SessionCookie::has_product`] before premium content).
    Session {
        /// The reader's session, confirmed by SSO2 no longer ago than the refresh interval.
        cookie: SessionCookie,
        /// The refreshed cookie, when it was refreshed.
        set_cookie: Option<String>,
    },
    /// Answer `303 See Other` to `url`: SSO2 identifies the reader and sends them to your
    /// landing page.
    Identify {
        /// The identify URL.
        url: Url,
        /// Clears a cookie whose session ended, when there was one.
        set_cookie: Option<String>,
    },
    /// Serve the page as for an anonymous reader, without redirecting: a bot or a prefetch
    /// without a usable cookie.
    Anonymous {
        /// Clears a cookie whose session ended, when there was one.
        set_cookie: Option<String>,
    },
}

impl Sso2Page {
    /// The `Set-Cookie` header value to send, if any.
    pub fn set_cookie(&self) -> Option<&str> {
        match self {
            Self::Session { set_cookie, .. }
            | Self::Identify { set_cookie, .. }
            | Self::Anonymous { set_cookie } => set_cookie.as_deref(),
        }
    }
}

impl fmt::Debug for Sso2Page {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set_cookie = self.set_cookie().map(|_| "[redacted]");
        match self {
            Self::Session { cookie, .. } => f
                .debug_struct("Session")
                .field("cookie", cookie)
                .field("set_cookie", &set_cookie)
                .finish(),
            Self::Identify { url, .. } => f
                .debug_struct("Identify")
                .field("url", &url.as_str())
                .field("set_cookie", &set_cookie)
                .finish(),
            Self::Anonymous { .. } => f
                .debug_struct("Anonymous")
                .field("set_cookie", &set_cookie)
                .finish(),
        }
    }
}

/// What [`Sso2Flow::landing`] did: answer `303 See Other` to
/// [`return_url`](Self::return_url), with [`set_cookie`](Self::set_cookie) when there is one.
#[non_exhaustive]
#[must_use = "the reader must be sent on to the return url"]
pub struct Sso2Landed {
    /// Where to send the reader: the `r` of the landing, allowed by the policy.
    pub return_url: Url,
    /// The sealed session cookie; `None` when the same landing URL was opened before (a
    /// reload or a replay): nothing was changed then.
    pub set_cookie: Option<String>,
    /// The session, as sealed; `None` for a replayed landing.
    pub cookie: Option<SessionCookie>,
    /// The ticket login, when SSO2 said the reader is logged in and gave a ticket.
    pub login: Option<TicketLogin>,
}

impl Sso2Landed {
    /// `true` when this landing URL had been taken before and nothing was done.
    pub fn is_replay(&self) -> bool {
        self.cookie.is_none()
    }
}

impl fmt::Debug for Sso2Landed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sso2Landed")
            .field("return_url", &self.return_url.as_str())
            .field(
                "set_cookie",
                &self.set_cookie.as_ref().map(|_| "[redacted]"),
            )
            .field("cookie", &self.cookie)
            .field("login", &self.login)
            .finish()
    }
}

impl Sso2Flow {
    /// The flow with these clients, your cookie key and the return policy for landings.
    /// Landings and tickets are taken once in a [`MemoryTicketStore`] (one process); with
    /// several app servers, give them a shared store with
    /// [`with_ticket_store`](Self::with_ticket_store).
    pub fn new(
        sso2: Sso2Client,
        payway: PaywayClient,
        key: SessionCookieKey,
        policy: ReturnPolicy,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                sso2,
                payway,
                key,
                policy,
                store: Arc::new(MemoryTicketStore::new()),
                refresh_after: DEFAULT_REFRESH_AFTER,
            }),
        }
    }

    /// Takes landings and tickets once in `store` (a `RedisTicketStore` for a fleet).
    pub fn with_ticket_store(mut self, store: Arc<dyn TicketStore>) -> Self {
        Arc::make_mut(&mut self.inner).store = store;
        self
    }

    /// Asks SSO2 again once a cookie is this old (default [`DEFAULT_REFRESH_AFTER`]).
    pub fn with_refresh_after(mut self, refresh_after: Duration) -> Self {
        Arc::make_mut(&mut self.inner).refresh_after = refresh_after;
        self
    }

    /// The session cookie key (for `FromRef`, so the `axum` feature's `Sso2Cookie` can open
    /// cookies).
    pub fn key(&self) -> &SessionCookieKey {
        &self.inner.key
    }

    /// The SSO2 client.
    pub fn sso2(&self) -> &Sso2Client {
        &self.inner.sso2
    }

    /// The Payway client.
    pub fn payway(&self) -> &PaywayClient {
        &self.inner.payway
    }

    /// The store that takes landings and tickets once (to share with your own ticket logins,
    /// such as the shop's return).
    pub fn ticket_store(&self) -> &Arc<dyn TicketStore> {
        &self.inner.store
    }

    /// Decides a page request (step 1 and 3 of the sequence).
    ///
    /// # Errors
    ///
    /// Any error of [`Sso2Client::session_status`],
    /// [`PaywayClient::login_with_ticket`] or [`PaywayClient::active_products`] during a
    /// refresh, and [`Error::InvalidInput`] for a page URL identify cannot take. Fail closed:
    /// serve the page as for an anonymous reader and keep the cookie (the next page tries
    /// again).
    pub async fn page(&self, visit: &PageVisit<'_>) -> Result<Sso2Page, Error> {
        let may_identify = !visit.bot && !visit.prefetch;
        let Some(mut cookie) = visit.session.clone() else {
            return self.unidentified(visit, may_identify, None);
        };
        if !cookie.needs_refresh(self.inner.refresh_after) {
            return Ok(Sso2Page::Session {
                cookie,
                set_cookie: None,
            });
        }
        let session = self
            .inner
            .sso2
            .session_status(cookie.sid(), cookie.status(), visit.reader)
            .await?;
        if session.is_gone() {
            let clear = Some(self.inner.key.clear_cookie());
            return self.unidentified(visit, may_identify, clear);
        }
        cookie.confirm(&session);
        self.log_in(&mut cookie, &session).await?;
        Ok(Sso2Page::Session {
            set_cookie: Some(self.inner.key.set_cookie(&cookie)),
            cookie,
        })
    }

    fn unidentified(
        &self,
        visit: &PageVisit<'_>,
        may_identify: bool,
        set_cookie: Option<String>,
    ) -> Result<Sso2Page, Error> {
        if !may_identify {
            return Ok(Sso2Page::Anonymous { set_cookie });
        }
        Ok(Sso2Page::Identify {
            url: self.inner.sso2.identify_url(visit.page_url)?,
            set_cookie,
        })
    }

    /// Handles your landing page (step 2 of the sequence): `callback` is the whole URL the
    /// reader arrived at.
    ///
    /// # Errors
    ///
    /// Any error of [`Sso2Client::landing`] (a forged or expired `t`, a return URL the
    /// policy refuses: show an error page and redirect nowhere); [`Error::Store`] when the
    /// store cannot take the landing; any error of the ticket login or of reading the active
    /// products (Payway unreachable: show a "try again" page; the landing is taken, so a
    /// reload only redirects, and the reader's next page identifies them again).
    pub async fn landing(&self, callback: &Url) -> Result<Sso2Landed, Error> {
        let inner = &self.inner;
        let landing = inner.sso2.landing(callback, &inner.policy)?;
        let fresh = inner
            .store
            .claim(&landing.fingerprint(), landing.replay_ttl())
            .await
            .map_err(Error::Store)?;
        let (session, return_url) = landing.into_parts();
        if !fresh {
            return Ok(Sso2Landed {
                return_url,
                set_cookie: None,
                cookie: None,
                login: None,
            });
        }
        let mut cookie = SessionCookie::new(&session);
        let login = self.log_in(&mut cookie, &session).await?;
        Ok(Sso2Landed {
            return_url,
            set_cookie: Some(inner.key.set_cookie(&cookie)),
            cookie: Some(cookie),
            login,
        })
    }

    /// Logs the reader out of SSO2 (everywhere) and gives the `Set-Cookie` value that
    /// clears their cookie.
    ///
    /// # Errors
    ///
    /// Any error of [`Sso2Client::logout`].
    pub async fn logout(&self, cookie: &SessionCookie, reader: &Reader) -> Result<String, Error> {
        let _session = self.inner.sso2.logout(cookie.sid(), reader).await?;
        Ok(self.inner.key.clear_cookie())
    }

    /// On a logged-in session with a ticket: the ticket login (once), then the account's
    /// active products into the cookie. A logged-in session whose account this site does
    /// not know is recorded as anonymous, so the next refresh asks SSO2 for a ticket.
    async fn log_in(
        &self,
        cookie: &mut SessionCookie,
        session: &Sso2Session,
    ) -> Result<Option<TicketLogin>, Error> {
        let inner = &self.inner;
        let ticket = match (session.status(), session.ticket()) {
            (Sso2Status::LoggedIn, Some(ticket)) => ticket,
            _ => {
                cookie.mark_not_logged_in();
                return Ok(None);
            }
        };
        let login = inner
            .payway
            .login_with_ticket(ticket, &*inner.store)
            .await?;
        if let TicketLogin::LoggedIn { account, token } = &login {
            let active = inner.payway.active_products(&token.access_token).await?;
            *cookie = cookie
                .clone()
                .with_account(&account.id, active.product_codes)?;
        }
        cookie.mark_not_logged_in();
        Ok(Some(login))
    }
}

impl fmt::Debug for Sso2Flow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sso2Flow")
            .field("sso2", &self.inner.sso2)
            .field("payway", &self.inner.payway)
            .field("key", &self.inner.key)
            .field("policy", &self.inner.policy)
            .field("refresh_after", &self.inner.refresh_after)
            .finish_non_exhaustive()
    }
}
