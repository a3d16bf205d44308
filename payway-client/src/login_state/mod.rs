//! Logins bound to the browser that started them: OAuth's `state` (RFC 6749 §10.12,
//! RFC 9700 §4.7) for SSO2 landings and the Tulo Shop return.
//!
//! Starting a login makes a [`LoginState`]: 32 random bytes kept in a short-lived `__Host-`
//! cookie of their own, and a value derived from them (an HMAC-SHA256 under those bytes,
//! which does not reveal them) carried by the return URL. The return is accepted only from
//! the browser that holds the matching cookie, compared in constant time, and the cookie is
//! cleared then.

mod live;
mod set_cookies;

use std::fmt;
use std::time::Duration;

use url::Url;

pub(crate) use live::LiveStates;
pub use live::MAX_STATE_COOKIES;
use paywall_internal::cookie::{self, CookieError};
use paywall_internal::jws::{self, Hs256Key, TAG_BYTES};
pub use set_cookies::SetCookies;

/// The largest whole `Cookie` header scanned for a cookie, in bytes (64 KiB): the request's
/// `Cookie` headers together, for the session cookie or a login state cookie.
pub const MAX_COOKIE_HEADER_BYTES: usize = cookie::MAX_COOKIE_HEADER_BYTES;

/// The query parameter a bound return URL carries (the SSO2 continue URL `r`, the shop's
/// `returnUrl`).
pub const STATE_PARAM: &str = "pw_state";

/// The query parameter that marks a return URL sent through identify again after a landing
/// that was not bound to the browser: a second such landing is an error, never a third
/// identify (no redirect loop in a browser that keeps no cookies).
pub(crate) const RETRY_PARAM: &str = "pw_retry";

/// Every state cookie's name starts with this; the rest is a short id of the login, so that
/// logins started at once (in several tabs) each keep their own cookie.
pub const STATE_COOKIE_PREFIX: &str = "__Host-pw-state-";

/// How long a started login may take before its return is refused: the state cookie's
/// `Max-Age` (10 minutes).
pub const STATE_MAX_AGE: Duration = Duration::from_secs(600);

/// Binds the HMAC to this use.
const CONTEXT: &[u8] = b"payway-client login state v1\0";
/// The random bytes of a state.
const SECRET_BYTES: usize = 32;
/// The length of a state value (and of a cookie value) in unpadded base64url.
const TEXT_LEN: usize = 43;
/// How many characters of the state value name its cookie.
const ID_LEN: usize = 16;

/// Why a login return was not accepted as bound to this browser. The reader must start the
/// login again (the flows do this for them once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoginStateError {
    /// The return URL carries no state: it was not started by this site's flow.
    #[error("the return url carries no login state")]
    Missing,
    /// The return URL carries the state twice, or the request the state cookie twice.
    #[error("the login state or its cookie is repeated")]
    Duplicate,
    /// The state is not one this crate writes.
    #[error("the login state is malformed")]
    Malformed,
    /// This browser holds no cookie for the state: the return was opened in another browser
    /// (a leaked or planted link), or more than 10 minutes after the login started.
    #[error("this browser did not start the login")]
    NoCookie,
    /// The state cookie does not match the state: the return URL was edited or swapped.
    /// For a checkout, which is bound to the session instead of a cookie: the state was not
    /// made for this browser's session.
    #[error("the login state does not match this browser")]
    Mismatch,
    /// A checkout's state is older than
    /// [`CHECKOUT_STATE_MAX_AGE`](crate::sso2::CHECKOUT_STATE_MAX_AGE) (or from the future).
    #[error("the login state has expired")]
    Expired,
    /// A checkout's state was taken by an earlier checkout: each page that shows the paywall
    /// starts one checkout.
    #[error("the login state was used before")]
    Used,
    /// The request's `Cookie` headers are longer than [`MAX_COOKIE_HEADER_BYTES`].
    #[error("the cookie header is too large")]
    CookieHeaderTooLarge,
    /// The system's random number generator failed: no login can be started.
    #[error("no randomness is available to start a login")]
    RandomUnavailable,
}

