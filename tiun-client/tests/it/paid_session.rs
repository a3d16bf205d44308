//! `PaidSession` through a real axum `Router`: every row of its table, never a 200 but for
//! `Valid`.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, Path};
use axum::http::{HeaderName, Request, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde_json::Value;
use tiun_client::TiunClient;
use tiun_client::axum::{PaidSession, SESSION_HEADER, SessionSource};
use tiun_client::test_util::FakeTiun;
use tower::ServiceExt;

async fn article(paid: PaidSession, Path(id): Path<String>) -> String {
    assert!(!paid.session_id().is_empty());
    format!("article {id}, in full")
}

async fn teaser_or_article(paid: Option<PaidSession>) -> &'static str {
    match paid {
        Some(_) => "in full",
        None => "teaser",
    }
}

fn app(tiun: TiunClient) -> Router {
    Router::new()
        .route("/article/{id}", get(article))
        .route("/front", get(teaser_or_article))
        .with_state(tiun)
}

fn get_with(uri: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::empty()).unwrap()
}

async fn call(tiun: TiunClient, request: Request<Body>) -> Response {
    app(tiun).oneshot(request).await.unwrap()
}

async fn body(response: Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Asserts the rejection's status, JSON shape and code, and that the session id is not in it.
async fn assert_rejected(response: Response, status: u16, code: &str, session_id: &str) {
    assert_eq!(response.status().as_u16(), status);
    assert_eq!(response.headers()["content-type"], "application/json");
    let text = body(response).await;
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["error"], code, "{text}");
    assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(json.as_object().map(|o| o.len()), Some(2), "{text}");
    assert!(!text.contains(session_id), "{text}");
}

#[tokio::test]
async fn a_paid_session_gets_the_article() {
    let fake = FakeTiun::start().await;
    fake.paid_session("sess-paid");

    let response = call(
        fake.client(),
        get_with("/article/42", &[(SESSION_HEADER, "sess-paid")]),
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body(response).await, "article 42, in full");
    assert_eq!(fake.checks(), 1);
}

#[tokio::test]
async fn a_missing_session_id_is_402_without_asking_tiun() {
    let fake = FakeTiun::start().await;

    let response = call(fake.client(), get_with("/article/42", &[])).await;

    assert_rejected(response, 402, "missing_session", "-").await;
    let empty = call(
        fake.client(),
        get_with("/article/42", &[(SESSION_HEADER, "")]),
    )
    .await;
    assert_eq!(empty.status(), StatusCode::PAYMENT_REQUIRED);
    assert_eq!(fake.checks(), 0);
}

#[tokio::test]
async fn an_invalid_session_is_402() {
    let fake = FakeTiun::start().await;
    fake.paid_session("sess-old");
    fake.end_session("sess-old");

    let ended = call(
        fake.client(),
        get_with("/article/42", &[(SESSION_HEADER, "sess-old")]),
    )
    .await;
    let unknown = call(
        fake.client(),
        get_with("/article/42", &[(SESSION_HEADER, "sess-never")]),
    )
    .await;

    assert_rejected(ended, 402, "session_not_paid", "sess-old").await;
    assert_rejected(unknown, 402, "session_not_paid", "sess-never").await;
    assert_eq!(fake.checks(), 2);
}

#[tokio::test]
async fn an_unusable_session_id_is_402_without_asking_tiun() {
    let fake = FakeTiun::start().await;
    let long = "s".repeat(300);

    for headers in [
        vec![(SESSION_HEADER, "..")],
        vec![(SESSION_HEADER, long.as_str())],
        vec![(SESSION_HEADER, "sess-a"), (SESSION_HEADER, "sess-b")],
    ] {
        let response = call(fake.client(), get_with("/article/42", &headers)).await;
        assert_rejected(response, 402, "invalid_session", "sess-a").await;
    }
    assert_eq!(fake.checks(), 0);
}

#[tokio::test]
async fn a_wrong_key_is_503_never_the_article() {
    let fake = FakeTiun::start().await;
    fake.paid_session("sess-paid");
    let misconfigured = fake.client_builder().api_key("wrong-key").build().unwrap();

    let response = call(
        misconfigured,
        get_with("/article/42", &[(SESSION_HEADER, "sess-paid")]),
    )
    .await;

    assert_rejected(response, 503, "tiun_misconfigured", "sess-paid").await;
}

