//! [`TuloVerifier`]: checks a `T_ID` cookie, cookie header or bare token.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use paywall_internal::jws::{self, Hs256Key, Typ};

use crate::claims::{self, Policy};
use crate::cookie;
use crate::error::{self, Error};
use crate::session::SessionState;

/// The longest `T_ID` cookie value or token accepted: 8 KiB. Longer input is refused before
/// any parsing (a browser keeps at most 4 KiB per cookie).
///
/// It applies to the value, never to a whole `Cookie` header, which other cookies fill; see
/// [`MAX_COOKIE_HEADER_BYTES`](crate::MAX_COOKIE_HEADER_BYTES).
pub const MAX_TOKEN_BYTES: usize = jws::MAX_TOKEN_BYTES;

/// Verifies Tulo Payway JS-API session tokens offline, with the API user's client secret.
///
/// Build one at start-up with [`TuloVerifier::builder`] or [`TuloVerifier::from_env`] and
/// share it: it is `Clone` (an `Arc` inside, cloning is cheap), `Send` and `Sync`. Verifying
/// needs no network and no lock; the HMAC key is prepared once, when the verifier is built.
///
/// Each call checks, in this order, and stops at the first failure:
/// 1. the cookie value or token is at most [`MAX_TOKEN_BYTES`];
/// 2. the token is three strict base64url segments; the header is a JSON object whose `alg`
///    is exactly `HS256` (so `none`, `HS384`, `RS256`, ... are refused before any signature
///    work) and which lists no critical extension (`crit`);
/// 3. the HMAC-SHA256 signature matches, compared in constant time;
/// 4. the claims are a JSON object with no repeated member name at any depth; every known
///    claim has its JSON type (never skipped when it does not); `iat` and `session.active`
///    are present;
/// 5. for an active session, `exp`, `nbf`, `iss`, `aud`, `prn` and `session.id` are present;
/// 6. `iat` is not in the future, `exp` has not passed, `nbf` has, and (if configured) `iat`
///    is within `max_age`, all with the leeway;
/// 7. `iss` is `Tulo` and `aud` is the redirect URI (when present, for inactive sessions);
/// 8. an active session's `prn` equals its `session.id` or its `session.contact_email`.
///
/// In a cookie, nothing outside the signed token is believed: the other members are only
/// checked to be JSON without repeated names.
#[derive(Clone)]
pub struct TuloVerifier {
    pub(crate) inner: Arc<Inner>,
}

/// The shared, immutable state of a verifier.
pub(crate) struct Inner {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) key: Hs256Key,
    pub(crate) leeway: Duration,
    pub(crate) max_age: Option<Duration>,
}

impl fmt::Debug for TuloVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TuloVerifier")
            .field("client_id", &self.inner.client_id)
            .field("client_secret", &"[redacted]")
            .field("redirect_uri", &self.inner.redirect_uri)
            .field("leeway", &self.inner.leeway)
            .field("max_age", &self.inner.max_age)
            .finish()
    }
}

impl TuloVerifier {
    /// Verifies the value of the `T_ID` cookie: the JS-API's JSON object, raw
    /// (`{"iat":...,"signature":"eyJ..."}`) or URL-encoded (`%7B%22iat%22...`), optionally in
    /// double quotes. Only its `signature` member, the signed token, is used.
    ///
    /// # Errors
    ///
    /// [`Error::MalformedCookie`] when the value is not such an object; otherwise as
    /// [`verify_token`](Self::verify_token).
    pub fn verify_cookie(&self, cookie_value: &str) -> Result<SessionState, Error> {
        self.verify_cookie_at(cookie_value, SystemTime::now())
    }

    /// [`verify_cookie`](Self::verify_cookie) as if the time were `now`.
    ///
    /// # Errors
    ///
    /// As [`verify_cookie`](Self::verify_cookie).
    pub fn verify_cookie_at(
        &self,
        cookie_value: &str,
        now: SystemTime,
    ) -> Result<SessionState, Error> {
        if cookie_value.len() > MAX_TOKEN_BYTES {
            return Err(Error::TokenTooLarge {
                len: cookie_value.len(),
                limit: MAX_TOKEN_BYTES,
            });
        }
        cookie::with_token(cookie_value, |token| self.verify_token_at(token, now))
    }

