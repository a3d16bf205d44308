//! [`Sso2Flow`]: the whole SSO2 sequence as two small calls a handler makes, one for your
//! landing page and one for every other page.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use url::Url;

use super::checkout::{PaywallSecret, form_token, read_checkout_token};
use super::checkout_state::{CHECKOUT_STATE_MAX_AGE, check_checkout_state, new_checkout_state};
use super::client::Sso2Client;
use super::cookie_key::SessionCookieKey;
use super::landing::{allowed_return, claim_ttl, params};
use super::reader::Reader;
use super::request_token::unix_now;
use super::session::{Sso2Session, Sso2Status};
use super::session_cookie::{
    DEFAULT_ACCOUNT_MAX_AGE, MAX_PRODUCTS, SessionCookie, is_storable_product, storable_products,
};
use super::verify_error::LandingError;
use crate::callback::ReturnPolicy;
use crate::client::PaywayClient;
use crate::error::Error;
use crate::login::TicketLogin;
use crate::login_state::{
    LiveStates, LoginState, LoginStateError, MAX_STATE_COOKIES, STATE_PARAM, SetCookies,
    mark_retry, strip_state,
};
use crate::store::Fingerprint;
use crate::store::{MemoryTicketStore, TicketStore};

/// How long a session cookie is trusted before [`Sso2Flow`] asks SSO2 again, by default
/// (60 s; the vendor's plugin uses 30 to 60 s).
pub const DEFAULT_REFRESH_AFTER: Duration = Duration::from_secs(60);

/// The SSO2 sequence, done for you:
///
/// 1. a page without a session cookie → [`Sso2Page::Identify`]: redirect to SSO2, with a
///    fresh [`LoginState`](crate::LoginState): its `__Host-` cookie in
///    [`set_cookies`](Sso2Page::set_cookies), its value in the continue URL `r`;
/// 2. your landing page → [`landing`](Self::landing): `t` and `r` verified, the landing
///    bound to the browser that started it and taken once, a login's ticket exchanged once
///    with [`login_with_ticket`](PaywayClient::login_with_ticket), the account's
///    [`active_products`](PaywayClient::active_products) read, the cookie sealed, and the
///    reader sent on to `r`;
/// 3. every page → [`page`](Self::page) with the opened cookie: when it
///    [needs a refresh](SessionCookie::needs_refresh), `session_status`; a session ended
///    elsewhere (`terminated`, `session_not_found`) clears the cookie and identifies again;
///    once the account and products are older than the
///    [account max age](Self::with_account_max_age) (15 minutes by default), a fresh ticket
///    (`session_status` with `lks=anon`) and the account and products read again. Until
///    that read succeeds the cookie names no account and no product (fail closed).
///
/// **Product codes.** A cookie holds at most 32: name the ones your site gates on with
/// [`gated_products`](Self::gated_products). A login never fails for the others.
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
    account_max_age: Duration,
    /// The product codes the site gates on; `None`: every code that fits.
    gated: Option<Vec<String>>,
    /// The key of the paywall's checkout tokens, when the site takes checkouts.
    paywall: Option<PaywallSecret>,
}

/// A page request, as [`Sso2Flow::page`] needs it. `{:?}` shows how many `Cookie` headers
/// it holds, never their bytes.
pub struct PageVisit<'a> {
    page_url: &'a Url,
    reader: &'a Reader,
    session: Option<SessionCookie>,
    prefetch: bool,
    bot: bool,
    /// The request's `Cookie` headers, read only when the visit starts a login.
    cookie_headers: Vec<&'a [u8]>,
}

impl<'a> PageVisit<'a> {
    /// A visit of `page_url` (absolute: where SSO2 sends the reader back to) by `reader`,
    /// whose request carried `cookie_headers` (each one header's bytes:
    /// `headers.get_all(COOKIE).iter().map(HeaderValue::as_bytes)`), without an opened
    /// session cookie ([`session`](Self::session)); a bot when [`Reader::is_bot`] says so.
    ///
    /// The headers are read only when the visit starts a login, to clear the browser's oldest
    /// login state cookies beyond [`MAX_STATE_COOKIES`](crate::MAX_STATE_COOKIES) (see there
    /// why).
    pub fn new<I>(page_url: &'a Url, reader: &'a Reader, cookie_headers: I) -> Self
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        Self {
            page_url,
            reader,
            session: None,
            prefetch: false,
            bot: reader.is_bot(),
            cookie_headers: cookie_headers.into_iter().collect(),
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

impl fmt::Debug for PageVisit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageVisit")
            .field("page_url", &self.page_url.as_str())
            .field("reader", self.reader)
            .field("session", &self.session)
            .field("prefetch", &self.prefetch)
            .field("bot", &self.bot)
            .field("cookie_headers", &self.cookie_headers.len())
            .finish()
    }
}

