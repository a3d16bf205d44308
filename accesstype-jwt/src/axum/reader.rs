//! The [`Reader`] extractor: the reader id in the request's `at-meter` cookie, or a fresh one
//! whose `Set-Cookie` the response carries.

use std::convert::Infallible;
use std::fmt;
use std::ops::Deref;

use axum_core::extract::OptionalFromRequestParts;
use axum_core::response::{IntoResponseParts, ResponseParts};
use http::header::{COOKIE, SET_COOKIE};
use http::request::Parts;
use http::{HeaderValue, StatusCode};

use crate::cookie::ReaderCookie;
use crate::error::Error;
use crate::reader::ReaderId;
use paywall_internal::axum::keep_private;

/// The reader of a request: the id in their `at-meter` cookie, or a fresh one.
///
/// Extract it in any handler whose state gives a [`ReaderCookie`] through
/// [`FromRef`](axum_core::extract::FromRef); it derefs to [`ReaderId`] for
/// [`Environment::story_access_url`](crate::Environment::story_access_url) and the like.
/// Return it in the response (`(reader, body)`) so that a fresh id reaches the browser: it
/// then adds `Set-Cookie: at-meter=...` (and `Cache-Control: private, no-store`, unless the
/// response has its own), and nothing when the browser already had an id. Put
/// it after any header array in the response tuple (`([(SET_COOKIE, ..)], reader, body)`):
/// such an array replaces the headers of its name, while the reader adds its own.
///
/// The cookie is read across every `Cookie` header (HTTP/2 sends one per cookie). A request
/// with no `at-meter` cookie, a malformed one, more than one (one may have been planted by a
/// sibling subdomain: no id is taken from an ambiguous request), or `Cookie` headers over
/// [`MAX_COOKIE_HEADER_BYTES`](crate::MAX_COOKIE_HEADER_BYTES) gets a fresh id.
///
/// `Option<Reader>` reads the cookie only: `Some` for a reader who already has a well-formed,
/// unique id, `None` otherwise, and never makes one.
///
/// ```
/// use accesstype_jwt::axum::Reader;
/// use accesstype_jwt::{CookieDomain, Environment, ReaderCookie};
/// use axum::extract::FromRef;
/// use axum::{Router, routing::get};
///
/// #[derive(Clone)]
/// struct AppState {
///     reader_cookie: ReaderCookie,
///     account_key: String,
/// }
///
/// impl FromRef<AppState> for ReaderCookie {
///     fn from_ref(state: &AppState) -> Self {
///         state.reader_cookie.clone()
///     }
/// }
///
/// async fn story(
///     axum::extract::State(state): axum::extract::State<AppState>,
///     reader: Reader,
/// ) -> (Reader, String) {
///     let check = Environment::Production.story_access_url("42", &state.account_key, &reader, None);
///     let page = format!("access check prepared: {}", check.is_ok());
///     (reader, page)
/// }
///
/// let state = AppState {
///     reader_cookie: ReaderCookie::for_domain(CookieDomain::new("news.example.com")?),
///     account_key: "account-key".to_owned(),
/// };
/// let app: Router = Router::new().route("/story", get(story)).with_state(state);
/// # Ok::<(), accesstype_jwt::Error>(())
/// ```
#[derive(Clone)]
pub struct Reader {
    id: ReaderId,
    /// The `Set-Cookie` value, for a fresh id only.
    set_cookie: Option<HeaderValue>,
}

impl Reader {
    /// The reader's id.
    #[must_use]
    pub fn id(&self) -> &ReaderId {
        &self.id
    }

    /// Whether the id was made for this request (the browser sent none, or an unusable one).
    #[must_use]
    pub fn is_fresh(&self) -> bool {
        self.set_cookie.is_some()
    }

    /// The reader's id, dropping the cookie to set.
    #[must_use]
    pub fn into_id(self) -> ReaderId {
        self.id
    }

    /// The id in the request's `at-meter` cookie, if there is exactly one and it is
    /// well-formed.
    fn from_cookies(parts: &Parts) -> Option<ReaderId> {
        let headers = parts.headers.get_all(COOKIE).iter();
        ReaderId::from_cookie_headers(headers.map(HeaderValue::as_bytes))
            .ok()
            .flatten()
    }
}

