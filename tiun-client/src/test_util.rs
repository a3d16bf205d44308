//! [`FakeTiun`]: a fake tiun for your application's tests.
//!
//! Enable the `test-util` feature in `[dev-dependencies]` only:
//!
//! ```toml
//! [dev-dependencies]
//! tiun-client = { version = "0.1", features = ["test-util"] }
//! ```
//!
//! The fake is a real HTTP server on `127.0.0.1`, started in the test's tokio runtime, so your
//! application's real client code runs against it. It keeps sessions and users as tiun does,
//! counts the session checks it receives, and injects faults.
//!
//! ```
//! use axum::{Router, body::Body, http::Request, routing::get};
//! use tiun_client::{axum::PaidSession, test_util::FakeTiun};
//! use tower::ServiceExt;
//!
//! async fn article(_paid: PaidSession) -> &'static str {
//!     "the whole article"
//! }
//!
//! #[tokio::main]
//! async fn main() {
//!     let tiun = FakeTiun::start().await;
//!     tiun.paid_session("sess-1");
//!     let app = Router::new().route("/article", get(article)).with_state(tiun.client());
//!
//!     let request = Request::get("/article").header("X-Tiun-Session", "sess-1");
//!     let response = app.oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
//!     assert_eq!(response.status(), 200);
//!     assert_eq!(tiun.checks(), 1);
//! }
//! ```
//!
//! | route | the fake answers |
//! | --- | --- |
//! | `PATCH /live_api/s2s/v1/sessions/{id}/status` | `200` for a [paid](FakeTiun::paid_session) session, `404` with problem details for an [ended](FakeTiun::end_session) or unknown one |
//! | `PATCH /live_api/v1/providers/{provider}/sessions/{id}/status` | the same, for [`provider_id`](FakeTiun::provider_id) (`401` for any other provider) |
//! | `POST /live_api/s2s/v1/users/verification` | `200`, authenticated for a token from [`user_token`](FakeTiun::user_token), not authenticated otherwise |
//! | `GET /live_api/s2s/v1/users/{id}/info` | `200` with the [user](FakeTiun::add_user), `404` with problem details otherwise |
//! | any of the above with a wrong or missing key | `401` with problem details |
//! | `GET /snippet.js` | a stand-in for tiun's browser snippet (see [`FakeTiun::snippet_url`]) |
//! | `POST /fake/sessions`, `POST /fake/sessions/{id}/end` | the snippet's controls: open a paid session (`{"sessionId": ...}`), end one; CORS open to any origin |
//!
//! The key is accepted in `X-TIUN-API-KEY` or `X-ACCESS-TOKEN`.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{HeaderMap, Method, StatusCode};
use paywall_internal::fake::{Captured, FakeServer, Faults, Reply, decode_segment};
use paywall_internal::sync::lock;
use serde_json::{Value, json};
use url::Url;

use crate::builder::TiunClientBuilder;
use crate::client::TiunClient;

const API_KEY: &str = "fake-tiun-api-key";
const PROVIDER_ID: &str = "fake-provider";
const SNIPPET: &str = include_str!("test_util/snippet.js");

/// A fake tiun on `127.0.0.1`, for tests; stopped when dropped.
///
/// See the [module docs](self) for what it answers, and a complete test of an axum handler.
pub struct FakeTiun {
    server: FakeServer,
    state: Arc<State>,
}

#[derive(Default)]
struct State {
    sessions: Mutex<HashMap<String, Session>>,
    /// Each user as the user endpoints answer it.
    users: Mutex<HashMap<String, Value>>,
    tokens: Mutex<HashMap<String, String>>,
    faults: Faults,
    checks: AtomicUsize,
    issued: AtomicU64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Session {
    Paid,
    Ended,
}

impl FakeTiun {
    /// Starts the fake on a free port of `127.0.0.1`, in the current tokio runtime.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound, or outside a tokio runtime: a test cannot run then.
    #[allow(clippy::expect_used)] // a test that cannot start its fake cannot run
    pub async fn start() -> Self {
        let state = Arc::new(State::default());
        let answering = Arc::clone(&state);
        let server = FakeServer::start(move |request| Arc::clone(&answering).answer(request))
            .await
            .expect("FakeTiun: bind a port on 127.0.0.1");
        Self { server, state }
    }

    /// The fake's root, `http://127.0.0.1:{port}/`: give it to
    /// [`TiunClientBuilder::base_url`].
    #[must_use]
    pub fn base_url(&self) -> Url {
        self.server.base_url().clone()
    }

    /// The API key the fake accepts.
    #[must_use]
    pub fn api_key(&self) -> &str {
        API_KEY
    }

    /// The provider id the fake's legacy path accepts.
    #[must_use]
    pub fn provider_id(&self) -> &str {
        PROVIDER_ID
    }

    /// A builder aimed at the fake with its key, to add settings (a timeout, a validity cache,
    /// a session source) before building.
    pub fn client_builder(&self) -> TiunClientBuilder {
        TiunClient::builder()
            .base_url(self.base_url())
            .api_key(API_KEY)
    }