/// What to answer a page request with. Send every value of
/// [`set_cookies`](Self::set_cookies) as a `Set-Cookie` header, and mark the answer
/// `Cache-Control: private, no-store`: the page differs per reader. With the `axum` feature
/// the page is a response part that does both (`(page, body)`).
#[derive(Clone)]
#[non_exhaustive]
#[must_use = "the page must be answered as the flow says"]
pub enum Sso2Page {
    /// Serve the page for the reader the cookie describes
    /// ([`SessionCookie::has_product`] before premium content).
    Session {
        /// The reader's session, confirmed by SSO2 no longer ago than the refresh interval,
        /// its account and products read no longer ago than the account max age.
        cookie: SessionCookie,
        /// The refreshed cookie, when it was refreshed.
        set_cookies: SetCookies,
    },
    /// Answer `303 See Other` to `url`: SSO2 identifies the reader and sends them to your
    /// landing page.
    Identify {
        /// The identify URL; its `r` carries the new login's state.
        url: Url,
        /// The new login's state cookie, after the clearing of a cookie whose session ended
        /// (when there was one) and of the browser's oldest state cookies beyond
        /// [`MAX_STATE_COOKIES`](crate::MAX_STATE_COOKIES).
        set_cookies: SetCookies,
    },
    /// Serve the page as for an anonymous reader, without redirecting: a bot or a prefetch
    /// without a usable cookie.
    Anonymous {
        /// Clears a cookie whose session ended, when there was one.
        set_cookies: SetCookies,
    },
}

impl Sso2Page {
    /// The `Set-Cookie` header values to send, in order (often none).
    pub fn set_cookies(&self) -> &SetCookies {
        match self {
            Self::Session { set_cookies, .. }
            | Self::Identify { set_cookies, .. }
            | Self::Anonymous { set_cookies } => set_cookies,
        }
    }
}

impl fmt::Debug for Sso2Page {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set_cookies = self.set_cookies();
        match self {
            Self::Session { cookie, .. } => f
                .debug_struct("Session")
                .field("cookie", cookie)
                .field("set_cookies", set_cookies)
                .finish(),
            Self::Identify { url, .. } => f
                .debug_struct("Identify")
                .field("url", &url.as_str())
                .field("set_cookies", set_cookies)
                .finish(),
            Self::Anonymous { .. } => f
                .debug_struct("Anonymous")
                .field("set_cookies", set_cookies)
                .finish(),
        }
    }
}

/// What [`Sso2Flow::landing`] did: answer `303 See Other` to
/// [`redirect_to`](Self::redirect_to), with every value of
/// [`set_cookies`](Self::set_cookies) as a `Set-Cookie` header. The same two lines whatever
/// happened.
#[non_exhaustive]
#[must_use = "the reader must be sent on to `redirect_to`"]
pub struct Sso2Landed {
    /// Where to send the reader: the `r` of the landing, allowed by the policy and without
    /// its login state; for a landing not bound to this browser, SSO2's identify again.
    pub redirect_to: Url,
    /// The sealed session cookie and the clearing of the login's state cookie (a checkout
    /// has none: only the session cookie); for a return not bound to this browser, the new
    /// login's state cookie, after the clearing of the browser's oldest state cookies beyond
    /// twice [`MAX_STATE_COOKIES`](crate::MAX_STATE_COOKIES); for a replay, only the
    /// clearing.
    pub set_cookies: SetCookies,
    /// The session, as sealed; `None` for a replayed landing or one not bound to this
    /// browser.
    pub cookie: Option<SessionCookie>,
    /// The ticket login, when SSO2 said the reader is logged in and gave a ticket.
    pub login: Option<TicketLogin>,
    /// Why the landing was not taken as this browser's (opened in another browser, a
    /// swapped `r`, a login older than 10 minutes): nothing was taken, and the reader goes
    /// through identify again with a fresh state (whose cookie is all that is set).
    pub not_bound: Option<LoginStateError>,
}

impl Sso2Landed {
    /// `true` when this landing URL had been taken before (a reload, a double click) and
    /// nothing was done but clearing its state cookie. A checkout posted again is never a
    /// replay: it is read afresh, or refused.
    pub fn is_replay(&self) -> bool {
        self.cookie.is_none() && self.not_bound.is_none()
    }

    /// `true` when the landing was not bound to this browser and the reader is sent through
    /// identify again.
    pub fn is_identify_again(&self) -> bool {
        self.not_bound.is_some()
    }

    /// Sends the reader to `redirect_to` with `set_cookies`, and nothing more.
    fn new(redirect_to: Url, set_cookies: SetCookies) -> Self {
        Self {
            redirect_to,
            set_cookies,
            cookie: None,
            login: None,
            not_bound: None,
        }
    }
}

impl fmt::Debug for Sso2Landed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sso2Landed")
            .field("redirect_to", &self.redirect_to.as_str())
            .field("set_cookies", &self.set_cookies)
            .field("cookie", &self.cookie)
            .field("login", &self.login)
            .field("not_bound", &self.not_bound)
            .finish()
    }
}

impl Sso2Flow {
    /// The flow with these clients, your cookie key (bound to `sso2`:
    /// [`SessionCookieKey::bound_to`], or [`SessionCookieKey::from_env`]) and the return
    /// policy for landings. Landings and tickets are taken once in a [`MemoryTicketStore`] (one process); with
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
                account_max_age: DEFAULT_ACCOUNT_MAX_AGE,
                gated: None,
                paywall: None,
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

