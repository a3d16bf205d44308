//! A relay on 127.0.0.1 between a crate's client and its provider, noting the shape of each
//! answer.
//!
//! Why a relay, rather than a second request of our own or the crates' outcomes alone: the
//! crates' outcomes do not say which content type came back, or which members a body they
//! accepted held; a request of our own would have to read the keys from the environment and
//! sign SSO2 tokens itself, and would ask the provider twice. Through the relay, each crate
//! builds, signs and sends its own request with credentials only the crate reads, and judges
//! the answer itself; the relay passes the bytes on unread and keeps, of each answer, the
//! status, the media type and the member names, never a value, a header or the request.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderName};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use payway_client::reqwest;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use url::Url;

use crate::shape::{BodyShape, media_type};

/// Largest request body relayed (the crates send a few hundred bytes).
const MAX_REQUEST_BYTES: usize = 64 * 1024;
/// Largest answer relayed: far above the crates' own 64 KiB cap, so that a crate sees an
/// oversized answer as it is, and the relay still ends.
const MAX_ANSWER_BYTES: usize = 1024 * 1024;
/// The relay gives up on the provider just before the crates' own 10 s timeout, so that the
/// line says what happened on the wire.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(9);

/// Headers that belong to one connection, not to the message (RFC 9110 §7.6.1), and the ones
/// the relay sets itself.
const NOT_RELAYED: [HeaderName; 8] = [
    header::CONNECTION,
    header::CONTENT_LENGTH,
    header::HOST,
    header::PROXY_AUTHORIZATION,
    header::TE,
    header::TRAILER,
    header::TRANSFER_ENCODING,
    header::UPGRADE,
];

/// One request the relay passed on, and what came back.
#[derive(Debug)]
pub(crate) struct Exchange {
    /// The request's method.
    pub(crate) method: Method,
    /// The request's path, for matching against the known templates only: it holds made-up
    /// ids, so it is never printed.
    pub(crate) path: String,
    /// The names of the query parameters, in order (their values are never kept).
    pub(crate) query_names: Vec<String>,
    /// The request body's media type, when it had a body.
    pub(crate) request_media_type: Option<String>,
    /// The answer.
    pub(crate) answer: Answer,
}

/// What the provider answered.
#[derive(Debug)]
pub(crate) enum Answer {
    /// An answer: its status, media type and body shape.
    Received {
        status: StatusCode,
        media_type: String,
        body: BodyShape,
    },
    /// No usable answer: why, in a few words.
    Missing(&'static str),
}

/// A running relay to one provider; stopped when dropped.
#[derive(Debug)]
pub(crate) struct Recorder {
    base_url: Url,
    log: Arc<Mutex<Vec<Exchange>>>,
    server: JoinHandle<()>,
}

#[derive(Debug)]
struct Relay {
    upstream: Url,
    http: reqwest::Client,
    withheld: Vec<String>,
    log: Arc<Mutex<Vec<Exchange>>>,
}

impl Recorder {
    /// Starts a relay to `upstream` (the base URL the crate would call) on a free loopback
    /// port. `withheld`: values no printed member name may hold (the credentials the crate
    /// reads, the made-up ids it sends).
    pub(crate) async fn start(upstream: Url, withheld: Vec<String>) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(UPSTREAM_TIMEOUT)
            .build()
            .map_err(|_| "the relay's HTTP client could not be built".to_owned())?;
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|_| "the relay could not bind a port on 127.0.0.1".to_owned())?;
        let address = listener
            .local_addr()
            .map_err(|_| "the relay's port could not be read".to_owned())?;
        let base_url = Url::parse(&format!("http://{address}/"))
            .map_err(|_| "the relay's address is not a URL".to_owned())?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let relay = Arc::new(Relay {
            upstream,
            http,
            withheld,
            log: Arc::clone(&log),
        });
        let app = Router::new().fallback(relay_one).with_state(relay);
        let server = tokio::spawn(async move {
            // The relay ends with the check; an error here shows as missing answers.
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            base_url,
            log,
            server,
        })
    }

    /// The relay's root, `http://127.0.0.1:{port}/`: the base URL to give the crate.
    pub(crate) fn base_url(&self) -> Url {
        self.base_url.clone()
    }

    /// The exchanges relayed since the last call, oldest first.
    pub(crate) fn take(&self) -> Vec<Exchange> {
        std::mem::take(&mut *self.log.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn relay_one(State(relay): State<Arc<Relay>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let query_names = parts
        .uri
        .query()
        .map(|query| {
            url::form_urlencoded::parse(query.as_bytes())
                .map(|(name, _)| name.into_owned())
                .collect()
        })
        .unwrap_or_default();
    let request_media_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .map(|value| media_type(value.to_str().ok()));
    let (answer, response) = match to_bytes(body, MAX_REQUEST_BYTES).await {
        Ok(body) => {
            relay
                .forward(&parts.method, &parts.uri, &parts.headers, body)
                .await
        }
        Err(_) => missing("the request body could not be read"),
    };
    relay
        .log
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(Exchange {
            method: parts.method,
            path,
            query_names,
            request_media_type,
            answer,
        });
    response
}

impl Relay {
    async fn forward(
        &self,
        method: &Method,
        uri: &axum::http::Uri,
        headers: &HeaderMap,
        body: axum::body::Bytes,
    ) -> (Answer, Response) {
        let target = format!(
            "{}{}",
            self.upstream.as_str().trim_end_matches('/'),
            uri.path_and_query().map_or("/", |p| p.as_str())
        );
        let Ok(target) = Url::parse(&target) else {
            return missing("the upstream URL could not be formed");
        };
        let mut relayed = headers.clone();
        for name in &NOT_RELAYED {
            relayed.remove(name);
        }
        let sent = self
            .http
            .request(method.clone(), target)
            .headers(relayed)
            .body(body)
            .send()
            .await;
        // A transport error is described in a few fixed words: its text would carry the URL.
        let mut upstream = match sent {
            Ok(upstream) => upstream,
            Err(error) if error.is_timeout() => return missing("no answer in time"),
            Err(error) if error.is_connect() => return missing("could not connect"),
            Err(_) => return missing("the request failed"),
        };
        let status = upstream.status();
        let mut answer_headers = upstream.headers().clone();
        for name in &NOT_RELAYED {
            answer_headers.remove(name);
        }
        let mut bytes = Vec::new();
        loop {
            match upstream.chunk().await {
                Ok(Some(chunk)) if bytes.len() + chunk.len() <= MAX_ANSWER_BYTES => {
                    bytes.extend_from_slice(&chunk);
                }
                Ok(Some(_)) => return missing("the answer is over 1 MiB"),
                Ok(None) => break,
                Err(error) if error.is_timeout() => {
                    return missing("the answer did not end in time");
                }
                Err(_) => return missing("the answer broke off"),
            }
        }
        let answer = Answer::Received {
            status,
            media_type: media_type(
                answer_headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|value| value.to_str().ok()),
            ),
            body: BodyShape::of(&bytes, &self.withheld),
        };
        let mut response = Response::new(Body::from(bytes));
        *response.status_mut() = status;
        *response.headers_mut() = answer_headers;
        (answer, response)
    }
}

/// No answer to note; the crate is answered `502` with an empty body.
fn missing(why: &'static str) -> (Answer, Response) {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::BAD_GATEWAY;
    (Answer::Missing(why), response)
}