/// A login being started in this browser: what its return URL carries and the cookie that
/// alone can match it.
///
/// The SSO2 flow ([`Sso2Flow`](crate::sso2::Sso2Flow)) makes one for every identify. For the
/// Tulo Shop, make one when you send a reader to the shop, [`bind`](Self::bind) the shop's
/// `returnUrl` with it, and send [`set_cookies_for`](Self::set_cookies_for) with the redirect
/// (its cookie, after the clearing of the browser's oldest state cookies); back
/// from the shop, [`TicketCallback::check_state`](crate::TicketCallback::check_state) (or the
/// `axum` feature's `TicketReturn`) accepts the return only from this browser.
///
/// - 256 random bits, in a cookie `__Host-pw-state-{id}`: `HttpOnly`, `Secure`,
///   `SameSite=Lax`, `Path=/`, `Max-Age=600`. Each login has its own cookie, so several tabs
///   can log in at once.
/// - The return URL carries `pw_state`: an HMAC-SHA256 under the cookie's bytes, which
///   reveals nothing of them: no one can make the cookie that matches a given `pw_state`.
///
/// What it stops is login CSRF: a return started in another browser (a planted or leaked
/// link) never completes in this one. What it cannot stop is someone who holds a leaked
/// return that is still *unused* (SSO2's `t`, a shop ticket, a paywall `jwtToken`) and
/// carries it back under a `pw_state` of their own: neither SSO2, the shop nor the paywall
/// echoes a value the site chose, so nothing ties the provider's token to this state. That
/// return is then taken once, and the reader's own is a replay; a landing or checkout token
/// lives at most a few minutes. A *used* return is refused by its claim in any browser.
///
/// `{:?}` never prints the cookie's value.
///
/// ```
/// use payway_client::LoginState;
/// use url::Url;
///
/// let state = LoginState::new()?;
/// let back = state.bind(&Url::parse("https://news.example.com/welcome-back")?);
/// assert!(back.as_str().starts_with("https://news.example.com/welcome-back?pw_state="));
/// let set_cookie = state.set_cookie();
/// assert!(set_cookie.starts_with("__Host-pw-state-"));
/// assert!(set_cookie.ends_with("; Path=/; Max-Age=600; HttpOnly; Secure; SameSite=Lax"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct LoginState {
    secret: [u8; SECRET_BYTES],
    value: String,
}

impl LoginState {
    /// A new login state, from the system's random number generator.
    ///
    /// # Errors
    ///
    /// [`LoginStateError::RandomUnavailable`] when the generator fails.
    pub fn new() -> Result<Self, LoginStateError> {
        let mut secret = [0_u8; SECRET_BYTES];
        getrandom::fill(&mut secret).map_err(|_| LoginStateError::RandomUnavailable)?;
        Ok(Self::from_secret(secret))
    }

    fn from_secret(secret: [u8; SECRET_BYTES]) -> Self {
        let value = jws::encode(Hs256Key::new(&secret).sign(&[CONTEXT]));
        Self { secret, value }
    }

    /// `url` carrying this state as `pw_state` (any `pw_state` it had is replaced): the
    /// continue URL or `returnUrl` of the login.
    pub fn bind(&self, url: &Url) -> Url {
        let (mut url, _) = strip_state(url);
        url.query_pairs_mut().append_pair(STATE_PARAM, &self.value);
        url
    }

    /// The state cookie's name: `__Host-pw-state-` and a short id of this login.
    pub fn cookie_name(&self) -> String {
        cookie_name(&self.value)
    }

    /// The `Set-Cookie` header value that gives the browser this login's state cookie.
    pub fn set_cookie(&self) -> String {
        format!(
            "{}={}; Path=/; Max-Age={}; HttpOnly; Secure; SameSite=Lax",
            self.cookie_name(),
            jws::encode(self.secret),
            STATE_MAX_AGE.as_secs()
        )
    }

    /// The `Set-Cookie` values to send when this login starts in the browser whose request
    /// carried `cookie_headers` (each one header's bytes): this login's state cookie
    /// ([`set_cookie`](Self::set_cookie)), after the clearing of that browser's oldest state
    /// cookies, so that it holds at most [`MAX_STATE_COOKIES`]. Prefer it to
    /// `set_cookie`: a site that another page can send the reader to again and again would
    /// otherwise pile up cookies until the reader's requests are too large to serve.
    ///
    /// ```
    /// use payway_client::{LoginState, MAX_STATE_COOKIES};
    ///
    /// let held: Vec<String> = (0..MAX_STATE_COOKIES)
    ///     .map(|_| LoginState::new().map(|state| state.set_cookie()))
    ///     .collect::<Result<_, _>>()?;
    /// let header = held
    ///     .iter()
    ///     .map(|set_cookie| set_cookie.split(';').next().unwrap_or_default())
    ///     .collect::<Vec<_>>()
    ///     .join("; ");
    /// let state = LoginState::new()?;
    /// let set_cookies = state.set_cookies_for([header.as_bytes()]);
    /// // The oldest is cleared, then the new one set.
    /// assert_eq!(set_cookies.len(), 2);
    /// assert!(set_cookies[0].contains("Max-Age=0"));
    /// assert_eq!(set_cookies[1], state.set_cookie());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_cookies_for<'a, I>(&self, cookie_headers: I) -> SetCookies
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        self.set_cookies_among(&LiveStates::read(cookie_headers), MAX_STATE_COOKIES)
    }

    /// As [`set_cookies_for`](Self::set_cookies_for), with the browser's state cookies already
    /// read, leaving it at most `limit`.
    pub(crate) fn set_cookies_among(&self, live: &LiveStates, limit: usize) -> SetCookies {
        let clear = live.clear_for_one_more(limit);
        clear.chain([self.set_cookie()]).collect::<Vec<_>>().into()
    }

    /// The value the return URL carries (not secret: it reveals nothing of the cookie).
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Debug for LoginState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginState")
            .field("cookie_name", &self.cookie_name())
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// The state cookie's name for state `value` (at least [`ID_LEN`] characters long).
fn cookie_name(value: &str) -> String {
    format!(
        "{STATE_COOKIE_PREFIX}{}",
        value.get(..ID_LEN).unwrap_or(value)
    )
}