    /// Finds the `T_ID` cookie ([`COOKIE_NAME`](crate::COOKIE_NAME)) in the value of a
    /// request's `Cookie` header and verifies it as [`verify_cookie`](Self::verify_cookie).
    ///
    /// The header may hold any number of other cookies, up to
    /// [`MAX_COOKIE_HEADER_BYTES`](crate::MAX_COOKIE_HEADER_BYTES) (64 KiB) in all; only the
    /// `T_ID` value must fit in [`MAX_TOKEN_BYTES`] (8 KiB). When a request carries several
    /// `Cookie` header fields (HTTP/2 may split them), join their values with `"; "` first, or
    /// use the `axum` feature's extractor, which reads them all.
    ///
    /// # Errors
    ///
    /// [`Error::MissingCookie`] when there is no `T_ID` cookie, [`Error::DuplicateCookie`] when
    /// there are several, [`Error::CookieHeaderTooLarge`] over 64 KiB; otherwise as
    /// [`verify_cookie`](Self::verify_cookie).
    pub fn verify_cookie_header(&self, cookie_header: &str) -> Result<SessionState, Error> {
        self.verify_cookie_header_at(cookie_header, SystemTime::now())
    }

    /// [`verify_cookie_header`](Self::verify_cookie_header) as if the time were `now`.
    ///
    /// # Errors
    ///
    /// As [`verify_cookie_header`](Self::verify_cookie_header).
    pub fn verify_cookie_header_at(
        &self,
        cookie_header: &str,
        now: SystemTime,
    ) -> Result<SessionState, Error> {
        let value = cookie::find_cookie(cookie_header)?.ok_or(Error::MissingCookie)?;
        self.verify_cookie_at(value, now)
    }

    /// Verifies a bare token: the compact JWS that is the cookie's `signature` member.
    ///
    /// # Errors
    ///
    /// The [`Error`] variant names the first check that failed (see the list on
    /// [`TuloVerifier`]).
    pub fn verify_token(&self, token: &str) -> Result<SessionState, Error> {
        self.verify_token_at(token, SystemTime::now())
    }

    /// [`verify_token`](Self::verify_token) as if the time were `now`: for replaying a
    /// logged token or testing the time checks.
    ///
    /// # Errors
    ///
    /// As [`verify_token`](Self::verify_token);
    /// [`Error::ClockBeforeUnixEpoch`] when `now` is before 1970.
    pub fn verify_token_at(&self, token: &str, now: SystemTime) -> Result<SessionState, Error> {
        // The length first, once: `jws::verify` refuses a token over [`MAX_TOKEN_BYTES`]
        // before reading it.
        let payload = jws::verify(token, &self.inner.key, Typ::Any).map_err(error::from_jws)?;
        let now = now
            .duration_since(UNIX_EPOCH)
            .map_err(|_| Error::ClockBeforeUnixEpoch)?
            .as_secs_f64();
        let policy = Policy {
            redirect_uri: &self.inner.redirect_uri,
            leeway: self.inner.leeway.as_secs_f64(),
            max_age: self.inner.max_age.map(|age| age.as_secs_f64()),
            now,
        };
        claims::evaluate(&payload, &policy)
    }

    /// The client id this verifier was built with.
    #[must_use]
    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// The redirect URI every token's `aud` must equal.
    #[must_use]
    pub fn redirect_uri(&self) -> &str {
        &self.inner.redirect_uri
    }

    /// The clock-skew allowance.
    #[must_use]
    pub fn leeway(&self) -> Duration {
        self.inner.leeway
    }

    /// The maximum token age, when one is configured.
    #[must_use]
    pub fn max_age(&self) -> Option<Duration> {
        self.inner.max_age
    }
}
