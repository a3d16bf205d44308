//! [`SessionCookie`]: what a site remembers of a reader's SSO2 session between pages, and its
//! compact binary form (sealed by [`SessionCookieKey`](super::SessionCookieKey)).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::answer::is_sid;
use super::session::{Sso2Session, Sso2Status};
use crate::error::Error;

/// How long a session cookie lives after SSO2 last confirmed it, by default (24 hours).
/// Refreshes push the expiry on; a cookie nobody refreshed for a day dies, and the reader is
/// identified again (invisibly: two redirects).
pub const DEFAULT_COOKIE_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// The most product codes a cookie holds.
pub(crate) const MAX_PRODUCTS: usize = 32;
/// The longest product code a cookie holds, in bytes.
pub(crate) const MAX_PRODUCT_BYTES: usize = 64;
/// The longest account id a cookie holds, in bytes.
pub(crate) const MAX_ACCOUNT_ID_BYTES: usize = 128;
/// The first byte of the binary form.
const VERSION: u8 = 1;

/// What a site keeps of a reader's SSO2 session in a cookie: the session id and status, the
/// Payway account id and active product codes once known, and when SSO2 last confirmed it.
///
/// Seal it with [`SessionCookieKey::seal`](super::SessionCookieKey::seal) and open it on
/// every page with [`SessionCookieKey::open`](super::SessionCookieKey::open): a reader can
/// read neither its session id in clear nor change a single bit of it. It carries no
/// personal data (no e-mail, no name) and its own expiry.
///
/// `{:?}` hides the session id.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionCookie {
    sid: String,
    status: Sso2Status,
    account_id: Option<String>,
    products: Vec<String>,
    confirmed_at: u64,
    expires_at: u64,
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

/// 1 to `max` bytes without control characters.
fn is_text(value: &str, max: usize) -> bool {
    !value.is_empty() && value.len() <= max && !value.chars().any(char::is_control)
}

impl SessionCookie {
    /// A cookie for `session` as SSO2 just confirmed it: no account yet, expiring after
    /// [`DEFAULT_COOKIE_LIFETIME`].
    pub fn new(session: &Sso2Session) -> Self {
        let now = now();
        Self {
            sid: session.sid.clone(),
            status: session.status,
            account_id: None,
            products: Vec::new(),
            confirmed_at: now,
            expires_at: now.saturating_add(DEFAULT_COOKIE_LIFETIME.as_secs()),
        }
    }

    /// The same cookie with the reader's Payway account id and active product codes (from
    /// [`login_with_ticket`](crate::PaywayClient::login_with_ticket) and
    /// [`active_products`](crate::PaywayClient::active_products)).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an account id that is empty, longer than 128 bytes or has
    /// control characters, more than 32 product codes, or a code that is empty, longer than
    /// 64 bytes or has control characters: a cookie must stay under a browser's 4 KiB.
    pub fn with_account<I, S>(mut self, account_id: &str, products: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        if !is_text(account_id, MAX_ACCOUNT_ID_BYTES) {
            return Err(Error::InvalidInput {
                what: "account id",
                reason: "it is empty, longer than 128 bytes, or has control characters",
            });
        }
        let mut codes: Vec<String> = Vec::new();
        for code in products {
            let code = code.into();
            if !is_text(&code, MAX_PRODUCT_BYTES) {
                return Err(Error::InvalidInput {
                    what: "product code",
                    reason: "it is empty, longer than 64 bytes, or has control characters",
                });
            }
            if !codes.contains(&code) {
                codes.push(code);
            }
            if codes.len() > MAX_PRODUCTS {
                return Err(Error::InvalidInput {
                    what: "product codes",
                    reason: "there are more than 32",
                });
            }
        }
        self.account_id = Some(account_id.to_owned());
        self.products = codes;
        Ok(self)
    }

