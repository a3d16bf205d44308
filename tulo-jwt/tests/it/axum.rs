//! `TuloSession` (feature `axum`) through a real axum `Router`: every outcome, split and
//! large `Cookie` headers, and the rejection's body.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::FromRef;
use axum::http::{Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use tower::ServiceExt as _;
use tulo_jwt::TuloVerifier;
use tulo_jwt::axum::{TuloRejection, TuloSession};

use crate::fixtures::{
    ACCOUNT_ID, OTHER_SECRET, active_claims, encoded_cookie, inactive_claims, news_site_header,
    now_secs, sign, sign_with, verifier,
};

/// An app whose state holds more than the verifier, as real apps' do.
#[derive(Clone)]
struct AppState {
    verifier: TuloVerifier,
    site: &'static str,
}

impl FromRef<AppState> for TuloVerifier {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

fn app() -> Router {
    let state = AppState {
        verifier: verifier(),
        site: "news",
    };
    assert_eq!(state.site, "news");
    Router::new()
        .route(
            "/article/{id}",
            get(|reader: TuloSession| async move { reader.account_id().to_owned() }),
        )
        .route(
            "/teaser/{id}",
            get(|reader: Option<TuloSession>| async move {
                reader.map_or("anonymous".to_owned(), |r| r.account_id().to_owned())
            }),
        )
        .route(
            "/paywall/{id}",
            get(|reader: Result<TuloSession, TuloRejection>| async move {
                match reader {
                    Ok(reader) => reader.account_id().to_owned().into_response(),
                    Err(rejection) => {
                        (StatusCode::PAYMENT_REQUIRED, rejection.code()).into_response()
                    }
                }
            }),
        )
        .with_state(state)
}

async fn get_with(path: &str, cookies: &[&str]) -> (StatusCode, Option<String>, String) {
    let mut request = Request::get(path);
    for cookie in cookies {
        request = request.header(header::COOKIE, *cookie);
    }
    let response: Response = app()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|value| value.to_str().unwrap().to_owned());
    let body = to_bytes(response.into_body(), 64 * 1024).await.unwrap();
    (
        status,
        content_type,
        String::from_utf8(body.to_vec()).unwrap(),
    )
}

fn active_cookie() -> String {
    let claims = active_claims(now_secs());
    format!("T_ID={}", encoded_cookie(&claims, &sign(&claims)))
}

/// Expects the rejection's response: 401, JSON, the code, and nothing the request carried.
async fn assert_rejected(cookies: &[&str], code: &str) {
    let (status, content_type, body) = get_with("/article/1", cookies).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(content_type.as_deref(), Some("application/json"));
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"], code);
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
    for cookie in cookies {
        for part in cookie.split(['.', '=', '%']) {
            if part.len() > 12 {
                assert!(!body.to_string().contains(part), "{body} leaks {part}");
            }
        }
    }
    let (status, _, body) = get_with("/teaser/1", cookies).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "anonymous"));
    let (status, _, body) = get_with("/paywall/1", cookies).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::PAYMENT_REQUIRED, code)
    );
}

#[tokio::test]
async fn an_active_session_is_extracted() {
    let cookie = active_cookie();
    for path in ["/article/1", "/teaser/1", "/paywall/1"] {
        let (status, _, body) = get_with(path, &[&format!("a=1; {cookie}; b=2")]).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::OK, ACCOUNT_ID),
            "{path}"
        );
    }
}

#[tokio::test]
async fn no_cookie_at_all() {
    assert_rejected(&[], "session_missing").await;
    assert_rejected(&["_ga=GA1.2.3; theme=dark"], "session_missing").await;
}

#[tokio::test]
async fn payway_signed_no_session() {
    let claims = inactive_claims(now_secs());
    let cookie = format!("T_ID={}", encoded_cookie(&claims, &sign(&claims)));
    assert_rejected(&[&cookie], "session_inactive").await;
}

#[tokio::test]
async fn an_expired_session() {
    let claims = active_claims(now_secs() - 3600);
    let cookie = format!("T_ID={}", encoded_cookie(&claims, &sign(&claims)));
    assert_rejected(&[&cookie], "session_expired").await;
}

