//! `verify_user` and `user_info`.

use httpmock::prelude::*;
use serde_json::json;
use tiun_client::{Error, MAX_USER_TOKEN_BYTES, UserLookup, UserVerification};

use crate::support::{KEY, chunked_server, client};

const VERIFY_PATH: &str = "/live_api/s2s/v1/users/verification";

#[tokio::test]
async fn a_genuine_token_authenticates_the_user() {
    let server = MockServer::start_async().await;
    let verify = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(VERIFY_PATH)
                .header("x-tiun-api-key", KEY)
                .header("content-type", "application/json")
                .json_body(json!({"userVerificationToken": "uvt-123"}));
            then.status(200).json_body(json!({
                "isAuthenticated": true,
                "userInfo": {"userId": "u-1", "email": "reader@example.com", "productAccess": ["daily-pass"], "tier": "gold"}
            }));
        })
        .await;

    let answer = client(&server).verify_user("uvt-123").await.unwrap();

    let UserVerification::Authenticated(user) = &answer else {
        panic!("{answer:?}")
    };
    assert_eq!(user.user_id, "u-1");
    assert_eq!(user.email.as_deref(), Some("reader@example.com"));
    assert_eq!(user.product_access, vec![json!("daily-pass")]);
    assert_eq!(user.extra.get("tier"), Some(&json!("gold")));
    assert_eq!(answer.user(), Some(user));
    verify.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_numeric_user_id_is_kept_as_text() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(VERIFY_PATH);
            then.status(200)
                .json_body(json!({"isAuthenticated": true, "userInfo": {"userId": 1234}}));
        })
        .await;

    let answer = client(&server).verify_user("t").await.unwrap();

    assert_eq!(answer.user().map(|u| u.user_id.as_str()), Some("1234"));
}

#[tokio::test]
async fn a_token_that_does_not_authenticate() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(VERIFY_PATH);
            then.status(200)
                .json_body(json!({"isAuthenticated": false, "userInfo": null}));
        })
        .await;

    assert_eq!(
        client(&server).verify_user("t").await.unwrap(),
        UserVerification::NotAuthenticated
    );
}

#[tokio::test]
async fn authenticated_without_user_info_or_garbage_is_an_error() {
    for body in [
        r#"{"isAuthenticated":true,"note":"leak@example.com"}"#,
        r#"{"isAuthenticated":"yes","email":"leak@example.com"}"#,
        "<html>leak@example.com</html>",
        r#"{"userInfo":{"userId":"u","email":"leak@example.com"}}"#,
    ] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(POST).path(VERIFY_PATH);
                then.status(200).body(body);
            })
            .await;

        // A token that none of the bodies spells: what the error keeps is cut of the token.
        let error = client(&server).verify_user("uvt-7a1c").await.unwrap_err();

        let Error::Parse(kept) = &error else {
            panic!("{body}: {error:?}")
        };
        assert_eq!(kept.expose_bytes(), Some(body.as_bytes()));
        assert!(
            !format!("{error:?}").contains("leak@example.com"),
            "the body stays out of Debug"
        );
    }
}

#[tokio::test]
async fn verification_statuses() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path(VERIFY_PATH)
                .json_body(json!({"userVerificationToken": "bad-key"}));
            then.status(401).json_body(json!({"title": "Unauthorized"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path(VERIFY_PATH)
                .json_body(json!({"userVerificationToken": "boom"}));
            then.status(503);
        })
        .await;
    let tiun = client(&server);

    let unauthorized = tiun.verify_user("bad-key").await.unwrap();
    assert!(
        matches!(unauthorized, UserVerification::Unauthorized { problem: Some(ref p) } if p.expose_title() == Some("Unauthorized"))
    );
    assert_eq!(
        tiun.verify_user("boom").await.unwrap_err().status(),
        Some(reqwest::StatusCode::SERVICE_UNAVAILABLE)
    );
}

#[tokio::test]
async fn unusable_tokens_are_refused_before_any_request() {
    let server = MockServer::start_async().await;
    let anything = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let tiun = client(&server);
    let too_long = "t".repeat(MAX_USER_TOKEN_BYTES + 1);

    for (token, reason) in [
        ("", "it is empty"),
        ("a\nb", "it contains a control character"),
        (too_long.as_str(), "it is longer than allowed"),
    ] {
        assert!(matches!(
            tiun.verify_user(token).await,
            Err(Error::InvalidInput { what: "user verification token", reason: r }) if r == reason
        ));
    }
    anything.assert_calls_async(0).await;
}

