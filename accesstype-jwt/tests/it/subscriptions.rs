//! `AccesstypeClient::subscriptions`: the exact request, the documented answer, and the
//! family's conventions for everything else.

use accesstype_jwt::{AccesstypeClient, Error, MAX_BODY_BYTES, ParseFault, SubscriberIdentity};
use httpmock::prelude::*;
use serde_json::json;

use crate::payloads::{self, EMAIL, QUINTYPE_ID};
use crate::{API_KEY, client};

/// The path for an already encoded provider and value.
fn path(provider: &str, value: &str) -> String {
    format!("/api/v1/subscribers/{provider}/{value}/subscriptions.json")
}

#[tokio::test]
async fn the_lookup_is_exactly_the_documented_request() {
    let server = MockServer::start_async().await;
    let lookup = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(path("email", "asha.rao%2Bnews%40example.com"))
                .query_param("active_only", "true")
                .header("x-subauth", API_KEY)
                .header("accept", "application/json")
                .header(
                    "user-agent",
                    concat!("accesstype-jwt/", env!("CARGO_PKG_VERSION")),
                );
            then.status(200)
                .json_body(json!({"subscriptions": [payloads::subscription()]}));
        })
        .await;

    let identity = SubscriberIdentity::email(EMAIL).unwrap();
    let subscriptions = client(&server)
        .subscriptions(&identity, true)
        .await
        .unwrap();

    lookup.assert_calls_async(1).await;
    assert_eq!(subscriptions.len(), 1);
    let subscription = &subscriptions[0];
    assert_eq!(subscription.id(), Some(88213));
    assert_eq!(subscription.active(), Some(true));
    assert_eq!(subscription.plan_name(), Some("Monthly Digital"));
    assert_eq!(subscription.subscriber_identities()[1].value(), QUINTYPE_ID);
    assert_eq!(
        serde_json::to_value(subscription).unwrap(),
        payloads::subscription()
    );
}

#[tokio::test]
async fn all_subscriptions_are_asked_without_the_switch() {
    let server = MockServer::start_async().await;
    let mut expired = payloads::subscription();
    expired["id"] = json!(70001);
    expired["active"] = json!(false);
    expired["status"] = json!("expired");
    let lookup = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(path("quintype", QUINTYPE_ID))
                .query_param_missing("active_only");
            then.status(200)
                .json_body(json!({"subscriptions": [expired, payloads::subscription()]}));
        })
        .await;
    let identity = SubscriberIdentity::new("quintype", QUINTYPE_ID).unwrap();
    let subscriptions = client(&server)
        .subscriptions(&identity, false)
        .await
        .unwrap();
    lookup.assert_calls_async(1).await;
    let ids: Vec<_> = subscriptions
        .iter()
        .map(|s| (s.id(), s.status(), s.active()))
        .collect();
    assert_eq!(
        ids,
        [
            (Some(70001), Some("expired"), Some(false)),
            (Some(88213), Some("active"), Some(true)),
        ]
    );
}

#[tokio::test]
async fn every_path_piece_stays_in_its_segment_and_a_prefix_is_kept() {
    let server = MockServer::start_async().await;
    for (provider, value, encoded_provider, encoded_value) in [
        ("email", "a+b@example.com", "email", "a%2Bb%40example.com"),
        (
            "email",
            "../../admin;x=1?y#z",
            "email",
            "..%2F..%2Fadmin%3Bx%3D1%3Fy%23z",
        ),
        ("qu;int", "..;", "qu%3Bint", "..%3B"),
        ("email", "%2e%2e", "email", "%252e%252e"),
        (
            "email",
            "jörg@bücher.de",
            "email",
            "j%C3%B6rg%40b%C3%BCcher.de",
        ),
    ] {
        let lookup = server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(format!("/proxy{}", path(encoded_provider, encoded_value)));
                then.status(200).json_body(json!({"subscriptions": []}));
            })
            .await;
        let client = AccesstypeClient::builder()
            .base_url(format!("{}/proxy/", server.base_url()).parse().unwrap())
            .account_key(crate::ACCOUNT_KEY)
            .api_key(API_KEY)
            .build()
            .unwrap();
        let identity = SubscriberIdentity::new(provider, value).unwrap();
        let found = client.subscriptions(&identity, false).await.unwrap();
        assert!(found.is_empty(), "{value}");
        lookup.assert_calls_async(1).await;
        lookup.delete_async().await;
    }
}

