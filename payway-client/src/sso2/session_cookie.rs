//! [`SessionCookie`]: what a site remembers of a reader's SSO2 session between pages, and its
//! compact binary form (sealed by [`SessionCookieKey`](super::SessionCookieKey)).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::answer::is_sid;
use super::session::{Sso2Session, Sso2Status};
use crate::error::Error;
use crate::validate::is_text;

/// How long a session cookie lives after SSO2 last confirmed it, by default (24 hours).
/// Refreshes push the expiry on; a cookie nobody refreshed for a day dies, and the reader is
/// identified again (invisibly: two redirects).
pub const DEFAULT_COOKIE_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// How long a cookie trusts the account and product codes read from Payway, by default
/// (15 minutes). Past it the cookie still opens, but names no account and no product until
/// they are read again: a cancelled subscription, or another account logged in under the
/// same SSO2 session, shows within this time. [`Sso2Flow`](super::Sso2Flow) reads them again
/// on the first page after it ([`Sso2Flow::with_account_max_age`](super::Sso2Flow::with_account_max_age)).
pub const DEFAULT_ACCOUNT_MAX_AGE: Duration = Duration::from_secs(15 * 60);

/// The most product codes a cookie holds.
pub(crate) const MAX_PRODUCTS: usize = 32;
/// The longest product code a cookie holds, in bytes.
const MAX_PRODUCT_BYTES: usize = 64;
/// The longest account id a cookie holds, in bytes.
const MAX_ACCOUNT_ID_BYTES: usize = 128;
/// The first byte of the binary form.
const VERSION: u8 = 2;

/// What a site keeps of a reader's SSO2 session in a cookie: the session id and status, the
/// Payway account id and active product codes once known (and when they were read), and when
/// SSO2 last confirmed the session.
///
/// Seal it with [`SessionCookieKey::seal`](super::SessionCookieKey::seal) and open it on
/// every page with [`SessionCookieKey::open`](super::SessionCookieKey::open): a reader can
/// read neither its session id in clear nor change a single bit of it. It carries no
/// personal data (no e-mail, no name) and two expiries: its own, which SSO2's confirmations
/// push on, and its account's ([`DEFAULT_ACCOUNT_MAX_AGE`] after the account and products
/// were read), which only a fresh read of them pushes on. Past the account's,
/// [`account_id`](Self::account_id), [`products`](Self::products) and
/// [`has_product`](Self::has_product) say nothing until they are read again.
///
/// `{:?}` hides the session id.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionCookie {
    sid: String,
    status: Sso2Status,
    account: Option<AccountRead>,
    confirmed_at: u64,
    expires_at: u64,
}

/// The account and products as read from Payway, and for how long they are trusted.
#[derive(Clone, PartialEq, Eq)]
struct AccountRead {
    id: String,
    products: Vec<String>,
    read_at: u64,
    expires_at: u64,
}

/// The latest second this crate turns into a `SystemTime`: 9999-12-31T23:59:59Z, which
/// `SystemTime` holds on every platform.
const LATEST_UNIX_SECS: u64 = 253_402_300_799;

/// The time `secs` seconds after the epoch, no later than [`LATEST_UNIX_SECS`], so that a
/// saturated expiry (a lifetime of `Duration::MAX`, a token's huge `exp`) never overflows
/// `SystemTime`.
pub(crate) fn system_time(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs.min(LATEST_UNIX_SECS))
}