    /// Reads the account and active products again once they are this old (default
    /// [`DEFAULT_ACCOUNT_MAX_AGE`], 15 minutes): the longest a cancelled subscription, or
    /// another account logged in under the same SSO2 session, still shows in a reader's
    /// cookie. Each read costs a status call, a ticket exchange, `/me` and active products.
    /// At least a second (a shorter one is taken as a second): the cookie counts in seconds.
    pub fn with_account_max_age(mut self, max_age: Duration) -> Self {
        Arc::make_mut(&mut self.inner).account_max_age = max_age.max(Duration::from_secs(1));
        self
    }

    /// Keeps only these product codes in the cookie: the ones your site gates on (for
    /// [`SessionCookie::has_product`]). Without it the flow keeps the first 32 active codes
    /// that fit in a cookie (64 bytes each) and drops the others, so an account with more
    /// products may lose the one a page asks for: name yours.
    ///
    /// ```
    /// # use payway_client::ReturnPolicy;
    /// # use payway_client::sso2::{SessionCookieKey, Sso2Flow};
    /// # use payway_client::test_util::FakePayway;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), payway_client::Error> {
    /// # let fake = FakePayway::start().await;
    /// # let (sso2, payway) = (fake.sso2_client(), fake.client());
    /// # let key = SessionCookieKey::new(b"32 bytes or more from your secret store")?.bound_to(&sso2);
    /// # let policy = ReturnPolicy::allow_hosts(["news.example.com"]);
    /// let flow = Sso2Flow::new(sso2, payway, key, policy).gated_products(["premium", "weekend"])?;
    /// # drop(flow);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for more than 32 codes, or a code that is blank, longer than 64
    /// bytes or has control characters (it could never be kept in a cookie).
    pub fn gated_products<I, S>(mut self, product_codes: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let gated =
            storable_products(product_codes, ["gated product code", "gated product codes"])?;
        Arc::make_mut(&mut self.inner).gated = Some(gated);
        Ok(self)
    }

