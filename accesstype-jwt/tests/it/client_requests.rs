//! The exact requests the client sends, and when it sends the pingback.

use std::time::Duration;

use accesstype_jwt::{AccessGrant, CheckOptions, Error, GrantReason, MAX_STORY_ID_BYTES, User};
use httpmock::prelude::*;
use serde_json::{Value, json};

use crate::{ACCOUNT_KEY, API_KEY, READER, client, client_builder, reader, signer, story_path};

fn metered() -> Value {
    json!({
        "granted": true,
        "grantReason": "METERING",
        "assetVisibility": "subscription",
        "data": {"numberRemaining": 2, "isLoggedIn": true}
    })
}

fn subscriber() -> Value {
    json!({"granted": true, "grantReason": "SUBSCRIBER", "data": {"isLoggedIn": true}})
}

fn jwt() -> String {
    signer().sign(&User::new("john@example.com", 42)).unwrap()
}

#[tokio::test]
async fn the_access_check_is_exactly_the_documented_request() {
    let server = MockServer::start_async().await;
    let jwt = jwt();
    // Every character that could leave the segment is encoded; `..;` would be `..` to a
    // servlet container, and is sent as `..%3B`.
    for (story_id, encoded) in [
        ("3f1c2a9e-story", "3f1c2a9e-story"),
        ("../../admin;x=1?y#z", "..%2F..%2Fadmin%3Bx%3D1%3Fy%23z"),
        ("..;", "..%3B"),
        ("%2e%2e", "%252e%252e"),
        ("a\\b", "a%5Cb"),
        ("／", "%EF%BC%8F"),
        ("a\u{2028}b", "a%E2%80%A8b"),
    ] {
        let check = server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(story_path(encoded, "access"))
                    .query_param("key", ACCOUNT_KEY)
                    .query_param("readerId", READER)
                    .query_param("accesstype_jwt", &jwt)
                    .query_param_missing("disable-meter")
                    .header("x-subauth", API_KEY)
                    .header("accept", "application/json")
                    .header(
                        "user-agent",
                        concat!("accesstype-jwt/", env!("CARGO_PKG_VERSION")),
                    );
                then.status(200).json_body(subscriber());
            })
            .await;

        let grant = client(&server)
            .check_access(story_id, &reader(), Some(&jwt))
            .await
            .unwrap();

        assert_eq!(
            grant.grant_reason(),
            Some(&GrantReason::Subscriber),
            "{story_id}"
        );
        check.assert_calls_async(1).await;
        check.delete_async().await;
    }
}

#[tokio::test]
async fn the_meter_switch_and_the_jwt_are_sent_only_when_given() {
    let server = MockServer::start_async().await;
    let hard = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(story_path("s1", "access"))
                .query_param("disable-meter", "true")
                .query_param_missing("accesstype_jwt")
                .query_param_count("^key$", ".*", 1);
            then.status(200)
                .json_body(json!({"granted": false, "wallType": "pay_wall"}));
        })
        .await;
    let grant = client(&server)
        .check_access_with("s1", &reader(), None, CheckOptions::new().disable_meter())
        .await
        .unwrap();
    assert!(!grant.granted());
    hard.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_metered_read_pings_back_once_with_the_grant_as_plain_text() {
    let server = MockServer::start_async().await;
    let jwt = jwt();
    let check = server
        .mock_async(|when, then| {
            when.method(GET).path(story_path("a%3Bb", "access"));
            then.status(200).json_body(metered());
        })
        .await;
    let pingback = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(story_path("a%3Bb", "pingback"))
                .query_param("key", ACCOUNT_KEY)
                .query_param("readerId", READER)
                .query_param("accesstype_jwt", &jwt)
                .header("x-subauth", API_KEY)
                .header("content-type", "text/plain")
                .json_body(metered());
            then.status(200).body("{}");
        })
        .await;

    let grant = client(&server)
        .read_story("a;b", &reader(), Some(&jwt))
        .await
        .unwrap();

    assert!(grant.granted() && grant.is_metered());
    assert_eq!(grant.number_remaining(), Some(2));
    check.assert_calls_async(1).await;
    pingback.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_subscriber_read_and_a_wall_never_ping_back() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(story_path("paid", "access"));
            then.status(200).json_body(subscriber());
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(story_path("walled", "access"));
            then.status(200).json_body(json!({
                "granted": false,
                "wallType": "registration_wall",
                "data": {"numberRemaining": 0}
            }));
        })
        .await;
    let pingback = server
        .mock_async(|when, then| {
            when.method(POST);
            then.status(200);
        })
        .await;
    let accesstype = client(&server);

    let paid = accesstype.read_story("paid", &reader(), Some(&jwt())).await;
    let walled = accesstype.read_story("walled", &reader(), None).await;

    assert_eq!(paid.unwrap().grant_reason(), Some(&GrantReason::Subscriber));
    assert!(!walled.unwrap().granted());
    pingback.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_failed_pingback_denies_the_story() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(200).json_body(metered());
        })
        .await;
    let pingback = server
        .mock_async(|when, then| {
            when.method(POST);
            then.status(503).body("busy");
        })
        .await;

    let error = client(&server)
        .read_story("s1", &reader(), None)
        .await
        .unwrap_err();

    assert!(matches!(&error, Error::PingbackFailed(_)), "{error:?}");
    assert!(error.is_pingback_failure());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    let source = std::error::Error::source(&error).unwrap();
    assert!(source.to_string().contains("503"), "{source}");
    pingback.assert_calls_async(1).await;
}

