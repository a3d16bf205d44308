//! SSO2 fixtures: a client pointed at a mock SSO2, answers signed by jsonwebtoken (the
//! independent implementation), and a mock that records the request tokens it receives.

use std::sync::{Arc, Mutex};

use httpmock::prelude::*;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use payway_client::sso2::{Reader, Sso2Client};
use serde_json::{Value, json};
use url::Url;

pub(crate) const SSO_CLIENT_ID: &str = "sso-client-id";
pub(crate) const SSO_SECRET: &str = "sso-client-secret-0123456789abcdef";
pub(crate) const ORGANISATION: &str = "org-42";

pub(crate) fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

/// An SSO2 client pointed at `base` with the test credentials.
pub(crate) fn sso2_at(base: &str) -> Sso2Client {
    Sso2Client::builder()
        .base_url(Url::parse(base).unwrap())
        .client_id(SSO_CLIENT_ID)
        .client_secret(SSO_SECRET)
        .organisation_id(ORGANISATION)
        .build()
        .unwrap()
}

/// A reader with a browser's User-Agent.
pub(crate) fn reader() -> Reader {
    Reader::new(
        "203.0.113.7".parse().unwrap(),
        "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0",
    )
}

/// `claims` signed with `alg` and `secret` by jsonwebtoken.
pub(crate) fn sign_with(alg: Algorithm, secret: &str, claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

/// An SSO2 answer token, as SSO2 signs it.
pub(crate) fn answer_token(claims: &Value) -> String {
    sign_with(Algorithm::HS256, SSO_SECRET, claims)
}

/// The claims of an answer about session `sid` with status `sts`, valid for a minute.
pub(crate) fn answer_claims(sid: &str, sts: &str) -> Value {
    let now = now();
    json!({"sid": sid, "sts": sts, "iat": now, "nbf": now, "exp": now + 60})
}

/// Decodes one of our request tokens with jsonwebtoken, checking HS256, the secret, `aud`
/// and `iss`; returns its claims.
pub(crate) fn decode_request_token(token: &str) -> Value {
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.alg, Algorithm::HS256);
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&["pw-sso"]);
    validation.set_issuer(&[ORGANISATION]);
    validation.set_required_spec_claims(&["exp", "nbf", "aud", "iss"]);
    validation.validate_nbf = true;
    validation.leeway = 0;
    jsonwebtoken::decode::<Value>(
        token,
        &DecodingKey::from_secret(SSO_SECRET.as_bytes()),
        &validation,
    )
    .unwrap()
    .claims
}

/// The claim names of `claims`, sorted.
pub(crate) fn names(claims: &Value) -> Vec<String> {
    let mut names: Vec<String> = claims.as_object().unwrap().keys().cloned().collect();
    names.sort();
    names
}

/// A mock of `POST /{operation}` that answers `answer` and records every request body.
pub(crate) async fn recording_mock<'a>(
    server: &'a MockServer,
    operation: &str,
    answer: Value,
) -> (httpmock::Mock<'a>, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let path = format!("/{operation}");
    let mock = server
        .mock_async(move |when, then| {
            when.method(POST)
                .path(path)
                .header("content-type", "application/json")
                .is_true(move |request| {
                    record.lock().unwrap().push(request.body_string());
                    true
                });
            then.status(200).json_body(answer);
        })
        .await;
    (mock, seen)
}

/// The `t` of the last body a recording mock saw.
pub(crate) fn last_token(seen: &Mutex<Vec<String>>) -> String {
    let bodies = seen.lock().unwrap();
    let body: Value = serde_json::from_str(bodies.last().unwrap()).unwrap();
    assert_eq!(names(&body), ["t"], "the body is exactly {{\"t\": token}}");
    body["t"].as_str().unwrap().to_owned()
}
