//! Generating a ticket: the JSON body in both of the guide's variants.

use httpmock::prelude::*;
use payway_client::{AccessToken, Error, TicketRequest};
use serde_json::json;

use crate::support::client;

#[tokio::test]
async fn with_a_user_token_the_shop_client_id_is_the_only_field() {
    let server = MockServer::start_async().await;
    let generate = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/authorization/ticket")
                .header("authorization", "Bearer reader-token")
                .header("content-type", "application/json")
                .json_body(json!({"clientId": "tulo-shop"}));
            then.status(200)
                .json_body(json!({"ticket": "fresh-ticket-1"}));
        })
        .await;
    let ticket = client(&server)
        .generate_ticket(
            &AccessToken::new("reader-token"),
            TicketRequest::new("tulo-shop"),
        )
        .await
        .unwrap();
    generate.assert_calls_async(1).await;
    assert_eq!(ticket.expose_secret(), "fresh-ticket-1");
}

#[tokio::test]
async fn with_a_server_token_the_account_id_is_sent() {
    let server = MockServer::start_async().await;
    let generate = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/authorization/ticket")
                .header("authorization", "Bearer s2s-token")
                .json_body(json!({"clientId": "tulo-shop", "accountId": "acc-42"}));
            then.status(200)
                .json_body(json!({"ticket": "fresh-ticket-2"}));
        })
        .await;
    let request = TicketRequest::new("tulo-shop").account_id("acc-42");
    let ticket = client(&server)
        .generate_ticket(&AccessToken::new("s2s-token"), request)
        .await
        .unwrap();
    generate.assert_calls_async(1).await;
    assert_eq!(ticket.expose_secret(), "fresh-ticket-2");
}

#[tokio::test]
async fn refusals_keep_the_provider_body() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/api/authorization/ticket")
                .json_body(json!({"clientId": "unknown"}));
            then.status(400).json_body(json!({
                "code": "invalid_parameter", "field": "clientId", "message": "Unknown client"
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/api/authorization/ticket")
                .header("authorization", "Bearer stale");
            then.status(401)
                .json_body(json!({"message": "invalid token"}));
        })
        .await;
    let payway = client(&server);
    let bad = payway
        .generate_ticket(&AccessToken::new("tok-1"), TicketRequest::new("unknown"))
        .await
        .unwrap_err();
    let Error::BadRequest(details) = &bad else {
        panic!("{bad:?}")
    };
    assert_eq!(details.field(), Some("clientId"));
    let stale = payway
        .generate_ticket(&AccessToken::new("stale"), TicketRequest::new("shop"))
        .await
        .unwrap_err();
    assert!(matches!(stale, Error::Unauthorized(_)), "{stale:?}");
}

#[tokio::test]
async fn hostile_ids_and_empty_answers() {
    let server = MockServer::start_async().await;
    let empty = server
        .mock_async(|when, then| {
            when.path("/api/authorization/ticket");
            then.status(200).json_body(json!({"ticket": ""}));
        })
        .await;
    let payway = client(&server);
    let token = AccessToken::new("t");
    for request in [
        TicketRequest::new(""),
        TicketRequest::new("shop\r\nX: y"),
        TicketRequest::new("shop").account_id(" "),
        TicketRequest::new("x".repeat(300)),
    ] {
        let err = payway.generate_ticket(&token, request).await.unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    }
    empty.assert_calls_async(0).await;
    let err = payway
        .generate_ticket(&token, TicketRequest::new("shop"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
    empty.assert_calls_async(1).await;
}
