//! `payway_client::axum::TicketReturn` through a real axum `Router`: well-formed returns in
//! the browser that started the login, every other request refused, `SetCookies` as a
//! response part.

use axum::Router;
use axum::body::Body;
use axum::extract::FromRef;
use axum::http::{Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use payway_client::axum::{TicketReturn, TicketReturnRejection};
use payway_client::{LoginState, ReturnPolicy};
use tower::ServiceExt as _;
use url::Url;

#[derive(Clone)]
struct AppState {
    policy: ReturnPolicy,
}

impl FromRef<AppState> for ReturnPolicy {
    fn from_ref(state: &AppState) -> Self {
        state.policy.clone()
    }
}

async fn required(back: TicketReturn) -> impl IntoResponse {
    let text = format!(
        "{} {}",
        back.ticket().expose_secret().len(),
        back.return_url().map_or("-", |u| u.as_str())
    );
    (back.set_cookies().clone(), text)
}

async fn optional(back: Option<TicketReturn>) -> &'static str {
    if back.is_some() {
        "with ticket"
    } else {
        "without"
    }
}

fn app() -> Router {
    Router::new()
        .route("/welcome-back", get(required))
        .route("/maybe", get(optional))
        .with_state(AppState {
            policy: ReturnPolicy::allow_hosts(["news.example.com"]),
        })
}

/// `uri` (a path and query) bound to a new login, and the `Cookie` pair of its state.
fn bound(uri: &str) -> (String, String) {
    let state = LoginState::new().unwrap();
    let url = state.bind(&Url::parse(&format!("https://news.example.com{uri}")).unwrap());
    let pair = state.set_cookie().split(';').next().unwrap().to_owned();
    (format!("{}?{}", url.path(), url.query().unwrap()), pair)
}

/// A return URL bound to a new login, as the `returnUrl` parameter carries it (encoded), and
/// the `Cookie` pair of its state.
fn bound_return_url(return_url: &str) -> (String, String) {
    let state = LoginState::new().unwrap();
    let url = state.bind(&Url::parse(return_url).unwrap());
    let pair = state.set_cookie().split(';').next().unwrap().to_owned();
    let encoded: String = url::form_urlencoded::byte_serialize(url.as_str().as_bytes()).collect();
    (encoded, pair)
}

async fn call(uri: &str) -> (StatusCode, Option<String>, String) {
    call_with(uri, None).await.0
}

/// Calls `uri` with a `Cookie` header when given; the answer and its `Set-Cookie` values.
async fn call_with(
    uri: &str,
    cookie: Option<&str>,
) -> ((StatusCode, Option<String>, String), Vec<String>) {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = app()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let set_cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        (
            status,
            content_type,
            String::from_utf8(bytes.to_vec()).unwrap(),
        ),
        set_cookies,
    )
}

#[tokio::test]
async fn a_callback_in_the_browser_that_started_it_is_extracted_and_its_state_cleared() {
    // ReturnUrl mode: the shop appends the ticket to the bound return URL.
    let (uri, pair) = bound("/welcome-back");
    let ((status, _, body), set_cookies) = call_with(
        &format!("{uri}&ticket=abc789"),
        Some(&format!("a=1; {pair}")),
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "6 -"));
    let name = pair.split('=').next().unwrap();
    assert_eq!(
        set_cookies,
        [format!(
            "{name}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax"
        )]
    );
    // SeparateTicketAuth mode: the state rides in the return URL, and is taken off it.
    let (return_url, pair) = bound_return_url("https://news.example.com/article/7?page=2");
    let ((status, _, body), _) = call_with(
        &format!("/welcome-back?Ticket=abc789&ReturnUrl={return_url}"),
        Some(&pair),
    )
    .await;
    assert_eq!(
        (status, body.as_str()),
        (
            StatusCode::OK,
            "6 https://news.example.com/article/7?page=2"
        )
    );
}

#[tokio::test]
async fn a_return_without_its_state_cookie_is_refused_before_the_handler() {
    let (uri, pair) = bound("/welcome-back");
    let (other_uri, other_pair) = bound("/welcome-back");
    let name = pair.split('=').next().unwrap();
    let forged = format!("{name}={}", other_pair.split_once('=').unwrap().1);
    for (uri, cookie) in [
        // Opened in another browser: no state cookie at all.
        (uri.clone(), None),
        (uri.clone(), Some("theme=dark".to_owned())),
        // Another login's cookie, under its own name or planted under this one's.
        (uri.clone(), Some(other_pair.clone())),
        (uri.clone(), Some(forged)),
        // The return URL swapped for another login's.
        (other_uri, Some(pair.clone())),
        // No state in the URL, whatever the cookies.
        ("/welcome-back?x=1".to_owned(), Some(pair.clone())),
    ] {
        let uri = format!("{uri}&ticket=secret-tkt-1");
        let ((status, content_type, body), set_cookies) = call_with(&uri, cookie.as_deref()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri} {cookie:?}");
        assert_eq!(content_type.as_deref(), Some("application/json"));
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["error"], "not_this_browser", "{body}");
        assert!(!body.contains("secret-tkt"), "{body}");
        assert!(set_cookies.is_empty(), "{set_cookies:?}");
    }
}

