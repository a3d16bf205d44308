//! The scaffolding every crate's `test-util` fake repeats: a real HTTP/1.1 server (hyper) on a
//! free port of `127.0.0.1`, started in the test's tokio runtime and stopped when dropped
//! ([`FakeServer`]); each request read whole under a cap ([`Captured`]) and handed to the
//! crate's handler; [`Reply`] for its answer (or for hanging up); [`Faults`] for the
//! `fail_next`, `delay` and `drop_next` every fake offers.
//!
//! What the fake knows of its provider (routes, state, the bodies it answers) stays in the
//! crate.

mod faults;
mod reply;

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, Request};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use percent_encoding::percent_decode_str;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use url::Url;

pub use faults::Faults;
pub use reply::Reply;

/// The largest request body a fake reads, in bytes (64 KiB).
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// The crate's handler, shared by every connection.
type Handler = Arc<dyn Fn(Captured) -> Pin<Box<dyn Future<Output = Reply> + Send>> + Send + Sync>;

/// A fake provider's server on `127.0.0.1`; stopped, with every open connection, when dropped.
pub struct FakeServer {
    base_url: Url,
    server: JoinHandle<()>,
}

/// One request, read whole.
#[derive(Debug)]
pub struct Captured {
    /// The root of the server that received it, `http://127.0.0.1:{port}/`.
    pub base_url: Arc<Url>,
    /// The method.
    pub method: Method,
    /// The path, as sent (percent-encoded).
    pub path: String,
    /// The query, as sent; empty when there was none.
    pub query: String,
    /// The headers.
    pub headers: HeaderMap,
    /// The body; `None` when it was over [`MAX_REQUEST_BYTES`] or broke off.
    pub body: Option<Bytes>,
}

impl Captured {
    /// The path's segments, as sent (percent-encoded): `/a/b%2Fc` is `["a", "b%2Fc"]`.
    #[must_use]
    pub fn segments(&self) -> Vec<&str> {
        self.path.trim_start_matches('/').split('/').collect()
    }

    /// The value of header `name` as text, when present once or more (the first) and visible
    /// ASCII.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }
}

/// A path segment's decoded text; `None` when it is not UTF-8.
#[must_use]
pub fn decode_segment(segment: &str) -> Option<String> {
    percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(|text| text.into_owned())
}

impl FakeServer {
    /// Binds a free port of `127.0.0.1` and serves every request with `handler`, in the
    /// current tokio runtime, until dropped.
    ///
    /// # Errors
    ///
    /// When no loopback port can be bound (a test cannot run then: the crate's fake panics).
    pub async fn start<H, F>(handler: H) -> std::io::Result<Self>
    where
        H: Fn(Captured) -> F + Send + Sync + 'static,
        F: Future<Output = Reply> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address: SocketAddr = listener.local_addr()?;
        let base_url = Url::parse(&format!("http://{address}/"))
            .map_err(|_| std::io::Error::other("a socket address makes a URL"))?;
        let served = Arc::new(base_url.clone());
        let handler: Handler = Arc::new(move |request| Box::pin(handler(request)));
        let server = tokio::spawn(serve(listener, served, handler));
        Ok(Self { base_url, server })
    }

    /// The server's root, `http://127.0.0.1:{port}/`.
    #[must_use]
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeServer")
            .field("base_url", &self.base_url.as_str())
            .finish_non_exhaustive()
    }
}