/// Seconds since the epoch at `time` (0 before 1970).
fn unix(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

fn now() -> u64 {
    unix(SystemTime::now())
}

/// `true` for a product code a cookie can hold: 1 to 64 bytes of text, no control characters.
pub(crate) fn is_storable_product(code: &str) -> bool {
    is_text(code, MAX_PRODUCT_BYTES)
}

/// `codes`, each kept once, when a cookie can hold them all; otherwise
/// [`Error::InvalidInput`] with `what` naming one code (blank, longer than 64 bytes, or with
/// control characters) or all of them (more than 32).
pub(crate) fn storable_products<I, S>(
    codes: I,
    [one, all]: [&'static str; 2],
) -> Result<Vec<String>, Error>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut kept: Vec<String> = Vec::new();
    for code in codes {
        let code = code.into();
        if !is_storable_product(&code) {
            return Err(Error::InvalidInput {
                what: one,
                reason: "it is blank, longer than 64 bytes, or has control characters",
            });
        }
        if !kept.contains(&code) {
            kept.push(code);
        }
        if kept.len() > MAX_PRODUCTS {
            return Err(Error::InvalidInput {
                what: all,
                reason: "there are more than 32",
            });
        }
    }
    Ok(kept)
}

/// `true` for an account id a cookie can hold: 1 to 128 bytes of text, no control characters.
pub(crate) fn is_storable_account_id(account_id: &str) -> bool {
    is_text(account_id, MAX_ACCOUNT_ID_BYTES)
}

impl SessionCookie {
    /// A cookie for `session` as SSO2 just confirmed it: no account yet, expiring after
    /// [`DEFAULT_COOKIE_LIFETIME`].
    pub fn new(session: &Sso2Session) -> Self {
        let now = now();
        Self {
            sid: session.sid.clone(),
            status: session.status,
            account: None,
            confirmed_at: now,
            expires_at: now.saturating_add(DEFAULT_COOKIE_LIFETIME.as_secs()),
        }
    }

    /// The same cookie with the reader's Payway account id and active product codes (from
    /// [`login_with_ticket`](crate::PaywayClient::login_with_ticket) and
    /// [`active_products`](crate::PaywayClient::active_products)), read now and trusted for
    /// [`DEFAULT_ACCOUNT_MAX_AGE`] ([`with_account_max_age`](Self::with_account_max_age)
    /// changes it). A code given twice is kept once. ([`Sso2Flow`](super::Sso2Flow) never
    /// fails a login for its products: see
    /// [`gated_products`](super::Sso2Flow::gated_products).)
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an account id that is blank, longer than 128 bytes or has
    /// control characters, more than 32 product codes, or a code that is blank, longer than
    /// 64 bytes or has control characters: a cookie must stay under a browser's 4 KiB.
    pub fn with_account<I, S>(mut self, account_id: &str, products: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        if !is_storable_account_id(account_id) {
            return Err(Error::InvalidInput {
                what: "account id",
                reason: "it is blank, longer than 128 bytes, or has control characters",
            });
        }
        let codes = storable_products(products, ["product code", "product codes"])?;
        let read_at = now();
        self.account = Some(AccountRead {
            id: account_id.to_owned(),
            products: codes,
            read_at,
            expires_at: read_at.saturating_add(DEFAULT_ACCOUNT_MAX_AGE.as_secs()),
        });
        Ok(self)
    }

    /// The same cookie, trusting its account and products for `max_age` after they were read
    /// (instead of [`DEFAULT_ACCOUNT_MAX_AGE`]). Nothing changes without an account.
    pub fn with_account_max_age(mut self, max_age: Duration) -> Self {
        if let Some(account) = &mut self.account {
            account.expires_at = account.read_at.saturating_add(max_age.as_secs());
        }
        self
    }

    /// The same cookie, as if its account and products had been read at `read_at` (their
    /// max age kept). Nothing changes without an account.
    pub fn with_account_read_at(mut self, read_at: SystemTime) -> Self {
        if let Some(account) = &mut self.account {
            let max_age = account.expires_at.saturating_sub(account.read_at);
            account.read_at = unix(read_at);
            account.expires_at = account.read_at.saturating_add(max_age);
        }
        self
    }

    /// The same cookie without an account: the reader is not logged in on this site.
    pub fn without_account(mut self) -> Self {
        self.account = None;
        self
    }

    /// The same cookie, expiring `lifetime` after its confirmation (instead of
    /// [`DEFAULT_COOKIE_LIFETIME`]).
    pub fn with_lifetime(mut self, lifetime: Duration) -> Self {
        self.expires_at = self.confirmed_at.saturating_add(lifetime.as_secs());
        self
    }

    /// The same cookie, as if SSO2 had confirmed it at `confirmed_at` (its lifetime kept).
    pub fn with_confirmed_at(mut self, confirmed_at: SystemTime) -> Self {
        let lifetime = self.lifetime_secs();
        self.confirmed_at = unix(confirmed_at);
        self.expires_at = self.confirmed_at.saturating_add(lifetime);
        self
    }

    /// Records what SSO2 just said of the session (a
    /// [`session_status`](super::Sso2Client::session_status) answer): its id and status,
    /// confirmed now, the cookie's own expiry pushed on by its lifetime. A status other than
    /// logged in drops the account and its products. The account's own expiry is never
    /// pushed on here: only reading the account and products again does that.
    pub fn confirm(&mut self, session: &Sso2Session) {
        let lifetime = self.lifetime_secs();
        session.sid.clone_into(&mut self.sid);
        self.status = session.status;
        if self.status != Sso2Status::LoggedIn {
            self.account = None;
        }
        self.confirmed_at = now();
        self.expires_at = self.confirmed_at.saturating_add(lifetime);
    }

    /// Records that this site has not logged the reader in (no account), whatever SSO2
    /// said: the next refresh tells SSO2 `lks=anon`, so a logged-in session comes back with
    /// a ticket.
    pub(crate) fn mark_not_logged_in(&mut self) {
        if self.status == Sso2Status::LoggedIn && self.account.is_none() {
            self.status = Sso2Status::Anonymous;
        }
    }

    fn lifetime_secs(&self) -> u64 {
        self.expires_at.saturating_sub(self.confirmed_at)
    }

    /// The account and products while they are trusted (read no longer ago than their max
    /// age, and not in the future).
    fn current_account(&self) -> Option<&AccountRead> {
        let now = now();
        self.account
            .as_ref()
            .filter(|account| account.read_at <= now && now < account.expires_at)
    }

    /// The SSO2 session id. Confidential: keep it out of logs and URLs.
    pub fn sid(&self) -> &str {
        &self.sid
    }

    /// The session's status when SSO2 last confirmed it.
    pub fn status(&self) -> Sso2Status {
        self.status
    }

    /// The reader's Payway account id, once a ticket login gave it, while it is trusted (see
    /// [`needs_account_check`](Self::needs_account_check)).
    pub fn account_id(&self) -> Option<&str> {
        self.current_account().map(|account| account.id.as_str())
    }

    /// The reader's active product codes, once known, while they are trusted (see
    /// [`needs_account_check`](Self::needs_account_check)); empty otherwise.
    pub fn products(&self) -> &[String] {
        self.current_account()
            .map_or(&[], |account| account.products.as_slice())
    }

    /// `true` when the reader is logged in, their account is known and trusted, and
    /// `product_code` is one of their active products: the check before serving a premium
    /// article.
    pub fn has_product(&self, product_code: &str) -> bool {
        self.is_logged_in() && self.products().iter().any(|p| p == product_code)
    }

    /// `true` when SSO2 said the reader is logged in and their account is known and trusted.
    pub fn is_logged_in(&self) -> bool {
        self.status == Sso2Status::LoggedIn && self.current_account().is_some()
    }

    /// `true` when the cookie holds an account whose max age has passed (or whose read time is
    /// in the future: the clock went back): read the account and products again (SSO2's
    /// [`session_status`](super::Sso2Client::session_status) with `lks=anon` gives a
    /// ticket). Until then the cookie names no account and no product.
    pub fn needs_account_check(&self) -> bool {
        self.account.is_some() && self.current_account().is_none()
    }

    /// When the account and products were read from Payway, if the cookie holds them (even
    /// past their max age).
    pub fn account_read_at(&self) -> Option<SystemTime> {
        self.account
            .as_ref()
            .map(|account| system_time(account.read_at))
    }

    /// When SSO2 last confirmed the session.
    pub fn confirmed_at(&self) -> SystemTime {
        system_time(self.confirmed_at)
    }

    /// When the cookie stops opening.
    pub fn expires_at(&self) -> SystemTime {
        system_time(self.expires_at)
    }

    /// `true` when SSO2 last confirmed the session `max_age` ago or more (or the clock went
    /// back): ask [`session_status`](super::Sso2Client::session_status) before trusting it
    /// further. The vendor's plugin refreshes every 30 to 60 seconds.
    pub fn needs_refresh(&self, max_age: Duration) -> bool {
        let now = now();
        now < self.confirmed_at || now - self.confirmed_at >= max_age.as_secs()
    }

    /// `true` once the cookie's own expiry has passed.
    pub(crate) fn is_expired_at(&self, now: u64) -> bool {
        now >= self.expires_at
    }

    /// Seconds left before the cookie expires.
    pub(crate) fn remaining_secs(&self) -> u64 {
        self.expires_at.saturating_sub(now())
    }

    /// The compact binary form: version, status, the two times, the session id behind its
    /// length, the account id behind its length, and with an account: its two times and the
    /// product codes, each behind its length.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = vec![VERSION];
        out.push(match self.status {
            Sso2Status::LoggedIn => 1,
            Sso2Status::Anonymous => 2,
            Sso2Status::Terminated => 3,
        });
        out.extend_from_slice(&self.confirmed_at.to_be_bytes());
        out.extend_from_slice(&self.expires_at.to_be_bytes());
        // Lengths fit: the sid is at most 256 bytes, the rest at most 128.
        out.extend_from_slice(&(self.sid.len() as u16).to_be_bytes());
        out.extend_from_slice(self.sid.as_bytes());
        let Some(account) = &self.account else {
            out.push(0);
            return out;
        };
        out.push(account.id.len() as u8);
        out.extend_from_slice(account.id.as_bytes());
        out.extend_from_slice(&account.read_at.to_be_bytes());
        out.extend_from_slice(&account.expires_at.to_be_bytes());
        out.push(account.products.len() as u8);
        for product in &account.products {
            out.push(product.len() as u8);
            out.extend_from_slice(product.as_bytes());
        }
        out
    }

    /// Reads the binary form strictly: every field valid, nothing left over. Each cookie has
    /// exactly one binary form, so `decode(b)` is `Some(c)` only when `c.encode() == b`.
    pub(crate) fn decode(bytes: &[u8]) -> Option<Self> {
        let mut reader = Bytes(bytes);
        if reader.byte()? != VERSION {
            return None;
        }
        let status = match reader.byte()? {
            1 => Sso2Status::LoggedIn,
            2 => Sso2Status::Anonymous,
            3 => Sso2Status::Terminated,
            _ => return None,
        };
        let confirmed_at = reader.u64()?;
        let expires_at = reader.u64()?;
        let sid_len = usize::from(u16::from_be_bytes(reader.array()?));
        let sid = reader.text(sid_len)?;
        if !is_sid(&sid) {
            return None;
        }
        let account = match usize::from(reader.byte()?) {
            0 => None,
            len => Some(decode_account(&mut reader, len)?),
        };
        if !reader.0.is_empty() {
            return None;
        }
        Some(Self {
            sid,
            status,
            account,
            confirmed_at,
            expires_at,
        })
    }
}