#[tokio::test]
async fn anything_else_is_a_400_with_a_json_code_and_no_ticket() {
    for (uri, code) in [
        ("/welcome-back", "missing_ticket"),
        ("/welcome-back?ticket=", "malformed_ticket"),
        ("/welcome-back?ticket=%E2%80%8B", "malformed_ticket"),
        (
            "/welcome-back?ticket=secret-tkt-1&ticket=secret-tkt-2",
            "duplicate_parameter",
        ),
        (
            "/welcome-back?ticket=secret-tkt-1&returnUrl=https%3A%2F%2Fevil.example%2F",
            "return_url_refused",
        ),
    ] {
        let (status, content_type, body) = call(uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(content_type.as_deref(), Some("application/json"), "{uri}");
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["error"], code, "{uri}: {body}");
        assert!(json["message"].is_string(), "{body}");
        assert!(
            !body.contains("secret-tkt") && !body.contains("evil"),
            "{body}"
        );
    }
    let long = format!("/welcome-back?ticket=t&pad={}", "x".repeat(17_000));
    let (status, _, body) = call(&long).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("query_too_long"), "{body}");
}

#[tokio::test]
async fn an_optional_return_is_none_without_a_ticket_and_still_refuses_a_bad_one() {
    assert_eq!(call("/maybe").await.2, "without");
    assert_eq!(call("/maybe?utm_source=x").await.2, "without");
    let (uri, pair) = bound("/maybe");
    let ((_, _, body), _) = call_with(&format!("{uri}&ticket=abc"), Some(&pair)).await;
    assert_eq!(body, "with ticket");
    let (status, _, body) = call("/maybe?ticket=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("not_this_browser"), "{body}");
    let (status, _, body) = call("/maybe?ticket=abc&returnUrl=https%3A%2F%2Fevil.example").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("return_url_refused"), "{body}");
}

/// An app that maps the rejection to its own answer, through `status()` and `code()`.
async fn mapped(back: Result<TicketReturn, TicketReturnRejection>) -> (StatusCode, String) {
    match back {
        Ok(_) => (StatusCode::OK, "ok".to_owned()),
        Err(rejection) => (
            StatusCode::SEE_OTHER,
            format!("{} {}", rejection.status().as_u16(), rejection.code()),
        ),
    }
}

#[tokio::test]
async fn apps_can_map_the_rejection_to_their_own_answer() {
    let app = Router::new()
        .route("/back", get(mapped))
        .with_state(AppState {
            policy: ReturnPolicy::allow_hosts(["news.example.com"]),
        });
    let response = app
        .oneshot(Request::get("/back?x=1").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let bytes = axum::body::to_bytes(response.into_body(), 1024)
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"400 missing_ticket");
}

#[tokio::test]
async fn rejections_print_their_message_and_keep_the_callback_error() {
    use std::error::Error as _;

    use axum::extract::FromRequestParts as _;
    use payway_client::CallbackError;

    let state = AppState {
        policy: ReturnPolicy::allow_hosts(["news.example.com"]),
    };
    for (uri, code) in [
        ("/welcome-back", "missing_ticket"),
        ("/welcome-back?ticket=a%20b", "malformed_ticket"),
        (
            "/welcome-back?ticket=t-1&returnUrl=https%3A%2F%2Fevil.example%2F",
            "return_url_refused",
        ),
        ("/welcome-back?ticket=t-1", "not_this_browser"),
    ] {
        let (mut parts, ()) = Request::get(uri).body(()).unwrap().into_parts();
        let rejection = TicketReturn::from_request_parts(&mut parts, &state)
            .await
            .unwrap_err();
        assert_eq!(rejection.code(), code);
        assert_eq!(rejection.to_string(), rejection.message(), "{code}");
        let message = rejection.message();
        assert!(message.starts_with(char::is_uppercase) && message.ends_with('.'));
        let source = rejection.source().unwrap();
        assert!(source.downcast_ref::<CallbackError>().is_some(), "{code}");
        assert_eq!(source.to_string(), rejection.reason().to_string());
    }
}
