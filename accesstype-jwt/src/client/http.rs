//! One request to Accesstype, through the family's `send`: sent once, a redirect detected even
//! when a caller's client followed it, a `2xx` body read up to
//! [`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES), any other status an error at once (with the
//! media type of its `Content-Type`, its body unread).

use bytes::Bytes;
use paywall_internal::http::{ErrorBody, Read, SendError, send};
use paywall_internal::redact::Redaction;
use reqwest::RequestBuilder;
use reqwest::header::HeaderValue;
use url::Url;

use crate::error::Error;

/// Sends `request`, built for `url`, as the module docs say, and reads the body of a `2xx`
/// answer with `parse`. The media type of an [`Error::UnexpectedStatus`] is cut of the API
/// key, the account key, the reader id, the user JWT and `more`, in any case, should
/// Accesstype echo them; an [`Error::Parse`] from `parse` gets the answer's status and media
/// type, cut the same way; an [`Error::Transport`] holds no URL, which carries the user JWT.
pub(crate) async fn exchange<T>(
    request: RequestBuilder,
    url: &Url,
    api_key: &HeaderValue,
    more: &[&str],
    parse: impl FnOnce(&Bytes) -> Result<T, Error>,
) -> Result<T, Error> {
    let answer = send(request, url.clone(), Read::Success)
        .await
        .map_err(unusable)?;
    match &answer.body {
        Some(body) if answer.status.is_success() => parse(body).map_err(|error| match error {
            Error::Parse(error) => cut(url, api_key, more, |redaction| {
                Error::Parse(answer.complete(error, redaction, ErrorBody::Withheld))
            }),
            other => other,
        }),
        _ => cut(url, api_key, more, |redaction| {
            Err(Error::UnexpectedStatus {
                status: answer.status,
                content_type: answer.content_type.map(|media| redaction.media_type(media)),
            })
        }),
    }
}

/// `make` with the redaction of what identifies the site or the reader in `url`, the API key
/// and `more`: built only for an answer that cannot be used.
fn cut<R>(
    url: &Url,
    api_key: &HeaderValue,
    more: &[&str],
    make: impl FnOnce(&Redaction<'_>) -> R,
) -> R {
    let sent: Vec<_> = url
        .query_pairs()
        .filter(|(name, _)| SECRET_PARAMS.contains(&name.as_ref()))
        .map(|(_, value)| value)
        .collect();
    let mut secrets: Vec<&str> = sent.iter().map(AsRef::as_ref).collect();
    secrets.extend(api_key.to_str().ok());
    secrets.extend(more);
    make(&Redaction::of(&secrets))
}

/// The query parameters that carry what identifies the site or the reader.
const SECRET_PARAMS: [&str; 3] = ["key", "readerId", "accesstype_jwt"];

/// The variant of each reason the core gives for an answer that cannot be used.
fn unusable(error: SendError) -> Error {
    match error {
        SendError::Transport(cause) => Error::Transport(cause),
        SendError::RedirectFollowed => Error::RedirectFollowed,
        SendError::BodyTooLarge { limit, .. } => Error::BodyTooLarge { limit },
    }
}
