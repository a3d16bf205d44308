//! [`SessionSource`]: where a request carries its tiun session id.

use http::HeaderName;
use http::request::Parts;

/// The header [`PaidSession`](crate::axum::PaidSession) reads the session id from unless the
/// client is built with another [`SessionSource`].
pub const SESSION_HEADER: &str = "X-Tiun-Session";

/// Where a request carries its tiun session id: a header (default [`SESSION_HEADER`]) or a
/// query parameter. Set it once on the client with
/// [`TiunClientBuilder::session_source`](crate::TiunClientBuilder::session_source).
///
/// ```
/// use tiun_client::TiunClient;
/// use tiun_client::axum::SessionSource;
///
/// let tiun = TiunClient::builder()
///     .base_url("http://127.0.0.1:8080/".parse()?)
///     .api_key("test-key")
///     .session_source(SessionSource::query("tiun_session"))
///     .build()?;
/// assert_eq!(tiun.session_source(), &SessionSource::query("tiun_session"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSource(Where);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Where {
    Header(HeaderName),
    Query(String),
}

/// Why a request's session id could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unreadable {
    /// Given twice (two headers, or a repeated query parameter): which one counts is not clear.
    Repeated,
    /// A header value that is not visible ASCII.
    NotText,
}

impl SessionSource {
    /// The session id is the value of header `name` (`HeaderName::from_static("x-session")`).
    pub fn header(name: HeaderName) -> Self {
        Self(Where::Header(name))
    }

    /// The session id is the value of query parameter `name` (form-decoded).
    pub fn query(name: impl Into<String>) -> Self {
        Self(Where::Query(name.into()))
    }

    /// The session id of a request: `Ok(None)` when absent or empty.
    pub(crate) fn read(&self, parts: &Parts) -> Result<Option<String>, Unreadable> {
        let found = match &self.0 {
            Where::Header(name) => only(parts.headers.get_all(name).iter())?
                .map(|value| value.to_str().map(|id| id.trim().to_owned()))
                .transpose()
                .map_err(|_| Unreadable::NotText)?,
            Where::Query(name) => {
                let query = parts.uri.query().unwrap_or_default();
                only(
                    url::form_urlencoded::parse(query.as_bytes())
                        .filter(|(key, _)| key == name)
                        .map(|(_, value)| value.into_owned()),
                )?
            }
        };
        Ok(found.filter(|id| !id.is_empty()))
    }
}

/// The one value of `values`, if any; a second is [`Unreadable::Repeated`].
fn only<T>(mut values: impl Iterator<Item = T>) -> Result<Option<T>, Unreadable> {
    let first = values.next();
    match values.next() {
        Some(_) => Err(Unreadable::Repeated),
        None => Ok(first),
    }
}

impl Default for SessionSource {
    /// The [`SESSION_HEADER`] header.
    fn default() -> Self {
        Self::header(HeaderName::from_static("x-tiun-session"))
    }
}

#[cfg(test)]
mod tests {
    use http::Request;

    use super::*;

    fn parts(uri: &str, headers: &[(&str, &[u8])]) -> Parts {
        let mut request = Request::builder().uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn the_default_header_is_the_documented_one() {
        assert_eq!(
            SessionSource::default(),
            SessionSource::header(HeaderName::from_bytes(SESSION_HEADER.as_bytes()).unwrap())
        );
        let source = SessionSource::default();
        assert_eq!(
            source.read(&parts("/", &[("x-tiun-session", b" s-1 ")])),
            Ok(Some("s-1".into()))
        );
        assert_eq!(source.read(&parts("/?x-tiun-session=s", &[])), Ok(None));
        assert_eq!(
            source.read(&parts("/", &[("x-tiun-session", b"")])),
            Ok(None)
        );
        assert_eq!(
            source.read(&parts(
                "/",
                &[("x-tiun-session", b"a"), ("x-tiun-session", b"b")]
            )),
            Err(Unreadable::Repeated)
        );
        assert_eq!(
            source.read(&parts("/", &[("x-tiun-session", b"s\xff")])),
            Err(Unreadable::NotText)
        );
    }

    #[test]
    fn a_query_parameter_is_form_decoded() {
        let source = SessionSource::query("s");
        assert_eq!(
            source.read(&parts("/a?x=1&s=a%2Fb+c", &[])),
            Ok(Some("a/b c".into()))
        );
        assert_eq!(source.read(&parts("/a?x=1", &[])), Ok(None));
        assert_eq!(source.read(&parts("/a", &[("s", b"x")])), Ok(None));
        assert_eq!(
            source.read(&parts("/a?s=1&s=2", &[])),
            Err(Unreadable::Repeated)
        );
    }
}
