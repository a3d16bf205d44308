//! The story gate through a real axum router and the fake: passes, walls with their
//! `wallType`, the reader's cookie either way, and errors that never serve.

use accesstype_jwt::axum::{Reader, StoryPass, StoryWall};
use accesstype_jwt::test_util::FakeAccesstype;
use accesstype_jwt::{AccesstypeClient, CheckOptions, ReaderCookie, User};
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::routing::get;
use http_body_util::BodyExt;
use serde::Deserialize;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::READER;

#[derive(Clone)]
struct App {
    accesstype: AccesstypeClient,
    cookie: ReaderCookie,
    jwt: String,
}

impl FromRef<App> for ReaderCookie {
    fn from_ref(app: &App) -> Self {
        app.cookie.clone()
    }
}

#[derive(Deserialize)]
struct Login {
    #[serde(default)]
    subscriber: bool,
    #[serde(default)]
    hard: bool,
}

/// `GET /story/{id}`: the story for whoever the gate lets through. `?subscriber=true` stands in
/// for the site's own login; `?hard=true` for a story behind a hard paywall.
async fn story(
    State(app): State<App>,
    Path(id): Path<String>,
    Query(login): Query<Login>,
    reader: Reader,
) -> Result<(StoryPass, String), StoryWall> {
    let jwt = login.subscriber.then_some(app.jwt.as_str());
    let options = if login.hard {
        CheckOptions::new().disable_meter()
    } else {
        CheckOptions::new()
    };
    let pass = app.accesstype.gate_with(&id, reader, jwt, options).await?;
    Ok((pass, format!("all of {id}")))
}

async fn app(fake: &FakeAccesstype) -> Router {
    fake.subscribe(42);
    let jwt = fake
        .signer()
        .sign(&User::new("subscriber@example.com", 42))
        .unwrap();
    Router::new()
        .route("/story/{id}", get(story))
        .with_state(App {
            accesstype: fake.client(),
            cookie: ReaderCookie::host_only(),
            jwt,
        })
}

async fn get_page(
    app: &Router,
    path: &str,
    cookie: Option<&str>,
) -> (StatusCode, HeaderMap, String) {
    let mut request = Request::get(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

fn json_body(body: &str) -> Value {
    let body: Value = serde_json::from_str(body).unwrap();
    let message = body["message"].as_str().unwrap();
    // Every rejection's message is a sentence a page can show as it is.
    assert!(
        message.starts_with(char::is_uppercase) && message.ends_with('.'),
        "{message:?}"
    );
    body
}

#[tokio::test]
async fn three_metered_reads_then_the_pay_wall() {
    let fake = FakeAccesstype::start().await;
    let app = app(&fake).await;
    let cookie = format!("at-meter={READER}");

    for story in ["one", "two", "three"] {
        let (status, headers, body) =
            get_page(&app, &format!("/story/{story}"), Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK, "{story}");
        assert_eq!(body, format!("all of {story}"));
        assert!(headers.get(header::SET_COOKIE).is_none());
        // One reader's story: no shared cache may keep it.
        assert_eq!(headers[header::CACHE_CONTROL], "private, no-store");
    }
    let (status, headers, body) = get_page(&app, "/story/four", Some(&cookie)).await;

    assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(headers[header::CACHE_CONTROL], "private, no-store");
    assert_eq!(
        json_body(&body),
        json!({"error": "pay_wall", "message": "This story is for subscribers.", "wallType": "pay_wall"})
    );
    assert_eq!((fake.access_checks(), fake.pingbacks()), (4, 3));

    // A subscriber reads on, and is never metered.
    let (status, _, body) = get_page(&app, "/story/four?subscriber=true", Some(&cookie)).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "all of four"));
    assert_eq!(fake.pingbacks(), 3);
}

#[tokio::test]
async fn a_registration_wall_is_named_as_such() {
    let fake = FakeAccesstype::start().await;
    fake.registration_wall("members-only");
    let app = app(&fake).await;

    let (status, _, body) = get_page(
        &app,
        "/story/members-only",
        Some(&format!("at-meter={READER}")),
    )
    .await;

    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let body = json_body(&body);
    assert_eq!(body["error"], "registration_wall");
    assert_eq!(body["message"], "Log in or register to read this story.");
    assert_eq!(body["wallType"], "registration_wall");
    let (status, _, body) = get_page(&app, "/story/ordinary?hard=true", None).await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(json_body(&body)["wallType"], "pay_wall");
}

#[tokio::test]
async fn a_new_reader_gets_the_cookie_whether_the_story_is_served_or_walled() {
    let fake = FakeAccesstype::start().await;
    fake.hard_paywall("exclusive");
    let app = app(&fake).await;

    for (path, expected) in [
        ("/story/one", StatusCode::OK),
        ("/story/exclusive", StatusCode::PAYMENT_REQUIRED),
    ] {
        let (status, headers, _) = get_page(&app, path, None).await;
        assert_eq!(status, expected, "{path}");
        let cookies: Vec<_> = headers.get_all(header::SET_COOKIE).iter().collect();
        assert_eq!(cookies.len(), 1, "{path}");
        assert!(
            cookies[0].to_str().unwrap().starts_with("at-meter="),
            "{path}"
        );
    }
}

