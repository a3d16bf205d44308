//! Every axum rejection of the family is `Cache-Control: private, no-store`: it answers one
//! reader (no session, a forged cookie, an unsigned call), and a shared cache that kept it by
//! URL would answer the next reader, a paying one too, with it.

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::{Request, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::table::SECRET;

/// A request with no session, cookie or signature of any kind.
fn bare_request() -> Request<Body> {
    Request::get("https://news.example.com/article/1")
        .body(Body::empty())
        .unwrap()
}

/// The rejection of extractor `E` on a bare request, with `state`.
async fn rejected<E, S>(state: &S) -> Response
where
    E: FromRequestParts<S>,
    E::Rejection: IntoResponse,
    S: Send + Sync,
{
    let (mut parts, _) = bare_request().into_parts();
    match E::from_request_parts(&mut parts, state).await {
        Ok(_) => panic!("a bare request was let through"),
        Err(rejection) => rejection.into_response(),
    }
}

fn assert_not_stored(name: &str, response: &Response, status: StatusCode) {
    assert_eq!(response.status(), status, "{name}");
    assert_eq!(
        response
            .headers()
            .get(header::CACHE_CONTROL)
            .map(|value| value.to_str().unwrap()),
        Some("private, no-store"),
        "{name}"
    );
}

#[tokio::test]
async fn every_rejection_is_kept_by_no_shared_cache() {
    let provider = url::Url::parse("http://127.0.0.1:9/").unwrap();
    let tiun = crate::calls::tiun(&provider);
    let response = rejected::<tiun_client::axum::PaidSession, _>(&tiun).await;
    assert_not_stored("PaidSession", &response, StatusCode::PAYMENT_REQUIRED);

    let tulo = tulo_jwt::test_util::FakeTulo::new(SECRET, "https://news.example.com/forward");
    let verifier = tulo.verifier().unwrap();
    let response = rejected::<tulo_jwt::axum::TuloSession, _>(&verifier).await;
    assert_not_stored("TuloSession", &response, StatusCode::UNAUTHORIZED);

    let key = payway_client::sso2::SessionCookieKey::new(SECRET.as_bytes()).unwrap();
    let response = rejected::<payway_client::axum::Sso2Cookie, _>(&key).await;
    assert_not_stored("Sso2Cookie", &response, StatusCode::UNAUTHORIZED);

    let signing = accesstype_jwt::WebhookSigningKey::new(SECRET).unwrap();
    let response =
        match accesstype_jwt::axum::SignedWebhook::from_request(bare_request(), &signing).await {
            Ok(_) => panic!("an unsigned webhook was let through"),
            Err(rejection) => rejection.into_response(),
        };
    assert_not_stored("SignedWebhook", &response, StatusCode::UNAUTHORIZED);
}
