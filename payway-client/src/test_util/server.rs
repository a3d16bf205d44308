//! The fake's HTTP server: hyper on a loopback port, faults applied before each answer.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::json;

use super::shared::Shared;
use super::shop;
use super::sso2::{self, Sso2Request};
use super::sso2_pages;
use super::state::{Answer, Call};

/// The largest request body the fake reads.
const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// Why a connection was closed without an answer.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by FakePayway::drop_next")
    }
}

impl std::error::Error for Dropped {}

/// Binds `127.0.0.1:0` and serves until the task is aborted (aborting it stops every
/// connection too).
pub(crate) async fn spawn(
    shared: Arc<Shared>,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let address = listener.local_addr()?;
    let task = tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let shared = Arc::clone(&shared);
            connections.spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let shared = Arc::clone(&shared);
                    async move { serve(&shared, request).await }
                });
                let _closed = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
            while connections.try_join_next().is_some() {}
        }
    });
    Ok((address, task))
}

async fn serve(
    shared: &Shared,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    let (delay, fail) = {
        let mut faults = shared.faults();
        if faults.drop > 0 {
            faults.drop -= 1;
            return Err(Dropped);
        }
        let fail = match &mut faults.fail {
            Some((n, status)) if *n > 0 => {
                *n -= 1;
                Some(*status)
            }
            _ => None,
        };
        (faults.delay, fail)
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if let Some(status) = fail {
        let body = json!({"code": "internal_server_error", "field": null, "message": "fault injected by FakePayway"});
        return Ok(respond(Answer::json(status, &body)));
    }
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_REQUEST_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let body = json!({"code": "invalid_parameter", "field": null, "message": "request body too large"});
            return Ok(respond(Answer::json(StatusCode::PAYLOAD_TOO_LARGE, &body)));
        }
    };
    let path = parts.uri.path();
    let query = parts.uri.query().unwrap_or_default();
    let mut state = shared.state();
    let answer = if path.starts_with(shop::SHOP_PREFIX) {
        shop::answer(&mut state, &parts.method, path, query)
    } else if path.starts_with(sso2::SSO_PREFIX) {
        // Other cookies of the fake's origin may hold any bytes: they must not hide its own.
        let cookies: Vec<String> = parts
            .headers
            .get_all(COOKIE)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        let cookie_header = cookies.join("; ");
        let request = Sso2Request {
            method: &parts.method,
            path,
            query,
            cookie_header: &cookie_header,
            body: &body,
        };
        sso2_pages::answer(&mut state, &request)
            .or_else(|| sso2::answer(&mut state, &request))
            .unwrap_or_else(|| {
                let body =
                    json!({"error": "not_found", "error_description": "No such SSO2 endpoint"});
                Answer::json(StatusCode::NOT_FOUND, &body)
            })
    } else {
        let bearer = parts
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let json_body = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        state.answer(&Call {
            method: &parts.method,
            path,
            query,
            bearer,
            json_body,
            body: &body,
        })
    };
    Ok(respond(answer))
}

fn respond(answer: Answer) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(answer.body)));
    *response.status_mut() = answer.status;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        http::HeaderValue::from_static(answer.content_type),
    );
    if let Some(location) = answer
        .location
        .and_then(|l| http::HeaderValue::try_from(l).ok())
    {
        headers.insert(LOCATION, location);
    }
    if let Some(cookie) = answer
        .set_cookie
        .and_then(|c| http::HeaderValue::try_from(c).ok())
    {
        headers.insert(SET_COOKIE, cookie);
    }
    response
}
