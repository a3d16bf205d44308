//! The `SignedWebhook` extractor in a real axum router: the key from the state, `401` for a
//! missing or wrong signature, `413` and `400` for bodies it cannot take.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use accesstype_jwt::axum::SignedWebhook;
use accesstype_jwt::{MAX_WEBHOOK_BODY_BYTES, WebhookSigningKey};
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, State};
use axum::http::{Request, StatusCode, header};
use axum::routing::post;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::payloads::{bytes, webhook, wrapped_webhook};
use crate::{at_signature_base64, at_signature_hex};

const SECRET: &str = "at-whsec-2f9c81d07be64a53a1c4e6f0d8b7a9c3";

#[derive(Clone)]
struct App {
    key: WebhookSigningKey,
    received: Arc<AtomicUsize>,
}

impl FromRef<App> for WebhookSigningKey {
    fn from_ref(app: &App) -> Self {
        app.key.clone()
    }
}

async fn receive(State(app): State<App>, SignedWebhook(event): SignedWebhook) -> String {
    app.received.fetch_add(1, Ordering::SeqCst);
    let id = event.subscription().and_then(|s| s.id());
    format!("{} {id:?}", event.kind())
}

fn app() -> (Router, Arc<AtomicUsize>) {
    let received = Arc::new(AtomicUsize::new(0));
    let router = Router::new()
        .route("/webhooks/accesstype", post(receive))
        .with_state(App {
            key: WebhookSigningKey::new(SECRET).unwrap(),
            received: Arc::clone(&received),
        });
    (router, received)
}

async fn send(app: &Router, body: Vec<u8>, signatures: &[&str]) -> (StatusCode, String) {
    let mut request =
        Request::post("/webhooks/accesstype").header(header::CONTENT_TYPE, "application/json");
    for signature in signatures {
        request = request.header("X-AT-Signature", *signature);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

fn rejection(body: &str) -> Value {
    let body: Value = serde_json::from_str(body).unwrap();
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with(char::is_uppercase) && message.ends_with('.'),
        "{message:?}"
    );
    body
}

#[tokio::test]
async fn a_signed_call_reaches_the_handler_in_either_shape_and_spelling() {
    let (app, received) = app();
    for value in [
        webhook("subscription.renewal"),
        wrapped_webhook("subscription.created"),
    ] {
        let body = bytes(&value);
        for signature in [
            at_signature_hex(SECRET, &body),
            at_signature_base64(SECRET, &body),
        ] {
            let (status, text) = send(&app, body.clone(), &[&signature]).await;
            assert_eq!(status, StatusCode::OK, "{text}");
            assert_eq!(
                text,
                format!("{} Some(88213)", value["event"].as_str().unwrap())
            );
        }
    }
    assert_eq!(received.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_missing_or_wrong_signature_is_a_401_that_repeats_nothing() {
    let (app, received) = app();
    let body = bytes(&webhook("subscription.activated"));
    let right = at_signature_hex(SECRET, &body);
    let wrong = at_signature_hex("at-whsec-0000000000000000000000000000000000", &body);

    let (status, text) = send(&app, body.clone(), &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        rejection(&text),
        json!({"error": "webhook_unsigned", "message": "The webhook call has no X-AT-Signature header."})
    );
    // Refused before its body is read: an unsigned body over the cap is still a 401.
    let (status, text) = send(&app, vec![b' '; MAX_WEBHOOK_BODY_BYTES + 1], &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{text}");

    for signatures in [
        vec![wrong.as_str()],
        vec![right.as_str(), right.as_str()],
        vec![&right[1..]],
    ] {
        let (status, text) = send(&app, body.clone(), &signatures).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{signatures:?}");
        assert_eq!(
            rejection(&text),
            json!({
                "error": "webhook_signature_mismatch",
                "message": "The webhook call's X-AT-Signature does not match."
            })
        );
        assert!(!text.contains(&wrong) && !text.contains(&right[1..]));
    }
    // The body signed, then changed on the way.
    let mut altered = body.clone();
    altered.insert(1, b' ');
    let (status, _) = send(&app, altered, &[&right]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(received.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn bodies_it_cannot_take_are_413_and_400() {
    let (app, received) = app();
    let large = format!(
        r#"{{"event":"subscription.renewal","data":{{"pad":"{}"}}}}"#,
        "x".repeat(MAX_WEBHOOK_BODY_BYTES)
    )
    .into_bytes();
    let signature = at_signature_hex(SECRET, &large);
    let (status, text) = send(&app, large.clone(), &[&signature]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(rejection(&text)["error"], "webhook_too_large");

    // A length announced over the cap is refused before the body is read.
    let request = Request::post("/webhooks/accesstype")
        .header("X-AT-Signature", signature.as_str())
        .header(
            header::CONTENT_LENGTH,
            (MAX_WEBHOOK_BODY_BYTES + 1).to_string(),
        )
        .body(Body::from(vec![b' '; MAX_WEBHOOK_BODY_BYTES + 1]))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Signed, but not an Accesstype webhook.
    for body in [&b"[]"[..], b"{\"event\":\"x\",\"event\":\"y\",\"data\":{}}"] {
        let (status, text) = send(&app, body.to_vec(), &[&at_signature_hex(SECRET, body)]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            rejection(&text),
            json!({"error": "webhook_invalid", "message": "The webhook call's body is not an Accesstype webhook."})
        );
    }
    assert_eq!(received.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn the_key_can_be_the_whole_state() {
    let app = Router::new()
        .route(
            "/hook",
            post(|SignedWebhook(event): SignedWebhook| async move { event.kind().to_string() }),
        )
        .with_state(WebhookSigningKey::new(SECRET).unwrap());
    let body = bytes(&webhook("subscription.expiry"));
    let request = Request::post("/hook")
        .header("x-at-signature", at_signature_hex(SECRET, &body))
        .body(Body::from(body))
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&text[..], b"subscription.expiry");
}

#[test]
fn a_rejection_is_an_error_with_its_cause() {
    use std::error::Error as _;

    let rejection = unsigned_rejection();
    assert_eq!(rejection.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(rejection.code(), "webhook_unsigned");
    assert_eq!(rejection.to_string(), rejection.message());
    assert!(matches!(
        rejection.error(),
        Some(accesstype_jwt::Error::MissingWebhookSignature)
    ));
    assert_eq!(
        rejection.source().unwrap().to_string(),
        "the webhook call is not signed"
    );
}

/// The rejection of an unsigned call, extracted outside a router.
fn unsigned_rejection() -> accesstype_jwt::axum::WebhookRejection {
    use axum::extract::FromRequest;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let request = Request::post("/").body(Body::from("{}")).unwrap();
    let key = WebhookSigningKey::new(SECRET).unwrap();
    runtime
        .block_on(SignedWebhook::from_request(request, &key))
        .unwrap_err()
}