#[tokio::test]
async fn the_insecure_switch_serves_a_story_whose_pingback_failed_and_keeps_asking() {
    let server = MockServer::start_async().await;
    let check = server
        .mock_async(|when, then| {
            when.method(GET);
            then.status(200).json_body(metered());
        })
        .await;
    let pingback = server
        .mock_async(|when, then| {
            when.method(POST);
            then.status(500);
        })
        .await;
    let accesstype = client_builder(&server)
        .insecure_serve_when_pingback_fails()
        .cache_grants_for(Duration::from_secs(60))
        .build()
        .unwrap();

    for _ in 0..2 {
        let grant = accesstype.read_story("s1", &reader(), None).await.unwrap();
        assert!(grant.is_metered());
    }

    // Never kept: each read asks, and tries to count itself, again.
    check.assert_calls_async(2).await;
    pingback.assert_calls_async(2).await;
}

#[tokio::test]
async fn the_pingback_alone_sends_the_grant_it_is_given() {
    let server = MockServer::start_async().await;
    let grant = AccessGrant::from_slice(metered().to_string().as_bytes()).unwrap();
    let counted = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(story_path("s%201", "pingback"))
                .header("content-type", "text/plain")
                .json_body(metered());
            then.status(204);
        })
        .await;
    let refused = server
        .mock_async(|when, then| {
            when.method(POST).path(story_path("s2", "pingback"));
            then.status(400)
                .header("content-type", "application/json; charset=utf-8")
                .body(r#"{"error":"invalid grant"}"#);
        })
        .await;
    let accesstype = client(&server);

    accesstype
        .pingback("s 1", &reader(), None, &grant)
        .await
        .unwrap();
    let error = accesstype
        .pingback("s2", &reader(), None, &grant)
        .await
        .unwrap_err();

    assert!(
        matches!(
            &error,
            Error::UnexpectedStatus { status, content_type: Some(t) }
                if status.as_u16() == 400 && t == "application/json"
        ),
        "{error:?}"
    );
    counted.assert_calls_async(1).await;
    refused.assert_calls_async(1).await;
}

#[tokio::test]
async fn unusable_input_is_refused_before_anything_is_sent() {
    let server = MockServer::start_async().await;
    let anything = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(subscriber());
        })
        .await;
    let accesstype = client(&server);
    let long = "s".repeat(MAX_STORY_ID_BYTES + 1);
    for story_id in ["", ".", "..", "a\0b", "a\r\nb", long.as_str()] {
        let error = accesstype
            .read_story(story_id, &reader(), None)
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                Error::InvalidInput {
                    what: "story id",
                    ..
                }
            ),
            "{story_id:?}"
        );
        assert!(matches!(
            accesstype.check_access(story_id, &reader(), None).await,
            Err(Error::InvalidInput {
                what: "story id",
                ..
            })
        ));
    }
    let huge_jwt = "j".repeat(8 * 1024 + 1);
    assert!(matches!(
        accesstype
            .read_story("s1", &reader(), Some(&huge_jwt))
            .await,
        Err(Error::TokenTooLarge { .. })
    ));
    anything.assert_calls_async(0).await;
}

#[tokio::test]
async fn the_grant_cache_keeps_granted_answers_for_the_same_reader_and_jwt_only() {
    let server = MockServer::start_async().await;
    let granted = server
        .mock_async(|when, then| {
            when.method(GET).path(story_path("open", "access"));
            then.status(200).json_body(metered());
        })
        .await;
    let denied = server
        .mock_async(|when, then| {
            when.method(GET).path(story_path("closed", "access"));
            then.status(200)
                .json_body(json!({"granted": false, "wallType": "pay_wall"}));
        })
        .await;
    let pingback = server
        .mock_async(|when, then| {
            when.method(POST);
            then.status(200);
        })
        .await;
    let accesstype = client_builder(&server)
        .cache_grants_for(Duration::from_secs(60))
        .build()
        .unwrap();
    let other_reader = accesstype_jwt::ReaderId::parse("fedcba9876543210fedcba9876543210").unwrap();

    for _ in 0..3 {
        assert!(
            accesstype
                .read_story("open", &reader(), None)
                .await
                .unwrap()
                .granted()
        );
        assert!(
            !accesstype
                .read_story("closed", &reader(), None)
                .await
                .unwrap()
                .granted()
        );
    }
    granted.assert_calls_async(1).await;
    pingback.assert_calls_async(1).await;
    // A wall is never kept: a reader who just subscribed is asked about again.
    denied.assert_calls_async(3).await;

    // Another reader, or the same one logged in, is asked about afresh.
    let other = accesstype.read_story("open", &other_reader, None).await;
    let logged_in = accesstype.read_story("open", &reader(), Some(&jwt())).await;
    assert!(other.unwrap().granted() && logged_in.unwrap().granted());
    granted.assert_calls_async(3).await;
    pingback.assert_calls_async(3).await;
}