    /// A client aimed at the fake with its key, otherwise configured as by default.
    ///
    /// # Panics
    ///
    /// Never in practice: a loopback URL and the fake's key always build.
    #[allow(clippy::expect_used)] // the configuration is fixed and valid
    #[must_use]
    pub fn client(&self) -> TiunClient {
        self.client_builder()
            .build()
            .expect("FakeTiun: a client for the fake builds")
    }

    /// Makes `session_id` a paid session: checks of it answer `200` until it ends.
    pub fn paid_session(&self, session_id: impl Into<String>) {
        lock(&self.state.sessions).insert(session_id.into(), Session::Paid);
    }

    /// Ends `session_id`: checks of it answer `404` with problem details from now on.
    pub fn end_session(&self, session_id: &str) {
        lock(&self.state.sessions).insert(session_id.to_owned(), Session::Ended);
    }

    /// Adds a tiun user, for [`user_info`](TiunClient::user_info) and
    /// [`user_token`](Self::user_token).
    pub fn add_user(&self, user_id: impl Into<String>, email: Option<&str>, products: &[&str]) {
        let user_id = user_id.into();
        let user = user_json(&user_id, email, products);
        lock(&self.state.users).insert(user_id, user);
    }

    /// A user verification token for `user_id`, as tiun's browser SDK would issue it:
    /// [`verify_user`](TiunClient::verify_user) with it answers `Authenticated`. An unknown
    /// user is added without e-mail or products.
    pub fn user_token(&self, user_id: &str) -> String {
        lock(&self.state.users)
            .entry(user_id.to_owned())
            .or_insert_with(|| user_json(user_id, None, &[]));
        let token = self.state.fresh_id(self.server.base_url(), "uvt");
        lock(&self.state.tokens).insert(token.clone(), user_id.to_owned());
        token
    }

    /// How many session checks the fake has received (every `PATCH .../status`, answered or
    /// not).
    #[must_use]
    pub fn checks(&self) -> usize {
        self.state.checks.load(Ordering::SeqCst)
    }

    /// Answers the next `n` API requests with `status` (and problem details).
    pub fn fail_next(&self, n: usize, status: u16) {
        self.state.faults.fail_next(n, status);
    }

    /// Waits `delay` before answering each API request, from now on (`Duration::ZERO` to stop).
    /// A delay longer than the client's timeout is a tiun that never answers.
    pub fn delay(&self, delay: Duration) {
        self.state.faults.delay(delay);
    }

    /// Closes the connection of the next `n` API requests without answering.
    pub fn drop_next(&self, n: usize) {
        self.state.faults.drop_next(n);
    }

    /// Where the fake serves its stand-in for tiun's browser snippet.
    ///
    /// The stand-in is not tiun's snippet. It renders a "Pay with tiun" button into the element
    /// whose id the script tag names (`data-tiun-target`, default `tiun-paywall`). On a click
    /// it opens a paid session at the fake and posts
    /// `{type: "TIUN_EVENT", content: "TIUN_HIDE_PAYWALL", sessionId}` to the window, as
    /// tiun's snippet does; its "End session" button ends the session at the fake and posts
    /// `TIUN_SHOW_PAYWALL` with `sessionId: null`. It posts `TIUN_SNIPPET_INITIALIZED` once
    /// rendered.
    ///
    /// ```html
    /// <div id="paywall"></div>
    /// <script src="http://127.0.0.1:PORT/snippet.js" data-tiun-target="paywall"></script>
    /// ```
    #[must_use]
    pub fn snippet_url(&self) -> Url {
        let mut url = self.base_url();
        url.set_path("/snippet.js");
        url
    }
}

impl fmt::Debug for FakeTiun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeTiun")
            .field("base_url", &self.server.base_url().as_str())
            .field("api_key", &"[redacted]")
            .field("checks", &self.checks())
            .finish_non_exhaustive()
    }
}