/// The account part of the binary form, after its id's length `id_len` (at least 1).
fn decode_account(reader: &mut Bytes<'_>, id_len: usize) -> Option<AccountRead> {
    let id = reader.text(id_len)?;
    if !is_storable_account_id(&id) {
        return None;
    }
    let read_at = reader.u64()?;
    let expires_at = reader.u64()?;
    let count = usize::from(reader.byte()?);
    if count > MAX_PRODUCTS {
        return None;
    }
    let mut products: Vec<String> = Vec::with_capacity(count);
    for _ in 0..count {
        let len = usize::from(reader.byte()?);
        let product = reader.text(len)?;
        if !is_storable_product(&product) || products.contains(&product) {
            return None;
        }
        products.push(product);
    }
    Some(AccountRead {
        id,
        products,
        read_at,
        expires_at,
    })
}

/// A cursor over the binary form.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk()?;
        self.0 = rest;
        Some(*head)
    }

    fn byte(&mut self) -> Option<u8> {
        self.array().map(|[byte]| byte)
    }

    fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_be_bytes)
    }

    fn text(&mut self, len: usize) -> Option<String> {
        let (head, rest) = self.0.split_at_checked(len)?;
        self.0 = rest;
        String::from_utf8(head.to_vec()).ok()
    }
}

