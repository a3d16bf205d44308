//! Server tokens: `grant_type=none`, one request per scope set however many callers, cached
//! until shortly before expiry, failures shared by the callers that waited.

use std::sync::Arc;
use std::time::Duration;

use httpmock::prelude::*;
use payway_client::{Error, TokenEncoding};
use serde_json::json;
use tokio::task::JoinSet;

use crate::support::{CLIENT_ID, CLIENT_SECRET, builder, client};

const ACCOUNT_SCOPES_FORM: &str = "scope=%2Fexternal%2Faccount%2Fr+%2Fexternal%2Faccount%2Fw";

fn grant_none_body(scope_form: &str) -> String {
    format!("grant_type=none&{scope_form}&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}")
}

#[tokio::test]
async fn twenty_concurrent_callers_share_one_grant() {
    let server = MockServer::start_async().await;
    let grant = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/authorization/access_token")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(grant_none_body(ACCOUNT_SCOPES_FORM));
            then.status(200)
                .delay(Duration::from_millis(300))
                .json_body(
                    json!({"access_token": "s2s-1", "token_type": "Bearer", "expires_in": 3600}),
                );
        })
        .await;
    let payway = client(&server);
    let mut callers = JoinSet::new();
    for i in 0..20 {
        let payway = payway.clone();
        callers.spawn(async move {
            // Scope order and duplicates do not make a different set.
            let scopes: &[&str] = if i % 2 == 0 {
                &["/external/account/r", "/external/account/w"]
            } else {
                &[
                    "/external/account/w",
                    "/external/account/r",
                    "/external/account/w",
                ]
            };
            payway.server_token(scopes).await
        });
    }
    let tokens = callers.join_all().await;
    assert_eq!(tokens.len(), 20);
    for token in tokens {
        assert_eq!(token.unwrap().expose_secret(), "s2s-1");
    }
    grant.assert_calls_async(1).await;

    // Cached: no second grant, also through a clone.
    let again = payway
        .clone()
        .server_token(&["/external/account/r", "/external/account/w"])
        .await;
    assert_eq!(again.unwrap().expose_secret(), "s2s-1");
    grant.assert_calls_async(1).await;
}

#[tokio::test]
async fn each_scope_set_has_its_own_token() {
    let server = MockServer::start_async().await;
    let read = server
        .mock_async(|when, then| {
            when.path("/api/authorization/access_token")
                .body(grant_none_body("scope=%2Fexternal%2Faccount%2Fr"));
            then.status(200)
                .json_body(json!({"access_token": "read-token", "expires_in": 3600}));
        })
        .await;
    let paywall = server
        .mock_async(|when, then| {
            when.path("/api/authorization/access_token")
                .body(grant_none_body("scope=%2Fexternal%2Fpaywall%2Fr"));
            then.status(200)
                .json_body(json!({"access_token": "paywall-token", "expires_in": 3600}));
        })
        .await;
    let payway = client(&server);
    for _ in 0..3 {
        let r = payway.server_token(&["/external/account/r"]).await.unwrap();
        let p = payway.server_token(&["/external/paywall/r"]).await.unwrap();
        assert_eq!(r.expose_secret(), "read-token");
        assert_eq!(p.expose_secret(), "paywall-token");
    }
    read.assert_calls_async(1).await;
    paywall.assert_calls_async(1).await;

    // Forgetting one scope set asks again for that one only.
    payway
        .forget_server_token(&["/external/account/r"])
        .unwrap();
    payway.server_token(&["/external/account/r"]).await.unwrap();
    payway.server_token(&["/external/paywall/r"]).await.unwrap();
    read.assert_calls_async(2).await;
    paywall.assert_calls_async(1).await;
}

#[tokio::test]
async fn tokens_without_a_usable_lifetime_are_not_cached() {
    let server = MockServer::start_async().await;
    let no_expiry = server
        .mock_async(|when, then| {
            when.path("/api/authorization/access_token")
                .body(grant_none_body("scope=%2Fa"));
            then.status(200)
                .json_body(json!({"access_token": "no-expiry"}));
        })
        .await;
    let expired = server
        .mock_async(|when, then| {
            when.path("/api/authorization/access_token")
                .body(grant_none_body("scope=%2Fb"));
            then.status(200)
                .json_body(json!({"access_token": "zero", "expires_in": 0}));
        })
        .await;
    let payway = client(&server);
    for _ in 0..2 {
        payway.server_token(&["/a"]).await.unwrap();
        payway.server_token(&["/b"]).await.unwrap();
    }
    no_expiry.assert_calls_async(2).await;
    expired.assert_calls_async(2).await;
}

