//! Identify and landing, the browser side of SSO2: [`Sso2Client::identify_url`] sends a
//! reader to SSO2, and [`Sso2Client::landing`] reads the URL SSO2 sends them back with.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

use url::Url;

use super::answer::read_answer;
use super::client::Sso2Client;
use super::request_token::unix_now;
use super::session::Sso2Session;
use super::session_cookie::system_time;
use super::verify_error::{LandingError, TokenError};
use crate::callback::{MAX_QUERY_BYTES, ReturnPolicy};
use crate::error::Error;
use crate::login_state::{LoginStateError, ReturnState, strip_state};
use crate::store::Fingerprint;
use paywall_internal::http::append_segments;

/// The longest continue URL sent to identify, in bytes.
const MAX_CONTINUE_URL_BYTES: usize = 4096;

/// The furthest a landing token's `exp` may lie in the future, beyond the leeway (5
/// minutes). SSO2's own tokens live a minute; a token that claims longer is refused
/// ([`TokenError::ExpiresTooLate`]), so the claim that takes a landing once never needs to
/// outlive a few minutes.
pub const MAX_LANDING_LIFETIME: Duration = Duration::from_secs(300);

/// A reader back from SSO2: their session, from the verified `t`, and the continue URL `r`,
/// checked against a [`ReturnPolicy`], with the login state it carried.
///
/// Before trusting it, check that this browser started the login:
/// [`check_state`](Self::check_state). [`Sso2Flow`](super::Sso2Flow) does all of it.
///
/// `{:?}` hides the session id and any ticket.
#[derive(Clone)]
#[must_use = "a landing carries the reader's session and where to send them"]
pub struct Sso2Landing {
    session: Sso2Session,
    return_url: Url,
    state: ReturnState,
    fingerprint: Fingerprint,
    accepted_until: u64,
}

impl Sso2Landing {
    /// The reader's SSO2 session, as SSO2 signed it.
    pub fn session(&self) -> &Sso2Session {
        &self.session
    }

    /// Where to send the reader now (the `r` given to identify, without its login state),
    /// allowed by the policy. Redirect to its `as_str()`, never to the raw parameter.
    pub fn return_url(&self) -> &Url {
        &self.return_url
    }

    /// Checks that the browser this request came from started the login: the login state
    /// `r` carries must match one of its state cookies (a [`LoginState`](crate::LoginState)
    /// set at identify), compared in constant time. `cookie_headers` are the request's
    /// `Cookie` headers, each one's bytes. On a match: the `Set-Cookie` value that clears
    /// that state cookie.
    ///
    /// # Errors
    ///
    /// A [`LoginStateError`]: the landing was opened in another browser, `r` was swapped or
    /// edited, the login started more than 10 minutes ago, or `r` carries no state.
    pub fn check_state<'a, I>(&self, cookie_headers: I) -> Result<String, LoginStateError>
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        self.state.check(cookie_headers)
    }

    /// `true` when `r` says the landing already went through identify again once after a
    /// landing that was not bound to the browser.
    pub(crate) fn is_retry(&self) -> bool {
        self.state.retry
    }

    /// The session and the return URL, by value.
    pub fn into_parts(self) -> (Sso2Session, Url) {
        (self.session, self.return_url)
    }

    /// A fingerprint of this landing's token, to claim in a
    /// [`TicketStore`](crate::TicketStore) for [`replay_ttl`](Self::replay_ttl) so that the
    /// same landing URL is taken once (a landing URL leaked from a log or a shared link
    /// replays nothing). [`Sso2Flow`](super::Sso2Flow) does this.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// How long this landing's token is still accepted (its `exp` plus the leeway, from now,
    /// to the end of that second): the time a replay claim must last.
    pub fn replay_ttl(&self) -> Duration {
        claim_ttl(self.accepted_until, SystemTime::now())
    }
}

/// How long from `now` a one-time claim must last to outlive a token or state accepted
/// until `accepted_until` (whole seconds since the epoch), at least a second. The clock is
/// read in whole seconds, so a token whose `exp` has a fraction is still accepted during all
/// of that second: the claim lasts until the second after it ends (a second more than a
/// whole-second `exp` needs, which costs nothing).
pub(crate) fn claim_ttl(accepted_until: u64, now: SystemTime) -> Duration {
    system_time(accepted_until.saturating_add(1))
        .duration_since(now)
        .unwrap_or_default()
        .max(Duration::from_secs(1))
}

impl fmt::Debug for Sso2Landing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sso2Landing")
            .field("session", &self.session)
            .field("return_url", &self.return_url.as_str())
            .finish_non_exhaustive()
    }
}

impl Sso2Client {
    /// Where to send a reader who has no session cookie: `{sso}/identify?t=…&r=…`, with an
    /// identify token (HS256, `exp = iat + 60`) and `continue_url` as `r`, every parameter
    /// percent-encoded. Answer the reader's request with `303 See Other` to it.
    ///
    /// SSO2 finds (or starts) the reader's session and sends them to the landing page
    /// configured for your client, with `t` and this `r`: read it there with
    /// [`landing`](Self::landing).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when `continue_url` is not `http(s)`, carries credentials, or
    /// is longer than 4096 bytes; [`Error::Sso2Token`] when the system clock is before 1970.
    pub fn identify_url(&self, continue_url: &Url) -> Result<Url, Error> {
        let invalid = |reason| Error::InvalidInput {
            what: "continue url",
            reason,
        };
        if !matches!(continue_url.scheme(), "https" | "http") {
            return Err(invalid("it is not an http(s) URL"));
        }
        if !continue_url.username().is_empty() || continue_url.password().is_some() {
            return Err(invalid("it carries credentials"));
        }
        if continue_url.as_str().len() > MAX_CONTINUE_URL_BYTES {
            return Err(invalid("it is longer than 4096 bytes"));
        }
        let now = unix_now().map_err(Error::Sso2Token)?;
        let token = self.signer().identify(now);
        let mut url = append_segments(&self.inner.base_url, &["identify"]);
        url.query_pairs_mut()
            .append_pair("t", &token)
            .append_pair("r", continue_url.as_str());
        Ok(url)
    }

