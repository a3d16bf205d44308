//! An axum news site whose story route is gated by Accesstype, served on 127.0.0.1 and read
//! over HTTP the way a browser reads it: a new reader gets the `at-meter` cookie, reads three
//! stories, meets the wall; a subscriber who logs in reads on.
//!
//! ```text
//! cargo run -p accesstype-jwt --features axum,test-util --example story_gate
//! ```
//!
//! Accesstype is `FakeAccesstype`, in-process, so no credentials and no network are needed.

use accesstype_jwt::axum::{Reader, StoryPass, StoryWall};
use accesstype_jwt::reqwest::header::{COOKIE, SET_COOKIE};
use accesstype_jwt::test_util::FakeAccesstype;
use accesstype_jwt::{AccesstypeClient, AccesstypeSigner, ReaderCookie, User};
use axum::Router;
use axum::extract::{FromRef, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

#[derive(Clone)]
struct AppState {
    accesstype: AccesstypeClient,
    signer: AccesstypeSigner,
    reader_cookie: ReaderCookie,
}

impl FromRef<AppState> for ReaderCookie {
    fn from_ref(state: &AppState) -> Self {
        state.reader_cookie.clone()
    }
}

/// `GET /story/{id}`. The site's own login is a stand-in here: a `session=42` cookie.
async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    reader: Reader,
) -> Response {
    let logged_in = headers
        .get(COOKIE)
        .and_then(|cookie| cookie.to_str().ok())
        .is_some_and(|cookie| cookie.contains("session=42"));
    let jwt = if logged_in {
        // A logged-in reader whose JWT cannot be signed is not read as anonymous: that would
        // spend a subscriber's free stories. An error page instead.
        let user = User::new("subscriber@example.com", 42);
        let Ok(signed) = state.signer.sign(&user) else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        Some(signed)
    } else {
        None
    };
    let gate: Result<StoryPass, StoryWall> =
        state.accesstype.gate(&id, reader, jwt.as_deref()).await;
    let answer = gate.map(|pass| (pass, format!("<article>All of {id}.</article>")));
    // Story or wall, the answer is this reader's: no shared cache (a CDN that keys on the URL)
    // may keep it and serve it to the next reader.
    ([(header::CACHE_CONTROL, "private, no-store")], answer).into_response()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let accesstype = FakeAccesstype::start().await;
    accesstype.subscribe(42);
    let state = AppState {
        accesstype: accesstype.client(),
        signer: accesstype.signer(),
        // Host-only: the only choice for a site on 127.0.0.1. Lax: another site's page cannot
        // spend the reader's free stories by loading story URLs (`<img>` tags). Keep the
        // default `None` only if stories are metered inside another site's frame (AMP).
        reader_cookie: ReaderCookie::host_only().same_site_lax(),
    };
    let app = Router::new()
        .route("/story/{id}", get(story))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let site = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!(
        "news site on {site}, Accesstype (fake) on {}",
        accesstype.base_url()
    );

    let browser = accesstype_jwt::reqwest::Client::new();
    let mut cookies = String::new();
    for (id, session) in [
        ("harbour-plan", false),
        ("council-vote", false),
        ("river-festival", false),
        ("budget-leak", false),
        ("budget-leak", true),
    ] {
        let mut request = browser.get(format!("{site}/story/{id}"));
        let sent = if session {
            format!("{cookies}; session=42")
        } else {
            cookies.clone()
        };
        if !sent.is_empty() {
            request = request.header(COOKIE, sent);
        }
        let response = request.send().await?;
        let status = response.status();
        if let Some(set) = response.headers().get(SET_COOKIE) {
            // Keep the reader id, as a browser keeps the cookie.
            let pair = set.to_str()?.split(';').next().unwrap_or_default();
            println!(
                "  the site set the cookie {}…",
                pair.get(..17).unwrap_or(pair)
            );
            cookies = pair.to_owned();
        }
        let who = if session { "subscriber" } else { "anonymous" };
        println!(
            "GET /story/{id} ({who}): {status} {}",
            response.text().await?
        );
    }
    println!(
        "Accesstype saw {} access checks and counted {} pingbacks.",
        accesstype.access_checks(),
        accesstype.pingbacks()
    );
    Ok(())
}
