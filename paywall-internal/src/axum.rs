//! The family's axum rejection body: `Content-Type: application/json` and
//! `{"error": "<snake_case code>", "message": "<one sentence>"}`, plus documented,
//! non-personal fields where a page needs them. No secret, token or personal data goes in.
//!
//! Every answer made here is `Cache-Control: private, no-store`: it depends on who asked (a
//! cookie, a header), so a shared cache (a CDN, a proxy) that kept it by URL would answer the
//! next reader with it: a paying reader with another reader's wall.

use axum_core::body::Body;
use axum_core::response::{IntoResponse, Response};
use http::HeaderMap;
use http::StatusCode;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use serde_core::Serialize;
use serde_json::{Map, Value};

/// `status` with `body` as JSON (`Content-Type: application/json`), not to be stored by any
/// shared cache (`Cache-Control: private, no-store`); an empty `500` if it cannot be written,
/// which the family's bodies never cause.
pub fn json_response<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Response {
    let mut response = match serde_json::to_vec(body) {
        Ok(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            *response.status_mut() = status;
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    response.headers_mut().insert(CACHE_CONTROL, private());
    response
}

/// Marks an answer made for one reader (a paid story, a reader's page) `Cache-Control:
/// private, no-store`, unless `headers` already hold a `Cache-Control`, which a handler set
/// on purpose: a shared cache (a CDN) that kept it by URL would serve it to the next reader.
pub fn keep_private(headers: &mut HeaderMap) {
    headers.entry(CACHE_CONTROL).or_insert_with(private);
}

fn private() -> HeaderValue {
    HeaderValue::from_static("private, no-store")
}

/// A rejection: `status` and `{"error": code, "message": message}`.
pub fn rejection(status: StatusCode, code: &str, message: &str) -> Response {
    json_response(status, &body(code, message))
}

/// A rejection with the members `extra` after `error` and `message`, which they cannot
/// replace.
pub fn rejection_with<'a>(
    status: StatusCode,
    code: &str,
    message: &str,
    extra: impl IntoIterator<Item = (&'a str, Value)>,
) -> Response {
    let mut members = body(code, message);
    for (name, value) in extra {
        members.entry(name).or_insert(value);
    }
    json_response(status, &members)
}

fn body(code: &str, message: &str) -> Map<String, Value> {
    let mut members = Map::new();
    members.insert("error".to_owned(), Value::from(code));
    members.insert("message".to_owned(), Value::from(message));
    members
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;
    use serde_json::json;

    use super::*;

    async fn parts(response: Response) -> (StatusCode, String, Value) {
        let status = response.status();
        assert_eq!(response.headers()[CACHE_CONTROL], "private, no-store");
        let content_type = response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            content_type,
            serde_json::from_slice(&bytes).unwrap(),
        )
    }

    #[tokio::test]
    async fn a_rejection_is_a_small_json_body() {
        let (status, content_type, body) = parts(rejection(
            StatusCode::PAYMENT_REQUIRED,
            "missing_session",
            "This content needs a paid session.",
        ))
        .await;
        assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
        assert_eq!(content_type, "application/json");
        assert_eq!(
            body,
            json!({"error": "missing_session", "message": "This content needs a paid session."})
        );
    }

    #[tokio::test]
    async fn extra_fields_follow_and_cannot_replace_the_code() {
        let (_, _, body) = parts(rejection_with(
            StatusCode::UNAUTHORIZED,
            "login_required",
            "Log in to read on.",
            [
                ("login_url", json!("/login")),
                ("error", json!("overridden")),
            ],
        ))
        .await;
        assert_eq!(
            body,
            json!({"error": "login_required", "message": "Log in to read on.", "login_url": "/login"})
        );
        let (status, _, body) = parts(json_response(StatusCode::OK, &json!([1, 2]))).await;
        assert_eq!((status, body), (StatusCode::OK, json!([1, 2])));
    }

    #[test]
    fn an_answer_is_kept_private_unless_it_says_otherwise() {
        let mut headers = HeaderMap::new();
        keep_private(&mut headers);
        assert_eq!(headers[CACHE_CONTROL], "private, no-store");
        let mut headers = HeaderMap::new();
        headers.insert(
            CACHE_CONTROL,
            HeaderValue::from_static("private, max-age=60"),
        );
        keep_private(&mut headers);
        assert_eq!(headers[CACHE_CONTROL], "private, max-age=60");
        assert_eq!(headers.get_all(CACHE_CONTROL).iter().count(), 1);
    }
}
