//! One request to Accesstype: sent once, a redirect detected even when a caller's client
//! followed it, a `2xx` body read up to [`MAX_BODY_BYTES`], any other status an error at once.

use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::CONTENT_TYPE;
use reqwest::{RequestBuilder, Response};
use url::Url;

use crate::error::Error;
use crate::grant::MAX_BODY_BYTES;

/// Sends `request`, built for `url`, once, and reads the body of a `2xx` answer.
///
/// Any other status is [`Error::UnexpectedStatus`] without reading the body, whatever its
/// size: the status is what the caller needs (a `401` is a configuration error to report, a
/// `3xx` a redirect), and Accesstype documents no error body to read.
///
/// # Errors
///
/// [`Error::Transport`] (without the URL, which carries the user JWT),
/// [`Error::RedirectFollowed`] when the answer came from elsewhere,
/// [`Error::UnexpectedStatus`] for a status other than `2xx`, [`Error::BodyTooLarge`] for a
/// `2xx` body over the cap, announced or not.
pub(crate) async fn exchange(request: RequestBuilder, url: &Url) -> Result<Bytes, Error> {
    let response = request
        .send()
        .await
        .map_err(|error| Error::Transport(Arc::new(error.without_url())))?;
    if response.url() != url {
        return Err(Error::RedirectFollowed);
    }
    let status = response.status();
    if !status.is_success() {
        return Err(Error::UnexpectedStatus {
            status,
            content_type: media_type(&response),
        });
    }
    read_capped(response).await
}

/// Reads at most [`MAX_BODY_BYTES`]: a longer announced body is refused before reading, an
/// unannounced one as soon as it passes the cap (a never-ending body ends the call).
async fn read_capped(mut response: Response) -> Result<Bytes, Error> {
    let too_large = Error::BodyTooLarge {
        limit: MAX_BODY_BYTES,
    };
    match response.content_length() {
        Some(len) if len > MAX_BODY_BYTES as u64 => return Err(too_large),
        // HTTP framing holds a body to its announced length: read it in one go.
        Some(_) => {
            return response
                .bytes()
                .await
                .map_err(|error| Error::Transport(Arc::new(error.without_url())));
        }
        None => {}
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| Error::Transport(Arc::new(error.without_url())))?
    {
        if body.len().saturating_add(chunk.len()) > MAX_BODY_BYTES {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

/// The media type of the answer's `Content-Type` (`type/subtype`, lowercased, parameters
/// dropped); `None` when absent or not two RFC 9110 tokens, since the header is text the
/// server chose and ends up in an error.
fn media_type(response: &Response) -> Option<String> {
    const MAX_LEN: usize = 80;
    let header = response.headers().get(CONTENT_TYPE)?.as_bytes();
    let essence = header.split(|b| *b == b';').next()?.trim_ascii();
    let (kind, subtype) = essence.split_at(essence.iter().position(|b| *b == b'/')?);
    let subtype = subtype.get(1..)?;
    let is_token = |part: &[u8]| {
        !part.is_empty()
            && part
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b))
    };
    if essence.len() > MAX_LEN || !is_token(kind) || !is_token(subtype) {
        return None;
    }
    std::str::from_utf8(essence)
        .ok()
        .map(str::to_ascii_lowercase)
}
