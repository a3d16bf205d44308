//! One request: sent once, a redirect a caller's client followed detected, and the body read
//! up to [`MAX_BODY_BYTES`]. An error status is reported as its status whatever its body: a
//! body too large or broken off only leaves the answer without one.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use reqwest::{RequestBuilder, Response, StatusCode};
use url::Url;

use super::MAX_BODY_BYTES;
use crate::parse_error::{ParseError, ParseFault};
use crate::redact::Redaction;

/// The longest media type kept from a `Content-Type` header, in bytes.
const MAX_MEDIA_TYPE_BYTES: usize = 100;

/// Which answers' bodies a call reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// Every answer's: a success's to parse it, an error's for its details.
    All,
    /// A success's only; an error status is reported without reading its body.
    Success,
    /// Every answer's but one status's, which says all the call needs (a session check's
    /// `200`).
    AllBut(StatusCode),
}

/// What the provider answered.
#[derive(Debug)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The checked media type of `Content-Type` ([`media_type`]), whether or not the body was
    /// read: an error status left unread still says what it sent (`text/html` from a proxy).
    pub content_type: Option<String>,
    /// The body, when it was to be read and could be: an error status's body is `None` when
    /// it was over the cap or broke off (the status is the answer).
    pub body: Option<Bytes>,
}

impl Answer {
    /// The body; empty when it was not read.
    #[must_use]
    pub fn bytes(&self) -> &[u8] {
        self.body.as_deref().unwrap_or_default()
    }

    /// The [`ParseError`] of this answer's body, `what` (`"user info answer"`), for `fault`:
    /// the status, the body's length and media type, every spelling of `redaction`'s secrets
    /// cut from the media type; with [`ErrorBody::Kept`], the body itself, cut the same way.
    #[must_use]
    pub fn parse_error(
        &self,
        what: &'static str,
        fault: ParseFault,
        redaction: &Redaction<'_>,
        body: ErrorBody,
    ) -> ParseError {
        self.complete(
            ParseError::new(what, self.bytes().len(), fault),
            redaction,
            body,
        )
    }

    /// `error`, raised reading this answer's body, completed as
    /// [`parse_error`](Self::parse_error) makes one.
    #[must_use]
    pub fn complete(
        &self,
        error: ParseError,
        redaction: &Redaction<'_>,
        body: ErrorBody,
    ) -> ParseError {
        let content_type = self
            .content_type
            .clone()
            .map(|media_type| redaction.media_type(media_type));
        let error = error.answered(self.status.as_u16(), content_type);
        match body {
            ErrorBody::Kept => error.keep_body(redaction.bytes(self.bytes()).into_owned()),
            ErrorBody::Withheld => error,
        }
    }
}

/// Whether a [`ParseError`] keeps the answer's body ([`Answer::parse_error`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorBody {
    /// Kept, with the request's secrets cut out: for answers that hold no secret of their
    /// own.
    Kept,
    /// Only its length and media type: for answers that hold tokens, tickets or sessions.
    Withheld,
}

/// Why no answer can be used. Each crate maps it into its own `Error`.
#[derive(Debug, Clone)]
pub enum SendError {
    /// No complete answer: connect, TLS, timeout, or a success's body that broke off. The
    /// error holds no URL (a URL can carry a session id or a token); it is shared, so that the
    /// crates' errors can be cloned to every caller of a coalesced request.
    Transport(Arc<reqwest::Error>),
    /// The answer came from another URL than the request went to: a caller's client followed
    /// a redirect.
    RedirectFollowed,
    /// A success's body is larger than [`MAX_BODY_BYTES`]; the rest was not read.
    BodyTooLarge {
        /// The success status.
        status: StatusCode,
        /// The cap, in bytes.
        limit: usize,
    },
}

/// Sends `request`, built for `url`, once, and reads the answer as `read` says.
///
/// The future is boxed, as reqwest boxes its own: the caller's future stays a few words
/// instead of carrying the request, the response and the body reader inline.
///
/// # Errors
///
/// [`SendError::Transport`], [`SendError::RedirectFollowed`], [`SendError::BodyTooLarge`].
pub fn send(
    request: RequestBuilder,
    url: Url,
    read: Read,
) -> Pin<Box<impl Future<Output = Result<Answer, SendError>>>> {
    Box::pin(receive(request, url, read))
}

