//! [`Reply`]: what a fake's handler answers, or a hang-up.

use std::fmt;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue, LOCATION};
use http::{Response, StatusCode};
use http_body_util::Full;
use serde_core::Serialize;

/// A fake's answer to one request: a response, or closing the connection without one. Boxed,
/// so that a handler's `Result<_, Reply>` stays small.
pub struct Reply(Option<Box<Response<Full<Bytes>>>>);

impl Reply {
    /// Close the connection without an answer (a fake's `drop_next`).
    #[must_use]
    pub fn hang_up() -> Self {
        Self(None)
    }

    /// `status` with an empty body.
    #[must_use]
    pub fn empty(status: StatusCode) -> Self {
        Self::bytes(status, Bytes::new())
    }

    /// `status` with `body`, without a `Content-Type`.
    #[must_use]
    pub fn bytes(status: StatusCode, body: impl Into<Bytes>) -> Self {
        let mut response = Response::new(Full::new(body.into()));
        *response.status_mut() = status;
        Self(Some(Box::new(response)))
    }

    /// `status` with `body` as JSON, `Content-Type: application/json`. A body that cannot be
    /// written (a map with non-string keys) is an empty `500`.
    #[must_use]
    pub fn json<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => Self::bytes(status, bytes).content_type("application/json"),
            Err(_) => Self::empty(StatusCode::INTERNAL_SERVER_ERROR),
        }
    }

    /// `status` with `body` as a page, `Content-Type: text/html; charset=utf-8`.
    #[must_use]
    pub fn html(status: StatusCode, body: String) -> Self {
        Self::bytes(status, body).content_type("text/html; charset=utf-8")
    }

    /// `303 See Other` to `location`, with an empty `text/plain` body.
    #[must_use]
    pub fn see_other(location: &str) -> Self {
        Self::empty(StatusCode::SEE_OTHER)
            .content_type("text/plain; charset=utf-8")
            .header(LOCATION.as_str(), location)
    }

    /// The same reply with `Content-Type: media_type`.
    #[must_use]
    pub fn content_type(self, media_type: &'static str) -> Self {
        self.header(CONTENT_TYPE.as_str(), media_type)
    }

    /// The same reply with header `name: value` (replacing one of that name); a name or value
    /// that is not valid in a header is left out.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let (Some(response), Ok(name), Ok(value)) = (
            self.0.as_mut(),
            HeaderName::try_from(name),
            HeaderValue::try_from(value),
        ) {
            response.headers_mut().insert(name, value);
        }
        self
    }

    /// The status, `None` for a hang-up.
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        self.0.as_ref().map(|response| response.status())
    }

    /// The response hyper sends; `None` to hang up.
    pub(crate) fn into_response(self) -> Option<Response<Full<Bytes>>> {
        self.0.map(|response| *response)
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_carry_their_status_type_and_headers() {
        let reply = Reply::json(StatusCode::NOT_FOUND, &serde_json::json!({"a": 1}))
            .content_type("application/problem+json")
            .header("access-control-allow-origin", "*")
            .header("bad name", "x")
            .header("x-bad-value", "a\nb");
        assert_eq!(reply.status(), Some(StatusCode::NOT_FOUND));
        let response = reply.into_response().unwrap();
        let headers = response.headers();
        assert_eq!(headers[CONTENT_TYPE], "application/problem+json");
        assert_eq!(headers["access-control-allow-origin"], "*");
        assert_eq!(headers.len(), 2);
        assert!(Reply::hang_up().into_response().is_none());
        let page = Reply::html(StatusCode::OK, "<p>x</p>".to_owned())
            .into_response()
            .unwrap();
        assert_eq!(page.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
        let moved = Reply::see_other("/next?a=1").into_response().unwrap();
        assert_eq!(moved.status(), StatusCode::SEE_OTHER);
        assert_eq!(moved.headers()[LOCATION], "/next?a=1");
        assert_eq!(moved.headers()[CONTENT_TYPE], "text/plain; charset=utf-8");
        assert_eq!(
            format!("{:?}", Reply::hang_up()),
            "Reply { status: None, .. }"
        );
        let mut not_json = std::collections::HashMap::new();
        not_json.insert((1, 2), 3);
        assert_eq!(
            Reply::json(StatusCode::OK, &not_json).status(),
            Some(StatusCode::INTERNAL_SERVER_ERROR)
        );
    }
}
