//! One request to tiun: the key header, the timeout, the redirect check and the capped body.

use std::future::Future;
use std::pin::Pin;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use url::Url;

use crate::client::TiunClient;
use crate::error::Error;
use crate::problem::ProblemDetails;
use crate::redact::Secrets;

/// The most bytes of a response body this crate reads; a larger body is not buffered.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

const ACCEPT_JSON: HeaderValue =
    HeaderValue::from_static("application/json, application/problem+json");

/// What tiun answered: the status, and the body when it was read.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    /// The media type of `Content-Type`, when well-formed and the body was read.
    pub(crate) content_type: Option<String>,
    /// `None` when the body was larger than [`MAX_BODY_BYTES`]; with [`ReadBody::UnlessOk`],
    /// also when it was not read (a `200`) or broke off.
    pub(crate) body: Option<Vec<u8>>,
}

impl Answer {
    /// The body's problem details, with every spelling of `secrets` cut out; `None` when the
    /// body was not read or is not a JSON object.
    pub(crate) fn problem(&self, secrets: &Secrets<'_>) -> Option<ProblemDetails> {
        let body = self.body.as_deref()?;
        ProblemDetails::parse(body, secrets)
    }
}

/// When to read the body of an answer.
#[derive(Clone, Copy)]
pub(crate) enum ReadBody {
    /// Always (the caller parses it); a broken-off body is an error.
    Always,
    /// Except for a `200`, whose body the caller ignores.
    UnlessOk,
}

impl TiunClient {
    /// A request to `url` with the API key, `Accept` and the total timeout set.
    pub(crate) fn request(&self, method: Method, url: &Url) -> RequestBuilder {
        let inner = &self.inner;
        inner
            .http
            .request(method, url.clone())
            .header(inner.api_key_header.clone(), inner.api_key.clone())
            .header(ACCEPT, ACCEPT_JSON)
            .timeout(inner.timeout)
    }

    /// What a request carried that tiun must not have echoed into anything this crate keeps:
    /// the API key, and the call's own secret (a session id, a user verification token).
    pub(crate) fn secrets<'a>(&'a self, sent: Option<&'a str>) -> Secrets<'a> {
        // The key was checked to be printable ASCII at build time.
        let key = self.inner.api_key.to_str().unwrap_or_default();
        Secrets::new(&[key, sent.unwrap_or_default()])
    }
}

/// Sends `request`, built for `url`, once (never retried) and reads its answer.
///
/// The future is boxed, as reqwest boxes its own: the caller's future (the public call's, which
/// is moved into a task and through the runtime on every call) stays a few words instead of
/// carrying the request, the response and the body reader inline.
pub(crate) fn send(
    request: RequestBuilder,
    url: Url,
    read: ReadBody,
) -> Pin<Box<impl Future<Output = Result<Answer, Error>>>> {
    Box::pin(receive(request.send(), url, read))
}

async fn receive(
    response: impl Future<Output = Result<Response, reqwest::Error>>,
    url: Url,
    read: ReadBody,
) -> Result<Answer, Error> {
    let response = response
        .await
        .map_err(|e| Error::Transport(e.without_url()))?;
    if *response.url() != url {
        return Err(Error::RedirectFollowed);
    }
    let status = response.status();
    if matches!(read, ReadBody::UnlessOk) && status == StatusCode::OK {
        return Ok(Answer {
            status,
            content_type: None,
            body: None,
        });
    }
    let content_type = media_type(&response);
    let body = match read_capped(response).await {
        Ok(body) => body,
        // The status is the answer; its body only adds problem details.
        Err(_) if matches!(read, ReadBody::UnlessOk) => None,
        Err(e) => return Err(Error::Transport(e.without_url())),
    };
    Ok(Answer {
        status,
        content_type,
        body,
    })
}

/// The media type of the answer's `Content-Type` without parameters, lowercased; `None` when
/// absent or not a plain `type/subtype` token (a header is text the server chose).
fn media_type(response: &Response) -> Option<String> {
    let value = response.headers().get(CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next()?.trim();
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$&^_.+-/".contains(&b);
    let plausible = (3..=100).contains(&essence.len())
        && essence.bytes().all(token)
        && essence.bytes().filter(|b| *b == b'/').count() == 1;
    plausible.then(|| essence.to_ascii_lowercase())
}

/// Reads at most [`MAX_BODY_BYTES`]; `Ok(None)` when the body is larger (the rest is not read).
async fn read_capped(mut response: Response) -> Result<Option<Vec<u8>>, reqwest::Error> {
    let limit = MAX_BODY_BYTES as u64;
    if response.content_length().is_some_and(|len| len > limit) {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}