impl State {
    async fn answer(self: Arc<Self>, request: Captured) -> Reply {
        let segments = request.segments();
        let method = &request.method;
        // The snippet's controls, open to any origin.
        let control = match (method, segments.as_slice()) {
            (&Method::GET, ["snippet.js"]) => return snippet(&request.base_url),
            (&Method::OPTIONS, ["fake", ..]) => Some(Reply::empty(StatusCode::NO_CONTENT)),
            (&Method::POST, ["fake", "sessions"]) => {
                let session_id = self.fresh_id(&request.base_url, "sess");
                lock(&self.sessions).insert(session_id.clone(), Session::Paid);
                let body = json!({ "sessionId": session_id });
                Some(Reply::json(StatusCode::CREATED, &body))
            }
            (&Method::POST, ["fake", "sessions", id, "end"]) => Some(match decode_segment(id) {
                Some(id) => {
                    lock(&self.sessions).insert(id, Session::Ended);
                    Reply::empty(StatusCode::NO_CONTENT)
                }
                None => Reply::empty(StatusCode::BAD_REQUEST),
            }),
            _ => None,
        };
        if let Some(reply) = control {
            return cors(reply);
        }

        // A session check: the session id, and the provider of the legacy path.
        let session_check = match segments.as_slice() {
            _ if method != Method::PATCH => None,
            ["live_api", "s2s", "v1", "sessions", id, "status"] => Some((*id, None)),
            ["live_api", "v1", "providers", p, "sessions", id, "status"] => Some((*id, Some(*p))),
            _ => None,
        };
        if session_check.is_some() {
            self.checks.fetch_add(1, Ordering::SeqCst);
        }
        let fail = |status| problem(status, "A failure injected by FakeTiun::fail_next.");
        if let Some(reply) = self.faults.intercept(fail).await {
            return reply;
        }
        if !has_key(&request.headers) {
            return problem(
                StatusCode::UNAUTHORIZED,
                "The API key is missing or invalid.",
            );
        }
        if let Some((id, provider)) = session_check {
            if provider.is_some_and(|p| decode_segment(p).as_deref() != Some(PROVIDER_ID)) {
                return problem(StatusCode::UNAUTHORIZED, "The provider id is invalid.");
            }
            return self.session(id);
        }
        match (method, segments.as_slice()) {
            (&Method::POST, ["live_api", "s2s", "v1", "users", "verification"]) => {
                self.verification(&request)
            }
            (&Method::GET, ["live_api", "s2s", "v1", "users", id, "info"]) => {
                match decode_segment(id).and_then(|id| self.user(&id)) {
                    Some(user) => Reply::json(StatusCode::OK, &user),
                    None => problem(StatusCode::NOT_FOUND, "No such user."),
                }
            }
            _ => problem(StatusCode::NOT_FOUND, "No such route."),
        }
    }

    fn session(&self, encoded_id: &str) -> Reply {
        let status =
            decode_segment(encoded_id).and_then(|id| lock(&self.sessions).get(&id).copied());
        match status {
            Some(Session::Paid) => Reply::empty(StatusCode::OK),
            Some(Session::Ended) => problem(StatusCode::NOT_FOUND, "The session has ended."),
            None => problem(StatusCode::NOT_FOUND, "No such session."),
        }
    }

    fn verification(&self, request: &Captured) -> Reply {
        let Some(body) = &request.body else {
            return problem(StatusCode::BAD_REQUEST, "The body could not be read.");
        };
        let token = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|v| v.get("userVerificationToken")?.as_str().map(str::to_owned));
        let Some(token) = token else {
            return problem(
                StatusCode::BAD_REQUEST,
                "The body must be {\"userVerificationToken\": \"...\"}.",
            );
        };
        let user_id = lock(&self.tokens).get(&token).cloned();
        let body = match user_id.and_then(|id| self.user(&id)) {
            Some(user) => json!({ "isAuthenticated": true, "userInfo": user }),
            None => json!({ "isAuthenticated": false, "userInfo": null }),
        };
        Reply::json(StatusCode::OK, &body)
    }

    fn user(&self, user_id: &str) -> Option<Value> {
        lock(&self.users).get(user_id).cloned()
    }

    /// A new id, unique among the fakes of the process (whose ports differ).
    fn fresh_id(&self, base_url: &Url, prefix: &str) -> String {
        let n = self.issued.fetch_add(1, Ordering::SeqCst);
        let port = base_url.port().unwrap_or_default();
        format!("{prefix}-{port}-{n}")
    }
}

/// The stand-in snippet, calling the fake at `base_url`.
fn snippet(base_url: &Url) -> Reply {
    let base = Value::from(base_url.as_str()).to_string();
    let script = SNIPPET.replace("__TIUN_FAKE_BASE__", &base);
    Reply::bytes(StatusCode::OK, script).content_type("text/javascript; charset=utf-8")
}

fn has_key(headers: &HeaderMap) -> bool {
    ["x-tiun-api-key", "x-access-token"].iter().any(|name| {
        headers
            .get(*name)
            .is_some_and(|v| v.as_bytes() == API_KEY.as_bytes())
    })
}

/// RFC 7807 problem details, as tiun sends them with `401` and `404`: as `application/json`,
/// not `application/problem+json` (the client takes either).
fn problem(status: StatusCode, detail: &str) -> Reply {
    let body = json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
        "instance": null,
    });
    Reply::json(status, &body)
}

/// Lets a page on any origin call the snippet's controls.
fn cors(reply: Reply) -> Reply {
    reply
        .header("access-control-allow-origin", "*")
        .header("access-control-allow-methods", "POST, OPTIONS")
        .header("access-control-allow-headers", "content-type")
}

/// A user as tiun's user endpoints answer it.
fn user_json(user_id: &str, email: Option<&str>, products: &[&str]) -> Value {
    json!({ "userId": user_id, "email": email, "productAccess": products })
}
