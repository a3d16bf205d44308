//! The family's HTTP policy, on reqwest, for every crate that makes requests:
//!
//! - [`HttpSettings`] and [`Http`]: the caller's `reqwest::Client` or ours (redirects never
//!   followed, requests never retried, connect timeout [`DEFAULT_CONNECT_TIMEOUT`], total
//!   timeout [`DEFAULT_TIMEOUT`], the crate's `User-Agent`); a connect timeout beside a
//!   caller's client refused. [`sensitive_header`] for keys sent in a header.
//! - [`choose_base_url`] and [`check_base_url`]: `https`, or `http` to a loopback host; no
//!   userinfo, query or fragment; a path prefix (a proxy's) kept.
//! - [`encode_segment`] and [`append_segments`]: caller input as one path segment,
//!   percent-encoded by this crate (everything but RFC 3986's unreserved characters), `.` and
//!   `..` refused; never `url`'s `path_segments_mut`.
//! - [`send`]: one request, a redirect a caller's client followed detected, the body read up to
//!   [`MAX_BODY_BYTES`]; an error status is reported as its status whatever its body.
//! - [`media_type`]: the only part of a `Content-Type` an error may show.
//! - `traced` (feature `tracing`): one span per call with its outcome recorded;
//!   [`traced_fn!`](crate::traced_fn) writes a crate's span of that call once.
//! - [`transport_predicates!`](crate::transport_predicates): each crate's `Error::is_timeout`,
//!   `is_connect` and `is_redirect`.
//!
//! The secret redaction is [`crate::redact`]; the one `Error::Parse` shape is
//! [`crate::parse_error`].

mod answer;
mod base_url;
mod predicates;
mod settings;
#[cfg(feature = "tracing")]
mod trace;

use std::time::Duration;

pub use crate::segment::{
    InvalidInput, MAX_SEGMENT_BYTES, append_segments, check_input, encode_segment,
};
pub use answer::{Answer, ErrorBody, Read, SendError, media_type, send};
pub use base_url::{BaseUrlError, check_base_url, choose_base_url, is_loopback};
pub use settings::{HeaderError, Http, HttpSettings, SettingsError, sensitive_header};
#[cfg(feature = "tracing")]
pub use trace::traced;

/// The largest response body read, in bytes (64 KiB): a larger one is never buffered whole.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How long a whole request may take unless the caller says otherwise: 10 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long connecting may take unless the caller says otherwise: 5 seconds.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

#[cfg(test)]
pub(crate) mod test_server {
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;
    use url::Url;

    /// A server that answers every request with `head` then `body` sent as `chunks` chunks (no
    /// `Content-Length` when more than one), then closes; the head also says in `x-user-agent`
    /// what the request's `User-Agent` was. Returns its URL.
    pub(crate) async fn server(head: &'static str, body: Vec<u8>, chunks: usize) -> Url {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = Url::parse(&format!("http://{}/x", listener.local_addr().unwrap())).unwrap();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let body = body.clone();
                tokio::spawn(async move {
                    let mut seen = Vec::new();
                    let mut buffer = [0_u8; 1024];
                    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => seen.extend_from_slice(&buffer[..n]),
                        }
                    }
                    let agent = String::from_utf8_lossy(&seen)
                        .lines()
                        .find_map(|line| Some(line.strip_prefix("user-agent: ")?.to_owned()))
                        .unwrap_or_default();
                    let mut answer = format!("{head}x-user-agent: {agent}\r\n").into_bytes();
                    if chunks <= 1 {
                        answer.extend_from_slice(
                            format!("content-length: {}\r\n\r\n", body.len()).as_bytes(),
                        );
                        answer.extend_from_slice(&body);
                    } else {
                        answer.extend_from_slice(b"transfer-encoding: chunked\r\n\r\n");
                        for chunk in body.chunks(body.len().div_ceil(chunks).max(1)) {
                            answer.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                            answer.extend_from_slice(chunk);
                            answer.extend_from_slice(b"\r\n");
                        }
                        answer.extend_from_slice(b"0\r\n\r\n");
                    }
                    let _ = stream.write_all(&answer).await;
                    // Chunked answers stay open a moment, so the client reads them whole.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                });
            }
        });
        url
    }
}