#[tokio::test]
async fn a_server_error_is_503_never_the_article() {
    let fake = FakeTiun::start().await;
    fake.paid_session("sess-paid");
    fake.fail_next(1, 500);

    let response = call(
        fake.client(),
        get_with("/article/42", &[(SESSION_HEADER, "sess-paid")]),
    )
    .await;

    assert_rejected(response, 503, "tiun_unavailable", "sess-paid").await;
}

#[tokio::test]
async fn a_tiun_that_never_answers_is_503_after_the_timeout() {
    let fake = FakeTiun::start().await;
    fake.paid_session("sess-paid");
    fake.delay(Duration::from_secs(60));
    let tiun = fake
        .client_builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let response = tokio::time::timeout(
        Duration::from_secs(5),
        call(
            tiun,
            get_with("/article/42", &[(SESSION_HEADER, "sess-paid")]),
        ),
    )
    .await
    .expect("the client's timeout ends the check");

    assert_rejected(response, 503, "tiun_unavailable", "sess-paid").await;
}

#[tokio::test]
async fn a_dropped_connection_is_503() {
    let fake = FakeTiun::start().await;
    fake.paid_session("sess-paid");
    fake.drop_next(1);

    let response = call(
        fake.client(),
        get_with("/article/42", &[(SESSION_HEADER, "sess-paid")]),
    )
    .await;

    assert_rejected(response, 503, "tiun_unavailable", "sess-paid").await;
}

#[tokio::test]
async fn option_is_none_for_readers_without_a_paid_session() {
    let fake = FakeTiun::start().await;
    fake.paid_session("sess-paid");
    fake.paid_session("sess-old");
    fake.end_session("sess-old");

    for (headers, expected) in [
        (vec![(SESSION_HEADER, "sess-paid")], "in full"),
        (vec![], "teaser"),
        (vec![(SESSION_HEADER, "sess-old")], "teaser"),
        (vec![(SESSION_HEADER, "..")], "teaser"),
    ] {
        let response = call(fake.client(), get_with("/front", &headers)).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(body(response).await, expected, "{headers:?}");
    }
}

#[tokio::test]
async fn option_is_503_when_tiun_cannot_tell() {
    let fake = FakeTiun::start().await;
    fake.paid_session("sess-paid");
    fake.fail_next(1, 502);

    let response = call(
        fake.client(),
        get_with("/front", &[(SESSION_HEADER, "sess-paid")]),
    )
    .await;

    assert_rejected(response, 503, "tiun_unavailable", "sess-paid").await;
    let misconfigured = fake.client_builder().api_key("wrong").build().unwrap();
    let response = call(
        misconfigured,
        get_with("/front", &[(SESSION_HEADER, "sess-paid")]),
    )
    .await;
    assert_rejected(response, 503, "tiun_misconfigured", "sess-paid").await;
}

#[tokio::test]
async fn another_header_is_one_setting() {
    let fake = FakeTiun::start().await;
    fake.paid_session("sess-paid");
    let tiun = fake
        .client_builder()
        .session_source(SessionSource::header(HeaderName::from_static(
            "x-paywall-session",
        )))
        .build()
        .unwrap();

    let paid = call(
        tiun.clone(),
        get_with("/article/1", &[("x-paywall-session", "sess-paid")]),
    )
    .await;
    let default_header = call(
        tiun,
        get_with("/article/1", &[(SESSION_HEADER, "sess-paid")]),
    )
    .await;

    assert_eq!(paid.status(), StatusCode::OK);
    assert_eq!(default_header.status(), StatusCode::PAYMENT_REQUIRED);
}

#[tokio::test]
async fn a_query_parameter_is_one_setting() {
    let fake = FakeTiun::start().await;
    fake.paid_session("sq/7731");
    let tiun = fake
        .client_builder()
        .session_source(SessionSource::query("tiun_session"))
        .build()
        .unwrap();

    let paid = call(
        tiun.clone(),
        get_with("/article/1?page=2&tiun_session=sq%2F7731", &[]),
    )
    .await;
    let repeated = call(
        tiun.clone(),
        get_with("/article/1?tiun_session=sq%2F7731&tiun_session=x", &[]),
    )
    .await;
    let missing = call(tiun, get_with("/article/1?page=2", &[])).await;

    assert_eq!(paid.status(), StatusCode::OK);
    assert_rejected(repeated, 402, "invalid_session", "7731").await;
    assert_rejected(missing, 402, "missing_session", "7731").await;
}