#[tokio::test]
async fn forged_tampered_and_malformed_cookies() {
    let claims = active_claims(now_secs());
    let forged = sign_with(&claims, jsonwebtoken::Algorithm::HS256, OTHER_SECRET);
    let forged = format!("T_ID={}", encoded_cookie(&claims, &forged));
    assert_rejected(&[&forged], "session_invalid").await;

    // One character of the signed claims changed, in the cookie as the browser sends it.
    let token = sign(&claims);
    let (header, rest) = token.split_once('.').unwrap();
    let (payload, signature) = rest.split_once('.').unwrap();
    let mut bytes = payload.as_bytes().to_vec();
    bytes[10] = if bytes[10] == b'A' { b'B' } else { b'A' };
    let tampered = format!("{header}.{}.{signature}", String::from_utf8(bytes).unwrap());
    let tampered = format!("T_ID={}", encoded_cookie(&claims, &tampered));
    assert_rejected(&[&tampered], "session_invalid").await;

    assert_rejected(&["T_ID=%7Bnot-json"], "session_invalid").await;
    assert_rejected(&["T_ID="], "session_invalid").await;
}

#[tokio::test]
async fn a_t_id_in_two_headers_is_refused() {
    let cookie = active_cookie();
    assert_rejected(&[&cookie, &cookie], "session_invalid").await;
    assert_rejected(&[&format!("{cookie}; {cookie}")], "session_invalid").await;
}

#[tokio::test]
async fn a_12_kib_cookie_header_with_a_valid_t_id() {
    let claims = active_claims(now_secs());
    let header = news_site_header(&encoded_cookie(&claims, &sign(&claims)), 12 * 1024);
    assert_eq!(header.len(), 12 * 1024);
    let (status, _, body) = get_with("/article/1", &[&header]).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, ACCOUNT_ID));
}

#[tokio::test]
async fn the_same_cookies_split_over_two_headers() {
    let claims = active_claims(now_secs());
    let header = news_site_header(&encoded_cookie(&claims, &sign(&claims)), 12 * 1024);
    let (first, second) = header.split_at(header.find("; T_ID=").unwrap());
    let second = second.trim_start_matches("; ");
    assert!(second.starts_with("T_ID="));
    let (status, _, body) = get_with("/article/1", &[first, second]).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, ACCOUNT_ID));
    // HTTP/2 splits every cookie into its own header field.
    let crumbs: Vec<&str> = header.split("; ").collect();
    assert!(crumbs.len() > 10);
    let (status, _, body) = get_with("/article/1", &crumbs).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, ACCOUNT_ID));
}

#[tokio::test]
async fn headers_over_64_kib_in_all_are_refused() {
    let claims = active_claims(now_secs());
    let header = news_site_header(&encoded_cookie(&claims, &sign(&claims)), 40 * 1024);
    let other = news_site_header("x", 30 * 1024).replace("T_ID=x; ", "");
    let (status, _, body) = get_with("/article/1", &[&header]).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, ACCOUNT_ID));
    assert_rejected(&[&header, &other], "session_invalid").await;
}

#[tokio::test]
async fn the_rejection_exposes_its_status_code_and_error() {
    let claims = active_claims(now_secs() - 3600);
    let cookie = format!("T_ID={}", encoded_cookie(&claims, &sign(&claims)));
    let app = Router::new()
        .route(
            "/",
            get(|reader: Result<TuloSession, TuloRejection>| async move {
                let rejection = reader.unwrap_err();
                assert_eq!(rejection.status(), StatusCode::UNAUTHORIZED);
                assert_eq!(rejection.code(), "session_expired");
                assert!(rejection.error().is_some_and(tulo_jwt::Error::is_expired));
                assert_eq!(rejection.to_string(), rejection.message());
                assert!(rejection.message().ends_with('.'));
                assert!(std::error::Error::source(&rejection).is_some());
                json!({"mapped": rejection.code()}).to_string()
            }),
        )
        .with_state(verifier());
    let request = Request::get("/")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = to_bytes(response.into_body(), 1024).await.unwrap();
    assert_eq!(&body[..], br#"{"mapped":"session_expired"}"#);
}

#[test]
fn session_and_rejection_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<TuloSession>();
    assert_send_sync::<TuloRejection>();
}