impl From<ReaderId> for Reader {
    /// A reader whose id you already know (a device id, an id your app stored): no cookie is
    /// set for it.
    fn from(id: ReaderId) -> Self {
        Self {
            id,
            set_cookie: None,
        }
    }
}

impl Deref for Reader {
    type Target = ReaderId;

    fn deref(&self) -> &ReaderId {
        &self.id
    }
}

impl AsRef<ReaderId> for Reader {
    fn as_ref(&self) -> &ReaderId {
        &self.id
    }
}

impl fmt::Debug for Reader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader")
            .field("id", &self.id)
            .field("fresh", &self.is_fresh())
            .finish()
    }
}

paywall_internal::from_request_parts!(
    required Reader, ReaderCookie, ReaderRejection,
    |parts, cookie| {
        if let Some(id) = Self::from_cookies(parts) {
            return Ok(Self::from(id));
        }
        let id = ReaderId::generate().map_err(|error| ReaderRejection {
            source: Some(error),
        })?;
        // A checked domain, hex and an HTTP date: always a valid header value.
        let set_cookie = HeaderValue::try_from(id.set_cookie(&cookie))
            .map_err(|_| ReaderRejection { source: None })?;
        Ok(Self {
            id,
            set_cookie: Some(set_cookie),
        })
    }
);

impl<S> OptionalFromRequestParts<S> for Reader
where
    S: Send + Sync,
{
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(Self::from_cookies(parts).map(Self::from))
    }
}

impl IntoResponseParts for Reader {
    type Error = Infallible;

    /// Appends the `Set-Cookie` of a fresh id, and `Cache-Control: private, no-store` unless
    /// the response has its own (a shared cache that kept it would give every later reader
    /// this id, and one meter); a known id adds nothing. Other `Set-Cookie` headers of the
    /// response are kept.
    fn into_response_parts(self, mut res: ResponseParts) -> Result<ResponseParts, Infallible> {
        if let Some(set_cookie) = self.set_cookie {
            res.headers_mut().append(SET_COOKIE, set_cookie);
            keep_private(res.headers_mut());
        }
        Ok(res)
    }
}

/// Why a [`Reader`] could not be extracted: the operating system's random number generator
/// failed, so no fresh id could be made. Answers `500` with
/// `{"error":"reader_id_unavailable","message":"..."}`; the generator's error is the
/// [`source`](std::error::Error::source).
#[derive(Debug, Clone)]
pub struct ReaderRejection {
    /// [`Error::Random`], when the generator failed.
    source: Option<Error>,
}

impl ReaderRejection {
    /// `500 Internal Server Error`.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    /// `reader_id_unavailable`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        "reader_id_unavailable"
    }

    /// One sentence: the `message` of the JSON body.
    #[must_use]
    pub fn message(&self) -> &'static str {
        "No reader id could be made: the random number generator failed."
    }
}

paywall_internal::rejection_traits!(ReaderRejection, |this| this.source.as_ref());

#[cfg(test)]
mod tests {
    use axum_core::response::IntoResponse;
    use http::header::CONTENT_TYPE;

    use super::ReaderRejection;

    #[tokio::test]
    async fn the_rejection_is_a_small_json_500() {
        use http_body_util::BodyExt;

        let rejection = ReaderRejection { source: None };
        assert_eq!(rejection.status(), 500);
        assert_eq!(rejection.code(), "reader_id_unavailable");
        let response = rejection.into_response();
        assert_eq!(response.status(), 500);
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"], "reader_id_unavailable");
        assert_eq!(
            body["message"],
            "No reader id could be made: the random number generator failed."
        );
        assert_eq!(body.as_object().unwrap().len(), 2);
    }

    #[test]
    fn the_rejection_is_an_error_with_the_generator_failure_as_its_source() {
        use std::error::Error as _;

        let rejection = ReaderRejection {
            source: Some(crate::Error::Random(getrandom::Error::UNSUPPORTED)),
        };
        assert_eq!(rejection.to_string(), rejection.message());
        let source = rejection.source().unwrap();
        assert!(source.to_string().contains("random number generator"));
        assert!(ReaderRejection { source: None }.source().is_none());
    }
}
