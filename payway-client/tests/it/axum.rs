//! `payway_client::axum::TicketReturn` through a real axum `Router`.

use axum::Router;
use axum::body::Body;
use axum::extract::FromRef;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use payway_client::ReturnPolicy;
use payway_client::axum::{TicketReturn, TicketReturnRejection};
use tower::ServiceExt as _;

#[derive(Clone)]
struct AppState {
    policy: ReturnPolicy,
}

impl FromRef<AppState> for ReturnPolicy {
    fn from_ref(state: &AppState) -> Self {
        state.policy.clone()
    }
}

async fn required(back: TicketReturn) -> String {
    format!(
        "{} {}",
        back.ticket().expose_secret().len(),
        back.return_url().map_or("-", |u| u.as_str())
    )
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

async fn call(uri: &str) -> (StatusCode, Option<String>, String) {
    let response = app()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        content_type,
        String::from_utf8(bytes.to_vec()).unwrap(),
    )
}

#[tokio::test]
async fn a_callback_is_extracted() {
    let (status, _, body) = call("/welcome-back?ticket=abc789").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "6 -"));
    let (status, _, body) =
        call("/welcome-back?Ticket=abc789&ReturnUrl=https%3A%2F%2Fnews.example.com%2Farticle%2F7")
            .await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "6 https://news.example.com/article/7")
    );
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
    assert_eq!(call("/maybe?ticket=abc").await.2, "with ticket");
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