fn transport(error: reqwest::Error) -> SendError {
    SendError::Transport(Arc::new(error.without_url()))
}

async fn receive(request: RequestBuilder, url: Url, read: Read) -> Result<Answer, SendError> {
    let response = request.send().await.map_err(transport)?;
    if *response.url() != url {
        return Err(SendError::RedirectFollowed);
    }
    let status = response.status();
    let success = status.is_success();
    let wanted = match read {
        Read::All => true,
        Read::Success => success,
        Read::AllBut(unread) => status != unread,
    };
    let content_type = response.headers().get(CONTENT_TYPE).and_then(media_type);
    let body = if !wanted {
        None
    } else {
        match read_capped(response).await {
            Ok(Some(body)) => Some(body),
            Ok(None) if success => {
                return Err(SendError::BodyTooLarge {
                    status,
                    limit: MAX_BODY_BYTES,
                });
            }
            Err(error) if success => return Err(transport(error)),
            // The status is the answer; its body would only have added details.
            Ok(None) | Err(_) => None,
        }
    };
    Ok(Answer {
        status,
        content_type,
        body,
    })
}

/// At most [`MAX_BODY_BYTES`]; `Ok(None)` when the body is larger: an announced length over
/// the cap is refused before reading, an unannounced one as soon as it passes it (a
/// never-ending body ends the call). A body of one chunk is kept as it came, without a copy.
async fn read_capped(mut response: Response) -> Result<Option<Bytes>, reqwest::Error> {
    if response
        .content_length()
        .is_some_and(|len| len > MAX_BODY_BYTES as u64)
    {
        return Ok(None);
    }
    let (mut chunks, mut len) = (Vec::new(), 0_usize);
    while let Some(chunk) = response.chunk().await? {
        len = len.saturating_add(chunk.len());
        if len > MAX_BODY_BYTES {
            return Ok(None);
        }
        chunks.push(chunk);
    }
    Ok(Some(match <[Bytes; 1]>::try_from(chunks) {
        Ok([body]) => body,
        Err(chunks) => Bytes::from(chunks.concat()),
    }))
}