impl fmt::Debug for SessionCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let account = self.account.as_ref();
        f.debug_struct("SessionCookie")
            .field("sid", &"[redacted]")
            .field("status", &self.status)
            .field("account_id", &account.map(|a| a.id.as_str()))
            .field(
                "products",
                &account.map_or(&[][..], |a| a.products.as_slice()),
            )
            .field("account_read_at", &account.map(|a| a.read_at))
            .field("account_expires_at", &account.map(|a| a.expires_at))
            .field("confirmed_at", &self.confirmed_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(status: Sso2Status) -> Sso2Session {
        Sso2Session {
            sid: "3f2b8c1e-4d5a-4e6f-9a7b-1c2d3e4f5a6b".to_owned(),
            status,
            ticket: None,
            error: None,
        }
    }

    #[test]
    fn the_binary_form_round_trips_and_is_small() {
        let cookie = SessionCookie::new(&session(Sso2Status::LoggedIn))
            .with_account("5f3c9a1e0d4b7a2c1e0f9d8b", ["premium", "weekend", "epaper"])
            .unwrap();
        let bytes = cookie.encode();
        assert_eq!(SessionCookie::decode(&bytes), Some(cookie.clone()));
        // Four times, a GUID session id, an account id and three product codes.
        assert!(bytes.len() < 125, "{}", bytes.len());
        for cut in 0..bytes.len() {
            assert_eq!(SessionCookie::decode(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(SessionCookie::decode(&longer), None);
        let anonymous = SessionCookie::new(&session(Sso2Status::Anonymous));
        let bytes = anonymous.encode();
        assert_eq!(SessionCookie::decode(&bytes), Some(anonymous));
        // The first version's form is not read: its account had no max age.
        let mut first_version = bytes;
        first_version[0] = 1;
        first_version.push(0);
        assert_eq!(SessionCookie::decode(&first_version), None);
    }

    #[test]
    fn limits_keep_a_cookie_under_4_kib() {
        let base = SessionCookie::new(&session(Sso2Status::LoggedIn));
        let many: Vec<String> = (0..=MAX_PRODUCTS).map(|i| format!("p{i}")).collect();
        assert!(base.clone().with_account("acc", many.clone()).is_err());
        assert!(
            base.clone()
                .with_account("acc", &many[..MAX_PRODUCTS])
                .is_ok()
        );
        assert!(base.clone().with_account("", ["p"]).is_err());
        assert!(base.clone().with_account(" ", ["p"]).is_err());
        assert!(base.clone().with_account("acc", [""]).is_err());
        assert!(base.clone().with_account("acc", ["p\n"]).is_err());
        assert!(
            base.clone()
                .with_account(&"a".repeat(MAX_ACCOUNT_ID_BYTES + 1), ["p"])
                .is_err()
        );
        let biggest = SessionCookie {
            sid: "s".repeat(256),
            ..base
                .with_account(
                    &"a".repeat(MAX_ACCOUNT_ID_BYTES),
                    (0..MAX_PRODUCTS).map(|i| format!("{i:0>64}")),
                )
                .unwrap()
        };
        // A 24-byte nonce and a 16-byte tag around it, in base64url.
        let sealed_len = ((biggest.encode().len() + 24 + 16) * 4).div_ceil(3);
        assert!(sealed_len < 3500, "{sealed_len}");
        assert_eq!(SessionCookie::decode(&biggest.encode()), Some(biggest));
    }

    #[test]
    fn confirm_keeps_the_lifetime_and_drops_the_account_when_logged_out() {
        let mut cookie = SessionCookie::new(&session(Sso2Status::LoggedIn))
            .with_account("acc", ["premium"])
            .unwrap()
            .with_lifetime(Duration::from_secs(600))
            .with_confirmed_at(SystemTime::now() - Duration::from_secs(120));
        assert!(cookie.needs_refresh(Duration::from_secs(60)));
        assert!(!cookie.needs_refresh(Duration::from_secs(180)));
        assert!(cookie.has_product("premium"));
        cookie.confirm(&session(Sso2Status::LoggedIn));
        assert!(!cookie.needs_refresh(Duration::from_secs(60)));
        assert_eq!(cookie.remaining_secs().div_ceil(10), 60);
        assert!(cookie.has_product("premium"));
        cookie.confirm(&session(Sso2Status::Anonymous));
        assert!(!cookie.has_product("premium") && cookie.account_id().is_none());
        assert!(format!("{cookie:?}").contains("[redacted]"));
        assert!(!format!("{cookie:?}").contains("3f2b8c1e"));
    }

    #[test]
    fn a_lifetime_of_duration_max_saturates_without_overflowing_system_time() {
        let cookie =
            SessionCookie::new(&session(Sso2Status::LoggedIn)).with_lifetime(Duration::MAX);
        assert_eq!(cookie.expires_at(), system_time(u64::MAX));
        assert!(cookie.expires_at() > SystemTime::now() + Duration::from_secs(1 << 35));
        assert!(!cookie.needs_refresh(Duration::from_secs(60)));
    }

    #[test]
    fn the_account_is_trusted_for_its_max_age_and_confirm_never_extends_it() {
        let read = SystemTime::now() - Duration::from_secs(600);
        let mut cookie = SessionCookie::new(&session(Sso2Status::LoggedIn))
            .with_account("acc", ["premium"])
            .unwrap()
            .with_account_read_at(read);
        assert_eq!(
            cookie.account_read_at(),
            Some(UNIX_EPOCH + Duration::from_secs(unix(read)))
        );
        assert!(cookie.has_product("premium") && !cookie.needs_account_check());
        cookie.confirm(&session(Sso2Status::LoggedIn));
        let stale = cookie
            .clone()
            .with_account_max_age(Duration::from_secs(599));
        assert!(stale.needs_account_check());
        assert!(!stale.has_product("premium") && !stale.is_logged_in());
        assert_eq!((stale.account_id(), stale.products()), (None, &[][..]));
        // A confirmation by SSO2 does not trust the account for longer.
        let mut confirmed = stale.clone();
        confirmed.confirm(&session(Sso2Status::LoggedIn));
        assert!(confirmed.needs_account_check() && !confirmed.has_product("premium"));
        // Round trip keeps both times; a read "in the future" (the clock went back) is stale.
        assert_eq!(SessionCookie::decode(&stale.encode()), Some(stale));
        let future = cookie.with_account_read_at(SystemTime::now() + Duration::from_secs(60));
        assert!(future.needs_account_check() && !future.has_product("premium"));
        let anonymous = SessionCookie::new(&session(Sso2Status::Anonymous));
        assert!(!anonymous.needs_account_check() && anonymous.account_read_at().is_none());
    }
}