/// Accepts connections until the task is aborted, which drops every connection too.
async fn serve(listener: TcpListener, base_url: Arc<Url>, handler: Handler) {
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors and the like: wait a little rather than spin.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let (handler, base_url) = (Arc::clone(&handler), Arc::clone(&base_url));
        connections.spawn(async move {
            let service = service_fn(move |request| {
                answer(Arc::clone(&handler), Arc::clone(&base_url), request)
            });
            // A connection the fake drops on purpose ends with an error; nothing to report.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
        // Reap finished connections, so the set does not grow with every one ever served.
        while connections.try_join_next().is_some() {}
    }
}

async fn answer(
    handler: Handler,
    base_url: Arc<Url>,
    request: Request<Incoming>,
) -> std::io::Result<http::Response<http_body_util::Full<Bytes>>> {
    let (parts, body) = request.into_parts();
    let body = Limited::new(body, MAX_REQUEST_BYTES)
        .collect()
        .await
        .ok()
        .map(http_body_util::Collected::to_bytes);
    let captured = Captured {
        base_url,
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: parts.headers,
        body,
    };
    // An error makes hyper close the connection without an answer ([`Reply::hang_up`]).
    let reply = handler(captured).await.into_response();
    reply.ok_or_else(|| std::io::Error::other("the fake hung up on purpose"))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use http::StatusCode;
    use serde_json::json;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// Sends `raw` to the server and returns everything it answered before closing.
    async fn exchange(server: &FakeServer, raw: &[u8]) -> String {
        let port = server.base_url().port().unwrap();
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        stream.write_all(raw).await.unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        String::from_utf8_lossy(&answer).into_owned()
    }

    #[tokio::test]
    async fn requests_are_captured_with_their_servers_url_and_answered_by_the_handler() {
        let seen = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&seen);
        let server = FakeServer::start(move |request: Captured| {
            counter.fetch_add(1, Ordering::SeqCst);
            async move {
                let segments: Vec<String> = request
                    .segments()
                    .iter()
                    .map(|s| decode_segment(s).unwrap())
                    .collect();
                Reply::json(
                    StatusCode::CREATED,
                    &json!({
                        "method": request.method.as_str(),
                        "segments": segments,
                        "query": request.query,
                        "key": request.header("x-key"),
                        "body": request.body.map(|b| String::from_utf8_lossy(&b).into_owned()),
                        "base_url": request.base_url.as_str(),
                    }),
                )
                .header("x-extra", "1")
            }
        })
        .await
        .unwrap();
        assert!(server.base_url().as_str().starts_with("http://127.0.0.1:"));
        let answer = exchange(
            &server,
            b"POST /a/b%2Fc?x=1 HTTP/1.1\r\nhost: x\r\nx-key: k\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi",
        )
        .await;
        assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
        assert!(
            answer.contains("content-type: application/json"),
            "{answer}"
        );
        assert!(answer.contains("x-extra: 1"), "{answer}");
        let body = answer.split("\r\n\r\n").nth(1).unwrap();
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            body,
            json!({"method": "POST", "segments": ["a", "b/c"], "query": "x=1", "key": "k", "body": "hi",
                "base_url": server.base_url().as_str()})
        );
        assert_eq!(seen.load(Ordering::SeqCst), 1);
        assert!(format!("{server:?}").contains("127.0.0.1"));
    }

    #[tokio::test]
    async fn a_body_over_the_cap_is_not_read_and_a_hang_up_closes_the_connection() {
        let server = FakeServer::start(|request: Captured| async move {
            match request.body {
                None => Reply::empty(StatusCode::PAYLOAD_TOO_LARGE),
                Some(_) => Reply::hang_up(),
            }
        })
        .await
        .unwrap();
        let big = vec![b'x'; MAX_REQUEST_BYTES + 1];
        let mut raw = format!(
            "PUT / HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            big.len()
        )
        .into_bytes();
        raw.extend_from_slice(&big);
        assert!(exchange(&server, &raw).await.starts_with("HTTP/1.1 413"));
        let answer = exchange(&server, b"GET / HTTP/1.1\r\nhost: x\r\n\r\n").await;
        assert_eq!(answer, "", "closed without an answer");
    }

    #[tokio::test]
    async fn dropping_the_server_stops_it() {
        let server = FakeServer::start(|_| async { Reply::empty(StatusCode::OK) })
            .await
            .unwrap();
        let port = server.base_url().port().unwrap();
        drop(server);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_err()
        );
    }

    #[test]
    fn segments_decode_or_refuse() {
        assert_eq!(decode_segment("a%2Fb%20c").as_deref(), Some("a/b c"));
        assert_eq!(decode_segment("%C3%A9").as_deref(), Some("é"));
        assert_eq!(decode_segment("%FF"), None);
    }
}
