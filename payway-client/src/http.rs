//! The HTTP policy every call goes through: no redirects (detected even when a custom client
//! follows them), a capped body read, sensitive `Authorization` headers.

use reqwest::header::{CONTENT_TYPE, HeaderValue, InvalidHeaderValue};
use reqwest::{Request, Response, StatusCode};

use crate::error::Error;
use crate::provider_error::ProviderError;
use crate::secret::AccessToken;

/// The largest response body this crate reads from Payway, in bytes (64 KiB).
///
/// A larger body is an [`Error::BodyTooLarge`]: it is never buffered whole.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The longest media type kept from a `Content-Type` header, in bytes.
const MAX_MEDIA_TYPE_BYTES: usize = 100;

/// A response body read in full, with its checked media type.
pub(crate) struct Received {
    pub(crate) bytes: Vec<u8>,
    pub(crate) content_type: Option<String>,
}

/// Sends `request`; returns the response once its status is known, body unread.
///
/// A `3xx` answer is an `Err` (our own client never follows one); a response that comes
/// from another URL than the request went to means a caller-supplied client followed a
/// redirect, which is an `Err` too.
pub(crate) async fn send(http: &reqwest::Client, request: Request) -> Result<Response, Error> {
    let sent_to = request.url().clone();
    let response = http.execute(request).await.map_err(Error::transport)?;
    if response.url() != &sent_to {
        return Err(Error::RedirectFollowed);
    }
    let status = response.status();
    crate::trace::status(status);
    if status.is_redirection() {
        return Err(Error::Redirect { status });
    }
    Ok(response)
}

/// Reads the body, refusing more than [`MAX_BODY_BYTES`] without buffering the rest.
pub(crate) async fn read_body(mut response: Response) -> Result<Received, Error> {
    let too_large = Error::BodyTooLarge {
        limit: MAX_BODY_BYTES,
    };
    if response
        .content_length()
        .is_some_and(|len| len > MAX_BODY_BYTES as u64)
    {
        return Err(too_large);
    }
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| media_type(value.as_bytes()));
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Error::transport)? {
        if bytes.len().saturating_add(chunk.len()) > MAX_BODY_BYTES {
            return Err(too_large);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Received {
        bytes,
        content_type,
    })
}

/// The media type of a `Content-Type` value, lowercased and without parameters
/// (`type/subtype`); `None` unless both halves are RFC 9110 tokens and it fits in 100 bytes.
/// The header is text the provider chose, and errors show it in their `Debug` output.
pub(crate) fn media_type(value: &[u8]) -> Option<String> {
    let essence = value.split(|byte| *byte == b';').next()?.trim_ascii();
    if essence.len() > MAX_MEDIA_TYPE_BYTES {
        return None;
    }
    let (kind, subtype) = std::str::from_utf8(essence).ok()?.split_once('/')?;
    let is_token = |part: &str| !part.is_empty() && part.bytes().all(is_token_char);
    (is_token(kind) && is_token(subtype)).then(|| format!("{kind}/{subtype}").to_ascii_lowercase())
}

/// RFC 9110's `tchar`.
fn is_token_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// `Authorization: Bearer {token}`, marked sensitive so it never shows in `Debug` output.
pub(crate) fn bearer(token: &AccessToken) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::try_from(format!("Bearer {}", token.expose_secret())).map_err(
        |_: InvalidHeaderValue| Error::InvalidInput {
            what: "access token",
            reason: "contains characters not allowed in an HTTP header",
        },
    )?;
    value.set_sensitive(true);
    Ok(value)
}

/// Which kind of endpoint refused a request: only the token endpoint authenticates this
/// client with its id and secret, so only there can a refusal be about them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Token,
    Resource,
}

/// The status of a response that is not a success, as the matching [`Error`]. `secrets` are
/// what the request carried (client secret, ticket, token): cut out of the details, should
/// Payway echo them.
pub(crate) fn status_error(
    endpoint: Endpoint,
    status: StatusCode,
    body: &Received,
    secrets: &[&str],
) -> Error {
    let details = ProviderError::from_body(status, body.content_type.clone(), &body.bytes, secrets);
    let about_client = endpoint == Endpoint::Token && details.is_client_credentials_error();
    match status {
        StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED if about_client => {
            Error::ClientCredentials(details)
        }
        StatusCode::BAD_REQUEST => Error::BadRequest(details),
        StatusCode::UNAUTHORIZED => Error::Unauthorized(details),
        _ => Error::UnexpectedStatus(details),
    }
}

/// Reads an error response's body for its details; a body that cannot be read in full
/// (too large, connection dropped) still yields the status, without details.
pub(crate) async fn error_from_response(
    endpoint: Endpoint,
    response: Response,
    secrets: &[&str],
) -> Error {
    let status = response.status();
    let body = read_body(response).await.unwrap_or(Received {
        bytes: Vec::new(),
        content_type: None,
    });
    status_error(endpoint, status, &body, secrets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_checked_media_type_is_kept() {
        for (value, expected) in [
            (&b"application/json"[..], Some("application/json")),
            (b"Application/JSON; charset=utf-8", Some("application/json")),
            (b" text/html ;q=1", Some("text/html")),
            (
                b"application/problem+json",
                Some("application/problem+json"),
            ),
            (b"", None),
            (b"json", None),
            (b"/json", None),
            (b"application/", None),
            (b"a/b/c", None),
            (b"text/plain ada@example.com", None),
            (b"application/json<script>", None),
            (b"text/\xe5", None),
        ] {
            assert_eq!(media_type(value).as_deref(), expected, "{value:?}");
        }
        let long = format!("application/{}", "x".repeat(MAX_MEDIA_TYPE_BYTES));
        assert_eq!(media_type(long.as_bytes()), None);
    }

    #[test]
    fn bearer_header_is_sensitive() {
        let value = bearer(&AccessToken::new("tok-123")).unwrap();
        assert!(value.is_sensitive());
        assert_eq!(value.to_str().unwrap(), "Bearer tok-123");
        assert!(!format!("{value:?}").contains("tok-123"));
    }

    #[test]
    fn bearer_refuses_header_injection() {
        let err = bearer(&AccessToken::new("zq9secret\r\nX-Evil: 1")).unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }));
        assert!(!format!("{err} {err:?}").contains("zq9secret"));
    }

    fn body(text: &[u8]) -> Received {
        Received {
            bytes: text.to_vec(),
            content_type: None,
        }
    }

    #[test]
    fn statuses_map_to_typed_errors() {
        let token = Endpoint::Token;
        assert!(matches!(
            status_error(token, StatusCode::BAD_REQUEST, &body(b"{}"), &[]),
            Error::BadRequest(_)
        ));
        assert!(matches!(
            status_error(
                token,
                StatusCode::UNAUTHORIZED,
                &body(br#"{"error":"invalid_grant"}"#),
                &[]
            ),
            Error::Unauthorized(_)
        ));
        assert!(matches!(
            status_error(
                token,
                StatusCode::UNAUTHORIZED,
                &body(br#"{"error":"invalid_client"}"#),
                &[]
            ),
            Error::ClientCredentials(_)
        ));
        // Elsewhere "client" is a parameter (the shop's client id), not our credentials.
        assert!(matches!(
            status_error(
                Endpoint::Resource,
                StatusCode::BAD_REQUEST,
                &body(br#"{"message":"Unknown client"}"#),
                &[]
            ),
            Error::BadRequest(_)
        ));
        let e = status_error(token, StatusCode::SERVICE_UNAVAILABLE, &body(b"down"), &[]);
        assert!(matches!(e, Error::UnexpectedStatus(_)));
        assert_eq!(e.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    }
}