/// The `Set-Cookie` value that removes the state cookie `name`.
fn clear_cookie_named(name: &str) -> String {
    format!("{name}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax")
}

/// The state a return URL carries, read by [`strip_state`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ReturnState {
    /// Every `pw_state` value, in order (more than one is refused when checked).
    values: Vec<String>,
    /// `pw_retry` was there: this return already went through identify again once.
    pub(crate) retry: bool,
}

impl ReturnState {
    /// The states of `self` and `other` together (the shop return's query and its
    /// `returnUrl`).
    pub(crate) fn merge(mut self, other: Self) -> Self {
        self.values.extend(other.values);
        self.retry |= other.retry;
        self
    }

    /// The one state value the URL carried.
    pub(crate) fn single(&self) -> Result<&str, LoginStateError> {
        match self.values.as_slice() {
            [] => Err(LoginStateError::Missing),
            [value] => Ok(value),
            _ => Err(LoginStateError::Duplicate),
        }
    }

    /// Checks the state against the request's `Cookie` headers (each one header's bytes),
    /// in constant time; the `Set-Cookie` value that clears the state cookie when it matches.
    pub(crate) fn check<'a, I>(&self, cookie_headers: I) -> Result<String, LoginStateError>
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        let value = self.single()?;
        let expected = (value.len() == TEXT_LEN)
            .then(|| jws::decode(value))
            .flatten()
            .filter(|tag| tag.len() == TAG_BYTES)
            .ok_or(LoginStateError::Malformed)?;
        // Other cookies may hold any bytes (`city=Umeå` in Latin-1); this one must be text.
        let cookie = match cookie::find_in_headers(&cookie_name(value), cookie_headers) {
            Ok(Some(cookie)) => cookie,
            Ok(None) => return Err(LoginStateError::NoCookie),
            Err(CookieError::Duplicate) => return Err(LoginStateError::Duplicate),
            Err(CookieError::HeaderTooLarge { .. }) => {
                return Err(LoginStateError::CookieHeaderTooLarge);
            }
        };
        let secret = (cookie.len() == TEXT_LEN)
            .then(|| jws::decode(std::str::from_utf8(cookie).ok()?))
            .flatten()
            .filter(|secret| secret.len() == SECRET_BYTES)
            .ok_or(LoginStateError::Mismatch)?;
        if !Hs256Key::new(&secret).verify(&[CONTEXT], &expected) {
            return Err(LoginStateError::Mismatch);
        }
        Ok(clear_cookie_named(&cookie_name(value)))
    }
}

/// `url` without its `pw_state` and `pw_retry` parameters (every other parameter kept
/// byte for byte), and what they held.
pub(crate) fn strip_state(url: &Url) -> (Url, ReturnState) {
    let Some(query) = url.query() else {
        return (url.clone(), ReturnState::default());
    };
    let (kept, state) = split_query(query);
    let mut url = url.clone();
    // An empty query (`?` alone) goes too, so that a URL strips to one spelling however
    // many times it was bound and stripped.
    let kept = kept.join("&");
    url.set_query((!kept.is_empty()).then_some(kept.as_str()));
    (url, state)
}

/// The login state a raw query string carries (the shop return's own query).
pub(crate) fn query_state(query: &str) -> ReturnState {
    split_query(query).1
}

