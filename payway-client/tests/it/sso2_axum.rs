//! `payway_client::axum::Sso2Cookie` through a real axum `Router`.

use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Body;
use axum::extract::FromRef;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use payway_client::axum::{Sso2Cookie, Sso2CookieRejection};
use payway_client::sso2::{SessionCookie, SessionCookieKey};
use tower::ServiceExt as _;

use crate::sso2_cookie::session;

const KEY: &[u8] = b"news-site-cookie-key-0123456789abcdef";

#[derive(Clone)]
struct AppState {
    key: SessionCookieKey,
}

impl FromRef<AppState> for SessionCookieKey {
    fn from_ref(state: &AppState) -> Self {
        state.key.clone()
    }
}

async fn required(cookie: Sso2Cookie) -> String {
    format!(
        "{} {}",
        cookie.account_id().unwrap_or("-"),
        cookie.has_product("premium")
    )
}

async fn optional(cookie: Option<Sso2Cookie>) -> &'static str {
    match cookie {
        Some(cookie) if cookie.has_product("premium") => "premium",
        Some(_) => "session",
        None => "anonymous",
    }
}

async fn mapped(cookie: Result<Sso2Cookie, Sso2CookieRejection>) -> String {
    match cookie {
        Ok(_) => "ok".to_owned(),
        Err(rejection) => format!("{} {}", rejection.status().as_u16(), rejection.code()),
    }
}

fn app() -> Router {
    Router::new()
        .route("/required", get(required))
        .route("/optional", get(optional))
        .route("/mapped", get(mapped))
        .with_state(AppState {
            key: SessionCookieKey::new(KEY).unwrap(),
        })
}

async fn call(uri: &str, cookies: &[&str]) -> (StatusCode, Option<String>, String) {
    let mut request = Request::get(uri);
    for cookie in cookies {
        request = request.header("cookie", *cookie);
    }
    let response = app()
        .oneshot(request.body(Body::empty()).unwrap())
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

fn sealed(cookie: &SessionCookie) -> String {
    SessionCookieKey::new(KEY).unwrap().seal(cookie).unwrap()
}

fn premium() -> SessionCookie {
    SessionCookie::new(&session("sid-axum-1", "loggedin"))
        .with_account("acc-1", ["premium"])
        .unwrap()
}

#[tokio::test]
async fn a_genuine_cookie_is_extracted_from_any_cookie_header() {
    let value = format!("__Host-payway-sso2={}", sealed(&premium()));
    let (status, _, body) = call("/required", &[&format!("a=1; {value}; b=2")]).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "acc-1 true"));
    // HTTP/2 splits cookies over several headers.
    let (status, _, body) = call("/required", &["a=1", &value, "b=2"]).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "acc-1 true"));
    assert_eq!(call("/optional", &[&value]).await.2, "premium");
}

#[tokio::test]
async fn anything_else_is_a_401_with_a_json_code_and_optional_is_none() {
    let genuine = sealed(&premium());
    let mut edited = genuine.clone().into_bytes();
    edited[5] = if edited[5] == b'A' { b'B' } else { b'A' };
    let edited = String::from_utf8(edited).unwrap();
    let other_key = SessionCookieKey::new(b"another-site-key-0123456789abcdefgh")
        .unwrap()
        .seal(&premium())
        .unwrap();
    let expired = sealed(
        &premium()
            .with_lifetime(Duration::from_secs(10))
            .with_confirmed_at(SystemTime::now() - Duration::from_secs(20)),
    );
    let name = "__Host-payway-sso2";
    let huge = format!("pad={}", "x".repeat(70 * 1024));
    for (cookies, code) in [
        (vec![String::from("a=1")], "missing_session_cookie"),
        (vec![format!("{name}={edited}")], "invalid_session_cookie"),
        (
            vec![format!("{name}={other_key}")],
            "invalid_session_cookie",
        ),
        (vec![format!("{name}=")], "invalid_session_cookie"),
        (vec![format!("{name}={expired}")], "expired_session_cookie"),
        (
            vec![format!("{name}={genuine}"), format!("{name}={genuine}")],
            "duplicate_session_cookie",
        ),
        (vec![huge.clone()], "cookie_header_too_large"),
    ] {
        let cookies: Vec<&str> = cookies.iter().map(String::as_str).collect();
        let (status, content_type, body) = call("/required", &cookies).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{code}");
        assert_eq!(content_type.as_deref(), Some("application/json"));
        let json: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(json["error"], code, "{body}");
        assert!(json["message"].is_string());
        assert!(
            !body.contains(&genuine[..20]) && !body.contains("sid-axum"),
            "{body}"
        );
        assert_eq!(call("/optional", &cookies).await.2, "anonymous", "{code}");
        assert_eq!(call("/mapped", &cookies).await.2, format!("401 {code}"));
    }
}

/// Calls `uri` with `Cookie` headers given as raw bytes (a browser may send Latin-1).
async fn call_with_bytes(uri: &str, cookies: &[&[u8]]) -> (StatusCode, String) {
    let mut request = Request::get(uri);
    for cookie in cookies {
        let value = axum::http::HeaderValue::from_bytes(cookie).unwrap();
        request = request.header("cookie", value);
    }
    let response = app()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

#[tokio::test]
async fn a_cookie_that_is_not_utf8_never_hides_the_session_cookie() {
    let pair = format!("__Host-payway-sso2={}", sealed(&premium()));
    // HTTP/1.1: every cookie in one header, one of them Latin-1 (`city=Umeå`).
    let mut one_header = b"city=Ume\xe5; ".to_vec();
    one_header.extend_from_slice(pair.as_bytes());
    one_header.extend_from_slice(b"; name=\xd6sterg\xf6tland");
    let (status, body) = call_with_bytes("/required", &[&one_header]).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "acc-1 true"));
    assert_eq!(
        call_with_bytes("/optional", &[&one_header]).await.1,
        "premium"
    );
    // HTTP/2: the Latin-1 cookie in a header of its own.
    let split: [&[u8]; 2] = [b"city=Ume\xe5", pair.as_bytes()];
    assert_eq!(call_with_bytes("/optional", &split).await.1, "premium");
    // The session cookie's own value must be text: a Latin-1 one is no session.
    let (status, body) = call_with_bytes("/mapped", &[b"__Host-payway-sso2=\xe5"]).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "401 invalid_session_cookie")
    );
}

#[tokio::test]
async fn rejections_print_their_message_and_keep_their_cause() {
    use std::error::Error as _;

    use axum::extract::FromRequestParts as _;

    let state = AppState {
        key: SessionCookieKey::new(KEY).unwrap(),
    };
    let mut rejections = Vec::new();
    for cookie in ["a=1", "__Host-payway-sso2=AQFsb2dnZWRpbg.Zm9yZ2Vk"] {
        let request = Request::get("/").header("cookie", cookie).body(()).unwrap();
        let (mut parts, ()) = request.into_parts();
        let rejection = Sso2Cookie::from_request_parts(&mut parts, &state)
            .await
            .unwrap_err();
        rejections.push(rejection);
    }
    let [missing, forged] = &rejections[..] else {
        unreachable!()
    };
    assert_eq!(missing.to_string(), "There is no session cookie.");
    assert!(missing.source().is_none());
    assert_eq!(forged.to_string(), "The session cookie is not valid.");
    assert!(forged.source().is_some());
    for rejection in &rejections {
        assert_eq!(rejection.to_string(), rejection.message());
        let message = rejection.message();
        assert!(message.starts_with(char::is_uppercase) && message.ends_with('.'));
    }
}