    /// Takes the Tulo Paywall's checkout returns
    /// ([`checkout_landing`](Self::checkout_landing)), whose tokens are signed with this
    /// paywall secret.
    pub fn with_paywall_secret(mut self, secret: PaywallSecret) -> Self {
        Arc::make_mut(&mut self.inner).paywall = Some(secret);
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
    /// Any error of [`Sso2Client::session_status`], of the ticket exchange and `/me` (as in
    /// [`PaywayClient::login_with_ticket`], but SSO2's ticket, which only this server saw, is
    /// not claimed in the store) or of [`PaywayClient::active_products`] during a refresh or
    /// a new read of the account, [`Error::InvalidInput`] for a page URL identify
    /// cannot take, and the account id errors of [`landing`](Self::landing). Fail closed:
    /// serve the page as for an anonymous reader and keep the cookie (the next page tries
    /// again; a cookie whose account is past its max age names no product meanwhile).
    pub async fn page(&self, visit: &PageVisit<'_>) -> Result<Sso2Page, Error> {
        let Some(mut cookie) = visit.session.clone() else {
            return self.unidentified(visit, None);
        };
        let reread = cookie.needs_account_check();
        if !reread && !cookie.needs_refresh(self.inner.refresh_after) {
            return Ok(Sso2Page::Session {
                cookie,
                set_cookies: SetCookies::new(),
            });
        }
        // `lks=anon` makes SSO2 answer a logged-in session with a ticket to read it again.
        let last_known = if reread {
            Sso2Status::Anonymous
        } else {
            cookie.status()
        };
        let session = self
            .inner
            .sso2
            .session_status(cookie.sid(), last_known, visit.reader)
            .await?;
        if session.is_gone() {
            return self.unidentified(visit, Some(self.inner.key.clear_cookie()));
        }
        cookie.confirm(&session);
        if reread {
            cookie = cookie.without_account();
        }
        let login = self
            .exchange_ticket(&mut cookie, &session, TicketFrom::Server)
            .await?;
        self.read_products(&mut cookie, login).await?;
        Ok(Sso2Page::Session {
            set_cookies: SetCookies::from(vec![self.inner.key.set_cookie(&cookie)?]),
            cookie,
        })
    }

    /// A visit without a usable cookie (after `clear`ing one whose session ended): sent to
    /// identify, unless it is a bot or a prefetch.
    fn unidentified(
        &self,
        visit: &PageVisit<'_>,
        clear: Option<String>,
    ) -> Result<Sso2Page, Error> {
        if visit.bot || visit.prefetch {
            let set_cookies = SetCookies::from(Vec::from_iter(clear));
            return Ok(Sso2Page::Anonymous { set_cookies });
        }
        let (url, state_cookies) = self.identify(visit.page_url, false, &visit.cookie_headers)?;
        let set_cookies = clear.into_iter().chain(state_cookies).collect::<Vec<_>>();
        Ok(Sso2Page::Identify {
            url,
            set_cookies: set_cookies.into(),
        })
    }

    /// An identify URL continuing to `page_url` under a fresh login state (marked as a
    /// second try when `retry`), and the `Set-Cookie` values of that state, after the
    /// clearing of the oldest state cookies in the request's `cookie_headers`.
    fn identify(
        &self,
        page_url: &Url,
        retry: bool,
        cookie_headers: &[&[u8]],
    ) -> Result<(Url, SetCookies), Error> {
        let state =
            LoginState::new().map_err(|why| Error::Landing(LandingError::CannotStart(why)))?;
        let mut continue_url = state.bind(page_url);
        if retry {
            continue_url = mark_retry(&continue_url);
        }
        let url = self.inner.sso2.identify_url(&continue_url)?;
        // A second try clears only far above the cap: it must not take the place of another
        // tab's login still under way, yet a flood of unbound returns stays bounded.
        let limit = if retry {
            2 * MAX_STATE_COOKIES
        } else {
            MAX_STATE_COOKIES
        };
        let live = LiveStates::read(cookie_headers.iter().copied());
        Ok((url, state.set_cookies_among(&live, limit)))
    }

    /// Handles your landing page (step 2 of the sequence): `callback` is the whole URL the
    /// reader arrived at, `cookie_headers` the request's `Cookie` headers (as for
    /// [`PageVisit::new`]).
    ///
    /// 1. `t` and `r` are verified ([`Sso2Client::landing`]).
    /// 2. The landing must be bound to this browser: the login state in `r` must match one
    ///    of the request's state cookies ([`Sso2Landing::check_state`](super::Sso2Landing::check_state)).
    ///    When it does not (a landing opened in another browser, a swapped `r`, a login
    ///    older than 10 minutes), nothing is set and nothing is taken: the landing's claim
    ///    stays free, so a leaked landing URL opened elsewhere cannot spend the reader's own
    ///    landing. The answer ([`Sso2Landed::not_bound`]) sends the reader through identify
    ///    again, to `r`, under a fresh state: SSO2 knows their session, so they land at once.
    ///    Should that second landing fail the same way (a browser that keeps no cookies),
    ///    it is an `Err`, never a third identify.
    /// 3. The landing is taken once in the ticket store, the ticket exchanged, the account's
    ///    products read, the cookie sealed, the state cookie cleared.
    ///
    /// # Errors
    ///
    /// Any error of [`Sso2Client::landing`] (a forged or expired `t`, a return URL the
    /// policy refuses: show an error page and redirect nowhere);
    /// [`LandingError::NotThisBrowser`] for a second landing in a row that is not bound to
    /// the browser (show a page asking to allow cookies); [`Error::Store`] when the store
    /// cannot take the landing; any error of the ticket login or of reading the active
    /// products (Payway unreachable: show a "try again" page; the landing is taken, so a
    /// reload only redirects, and the reader's next page identifies them again);
    /// [`Error::InvalidInput`] with `what: "account id"` when Payway's account id cannot be
    /// kept in a cookie (blank, longer than 128 bytes, or with control characters; Payway's
    /// ids are 24 hexadecimal characters): that reader gets no session on this site (fail
    /// closed). Product codes never fail a login (see [`gated_products`](Self::gated_products)).
    pub async fn landing<'a, I>(
        &self,
        callback: &Url,
        cookie_headers: I,
    ) -> Result<Sso2Landed, Error>
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        let inner = &self.inner;
        let landing = inner.sso2.landing(callback, &inner.policy)?;
        let cookie_headers: Vec<&[u8]> = cookie_headers.into_iter().collect();
        let clear_state = match landing.check_state(cookie_headers.iter().copied()) {
            Ok(clear) => clear,
            Err(why) => {
                let (retry, back) = (landing.is_retry(), landing.return_url());
                return self.not_bound(why, retry, back, &cookie_headers);
            }
        };
        let fresh = claim(inner, &landing.fingerprint(), landing.replay_ttl()).await?;
        let (session, return_url) = landing.into_parts();
        let set_cookies = SetCookies::from(vec![clear_state]);
        if !fresh {
            // Taken before (a reload, a double click): only the state cookie is cleared.
            return Ok(Sso2Landed::new(return_url, set_cookies));
        }
        let mut cookie = SessionCookie::new(&session);
        let login = self
            .exchange_ticket(&mut cookie, &session, TicketFrom::Browser)
            .await?;
        let login = self.read_products(&mut cookie, login).await?;
        self.sealed(return_url, set_cookies, cookie, login)
    }

    /// Sends the reader on to `return_url` with `set_cookies` and the sealed `cookie`.
    fn sealed(
        &self,
        return_url: Url,
        mut set_cookies: SetCookies,
        cookie: SessionCookie,
        login: Option<TicketLogin>,
    ) -> Result<Sso2Landed, Error> {
        set_cookies.push(self.inner.key.set_cookie(&cookie)?);
        Ok(Sso2Landed {
            cookie: Some(cookie),
            login,
            ..Sso2Landed::new(return_url, set_cookies)
        })
    }

    /// A return not bound to this browser: identify again under a fresh state, once; an
    /// error when it already was (`retry`).
    fn not_bound(
        &self,
        why: LoginStateError,
        retry: bool,
        return_url: &Url,
        cookie_headers: &[&[u8]],
    ) -> Result<Sso2Landed, Error> {
        if retry {
            return Err(Error::Landing(LandingError::NotThisBrowser(why)));
        }
        let (url, set_cookies) = self.identify(return_url, true, cookie_headers)?;
        Ok(Sso2Landed {
            not_bound: Some(why),
            ..Sso2Landed::new(url, set_cookies)
        })
    }

    /// Starts a Tulo Paywall checkout for the reader whose session cookie is `session`: the
    /// checkout landing URL to give the paywall (`checkout_landing` with `r`, the page to come
    /// back to, carrying a `pw_state` of its own, bound to this session, to that page and to
    /// the time). Nothing is set: call it for every page that shows the paywall, and send
    /// that page with `Cache-Control: private, no-store` (its URL is this reader's).
    ///
    /// The checkout is bound to the session rather than to a state cookie, as logins are: a
    /// cookie per page that shows the paywall would pile up, and clearing the oldest would
    /// lose the state of the tab the reader pays in. The session cookie is as much this
    /// browser's as a state cookie (`__Host-`, `HttpOnly`, sealed), and the checkout needs
    /// it anyway. A state holds for [`CHECKOUT_STATE_MAX_AGE`](super::CHECKOUT_STATE_MAX_AGE)
    /// (two hours) and is taken by one checkout.
    ///
    /// ```
    /// # use payway_client::ReturnPolicy;
    /// # use payway_client::sso2::{PageVisit, Reader, SessionCookieKey, Sso2Flow, Sso2Page};
    /// # use payway_client::test_util::FakePayway;
    /// # use url::Url;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let fake = FakePayway::start().await;
    /// # fake.set_sso2_landing_url(Url::parse("https://news.example.com/landing")?);
    /// # let key = SessionCookieKey::new(b"32 bytes or more from your secret store")?;
    /// # let policy = ReturnPolicy::allow_hosts(["news.example.com"]);
    /// # let flow = Sso2Flow::new(fake.sso2_client(), fake.client(), key, policy);
    /// # let article = Url::parse("https://news.example.com/articles/42")?;
    /// # let reader = Reader::new("203.0.113.7".parse()?, "Mozilla/5.0");
    /// # let Sso2Page::Identify { url, set_cookies } =
    /// #     flow.page(&PageVisit::new(&article, &reader, std::iter::empty())).await?
    /// # else { return Err("identify".into()) };
    /// # let header = set_cookies.iter().filter_map(|c| c.split(';').next()).collect::<Vec<_>>().join("; ");
    /// # let landed = flow.landing(&fake.sso2_identify(&url)?, [header.as_bytes()]).await?;
    /// # let session = landed.cookie.ok_or("a session")?;
    /// // `session`: the reader's opened session cookie (`Sso2Cookie` with the `axum` feature).
    /// let landing = Url::parse("https://news.example.com/checkout-landing")?;
    /// let for_the_paywall = flow.start_checkout(&landing, &article, &session)?;
    /// assert!(for_the_paywall.as_str().starts_with("https://news.example.com/checkout-landing?r="));
    /// // Every page gets a state of its own.
    /// assert_ne!(flow.start_checkout(&landing, &article, &session)?, for_the_paywall);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`LandingError::ReturnUrlRefused`] when the return page or the checkout landing is
    /// not allowed by the flow's [`ReturnPolicy`]; [`Error::Sso2Token`] when the system clock
    /// reads a time before 1970; [`LandingError::CannotStart`] without randomness.
    pub fn start_checkout(
        &self,
        checkout_landing: &Url,
        return_to: &Url,
        session: &SessionCookie,
    ) -> Result<Url, Error> {
        let policy = &self.inner.policy;
        if !policy.allows(return_to) || !policy.allows(checkout_landing) {
            return Err(Error::Landing(LandingError::ReturnUrlRefused));
        }
        let now = unix_now().map_err(Error::Sso2Token)?;
        let (mut back, _) = strip_state(return_to);
        let state = new_checkout_state(&self.inner.key, session.sid(), now, &back)
            .map_err(|why| Error::Landing(LandingError::CannotStart(why)))?;
        back.query_pairs_mut().append_pair(STATE_PARAM, &state);
        // The landing checks `r` as it is now, state and all (its length too).
        if policy.check(back.as_str()).is_err() {
            return Err(Error::Landing(LandingError::ReturnUrlRefused));
        }
        let mut url = checkout_landing.clone();
        url.query_pairs_mut().append_pair("r", back.as_str());
        Ok(url)
    }

    /// Handles your checkout landing: the Tulo Paywall posted `form` (the request body,
    /// `application/x-www-form-urlencoded`, with `jwtToken`) to `landing_url` (the whole URL,
    /// as [`start_checkout`](Self::start_checkout) gave it: its `r` carries the checkout's
    /// state). `cookie_headers` are the request's `Cookie` headers; `reader` the browser.
    ///
    /// 1. `jwtToken` must verify strictly under the [paywall secret](Self::with_paywall_secret):
    ///    HS256 only, `crit` and repeated members refused, `exp` required and at most
    ///    [`MAX_LANDING_LIFETIME`](super::MAX_LANDING_LIFETIME) and the leeway ahead,
    ///    `dtid` a ticket, `aid` an account id; `r` must pass the [`ReturnPolicy`].
    /// 2. The reader's SSO2 session comes from their session cookie.
    /// 3. The checkout must be bound to that session: `r`'s state must be one
    ///    [`start_checkout`](Self::start_checkout) made for it and for `r`'s page, no older
    ///    than [`CHECKOUT_STATE_MAX_AGE`](super::CHECKOUT_STATE_MAX_AGE). Otherwise (a
    ///    checkout URL from another browser or session, a swapped or edited `r`, a paywall
    ///    left open too long) nothing is taken, and the reader goes through identify again,
    ///    once, as for a landing: a reader who was logged in lands with their account read
    ///    afresh, the purchase included. The answer says so ([`Sso2Landed::not_bound`]): a
    ///    reader who bought while anonymous is not logged in by it, so tell them that
    ///    logging in shows what they bought.
    /// 4. The state is taken once, then the token, which stays taken whatever follows: a
    ///    token given back after a failure could be posted by whoever captured it, in a
    ///    session of theirs. (A token is bound to no session: until one post takes it, it
    ///    logs in whichever session posts it first, within its few minutes.) A token posted
    ///    again (a reload) is read as a login afresh when SSO2 has the session logged in, to
    ///    an account that must be `aid`; any other is
    ///    [`LandingError::CheckoutNotLoggedIn`]. A token posted to a checkout URL
    ///    taken before is taken and spent there, and the reader goes through identify again
    ///    ([`Sso2Landed::not_bound`] is [`LoginStateError::Used`]): another token on a leaked
    ///    URL, or the same one when the store took the state but lost its answer.
    /// 5. SSO2's `authenticatewithticket` with `at = dtid` must log that session in with a
    ///    ticket; its ticket is exchanged, the account's products read, and the account must
    ///    be `aid`. When the account is not `aid`, or SSO2 logs the session in without a
    ///    ticket, or the ticket login fails, the session is logged out. When SSO2 refuses
    ///    the ticket (its answer carries an `err`) on a session logged in before, that login
    ///    is the reader's own and is kept: the post is read as a token posted again (step 4),
    ///    so a reload whose claims were lost (a restart of a memory store) still finds the
    ///    purchase. The cookie is sealed and the reader sent on to `r`.
    ///
    /// The session cookie is `SameSite=Lax`: it travels with the paywall's post because the
    /// paywall runs on your own page. A post from another site does not carry it, but one
    /// from a sibling subdomain (same site) does: accept this post only from your own origin
    /// (`Origin`, or `Sec-Fetch-Site: same-origin`), as every form of yours should.
    ///
    /// # Errors
    ///
    /// [`LandingError::NoPaywallSecret`] without a paywall secret;
    /// [`LandingError::MissingCheckoutToken`], `Duplicate`, `QueryTooLong`,
    /// `MissingReturnUrl` and `ReturnUrlRefused` for a malformed post; [`Error::Sso2Token`]
    /// for a token that does not verify; [`LandingError::NotThisBrowser`] for a second
    /// unbound return in a row; [`LandingError::NoSession`] without a usable session cookie;
    /// [`LandingError::CheckoutNotLoggedIn`] and [`LandingError::CheckoutAccountMismatch`];
    /// [`Error::Store`] (nothing was asked of SSO2; when the state was taken but not the
    /// token, the state is given back, so that the post may be sent again, unless the store
    /// cannot give it back or had taken the token after all); and any error of
    /// [`Sso2Client::authenticate_with_ticket`], the ticket exchange, `/me`, the products
    /// read, or, for a token posted again or one SSO2 refuses on a logged-in session,
    /// [`Sso2Client::session_status`]. The purchase stands at Payway whatever the error:
    /// tell the reader it is done, and that logging in shows what they bought.
    pub async fn checkout_landing<'a, I>(
        &self,
        landing_url: &Url,
        form: &[u8],
        cookie_headers: I,
        reader: &Reader,
    ) -> Result<Sso2Landed, Error>
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        let inner = &self.inner;
        let secret = inner
            .paywall
            .as_ref()
            .ok_or(Error::Landing(LandingError::NoPaywallSecret))?;
        let [r] = params(landing_url.query().unwrap_or_default().as_bytes(), ["r"])?;
        let (return_url, state) = allowed_return(r, &inner.policy)?;
        let token = form_token(form)?;
        let now = unix_now().map_err(Error::Sso2Token)?;
        let leeway = inner.sso2.leeway().as_secs();
        let checkout = read_checkout_token(&token, secret, leeway, now)?;
        let headers: Vec<&[u8]> = cookie_headers.into_iter().collect();
        let mut cookie = inner
            .key
            .open_cookie_headers(headers.iter().copied())
            .ok()
            .flatten()
            .ok_or(Error::Landing(LandingError::NoSession))?;
        let bound = state.single().and_then(|value| {
            check_checkout_state(&inner.key, cookie.sid(), value, &return_url, now, leeway)
        });
        let state_fingerprint = match bound {
            Ok(fingerprint) => fingerprint,
            Err(why) => return self.not_bound(why, state.retry, &return_url, &headers),
        };
        // The state first: it is this session's alone, so giving it back when the token cannot
        // be taken helps nobody else. The token, once taken, is never given back: whoever
        // captured it could post it in a session of theirs.
        let ttl = claim_ttl(checkout.accepted_until, SystemTime::now());
        // A state is accepted until the end of the second `issued + CHECKOUT_STATE_MAX_AGE`,
        // and `issued` is at most `leeway` ahead of this server's clock.
        let state_ttl = CHECKOUT_STATE_MAX_AGE
            .saturating_add(Duration::from_secs(leeway))
            .saturating_add(Duration::from_secs(1));
        if !claim(inner, &state_fingerprint, state_ttl).await? {
            // This checkout URL was taken before: a reload, or another token on a leaked URL,
            // which is spent here and takes nothing more.
            if !claim(inner, &checkout.fingerprint, ttl).await? {
                return self
                    .checkout_posted_again(cookie, &checkout.account_id, return_url, reader)
                    .await;
            }
            return self.not_bound(LoginStateError::Used, state.retry, &return_url, &headers);
        }
        let token_taken = claim(inner, &checkout.fingerprint, ttl).await;
        if !matches!(token_taken, Ok(true)) {
            let _released = inner.store.release(&state_fingerprint).await;
            token_taken?;
            return self
                .checkout_posted_again(cookie, &checkout.account_id, return_url, reader)
                .await;
        }
        let answer = inner
            .sso2
            .authenticate_with_ticket(cookie.sid(), &checkout.delegated_ticket, reader)
            .await;
        let session = match answer {
            Ok(session)
                if session.status() == Sso2Status::LoggedIn && session.ticket().is_some() =>
            {
                session
            }
            // SSO2 refused the ticket on a session logged in before: that login is the
            // reader's own, not the ticket's, and stays. The token stays taken; the session is
            // read as for a token posted again, and accepted only in the account `aid`.
            Ok(session)
                if session.status() == Sso2Status::LoggedIn && session.error().is_some() =>
            {
                return self
                    .checkout_posted_again(cookie, &checkout.account_id, return_url, reader)
                    .await;
            }
            other => {
                // SSO2 did not log the session in with a ticket to show the account. The
                // token stays taken: given back, it could be posted by whoever captured it,
                // under a session of their own. A session SSO2 logged in with the ticket (no
                // `err`) but without a ticket of its own is in an account nothing can check
                // against `aid`: ended.
                if matches!(&other, Ok(session) if session.status() == Sso2Status::LoggedIn) {
                    let _ended = inner.sso2.logout(cookie.sid(), reader).await;
                }
                return Err(other
                    .err()
                    .unwrap_or(Error::Landing(LandingError::CheckoutNotLoggedIn)));
            }
        };
        cookie.confirm(&session);
        // SSO2 has now logged the session into the ticket's account. Unless the ticket login
        // shows that account is `aid`, the session is ended there, or the next refresh would
        // read an account the token did not name (`dtid` and `aid` come signed together, so
        // this is a second check, not the only one). The error stands whether or not the
        // logout is answered; a failure after the check (the products read) keeps the
        // session, whose account is the right one.
        let exchanged = self
            .exchange_ticket(&mut cookie, &session, TicketFrom::Server)
            .await;
        let login = match exchanged {
            Ok(Some(TicketLogin::LoggedIn { account, token }))
                if account.id == checkout.account_id =>
            {
                TicketLogin::LoggedIn { account, token }
            }
            other => {
                let _ended = inner.sso2.logout(cookie.sid(), reader).await;
                return Err(match other {
                    Err(error) => error,
                    Ok(Some(TicketLogin::LoggedIn { .. })) => {
                        Error::Landing(LandingError::CheckoutAccountMismatch)
                    }
                    Ok(_) => Error::Landing(LandingError::CheckoutNotLoggedIn),
                });
            }
        };
        let login = self.read_products(&mut cookie, Some(login)).await?;
        self.sealed(return_url, SetCookies::new(), cookie, login)
    }

    /// A checkout token posted again, in the session its state is bound to: a reload after a
    /// checkout that went through, or after one that failed somewhere (SSO2 or Payway, a
    /// store that lost an answer, a cancelled request); or a token whose delegated ticket
    /// SSO2 refused on a session logged in before (a reload after the claims were lost, the
    /// ticket used already). When SSO2 has the session logged in, the account is read
    /// afresh, the purchase included, and must be `aid`. Otherwise the reader must hear of
    /// it. Only this session can come here (its state is bound to it), and what it gets is
    /// what any page of its own would read.
    async fn checkout_posted_again(
        &self,
        mut cookie: SessionCookie,
        account_id: &str,
        return_url: Url,
        reader: &Reader,
    ) -> Result<Sso2Landed, Error> {
        // `lks=anon`: a logged-in session is answered with a ticket to read the account by.
        let session = self
            .inner
            .sso2
            .session_status(cookie.sid(), Sso2Status::Anonymous, reader)
            .await?;
        cookie.confirm(&session);
        let login = self
            .exchange_ticket(&mut cookie, &session, TicketFrom::Server)
            .await?;
        // The account is checked before its products are read.
        if !matches!(&login, Some(TicketLogin::LoggedIn { account, .. }) if account.id == account_id)
        {
            return Err(Error::Landing(LandingError::CheckoutNotLoggedIn));
        }
        let login = self.read_products(&mut cookie, login).await?;
        self.sealed(return_url, SetCookies::new(), cookie, login)
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

    /// On a logged-in session with a ticket: the ticket login (once), then (with
    /// [`read_products`](Self::read_products)) the account's active products into the cookie.
    /// Whatever the login says, nothing read before it is kept. `None` (the cookie marked
    /// not logged in) for a session without a ticket.
    async fn exchange_ticket(
        &self,
        cookie: &mut SessionCookie,
        session: &Sso2Session,
        from: TicketFrom,
    ) -> Result<Option<TicketLogin>, Error> {
        let inner = &self.inner;
        let (Sso2Status::LoggedIn, Some(ticket)) = (session.status(), session.ticket()) else {
            cookie.mark_not_logged_in();
            return Ok(None);
        };
        *cookie = cookie.clone().without_account();
        let payway = &inner.payway;
        let login = match from {
            TicketFrom::Browser => payway.login_with_ticket(ticket, &*inner.store).await?,
            TicketFrom::Server => payway.login_with_server_ticket(ticket).await?,
        };
        Ok(Some(login))
    }

    /// After [`exchange_ticket`](Self::exchange_ticket): a logged-in account's active products
    /// into the cookie. A logged-in session whose account this site does not know is
    /// recorded as anonymous, so the next refresh asks SSO2 for a ticket.
    async fn read_products(
        &self,
        cookie: &mut SessionCookie,
        login: Option<TicketLogin>,
    ) -> Result<Option<TicketLogin>, Error> {
        let inner = &self.inner;
        if let Some(TicketLogin::LoggedIn { account, token }) = &login {
            let active = inner.payway.active_products(&token.access_token).await?;
            let products = self.kept_products(active.product_codes);
            *cookie = cookie
                .clone()
                .with_account(&account.id, products)?
                .with_account_max_age(inner.account_max_age);
        }
        cookie.mark_not_logged_in();
        Ok(login)
    }

    /// The codes of `active` the cookie keeps: the gated ones, or else the first 32 that fit.
    fn kept_products(&self, active: Vec<String>) -> Vec<String> {
        #[cfg(feature = "tracing")]
        let offered = active.len();
        let mut kept: Vec<String> = Vec::new();
        for code in active {
            let wanted = match &self.inner.gated {
                Some(gated) => gated.contains(&code),
                None => is_storable_product(&code),
            };
            if wanted && kept.len() < MAX_PRODUCTS && !kept.contains(&code) {
                kept.push(code);
            }
        }
        #[cfg(feature = "tracing")]
        if self.inner.gated.is_none() && kept.len() < offered {
            tracing::warn!(
                kept = kept.len(),
                offered,
                "product codes left out of the session cookie (over 32, over 64 bytes, or repeated); name the gated ones with Sso2Flow::gated_products"
            );
        }
        kept
    }
}

