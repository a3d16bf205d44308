//! An axum extractor for the `T_ID` cookie (feature `axum`, on axum-core and http only).
//!
//! [`TuloSession`] reads the `T_ID` cookie from every `Cookie` header of the request (HTTP/2
//! splits cookies over several), verifies it with the [`TuloVerifier`] it takes from your
//! state through `FromRef`, and hands the handler the active [`Session`]. Anything else is a
//! [`TuloRejection`]: `401 Unauthorized` with a small JSON body.
//!
//! | the request | `TuloSession` | `Option<TuloSession>` |
//! | --- | --- | --- |
//! | an active session | extracted | `Some` |
//! | no `T_ID` cookie | 401, `session_missing` | `None` |
//! | Payway signed "no session" | 401, `session_inactive` | `None` |
//! | genuine but expired | 401, `session_expired` | `None` |
//! | anything else (forged, tampered, repeated, malformed) | 401, `session_invalid` | `None` |
//!
//! ```
//! use axum::http::{StatusCode, header};
//! use axum::response::{IntoResponse, Response};
//! use axum::{Router, routing::get};
//! use tulo_jwt::{TuloVerifier, axum::TuloSession};
//!
//! async fn article(reader: TuloSession) -> Response {
//!     // Logged in is not paid: check the product.
//!     if !reader.has_product("digital") {
//!         return (StatusCode::PAYMENT_REQUIRED, reader, "subscribe to read on").into_response();
//!     }
//!     let article = format!("the whole article, for account {}", reader.account_id());
//!     // Returned with the answer, the session marks it `Cache-Control: private, no-store`.
//!     (reader, article).into_response()
//! }
//!
//! async fn teaser(reader: Option<TuloSession>) -> Response {
//!     let page = if reader.is_some() { "read on" } else { "log in to read on" };
//!     // A page per reader, with a session or without (`None` marks nothing): mark it here.
//!     ([(header::CACHE_CONTROL, "private, no-store")], page).into_response()
//! }
//!
//! fn app(verifier: TuloVerifier) -> Router {
//!     Router::new()
//!         .route("/article/{id}", get(article))
//!         .route("/teaser/{id}", get(teaser))
//!         .with_state(verifier)
//! }
//! ```
//!
//! With a state of your own, implement `FromRef<YourState> for TuloVerifier` (or derive it
//! with axum's `FromRef` macro). To answer differently (a 402 page, a redirect to the login),
//! take `Result<TuloSession, TuloRejection>` in the handler and map the rejection by its
//! [`code`](TuloRejection::code).

use std::convert::Infallible;
use std::ops::Deref;

use http::header::COOKIE;
use http::{HeaderMap, HeaderValue, StatusCode};
use paywall_internal::cookie::find_in_headers;

use crate::cookie::{self, COOKIE_NAME};
use crate::error::Error;
use crate::session::{Session, SessionState};
use crate::verifier::TuloVerifier;

/// The reader's active Payway session, from the request's `T_ID` cookie; derefs to
/// [`Session`].
///
/// Return it with the page served for it (`(session, body)`): as a response part it marks the
/// answer `Cache-Control: private, no-store` (unless the answer sets its own
/// `Cache-Control`), so that no shared cache serves one reader's page to the next.
///
/// `Option<TuloSession>` is `None` for every request that `TuloSession` rejects: for pages that
/// serve everyone and more to a logged-in reader. See the [module documentation](self) for the
/// outcomes and an example.
#[derive(Debug, Clone, PartialEq)]
pub struct TuloSession(Session);

impl TuloSession {
    /// The session, by value.
    #[must_use]
    pub fn into_session(self) -> Session {
        self.0
    }
}

impl Deref for TuloSession {
    type Target = Session;

    fn deref(&self) -> &Session {
        &self.0
    }
}

paywall_internal::private_response_part!(TuloSession);

paywall_internal::from_request_parts!(
    required TuloSession, TuloVerifier, TuloRejection,
    |parts, verifier| extract(&parts.headers, &verifier)
);

paywall_internal::from_request_parts!(
    optional TuloSession, TuloVerifier, Infallible,
    |parts, verifier| Ok(extract(&parts.headers, &verifier).ok())
);

fn extract(headers: &HeaderMap, verifier: &TuloVerifier) -> Result<TuloSession, TuloRejection> {
    let rejection = |reason, error| TuloRejection { reason, error };
    let value = match find_across(headers) {
        Ok(Some(value)) => value,
        Ok(None) => return Err(rejection(Reason::Missing, None)),
        Err(error) => return Err(rejection(Reason::Invalid, Some(error))),
    };
    match verifier.verify_cookie(value) {
        Ok(SessionState::Active(session)) => Ok(TuloSession(session)),
        Ok(_) => Err(rejection(Reason::Inactive, None)),
        Err(error) if error.is_expired() => Err(rejection(Reason::Expired, Some(error))),
        Err(error) => Err(rejection(Reason::Invalid, Some(error))),
    }
}