/// The media type of a `Content-Type` value, lowercased and without parameters
/// (`type/subtype`); `None` unless both halves are RFC 9110 tokens and it fits in 100 bytes.
/// The header is text the provider chose, and errors show it.
#[must_use]
pub fn media_type(value: &HeaderValue) -> Option<String> {
    let essence = value.as_bytes().split(|b| *b == b';').next()?.trim_ascii();
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

#[cfg(test)]
mod tests {
    use reqwest::Method;
    use tokio::net::TcpListener;

    use super::*;
    use crate::http::HttpSettings;
    use crate::http::test_server::server;

    #[test]
    fn a_parse_error_of_an_answer_keeps_its_body_only_when_asked_and_cut() {
        let answer = Answer {
            status: StatusCode::OK,
            content_type: Some("application/x-k3y".to_owned()),
            body: Some(Bytes::from_static(
                br#"{"echo":"k3y","email":"a@b.example"}"#,
            )),
        };
        let fault = ParseFault::Shape {
            reason: "`userId` is missing",
        };
        // The secret `K3y`, echoed into `Content-Type`, is kept lowercased there.
        let redaction = Redaction::of(&["K3y"]);
        let withheld =
            answer.parse_error("user info answer", fault, &redaction, ErrorBody::Withheld);
        assert_eq!(withheld.status(), Some(200));
        assert_eq!(withheld.len(), 36);
        assert_eq!(
            withheld.content_type(),
            Some("application/x-[redacted]"),
            "cut from the media type even when the body is withheld"
        );
        assert_eq!(withheld.expose_bytes(), None);
        let kept = answer.parse_error("user info answer", fault, &redaction, ErrorBody::Kept);
        assert_eq!(kept.len(), 36, "the length as received");
        assert_eq!(kept.content_type(), Some("application/x-[redacted]"));
        assert_eq!(
            kept.expose_text(),
            Some(r#"{"echo":"k3y","email":"a@b.example"}"#),
            "a body keeps its case: only `K3y` itself would be cut there"
        );
        assert_eq!(kept.fault(), &fault);
    }

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
            let header = HeaderValue::from_bytes(value).unwrap();
            assert_eq!(media_type(&header).as_deref(), expected, "{value:?}");
        }
        let long = format!("application/{}", "x".repeat(MAX_MEDIA_TYPE_BYTES));
        assert_eq!(media_type(&HeaderValue::from_str(&long).unwrap()), None);
    }

    async fn call(url: &Url, read: Read) -> Result<Answer, SendError> {
        let http = HttpSettings::default().build("test/0").unwrap();
        send(http.request(Method::GET, url), url.clone(), read).await
    }

    #[tokio::test]
    async fn a_body_is_read_up_to_the_cap_in_one_piece_or_several() {
        for chunks in [1, 3, 40] {
            let body = vec![b'a'; MAX_BODY_BYTES];
            let url = server(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=utf-8\r\n",
                body.clone(),
                chunks,
            )
            .await;
            let answer = call(&url, Read::All).await.unwrap();
            assert_eq!(answer.status, StatusCode::OK);
            assert_eq!(answer.content_type.as_deref(), Some("application/json"));
            assert_eq!(answer.body.as_deref(), Some(&body[..]), "{chunks} chunks");
        }
    }

    #[tokio::test]
    async fn over_the_cap_a_success_is_an_error_and_an_error_status_its_status() {
        for chunks in [1, 9] {
            let body = vec![b'a'; MAX_BODY_BYTES + 1];
            let success = server("HTTP/1.1 200 OK\r\n", body.clone(), chunks).await;
            let head = "HTTP/1.1 503 Unavailable\r\ncontent-type: text/html\r\n";
            let failure = server(head, body, chunks).await;
            for read in [Read::All, Read::Success] {
                let error = call(&success, read).await.unwrap_err();
                let too_large = SendError::BodyTooLarge {
                    status: StatusCode::OK,
                    limit: MAX_BODY_BYTES,
                };
                assert_eq!(format!("{error:?}"), format!("{too_large:?}"));
                // Read or not, an error status and its media type are the answer.
                let answer = call(&failure, read).await.unwrap();
                assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
                assert_eq!(answer.body, None);
                assert_eq!(answer.content_type.as_deref(), Some("text/html"));
            }
        }
        let unless_ok = Read::AllBut(StatusCode::OK);
        for (head, read) in [
            ("HTTP/1.1 404 Not Found\r\n", true),
            ("HTTP/1.1 201 Created\r\n", true),
            ("HTTP/1.1 200 OK\r\n", false),
        ] {
            let url = server(head, b"{}".to_vec(), 1).await;
            let answer = call(&url, unless_ok).await.unwrap();
            assert_eq!(answer.body.is_some(), read, "{head}");
        }
    }

    #[tokio::test]
    async fn a_redirect_is_answered_never_followed_and_one_followed_is_caught() {
        let url = server(
            "HTTP/1.1 302 Found\r\nlocation: /elsewhere\r\n",
            Vec::new(),
            1,
        )
        .await;
        let answer = call(&url, Read::Success).await.unwrap();
        assert_eq!(answer.status, StatusCode::FOUND);
        // A caller's client that follows redirects lands elsewhere.
        let target = server("HTTP/1.1 200 OK\r\n", b"{}".to_vec(), 1).await;
        let redirecting = server(
            Box::leak(format!("HTTP/1.1 302 Found\r\nlocation: {target}\r\n").into_boxed_str()),
            Vec::new(),
            1,
        )
        .await;
        let mut settings = HttpSettings::default();
        settings.http_client(reqwest::Client::new());
        let http = settings.build("test/0").unwrap();
        let error = send(
            http.request(Method::GET, &redirecting),
            redirecting.clone(),
            Read::All,
        )
        .await
        .unwrap_err();
        assert!(matches!(error, SendError::RedirectFollowed), "{error:?}");
    }

    #[tokio::test]
    async fn a_transport_error_keeps_no_url() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = Url::parse(&format!(
            "http://{}/sessions/secret-session-id/status",
            listener.local_addr().unwrap()
        ))
        .unwrap();
        drop(listener);
        let error = call(&url, Read::All).await.unwrap_err();
        let SendError::Transport(cause) = &error else {
            panic!("{error:?}")
        };
        assert!(cause.is_connect());
        let printed = format!("{error:?} {cause} {cause:?}");
        assert!(!printed.contains("secret-session-id"), "{printed}");
        let copy = error.clone();
        assert!(matches!(copy, SendError::Transport(shared) if Arc::ptr_eq(&shared, cause)));
    }
}
