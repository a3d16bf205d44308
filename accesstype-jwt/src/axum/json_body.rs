//! The JSON bodies of this module's responses and rejections.

use axum_core::body::Body;
use axum_core::response::{IntoResponse, Response};
use http::header::CONTENT_TYPE;
use http::{HeaderValue, StatusCode};
use serde::Serialize;

/// `status` with the body as JSON (`Content-Type: application/json`); a `500` without a body
/// if it cannot be written, which the types here never cause.
pub(crate) fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            *response.status_mut() = status;
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A rejection's body: `{"error": code, "message": sentence}` and the fields a page needs.
#[derive(Serialize)]
pub(crate) struct RejectionBody<'a, E: Serialize> {
    pub(crate) error: &'a str,
    pub(crate) message: &'a str,
    #[serde(flatten)]
    pub(crate) extra: E,
}