#[tokio::test]
async fn refusals_and_unexpected_answers_are_errors() {
    let server = MockServer::start_async().await;
    let identity = SubscriberIdentity::email(EMAIL).unwrap();
    let (server, identity) = (&server, &identity);
    let answer = move |status: u16, body: String| async move {
        let mock = server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(path("email", "asha.rao%2Bnews%40example.com"));
                then.status(status)
                    .header("content-type", "application/json")
                    .body(body);
            })
            .await;
        let outcome = client(server).subscriptions(identity, false).await;
        mock.delete_async().await;
        outcome
    };

    for status in [401, 404, 500] {
        let error = answer(status, r#"{"error":"no"}"#.to_owned())
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::UnexpectedStatus { status: s, .. } if s.as_u16() == status),
            "{error:?}"
        );
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    }
    let error = answer(302, String::new()).await.unwrap_err();
    assert!(error.is_redirect(), "{error:?}");

    let twice = r#"{"subscriptions":[{"id":1,"active":false,"active":true}]}"#;
    for (body, reason) in [
        (twice.to_owned(), "a member name is repeated"),
        (
            r#"{"subscriptions":"none"}"#.to_owned(),
            "not the documented list of subscriptions",
        ),
        ("<html>".to_owned(), "not JSON"),
    ] {
        let error = answer(200, body.clone()).await.unwrap_err();
        let Error::Parse(parsed) = &error else {
            panic!("{error:?}");
        };
        let found = match parsed.fault() {
            ParseFault::Syntax { .. } => "not JSON",
            ParseFault::RepeatedMember { .. } => "a member name is repeated",
            ParseFault::Shape { reason } => reason,
            _ => "other",
        };
        assert_eq!(
            (parsed.what(), found, parsed.len(), parsed.status()),
            ("subscriptions", reason, body.len(), Some(200))
        );
    }
    let huge = format!(
        r#"{{"subscriptions":[{{"pad":"{}"}}]}}"#,
        "x".repeat(MAX_BODY_BYTES)
    );
    let error = answer(200, huge).await.unwrap_err();
    assert!(matches!(error, Error::BodyTooLarge { .. }), "{error:?}");
    let printed = crate::everything_printed(&error);
    assert!(
        !printed.contains(EMAIL) && !printed.contains("asha"),
        "{printed}"
    );
}

/// The subscriber identity, echoed into the media type of an answer the client cannot use, is
/// cut from it, as the keys are.
#[tokio::test]
async fn a_subscriber_identity_echoed_in_a_media_type_is_cut() {
    let server = MockServer::start_async().await;
    let identity = SubscriberIdentity::new("phone", "46701234567").unwrap();
    for status in [200, 404] {
        let mock = server
            .mock_async(|when, then| {
                when.method(GET);
                then.status(status)
                    .header("content-type", "application/x-46701234567")
                    .body("{");
            })
            .await;
        let error = client(&server)
            .subscriptions(&identity, false)
            .await
            .unwrap_err();
        mock.delete_async().await;
        let shown = match &error {
            Error::Parse(parsed) => parsed.content_type(),
            Error::UnexpectedStatus { content_type, .. } => content_type.as_deref(),
            other => panic!("{status}: {other:?}"),
        };
        assert_eq!(
            shown,
            Some("application/x-[redacted]"),
            "{status}: {error:?}"
        );
        assert!(!format!("{error} {error:?}").contains("46701234567"));
    }
}