    /// The same cookie without an account: the reader is not logged in on this site.
    pub fn without_account(mut self) -> Self {
        self.account_id = None;
        self.products.clear();
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
    /// confirmed now, the expiry pushed on by the cookie's lifetime. A status other than
    /// logged in drops the account and its products.
    pub fn confirm(&mut self, session: &Sso2Session) {
        let lifetime = self.lifetime_secs();
        session.sid.clone_into(&mut self.sid);
        self.status = session.status;
        if self.status != Sso2Status::LoggedIn {
            self.account_id = None;
            self.products.clear();
        }
        self.confirmed_at = now();
        self.expires_at = self.confirmed_at.saturating_add(lifetime);
    }

    /// Records that this site has not logged the reader in (no account), whatever SSO2
    /// said: the next refresh tells SSO2 `lks=anon`, so a logged-in session comes back with
    /// a ticket.
    pub(crate) fn mark_not_logged_in(&mut self) {
        if self.status == Sso2Status::LoggedIn && self.account_id.is_none() {
            self.status = Sso2Status::Anonymous;
        }
    }

    fn lifetime_secs(&self) -> u64 {
        self.expires_at.saturating_sub(self.confirmed_at)
    }

    /// The SSO2 session id. Confidential: keep it out of logs and URLs.
    pub fn sid(&self) -> &str {
        &self.sid
    }

    /// The session's status when SSO2 last confirmed it.
    pub fn status(&self) -> Sso2Status {
        self.status
    }

    /// The reader's Payway account id, once a ticket login gave it.
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }

    /// The reader's active product codes, once known.
    pub fn products(&self) -> &[String] {
        &self.products
    }

    /// `true` when the reader is logged in, their account is known, and `product_code` is
    /// one of their active products: the check before serving a premium article.
    pub fn has_product(&self, product_code: &str) -> bool {
        self.is_logged_in() && self.products.iter().any(|p| p == product_code)
    }

    /// `true` when SSO2 said the reader is logged in and their account is known.
    pub fn is_logged_in(&self) -> bool {
        self.status == Sso2Status::LoggedIn && self.account_id.is_some()
    }

    /// When SSO2 last confirmed the session.
    pub fn confirmed_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.confirmed_at)
    }

    /// When the cookie stops opening.
    pub fn expires_at(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.expires_at)
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

    /// The compact binary form: version, status, the two times, then the session id, the
    /// account id and the product codes, each behind its length.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            24 + self.sid.len() + self.products.iter().map(|p| p.len() + 1).sum::<usize>(),
        );
        out.push(VERSION);
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
        let account = self.account_id.as_deref().unwrap_or_default();
        out.push(account.len() as u8);
        out.extend_from_slice(account.as_bytes());
        out.push(self.products.len() as u8);
        for product in &self.products {
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
        let account_len = usize::from(reader.byte()?);
        let account_id = match account_len {
            0 => None,
            len => Some(reader.text(len)?).filter(|a| is_text(a, MAX_ACCOUNT_ID_BYTES)),
        };
        if account_len > 0 && account_id.is_none() {
            return None;
        }
        let count = usize::from(reader.byte()?);
        if count > MAX_PRODUCTS || (count > 0 && account_id.is_none()) {
            return None;
        }
        let mut products: Vec<String> = Vec::with_capacity(count);
        for _ in 0..count {
            let len = usize::from(reader.byte()?);
            let product = reader.text(len)?;
            if !is_text(&product, MAX_PRODUCT_BYTES) || products.contains(&product) {
                return None;
            }
            products.push(product);
        }
        if !reader.0.is_empty() {
            return None;
        }
        Some(Self {
            sid,
            status,
            account_id,
            products,
            confirmed_at,
            expires_at,
        })
    }
}

/// A cursor over the binary form.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn take(&mut self, len: usize) -> Option<&[u8]> {
        if self.0.len() < len {
            return None;
        }
        let (head, rest) = self.0.split_at(len);
        self.0 = rest;
        Some(head)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_be_bytes)
    }

    fn text(&mut self, len: usize) -> Option<String> {
        std::str::from_utf8(self.take(len)?).ok().map(str::to_owned)
    }
}

impl fmt::Debug for SessionCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionCookie")
            .field("sid", &"[redacted]")
            .field("status", &self.status)
            .field("account_id", &self.account_id)
            .field("products", &self.products)
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
        // Two times, a GUID session id, an account id and three product codes.
        assert!(bytes.len() < 110, "{}", bytes.len());
        for cut in 0..bytes.len() {
            assert_eq!(SessionCookie::decode(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(SessionCookie::decode(&longer), None);
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
        let sealed_len = (biggest.encode().len() * 4).div_ceil(3) + 1 + 43;
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
}
