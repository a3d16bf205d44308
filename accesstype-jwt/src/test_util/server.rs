//! The fake's HTTP side: a hyper server on a loopback listener that hands each request to the
//! [`Books`] and injects the faults they hold.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use crate::grant::MAX_BODY_BYTES;
use crate::test_util::books::{Asked, Books, Fault, Reply, failure};

/// Serves `listener` until the task is aborted, which also ends every open connection.
pub(crate) async fn serve(listener: TcpListener, books: Arc<Books>) {
    let mut connections = JoinSet::new();
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors and the like: wait a little rather than spin.
            Err(_) => {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                continue;
            }
        };
        let books = Arc::clone(&books);
        connections.spawn(async move {
            let service = service_fn(move |request| handle(Arc::clone(&books), request));
            // A connection ends in an error when the fake drops it on purpose: nothing to do.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
        // Reap finished connections so the set does not grow with every one ever served.
        while connections.try_join_next().is_some() {}
    }
}

/// The error that makes hyper close a connection without answering
/// ([`FakeAccesstype::drop_next`](crate::test_util::FakeAccesstype::drop_next)).
#[derive(Debug)]
struct HangUp;

impl fmt::Display for HangUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the fake accesstype hung up on purpose")
    }
}

impl std::error::Error for HangUp {}

async fn handle(
    books: Arc<Books>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, HangUp> {
    let (parts, body) = request.into_parts();
    books.note(&parts.method, parts.uri.path());
    let (delay, fault) = books.take_fault(&parts.method, parts.uri.path());
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let reply = match fault {
        Some(Fault::Drop) => return Err(HangUp),
        Some(Fault::Fail(status)) => failure(status, "injected", "A failure injected by the fake."),
        None => match Limited::new(body, MAX_BODY_BYTES).collect().await {
            Ok(body) => {
                let body = body.to_bytes();
                let header = |name| parts.headers.get(name).map(HeaderValue::as_bytes);
                books.answer(&Asked {
                    method: &parts.method,
                    path: parts.uri.path(),
                    query: parts.uri.query().unwrap_or_default(),
                    subauth: header("x-subauth"),
                    content_type: header("content-type"),
                    body: &body,
                })
            }
            Err(_) => failure(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "The body could not be read.",
            ),
        },
    };
    Ok(json_response(reply))
}

fn json_response((status, body): Reply) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
