//! [`Sso2Cookie`]: the reader's sealed SSO2 session cookie as an extractor.

use std::convert::Infallible;
use std::ops::Deref;

use http::StatusCode;
use http::header::{COOKIE, HeaderValue};
use http::request::Parts;

use crate::error::Error;
use crate::sso2::verify_error::SessionCookieError;
use crate::sso2::{SessionCookie, SessionCookieKey};

/// The reader's SSO2 session cookie, opened with the [`SessionCookieKey`] in your state
/// (through [`FromRef`](axum_core::extract::FromRef)): genuine (its tag matched this key or a previous one), unexpired.
/// Put your flow's own key there ([`Sso2Flow::key`](crate::sso2::Sso2Flow::key)), bound to
/// its SSO2 client ([`SessionCookieKey::bound_to`]).
///
/// It reads every `Cookie` header of the request (HTTP/2 may split cookies over several), as
/// bytes: other cookies may hold anything, only the session cookie's value must be text.
/// Anything else is a [`Sso2CookieRejection`] (`401`); as `Option<Sso2Cookie>`, anything
/// else is `None`: a missing, edited, expired or duplicated cookie is a reader without a
/// session, for [`Sso2Flow::page`](crate::sso2::Sso2Flow::page) to identify again. Derefs to
/// [`SessionCookie`].
///
/// Return it with the page served for it (`(cookie, body)`): as a response part it marks the
/// answer `Cache-Control: private, no-store` (unless the answer sets its own
/// `Cache-Control`), so that no shared cache serves one reader's page to the next. A page
/// that also serves readers without one (`Option<Sso2Cookie>` is `None`) differs per reader
/// too: mark it yourself, as below.
///
/// ```
/// use axum::{Router, http::header, response::IntoResponse, routing::get};
/// use payway_client::axum::Sso2Cookie;
/// use payway_client::sso2::SessionCookieKey;
///
/// async fn account(cookie: Sso2Cookie) -> impl IntoResponse {
///     let page = format!("account {:?}", cookie.account_id());
///     (cookie, page)
/// }
///
/// async fn article(session: Option<Sso2Cookie>) -> impl IntoResponse {
///     let page = match session {
///         Some(cookie) if cookie.has_product("premium") => "the whole article",
///         _ => "the first paragraph, and the paywall",
///     };
///     ([(header::CACHE_CONTROL, "private, no-store")], page)
/// }
///
/// let key = SessionCookieKey::new(b"32-bytes-or-more-of-site-secret!")?;
/// let app: Router = Router::new()
///     .route("/account", get(account))
///     .route("/article", get(article))
///     .with_state(key);
/// # drop(app);
/// # Ok::<(), payway_client::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Sso2Cookie(pub SessionCookie);

impl Sso2Cookie {
    /// The session cookie, by value.
    pub fn into_inner(self) -> SessionCookie {
        self.0
    }
}

paywall_internal::private_response_part!(Sso2Cookie);

impl Deref for Sso2Cookie {
    type Target = SessionCookie;

    fn deref(&self) -> &SessionCookie {
        &self.0
    }
}

/// Opens the session cookie from every `Cookie` header of the request, read as bytes: another
/// cookie that is not UTF-8 (`city=Umeå` in Latin-1) never hides it.
fn extract(parts: &Parts, key: &SessionCookieKey) -> Result<SessionCookie, Sso2CookieRejection> {
    let headers = parts.headers.get_all(COOKIE).into_iter();
    let (reason, source) = match key.open_cookie_headers(headers.map(HeaderValue::as_bytes)) {
        Ok(Some(cookie)) => return Ok(cookie),
        Ok(None) => (Reason::Missing, None),
        Err(Error::SessionCookie(why)) => {
            let reason = match why {
                SessionCookieError::Duplicate => Reason::Duplicate,
                SessionCookieError::Expired => Reason::Expired,
                _ => Reason::Invalid,
            };
            (reason, Some(why))
        }
        Err(Error::CookieHeaderTooLarge { .. }) => (Reason::TooLarge, None),
        Err(_) => (Reason::Invalid, None),
    };
    Err(Sso2CookieRejection { reason, source })
}

paywall_internal::from_request_parts!(
    required Sso2Cookie, SessionCookieKey, Sso2CookieRejection,
    |parts, key| extract(parts, &key).map(Sso2Cookie)
);

paywall_internal::from_request_parts!(
    optional Sso2Cookie, SessionCookieKey, Infallible,
    |parts, key| Ok(extract(parts, &key).ok().map(Sso2Cookie))
);

/// What was wrong with the cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    Missing,
    Duplicate,
    Invalid,
    Expired,
    TooLarge,
}

/// Why a request carries no usable session cookie: answered `401 Unauthorized` with
/// `Content-Type: application/json` and `{"error": "<code>", "message": "<sentence>"}`.
///
/// The body never holds the cookie. Map it to your own answer with [`status`](Self::status),
/// [`code`](Self::code) and [`message`](Self::message) (usually: identify the reader, as
/// [`Sso2Flow::page`](crate::sso2::Sso2Flow::page) does). `Display` prints the message;
/// [`source`](std::error::Error::source) is the [`SessionCookieError`] when the cookie was
/// there but did not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sso2CookieRejection {
    reason: Reason,
    source: Option<SessionCookieError>,
}

impl Sso2CookieRejection {
    /// Always `401 Unauthorized`.
    pub fn status(&self) -> StatusCode {
        StatusCode::UNAUTHORIZED
    }

    /// The snake_case code of the JSON body: `missing_session_cookie`,
    /// `duplicate_session_cookie`, `invalid_session_cookie` (edited, another key, not a
    /// sealed value), `expired_session_cookie` or `cookie_header_too_large`.
    pub fn code(&self) -> &'static str {
        match self.reason {
            Reason::Missing => "missing_session_cookie",
            Reason::Duplicate => "duplicate_session_cookie",
            Reason::Invalid => "invalid_session_cookie",
            Reason::Expired => "expired_session_cookie",
            Reason::TooLarge => "cookie_header_too_large",
        }
    }

    /// One sentence for the reader: the `message` of the JSON body.
    #[must_use]
    pub fn message(&self) -> &'static str {
        match self.reason {
            Reason::Missing => "There is no session cookie.",
            Reason::Duplicate => "The session cookie is set more than once.",
            Reason::Invalid => "The session cookie is not valid.",
            Reason::Expired => "The session cookie has expired.",
            Reason::TooLarge => "The cookie header is too large.",
        }
    }
}

paywall_internal::rejection_traits!(Sso2CookieRejection, |this| this.source.as_ref());
