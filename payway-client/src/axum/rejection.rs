//! The family's rejection body: `Content-Type: application/json` and
//! `{"error": "<code>", "message": "<sentence>"}`.

use axum_core::body::Body;
use axum_core::response::Response;
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderValue};

/// A response with `status` and the JSON body naming `code` and `message`.
pub(crate) fn json_rejection(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({"error": code, "message": message});
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