/// The `T_ID` value among all of the request's `Cookie` headers: one, at most, in all of
/// them together, which are scanned up to `MAX_COOKIE_HEADER_BYTES` in all.
fn find_across(headers: &HeaderMap) -> Result<Option<&str>, Error> {
    let values = headers.get_all(COOKIE).iter().map(HeaderValue::as_bytes);
    let found = find_in_headers(COOKIE_NAME, values).map_err(cookie::cookie_error)?;
    // Other cookies may hold any bytes; only the `T_ID` value must be text.
    found
        .map(|value| {
            std::str::from_utf8(value).map_err(|_| Error::MalformedCookie {
                reason: "the value is not UTF-8",
            })
        })
        .transpose()
}

/// Why [`TuloSession`] refused a request: `401 Unauthorized`, with a JSON body
/// `{"error": "<code>", "message": "<one sentence>"}` that carries no cookie, token or
/// personal data.
///
/// Take `Result<TuloSession, TuloRejection>` in a handler to answer otherwise; the verifier's
/// [`Error`] is kept for your logs ([`error`](Self::error)).
#[derive(Debug, Clone)]
pub struct TuloRejection {
    reason: Reason,
    error: Option<Error>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    Missing,
    Inactive,
    Expired,
    Invalid,
}

impl TuloRejection {
    /// The status of the response: always `401 Unauthorized`.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        StatusCode::UNAUTHORIZED
    }

    /// The machine-readable reason, the body's `error` member:
    ///
    /// - `session_missing`: no `T_ID` cookie (the page's JS-API has not run yet);
    /// - `session_inactive`: Payway signed that the reader has no session;
    /// - `session_expired`: a genuine session, out of date (the page should let the JS-API
    ///   refresh the cookie);
    /// - `session_invalid`: anything else: forged, tampered, repeated or malformed.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self.reason {
            Reason::Missing => "session_missing",
            Reason::Inactive => "session_inactive",
            Reason::Expired => "session_expired",
            Reason::Invalid => "session_invalid",
        }
    }

    /// The verifier's error, for `session_expired` and `session_invalid`.
    #[must_use]
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// One sentence for the reader: the `message` of the JSON body.
    #[must_use]
    pub fn message(&self) -> &'static str {
        match self.reason {
            Reason::Missing => "This page needs a Payway login: there is no session cookie.",
            Reason::Inactive => "This page needs a Payway login: Payway reports no session.",
            Reason::Expired => "The Payway session cookie is out of date: reload the page.",
            Reason::Invalid => "The Payway session cookie could not be verified.",
        }
    }
}

paywall_internal::rejection_traits!(TuloRejection, |this| this.error.as_ref());

#[cfg(test)]
mod tests {
    use super::find_across;
    use crate::Error;
    use http::header::COOKIE;
    use http::{HeaderMap, HeaderValue};

    fn headers(values: &[&[u8]]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(COOKIE, HeaderValue::from_bytes(value).unwrap());
        }
        map
    }

    #[test]
    fn finds_the_value_in_any_header() {
        let map = headers(&[b"a=1; b=2", b"T_ID=v", b"c=3"]);
        assert_eq!(find_across(&map).unwrap(), Some("v"));
        assert_eq!(find_across(&headers(&[b"a=1"])).unwrap(), None);
        assert_eq!(find_across(&HeaderMap::new()).unwrap(), None);
    }

    #[test]
    fn other_cookies_may_hold_any_bytes() {
        let map = headers(&[b"name=Ume\xe5; T_ID=v", b"x=\xff"]);
        assert_eq!(find_across(&map).unwrap(), Some("v"));
        let map = headers(&[b"T_ID=\xe5"]);
        assert!(matches!(
            find_across(&map),
            Err(Error::MalformedCookie { .. })
        ));
    }

    #[test]
    fn one_t_id_in_all_headers_together() {
        let map = headers(&[b"T_ID=a", b"T_ID=a"]);
        assert!(matches!(find_across(&map), Err(Error::DuplicateCookie)));
    }

    #[test]
    fn the_headers_are_bounded_together() {
        let half = format!("a={}", "x".repeat(40 * 1024));
        let map = headers(&[half.as_bytes(), half.as_bytes(), b"T_ID=v"]);
        assert!(matches!(
            find_across(&map),
            Err(Error::CookieHeaderTooLarge { limit: 65536, .. })
        ));
    }
}
