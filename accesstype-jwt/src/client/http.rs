//! One request to Accesstype: sent once, a redirect detected even when a caller's client
//! followed it, a `2xx` body read up to [`MAX_BODY_BYTES`], any other status an error at once.

use std::sync::Arc;

use bytes::Bytes;
use paywall_internal::http::media_type;
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
            content_type: response.headers().get(CONTENT_TYPE).and_then(media_type),
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
