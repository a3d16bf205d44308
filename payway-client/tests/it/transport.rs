//! The HTTP policy: no redirects (also with a caller's client), capped bodies, timeouts,
//! connection failures.

use std::time::Duration;

use httpmock::prelude::*;
use payway_client::Ticket;
use payway_client::{AccessToken, Error, MAX_BODY_BYTES, PaywayClient};
use serde_json::json;

use crate::support::{builder, client, dead_base_url};

#[tokio::test]
async fn redirects_are_never_followed() {
    let server = MockServer::start_async().await;
    let elsewhere = server
        .mock_async(|when, then| {
            when.path("/elsewhere");
            then.status(200)
                .json_body(json!({"access_token": "stolen"}));
        })
        .await;
    let location = server.url("/elsewhere");
    for (path, status) in [
        ("/api/authorization/access_token", 307),
        ("/external/api/v1/me", 302),
        ("/api/authorization/ticket", 308),
    ] {
        let location = location.clone();
        server
            .mock_async(move |when, then| {
                when.path(path);
                then.status(status).header("location", location);
            })
            .await;
    }
    let payway = client(&server);
    let token = AccessToken::new("user-token");

    let exchange = payway
        .exchange_ticket(&Ticket::new("tkt-r"))
        .await
        .unwrap_err();
    assert!(
        matches!(exchange, Error::Redirect { status } if status == 307),
        "{exchange:?}"
    );
    let me = payway.me(&token).await.unwrap_err();
    assert!(me.is_redirect() && me.status() == Some(reqwest::StatusCode::FOUND));
    let ticket = payway
        .generate_ticket(&token, payway_client::TicketRequest::new("shop"))
        .await
        .unwrap_err();
    assert!(ticket.is_redirect());
    elsewhere.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_caller_client_that_follows_redirects_fails_closed() {
    let server = MockServer::start_async().await;
    let location = server.url("/landing");
    server
        .mock_async(move |when, then| {
            when.path("/external/api/v1/me");
            then.status(302).header("location", location);
        })
        .await;
    let landing = server
        .mock_async(|when, then| {
            when.path("/landing");
            then.status(200).json_body(json!({"id": "someone-else"}));
        })
        .await;
    // reqwest's default policy follows up to 10 redirects.
    let following = reqwest::Client::builder().build().unwrap();
    let payway = builder(&server).http_client(following).build().unwrap();
    let err = payway.me(&AccessToken::new("t")).await.unwrap_err();
    assert!(matches!(err, Error::RedirectFollowed), "{err:?}");
    landing.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_caller_client_without_redirects_works() {
    let server = MockServer::start_async().await;
    let me = crate::support::mock_me(&server, "tok").await;
    let own = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let payway = builder(&server).http_client(own).build().unwrap();
    let account = payway.me(&AccessToken::new("tok")).await.unwrap();
    assert_eq!(account.id, "acc-42");
    me.assert_calls_async(1).await;
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let server = MockServer::start_async().await;
    let huge = format!(
        "{{\"id\":\"a\",\"pad\":\"{}\"}}",
        "x".repeat(MAX_BODY_BYTES)
    );
    let just_fits = format!(
        "{{\"id\":\"a\",\"pad\":\"{}\"}}",
        "x".repeat(MAX_BODY_BYTES - 100)
    );
    server
        .mock_async(move |when, then| {
            when.path("/external/api/v1/me")
                .header("authorization", "Bearer big");
            then.status(200).body(huge);
        })
        .await;
    server
        .mock_async(move |when, then| {
            when.path("/external/api/v1/me")
                .header("authorization", "Bearer fits");
            then.status(200).body(just_fits);
        })
        .await;
    let payway = client(&server);
    let err = payway.me(&AccessToken::new("big")).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit } if limit == 64 * 1024),
        "{err:?}"
    );
    let account = payway.me(&AccessToken::new("fits")).await.unwrap();
    assert_eq!(account.id, "a");
}

#[tokio::test]
async fn timeouts_are_reported_as_such() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/external/api/v1/me");
            then.status(200)
                .delay(Duration::from_secs(5))
                .json_body(json!({"id": "late"}));
        })
        .await;
    let payway = builder(&server)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = payway.me(&AccessToken::new("t")).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(matches!(err, Error::Transport(_)));
}

#[tokio::test]
async fn connection_failures_are_reported_as_such() {
    let payway = PaywayClient::builder()
        .base_url(dead_base_url())
        .client_id("id")
        .client_secret("secret-0123456789abcdef")
        .build()
        .unwrap();
    let err = payway
        .exchange_ticket(&Ticket::new("tkt-c"))
        .await
        .unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert_eq!(err.status(), None);
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn the_authorization_header_is_exact() {
    let server = MockServer::start_async().await;
    let me = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/external/api/v1/me")
                .header("authorization", "Bearer exact-token")
                .header("accept", "application/json")
                .header_count("authorization", ".*", 1);
            then.status(200).json_body(json!({"id": "x"}));
        })
        .await;
    client(&server)
        .me(&AccessToken::new("exact-token"))
        .await
        .unwrap();
    me.assert_calls_async(1).await;
    let injected = client(&server)
        .me(&AccessToken::new("tok\r\nX-Injected: 1"))
        .await
        .unwrap_err();
    assert!(matches!(injected, Error::InvalidInput { .. }));
    me.assert_calls_async(1).await;
}