/// Where a session's ticket came from, which decides whether it is claimed in the store.
#[derive(Clone, Copy)]
enum TicketFrom {
    /// A landing's `t`, which the browser carried (and a leaked URL may carry again): the
    /// ticket is claimed once, as a shop return's is.
    Browser,
    /// An answer to this server (`sessionstatus`, `authenticatewithticket`), never in a
    /// browser: exchanged without a claim (see `PaywayClient::login_with_server_ticket`).
    Server,
}

/// Claims `fingerprint` in the flow's store for `ttl`: `false` when it was taken before.
async fn claim(inner: &Inner, fingerprint: &Fingerprint, ttl: Duration) -> Result<bool, Error> {
    inner
        .store
        .claim(fingerprint, ttl)
        .await
        .map_err(Error::Store)
}

impl fmt::Debug for Sso2Flow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sso2Flow")
            .field("sso2", &self.inner.sso2)
            .field("payway", &self.inner.payway)
            .field("key", &self.inner.key)
            .field("policy", &self.inner.policy)
            .field("refresh_after", &self.inner.refresh_after)
            .field("account_max_age", &self.inner.account_max_age)
            .field("gated_products", &self.inner.gated)
            .field("paywall_secret", &self.inner.paywall)
            .finish_non_exhaustive()
    }
}
