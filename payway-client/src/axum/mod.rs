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
