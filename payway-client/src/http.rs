//! The HTTP policy every call goes through: no redirects (detected even when a custom client
//! follows them), a capped body read, sensitive `Authorization` headers.

use paywall_internal::http::{self as core, Answer, Read, SendError};
use reqwest::header::{HeaderValue, InvalidHeaderValue};
use reqwest::{RequestBuilder, StatusCode};
use url::Url;

use crate::error::Error;
use crate::provider_error::ProviderError;
use crate::secret::AccessToken;

/// The largest response body this crate reads from Payway, in bytes (64 KiB).
///
/// A larger body is an [`Error::BodyTooLarge`]: it is never buffered whole.
pub const MAX_BODY_BYTES: usize = core::MAX_BODY_BYTES;

/// Sends `request` (to `url`) through the family's `send` and reads the answer: a status
/// `ok` accepts, with its body read up to [`MAX_BODY_BYTES`]; any other status as the matching
/// [`Error`], with `secrets` (what the request carried) cut from its details.
///
/// A `3xx` answer is an `Err` (our own client never follows one); a response that comes
/// from another URL than the request went to means a caller-supplied client followed a
/// redirect, which is an `Err` too.
pub(crate) async fn call(
    endpoint: Endpoint,
    request: RequestBuilder,
    url: &Url,
    secrets: &[&str],
    ok: fn(StatusCode) -> bool,
) -> Result<Answer, Error> {
    let answer =
        core::send(request, url.clone(), Read::All)
            .await
            .map_err(|error| match error {
                SendError::Transport(error) => Error::Transport(error),
                SendError::RedirectFollowed => Error::RedirectFollowed,
                SendError::BodyTooLarge { limit, .. } => Error::BodyTooLarge { limit },
            })?;
    let status = answer.status;
    #[cfg(feature = "tracing")]
    tracing::debug!(status = status.as_u16(), "payway answered");
    if status.is_redirection() {
        return Err(Error::Redirect { status });
    }
    if !ok(status) {
        return Err(status_error(endpoint, &answer, secrets));
    }
    Ok(answer)
}

/// Any `2xx`: what most calls accept.
pub(crate) fn success(status: StatusCode) -> bool {
    status.is_success()
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
pub(crate) fn status_error(endpoint: Endpoint, answer: &Answer, secrets: &[&str]) -> Error {
    let (status, content_type) = (answer.status, answer.content_type.clone());
    let details = ProviderError::from_body(status, content_type, answer.bytes(), secrets);
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

#[cfg(test)]
mod tests {
    use super::*;

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

    fn answer(status: StatusCode, text: &[u8]) -> Answer {
        Answer {
            status,
            content_type: None,
            body: Some(text.to_vec().into()),
        }
    }

    #[test]
    fn statuses_map_to_typed_errors() {
        use Endpoint::{Resource, Token};
        // Elsewhere than at the token endpoint "client" is a parameter (the shop's client id),
        // not our credentials.
        let cases = [
            (Token, 400, &b"{}"[..], "BadRequest("),
            (Token, 401, br#"{"error":"invalid_grant"}"#, "Unauthorized("),
            (
                Token,
                401,
                br#"{"error":"invalid_client"}"#,
                "ClientCredentials(",
            ),
            (
                Resource,
                400,
                br#"{"message":"Unknown client"}"#,
                "BadRequest(",
            ),
            (Token, 503, b"down", "UnexpectedStatus("),
        ];
        for (endpoint, status, body, variant) in cases {
            let status = StatusCode::from_u16(status).unwrap();
            let error = status_error(endpoint, &answer(status, body), &[]);
            let shown = format!("{error:?}");
            assert!(shown.starts_with(variant), "{status}: {shown}");
            assert_eq!(error.status(), Some(status));
        }
    }
}