#[tokio::test]
async fn errors_answer_503_and_never_the_story() {
    let fake = FakeAccesstype::start().await;
    let app = app(&fake).await;
    let cookie = format!("at-meter={READER}");

    fake.fail_next(1, 500);
    let (status, _, body) = get_page(&app, "/story/one", Some(&cookie)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        json_body(&body),
        json!({
            "error": "accesstype_unavailable",
            "message": "Access to this story could not be checked; please try again later.",
            "wallType": null
        })
    );

    fake.drop_next(1);
    let (status, _, body) = get_page(&app, "/story/one", Some(&cookie)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(!body.contains("all of"));
    // A story id that cannot be one path segment is no story.
    let (status, _, body) = get_page(&app, "/story/..", Some(&cookie)).await;
    assert_ne!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn an_unsendable_story_id_is_a_404_wall() {
    let fake = FakeAccesstype::start().await;
    let reader = accesstype_jwt::ReaderId::parse(READER).unwrap();
    let wall = fake
        .client()
        .read_story("..", &reader, None)
        .await
        .unwrap_err();
    assert!(matches!(
        wall,
        accesstype_jwt::Error::InvalidInput {
            what: "story id",
            ..
        }
    ));

    // Through the gate, with a handler that takes the id from a query (axum's router would
    // not route a path segment `..`).
    async fn by_query(
        State(app): State<App>,
        Query(q): Query<std::collections::HashMap<String, String>>,
        reader: Reader,
    ) -> Result<(StoryPass, &'static str), StoryWall> {
        let id = q.get("id").cloned().unwrap_or_default();
        Ok((app.accesstype.gate(&id, reader, None).await?, "served"))
    }
    let jwt = String::new();
    let app = Router::new().route("/s", get(by_query)).with_state(App {
        accesstype: fake.client(),
        cookie: ReaderCookie::host_only(),
        jwt,
    });
    let (status, _, body) = get_page(&app, "/s?id=..", Some(&format!("at-meter={READER}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json_body(&body)["error"], "invalid_story_id");
    assert_eq!(
        json_body(&body)["message"],
        "There is no story with this id."
    );
    assert_eq!(fake.access_checks(), 0);
}

#[tokio::test]
async fn a_pass_keeps_a_cache_control_the_handler_set_before_it() {
    type Cached = (
        [(header::HeaderName, &'static str); 1],
        StoryPass,
        &'static str,
    );
    async fn cached(State(app): State<App>, reader: Reader) -> Result<Cached, StoryWall> {
        let pass = app.accesstype.gate("one", reader, None).await?;
        let own = [(header::CACHE_CONTROL, "private, max-age=60")];
        Ok((own, pass, "served"))
    }
    let fake = FakeAccesstype::start().await;
    let app = Router::new().route("/s", get(cached)).with_state(App {
        accesstype: fake.client(),
        cookie: ReaderCookie::host_only(),
        jwt: String::new(),
    });
    let (status, headers, _) = get_page(&app, "/s", Some(&format!("at-meter={READER}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "private, max-age=60");
}

#[tokio::test]
async fn a_wall_can_be_mapped_to_a_page_of_your_own() {
    let fake = FakeAccesstype::start().await;
    fake.set_free_stories(0);
    let reader = Reader::from(accesstype_jwt::ReaderId::parse(READER).unwrap());
    let wall = fake.client().gate("one", reader, None).await.unwrap_err();
    assert_eq!(wall.status(), StatusCode::PAYMENT_REQUIRED);
    assert_eq!(wall.code(), "pay_wall");
    assert_eq!(wall.wall_type().map(|w| w.as_str()), Some("pay_wall"));
    assert_eq!(wall.grant().and_then(|g| g.number_remaining()), Some(0));
    assert!(wall.error().is_none());
    assert_eq!(wall.to_string(), "This story is for subscribers.");
    assert_eq!(wall.message(), wall.to_string());
    assert_eq!(wall.into_reader().as_str(), READER);
}

#[tokio::test]
async fn a_reader_jwt_over_the_cap_is_a_400_not_an_unavailable_accesstype() {
    let fake = FakeAccesstype::start().await;
    // A JWT one byte over the cap, as a site might take from a request it does not control.
    let too_large = "a".repeat(accesstype_jwt::MAX_TOKEN_BYTES + 1);
    let reader = Reader::from(accesstype_jwt::ReaderId::parse(READER).unwrap());
    let wall = fake
        .client()
        .gate("one", reader, Some(&too_large))
        .await
        .unwrap_err();
    assert_eq!(wall.status(), StatusCode::BAD_REQUEST);
    assert_eq!(wall.code(), "token_too_large");
    assert!(
        matches!(
            wall.error(),
            Some(accesstype_jwt::Error::TokenTooLarge { len, .. }) if *len == too_large.len()
        ),
        "{wall:?}"
    );
    assert!(wall.grant().is_none() && wall.wall_type().is_none());

    let app = Router::new()
        .route("/story/{id}", get(story))
        .with_state(App {
            accesstype: fake.client(),
            cookie: ReaderCookie::host_only(),
            jwt: too_large,
        });
    let (status, _, body) = get_page(
        &app,
        "/story/one?subscriber=true",
        Some(&format!("at-meter={READER}")),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        json_body(&body),
        json!({
            "error": "token_too_large",
            "message": "The reader's login token is too large to be checked.",
            "wallType": null
        })
    );
    // Nothing was asked of Accesstype, and nothing was metered.
    assert_eq!((fake.access_checks(), fake.pingbacks()), (0, 0));
}
