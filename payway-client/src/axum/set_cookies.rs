//! [`SetCookies`] as a response part: one `Set-Cookie` header per value.

use std::convert::Infallible;

use axum_core::response::{IntoResponseParts, ResponseParts};
use http::header::{HeaderValue, SET_COOKIE};

use crate::login_state::SetCookies;

/// Appends one `Set-Cookie` header per value, in order, so a handler can return
/// `(landed.set_cookies, Redirect::to(..))`. Every value this crate builds is a valid header
/// value (base64url and cookie attributes); one that were not would be left out.
impl IntoResponseParts for SetCookies {
    type Error = Infallible;

    fn into_response_parts(self, mut parts: ResponseParts) -> Result<ResponseParts, Infallible> {
        for value in self {
            if let Ok(value) = HeaderValue::try_from(value) {
                parts.headers_mut().append(SET_COOKIE, value);
            }
        }
        Ok(parts)
    }
}