    /// Reads the URL SSO2 sent the reader back to your landing page with: `t`, a token
    /// SSO2 signed, and `r`, the continue URL.
    ///
    /// `t` must verify strictly: HS256 with your client secret and nothing else, `exp` (and
    /// `nbf`, `iat` when present) within the [leeway](Self::leeway) and no further ahead than
    /// [`MAX_LANDING_LIFETIME`] beyond it, `sid` and `sts` present and typed. `r` must pass
    /// `policy` (no open redirect); its login state is taken off it, for
    /// [`Sso2Landing::check_state`]. Exchange a login's ticket with
    /// [`PaywayClient::login_with_ticket`](crate::PaywayClient::login_with_ticket), or let
    /// [`Sso2Flow`](super::Sso2Flow) do all of it.
    ///
    /// # Errors
    ///
    /// [`Error::Landing`] for a missing or repeated parameter, an over-long query or a
    /// refused return URL; [`Error::TokenTooLarge`] for a `t` over
    /// [`MAX_TOKEN_BYTES`](crate::MAX_TOKEN_BYTES); [`Error::Sso2Token`] for a `t` that does
    /// not verify ([`TokenError::ExpiresTooLate`] for one that claims to live too long).
    /// Never redirect anywhere on an `Err`.
    pub fn landing(&self, callback: &Url, policy: &ReturnPolicy) -> Result<Sso2Landing, Error> {
        self.landing_from_query(callback.query().unwrap_or_default(), policy)
    }

    /// Like [`landing`](Self::landing), from the raw query string alone (without the `?`),
    /// as web frameworks hand it over.
    ///
    /// # Errors
    ///
    /// As [`landing`](Self::landing).
    pub fn landing_from_query(
        &self,
        query: &str,
        policy: &ReturnPolicy,
    ) -> Result<Sso2Landing, Error> {
        let now = unix_now().map_err(Error::Sso2Token)?;
        self.landing_at(query, policy, now)
    }

    /// [`landing_from_query`](Self::landing_from_query) as if the clock read `now` (seconds
    /// since the epoch).
    pub(crate) fn landing_at(
        &self,
        query: &str,
        policy: &ReturnPolicy,
        now: u64,
    ) -> Result<Sso2Landing, Error> {
        let [token, return_url] = params(query.as_bytes(), ["t", "r"])?;
        let token = token.ok_or(Error::Landing(LandingError::MissingToken))?;
        let (return_url, state) = allowed_return(return_url, policy)?;
        let leeway = self.inner.leeway.as_secs();
        let answer = read_answer(&token, &self.inner.key, leeway, now)?;
        // `accepted_until` is `exp` plus the leeway.
        let latest = now
            .saturating_add(MAX_LANDING_LIFETIME.as_secs())
            .saturating_add(leeway.saturating_mul(2));
        if answer.accepted_until > latest {
            return Err(Error::Sso2Token(TokenError::ExpiresTooLate));
        }
        Ok(Sso2Landing {
            session: answer.session,
            return_url,
            state,
            fingerprint: Fingerprint::of_landing(&token),
            accepted_until: answer.accepted_until,
        })
    }
}

/// The values of `names` in a form-encoded `query` (a landing's query, a checkout's form)
/// of at most 16 KiB, each there at most once.
pub(crate) fn params<'q, const N: usize>(
    query: &'q [u8],
    names: [&str; N],
) -> Result<[Option<Cow<'q, str>>; N], Error> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(Error::Landing(LandingError::QueryTooLong));
    }
    let mut found = [const { None }; N];
    for (name, value) in url::form_urlencoded::parse(query) {
        let slot = names
            .iter()
            .zip(&mut found)
            .find(|(wanted, _)| **wanted == name);
        if let Some((_, slot)) = slot
            && slot.replace(value).is_some()
        {
            return Err(Error::Landing(LandingError::Duplicate));
        }
    }
    Ok(found)
}

/// The return URL `r`, required and allowed by `policy`, without its login state; and that
/// state.
pub(crate) fn allowed_return(
    r: Option<Cow<'_, str>>,
    policy: &ReturnPolicy,
) -> Result<(Url, ReturnState), Error> {
    let r = r.ok_or(Error::Landing(LandingError::MissingReturnUrl))?;
    let url = policy
        .check(&r)
        .map_err(|_| Error::Landing(LandingError::ReturnUrlRefused))?;
    Ok(strip_state(&url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_outlives_the_last_second_its_token_is_accepted_in() {
        let now = system_time(1_000) + Duration::from_millis(300);
        // Accepted while the clock's whole seconds read at most 1_010: until 1_011.
        assert_eq!(claim_ttl(1_010, now), Duration::from_millis(10_700));
        // Accepted for the last time in this very second, or no longer: a second.
        assert_eq!(claim_ttl(1_000, now), Duration::from_secs(1));
        assert_eq!(claim_ttl(900, now), Duration::from_secs(1));
        // A saturated expiry neither overflows nor panics.
        assert!(claim_ttl(u64::MAX, now) > Duration::from_secs(1 << 32));
    }
}