#[derive(Clone)]
struct AppState {
    tiun: TiunClient,
    site_name: &'static str,
}

impl FromRef<AppState> for TiunClient {
    fn from_ref(state: &AppState) -> Self {
        state.tiun.clone()
    }
}

#[tokio::test]
async fn the_client_comes_from_a_larger_state() {
    let fake = FakeTiun::start().await;
    fake.paid_session("sess-paid");
    async fn handler(_paid: PaidSession, state: axum::extract::State<AppState>) -> &'static str {
        state.site_name
    }
    let app = Router::new().route("/", get(handler)).with_state(AppState {
        tiun: fake.client(),
        site_name: "The Daily Example",
    });

    let response = app
        .oneshot(get_with("/", &[(SESSION_HEADER, "sess-paid")]))
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body(response).await, "The Daily Example");
}

#[tokio::test]
async fn debug_output_hides_the_session_id() {
    let fake = FakeTiun::start().await;
    fake.paid_session("sess-4c1d9e");
    async fn handler(paid: PaidSession) -> String {
        format!("{paid:?}")
    }
    let app = Router::new()
        .route("/", get(handler))
        .with_state(fake.client());

    let response = app
        .oneshot(get_with("/", &[(SESSION_HEADER, "sess-4c1d9e")]))
        .await
        .unwrap();

    let printed = body(response).await;
    assert!(printed.contains("[redacted]"), "{printed}");
    assert!(!printed.contains("4c1d9e"), "{printed}");
}

/// The rejection a request gets from `tiun`, without a router.
async fn rejection_of(
    tiun: &TiunClient,
    headers: &[(&str, &str)],
) -> tiun_client::axum::PaidSessionRejection {
    use axum::extract::FromRequestParts;
    let (mut parts, _body) = get_with("/", headers).into_parts();
    <PaidSession as FromRequestParts<TiunClient>>::from_request_parts(&mut parts, tiun)
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_rejection_is_an_error_whose_display_is_its_message() {
    let fake = FakeTiun::start().await;
    fake.paid_session("sess-old");
    fake.end_session("sess-old");
    let misconfigured = fake.client_builder().api_key("wrong-key").build().unwrap();

    let mut rejections = vec![
        (rejection_of(&fake.client(), &[]).await, false),
        (
            rejection_of(&fake.client(), &[(SESSION_HEADER, "..")]).await,
            false,
        ),
        (
            rejection_of(&fake.client(), &[(SESSION_HEADER, "sess-old")]).await,
            false,
        ),
        (
            rejection_of(&misconfigured, &[(SESSION_HEADER, "sess-old")]).await,
            false,
        ),
    ];
    fake.fail_next(1, 500);
    let unavailable = rejection_of(&fake.client(), &[(SESSION_HEADER, "sess-old")]).await;
    rejections.push((unavailable, true));

    let codes: Vec<&str> = rejections.iter().map(|(r, _)| r.code()).collect();
    assert_eq!(
        codes,
        [
            "missing_session",
            "invalid_session",
            "session_not_paid",
            "tiun_misconfigured",
            "tiun_unavailable"
        ]
    );
    for (rejection, has_source) in &rejections {
        let message = rejection.to_string();
        assert_eq!(message, rejection.message());
        assert!(message.starts_with(char::is_uppercase), "{message}");
        assert!(message.ends_with('.'), "{message}");
        let error: &dyn std::error::Error = rejection;
        match error.source() {
            Some(source) => {
                assert!(has_source, "{rejection:?}");
                let source = source.downcast_ref::<tiun_client::Error>().unwrap();
                assert_eq!(source.status().map(|s| s.as_u16()), Some(500));
                assert!(std::ptr::eq(source, rejection.error().unwrap()));
            }
            None => assert!(!has_source, "{rejection:?}"),
        }
        assert!(!format!("{rejection:?} {rejection}").contains("sess-old"));
    }
}