#[tokio::test]
async fn a_token_is_replaced_before_it_expires() {
    let server = MockServer::start_async().await;
    let grant = server
        .mock_async(|when, then| {
            when.path("/api/authorization/access_token")
                .body(grant_none_body("scope=%2Fshort"));
            // Lives 2 s: replaced after 1 s (half its lifetime, as it is shorter than 2 min).
            then.status(200)
                .json_body(json!({"access_token": "short-lived", "expires_in": 2}));
        })
        .await;
    let payway = client(&server);
    payway.server_token(&["/short"]).await.unwrap();
    payway.server_token(&["/short"]).await.unwrap();
    grant.assert_calls_async(1).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    payway.server_token(&["/short"]).await.unwrap();
    grant.assert_calls_async(2).await;
}

#[tokio::test]
async fn a_failure_is_shared_by_the_callers_waiting_on_it_then_retried() {
    let server = MockServer::start_async().await;
    let failing = server
        .mock_async(|when, then| {
            when.path("/api/authorization/access_token");
            then.status(500)
                .delay(Duration::from_millis(300))
                .body("boom");
        })
        .await;
    let payway = client(&server);
    let mut callers = JoinSet::new();
    for _ in 0..10 {
        let payway = payway.clone();
        callers.spawn(async move { payway.server_token(&["/external/account/r"]).await });
    }
    for result in callers.join_all().await {
        let err = result.unwrap_err();
        assert!(matches!(err, Error::ServerToken(_)), "{err:?}");
        assert_eq!(
            err.status(),
            Some(reqwest::StatusCode::INTERNAL_SERVER_ERROR)
        );
        assert_eq!(err.provider_error().unwrap().expose_body(), "boom");
    }
    failing.assert_calls_async(1).await;
    // A failure is not cached: the next call asks again.
    let _ = payway
        .server_token(&["/external/account/r"])
        .await
        .unwrap_err();
    failing.assert_calls_async(2).await;
}

#[tokio::test]
async fn a_cancelled_leader_hands_over_to_a_waiting_caller() {
    let server = MockServer::start_async().await;
    let grant = server
        .mock_async(|when, then| {
            when.path("/api/authorization/access_token");
            then.status(200)
                .delay(Duration::from_millis(1500))
                .json_body(json!({"access_token": "handed-over", "expires_in": 3600}));
        })
        .await;
    let payway = Arc::new(client(&server));
    let leader = {
        let payway = Arc::clone(&payway);
        tokio::spawn(async move { payway.server_token(&["/x"]).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let follower = {
        let payway = Arc::clone(&payway);
        tokio::spawn(async move { payway.server_token(&["/x"]).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    leader.abort();
    // The follower neither hangs nor inherits the cancellation: the request goes on for it.
    let token = tokio::time::timeout(Duration::from_secs(5), follower)
        .await
        .expect("the follower hung after its leader was cancelled")
        .unwrap()
        .unwrap();
    assert_eq!(token.expose_secret(), "handed-over");
    // The cancelled caller's request, finished for the follower: no second request.
    grant.assert_calls_async(1).await;
}

#[tokio::test]
async fn json_encoding_and_scope_validation() {
    let server = MockServer::start_async().await;
    let grant = server
        .mock_async(|when, then| {
            when.path("/api/authorization/access_token")
                .json_body(json!({
                    "grant_type": "none",
                    "scope": "/external/account/r /external/account/w",
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                }));
            then.status(200)
                .json_body(json!({"access_token": "json-s2s", "expires_in": 60}));
        })
        .await;
    let payway = builder(&server)
        .token_encoding(TokenEncoding::Json)
        .build()
        .unwrap();
    let token = payway
        .server_token(&["/external/account/w", "/external/account/r"])
        .await
        .unwrap();
    assert_eq!(token.expose_secret(), "json-s2s");
    for bad in [&[""][..], &["/a b"], &["/a\n"]] {
        let err = payway.server_token(bad).await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { what: "scope", .. }),
            "{err:?}"
        );
    }
    grant.assert_calls_async(1).await;
}