/// The pieces of `query` that are not login state, byte for byte, and the state.
fn split_query(query: &str) -> (Vec<&str>, ReturnState) {
    let mut state = ReturnState::default();
    let mut kept: Vec<&str> = Vec::new();
    for piece in query.split('&') {
        match url::form_urlencoded::parse(piece.as_bytes()).next() {
            Some((name, value)) if name == STATE_PARAM => state.values.push(value.into_owned()),
            Some((name, _)) if name == RETRY_PARAM => state.retry = true,
            _ => kept.push(piece),
        }
    }
    (kept, state)
}

/// `url` marked as sent through identify again ([`RETRY_PARAM`]).
pub(crate) fn mark_retry(url: &Url) -> Url {
    let mut url = url.clone();
    url.query_pairs_mut().append_pair(RETRY_PARAM, "1");
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    fn cookie_pair(state: &LoginState) -> String {
        state.set_cookie().split(';').next().unwrap().to_owned()
    }

    #[test]
    fn a_bound_url_matches_only_its_cookie() {
        use LoginStateError::{CookieHeaderTooLarge, Duplicate, Mismatch, NoCookie};
        let state = LoginState::new().unwrap();
        let bound = state.bind(&url("https://n.example/a?x=1%202&y"));
        let (back, read) = strip_state(&bound);
        assert_eq!(back.as_str(), "https://n.example/a?x=1%202&y");
        assert!(!read.retry);
        let pair = cookie_pair(&state);
        let clear = read.check([pair.as_bytes()]).unwrap();
        assert_eq!(
            clear,
            format!(
                "{}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax",
                state.cookie_name()
            )
        );
        // Another login's cookie under this login's name does not match.
        let other = LoginState::new().unwrap();
        let other_pair = cookie_pair(&other);
        let planted = format!(
            "{}={}",
            state.cookie_name(),
            other_pair.split_once('=').unwrap().1
        );
        let twice = format!("{pair}; {pair}");
        // Other cookies may hold any bytes; this one's value must be text.
        let latin = [b"city=Ume\xe5".as_slice(), pair.as_bytes()];
        assert!(read.check(latin).is_ok());
        let mut garbled = format!("{}=", state.cookie_name()).into_bytes();
        garbled.extend_from_slice(&[0xe5; TEXT_LEN]);
        let huge = vec![b'a'; MAX_COOKIE_HEADER_BYTES + 1];
        for (headers, refused) in [
            (vec![planted.as_bytes()], Mismatch),
            (vec![other_pair.as_bytes()], NoCookie),
            (vec![], NoCookie),
            (vec![twice.as_bytes()], Duplicate),
            (vec![&garbled[..]], Mismatch),
            (vec![&huge[..]], CookieHeaderTooLarge),
        ] {
            assert_eq!(read.check(headers), Err(refused));
        }
    }

    #[test]
    fn the_url_never_carries_the_cookie_value() {
        let state = LoginState::from_secret([7; SECRET_BYTES]);
        let secret_text = jws::encode([7; SECRET_BYTES]);
        let bound = state.bind(&url("https://n.example/"));
        assert!(!bound.as_str().contains(&secret_text));
        assert!(state.set_cookie().contains(&secret_text));
        assert!(!format!("{state:?}").contains(&secret_text));
        assert_eq!(state.value().len(), TEXT_LEN);
    }

    #[test]
    fn state_parameters_are_read_strictly() {
        let state = LoginState::new().unwrap();
        let pair = cookie_pair(&state);
        let bound = state.bind(&url("https://n.example/"));
        // Binding again replaces the old state.
        let rebound = LoginState::new().unwrap().bind(&bound);
        assert_eq!(rebound.as_str().matches(STATE_PARAM).count(), 1);
        let twice = url(&format!("{bound}&{STATE_PARAM}={}", state.value()));
        let (_, read) = strip_state(&twice);
        assert_eq!(
            read.check([pair.as_bytes()]),
            Err(LoginStateError::Duplicate)
        );
        let (plain, none) = strip_state(&url("https://n.example/p?q=1"));
        assert_eq!(plain.as_str(), "https://n.example/p?q=1");
        assert_eq!(none, ReturnState::default());
        assert_eq!(none.check([pair.as_bytes()]), Err(LoginStateError::Missing));
        for bad in ["", "short", "%%%%", &"A".repeat(44)] {
            let (_, read) = strip_state(&url(&format!("https://n.example/?{STATE_PARAM}={bad}")));
            assert_eq!(
                read.check([pair.as_bytes()]),
                Err(LoginStateError::Malformed),
                "{bad}"
            );
        }
        let retried = mark_retry(&bound);
        let (back, read) = strip_state(&retried);
        assert!(read.retry);
        assert_eq!(back.as_str(), "https://n.example/");
        assert!(read.check([pair.as_bytes()]).is_ok());
    }
}
