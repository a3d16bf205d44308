//! Axum extractors (feature `axum`, on `axum-core` and `http` only).
//!
//! - [`TicketReturn`]: the return from Tulo Shop, read with a
//!   [`ReturnPolicy`](crate::ReturnPolicy) from your state (through `FromRef`) and bound to
//!   the browser that started the login; any other request is answered `400`.
//! - [`SetCookies`] is a response part: each of its values goes out as a `Set-Cookie` header,
//!   and an answer that sets one is marked `Cache-Control: private, no-store` (unless it has
//!   its own).
//! - [`Sso2Cookie`]: the reader's sealed SSO2 session cookie, opened with the
//!   [`SessionCookieKey`](crate::sso2::SessionCookieKey) in your state (through `FromRef`).
//! - [`Sso2Page`] is a response part: its cookies, and `Cache-Control: private, no-store`
//!   (unless the answer has its own) on every page the flow answered for.
//!
//! ```
//! use axum::{Router, routing::get};
//! use payway_client::{ReturnPolicy, axum::TicketReturn};
//!
//! async fn welcome_back(back: TicketReturn) -> impl axum::response::IntoResponse {
//!     // `back` derefs to `TicketCallback`: hand `back.ticket()` to `login_with_ticket`, and
//!     // send `set_cookies` (it clears the login's state cookie).
//!     let text = format!("return url: {:?}", back.return_url().map(|u| u.as_str()));
//!     (back.set_cookies().clone(), text)
//! }
//!
//! // Here the state is the policy itself; in an app, implement `FromRef<AppState>` for
//! // `ReturnPolicy` (the crate's README shows the whole app).
//! let app: Router = Router::new()
//!     .route("/welcome-back", get(welcome_back))
//!     .with_state(ReturnPolicy::allow_hosts(["news.example.com"]));
//! drop(app);
//! ```

mod sso2_cookie;
mod ticket_return;

use std::convert::Infallible;

use axum_core::response::{IntoResponseParts, ResponseParts};
use http::header::{HeaderValue, SET_COOKIE};
use paywall_internal::axum::keep_private;

use crate::login_state::SetCookies;
use crate::sso2::Sso2Page;

pub use sso2_cookie::{Sso2Cookie, Sso2CookieRejection};
pub use ticket_return::{TicketReturn, TicketReturnRejection};

/// Appends one `Set-Cookie` header per value, in order, so a handler can return
/// `(landed.set_cookies, Redirect::to(..))`. Every value this crate builds is a valid header
/// value (base64url and cookie attributes); one that were not would be left out.
///
/// An answer that sets a cookie is also marked `Cache-Control: private, no-store`, unless it
/// has a `Cache-Control` of its own: a shared cache (a CDN) that kept it would hand the
/// cookie (a sealed session, a login's state) to every reader after this one.
impl IntoResponseParts for SetCookies {
    type Error = Infallible;

    fn into_response_parts(self, mut parts: ResponseParts) -> Result<ResponseParts, Infallible> {
        let mut set = false;
        for value in self {
            if let Ok(value) = HeaderValue::try_from(value) {
                parts.headers_mut().append(SET_COOKIE, value);
                set = true;
            }
        }
        if set {
            keep_private(parts.headers_mut());
        }
        Ok(parts)
    }
}

/// Returned with the answer the flow asked for (`(page, body)`, or `(page, redirect)` for
/// [`Sso2Page::Identify`]), the page sends its [`set_cookies`](Sso2Page::set_cookies) and
/// marks the answer `Cache-Control: private, no-store`, unless it has a `Cache-Control` of
/// its own, whichever the variant and whether a cookie is set or not. One URL serves a
/// subscriber the article, another reader the paywall, and a bot the public page: a shared
/// cache (a CDN) that kept any of them by URL would serve it to the next reader.
///
/// ```
/// use axum::response::{IntoResponse, Redirect, Response};
/// use payway_client::sso2::Sso2Page;
///
/// fn answer(page: Sso2Page) -> Response {
///     let body = match &page {
///         Sso2Page::Identify { url, .. } => Redirect::to(url.as_str()).into_response(),
///         Sso2Page::Session { cookie, .. } if cookie.has_product("premium") => {
///             "the whole article".into_response()
///         }
///         _ => "the first paragraph, and the paywall".into_response(),
///     };
///     (page, body).into_response()
/// }
/// # drop(answer);
/// ```
impl IntoResponseParts for Sso2Page {
    type Error = Infallible;

    fn into_response_parts(self, parts: ResponseParts) -> Result<ResponseParts, Infallible> {
        let mut parts = self.set_cookies().clone().into_response_parts(parts)?;
        keep_private(parts.headers_mut());
        Ok(parts)
    }
}