#[tokio::test]
async fn user_info_found_not_found_unauthorized_and_bad_request() {
    let server = MockServer::start_async().await;
    let found = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/live_api/s2s/v1/users/u-1/info")
                .header("x-tiun-api-key", KEY);
            then.status(200)
                .json_body(json!({"userId": "u-1", "email": "r@example.com", "productAccess": []}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/live_api/s2s/v1/users/nobody/info");
            then.status(404).json_body(json!({"title": "Not Found"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/live_api/s2s/v1/users/locked/info");
            then.status(401);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/live_api/s2s/v1/users/bad%20id/info");
            then.status(400)
                .json_body(json!({"title": "Bad Request", "detail": "malformed id"}));
        })
        .await;
    let tiun = client(&server);

    let UserLookup::Found(user) = tiun.user_info("u-1").await.unwrap() else {
        panic!()
    };
    assert_eq!(user.email.as_deref(), Some("r@example.com"));
    found.assert_calls_async(1).await;
    assert!(matches!(
        tiun.user_info("nobody").await.unwrap(),
        UserLookup::NotFound { problem: Some(_) }
    ));
    assert!(matches!(
        tiun.user_info("locked").await.unwrap(),
        UserLookup::Unauthorized { problem: None }
    ));
    let bad = tiun.user_info("bad id").await.unwrap_err();
    assert_eq!(bad.status(), Some(reqwest::StatusCode::BAD_REQUEST));
    assert_eq!(
        bad.problem().and_then(|p| p.expose_detail()),
        Some("malformed id")
    );
}

#[tokio::test]
async fn user_ids_stay_in_their_segment() {
    let server = MockServer::start_async().await;
    let own = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/live_api/s2s/v1/users/..%2Fsessions%2Fx/info");
            then.status(404);
        })
        .await;
    let elsewhere = server
        .mock_async(|when, then| {
            when.path_not("/live_api/s2s/v1/users/..%2Fsessions%2Fx/info");
            then.status(200).json_body(json!({"userId": "admin"}));
        })
        .await;
    let tiun = client(&server);

    assert!(matches!(
        tiun.user_info("../sessions/x").await.unwrap(),
        UserLookup::NotFound { .. }
    ));
    assert!(matches!(
        tiun.user_info("..").await,
        Err(Error::InvalidInput {
            what: "user id",
            reason: "it is a dot segment"
        })
    ));
    own.assert_calls_async(1).await;
    elsewhere.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_huge_success_body_is_an_error() {
    let server = MockServer::start_async().await;
    let huge = format!(
        r#"{{"userId":"u","pad":"{}"}}"#,
        "x".repeat(tiun_client::MAX_BODY_BYTES)
    );
    server
        .mock_async(|when, then| {
            when.method(GET).path("/live_api/s2s/v1/users/u/info");
            then.status(200).body(huge);
        })
        .await;

    let error = client(&server).user_info("u").await.unwrap_err();

    assert!(
        matches!(error, Error::BodyTooLarge { limit, .. } if limit == tiun_client::MAX_BODY_BYTES),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_huge_success_body_without_a_length_is_an_error() {
    let tiun = |base: String| {
        tiun_client::TiunClient::builder()
            .base_url(base.parse().unwrap())
            .api_key(KEY)
            .build()
            .unwrap()
    };
    let small = tiun(chunked_server(200, 16).await);
    let huge = tiun(chunked_server(200, 4 * tiun_client::MAX_BODY_BYTES).await);

    // Under the cap, the chunked body is read and parsed...
    let UserLookup::Found(user) = small.user_info("u-1").await.unwrap() else {
        panic!("expected the user")
    };
    assert_eq!(user.user_id, "u-1");
    // ...over it, reading stops at the cap.
    let error = huge.user_info("u-1").await.unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { status, limit } if status == 200 && limit == tiun_client::MAX_BODY_BYTES),
        "{error:?}"
    );
}
