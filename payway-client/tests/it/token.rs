//! The token endpoint: ticket and refresh grants, both encodings, typed refusals.

use std::time::Duration;

use httpmock::prelude::*;
use payway_client::Ticket;
use payway_client::{Error, RefreshToken, TokenEncoding};
use serde_json::json;

use crate::support::{
    CLIENT_ID, CLIENT_SECRET, builder, client, mock_exchange, mock_exchange_status,
};

#[tokio::test]
async fn ticket_exchange_is_form_encoded_by_default() {
    let server = MockServer::start_async().await;
    let exchange = mock_exchange(&server, "tkt-form-1", "access-1").await;
    let token = client(&server)
        .exchange_ticket(&Ticket::new("tkt-form-1"))
        .await
        .unwrap();
    exchange.assert_calls_async(1).await;
    assert_eq!(token.access_token.expose_secret(), "access-1");
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.expires_in, Some(Duration::from_secs(3600)));
    assert_eq!(
        token.refresh_token.unwrap().expose_secret(),
        "refresh-secret-1"
    );
}

#[tokio::test]
async fn ticket_exchange_as_json_sends_the_same_fields() {
    let server = MockServer::start_async().await;
    let exchange = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/authorization/access_token")
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .json_body(json!({
                    "grant_type": "ticket",
                    "ticket": "tkt-json-1",
                    "scope": "/external/me/w",
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                }));
            then.status(200)
                .json_body(json!({"access_token": "access-json", "token_type": "bearer"}));
        })
        .await;
    let payway = builder(&server)
        .token_encoding(TokenEncoding::Json)
        .build()
        .unwrap();
    let token = payway
        .exchange_ticket(&Ticket::new("tkt-json-1"))
        .await
        .unwrap();
    exchange.assert_calls_async(1).await;
    assert_eq!(token.access_token.expose_secret(), "access-json");
    assert_eq!(token.expires_in, None);
    assert!(token.refresh_token.is_none());
}

#[tokio::test]
async fn ticket_exchange_asks_for_the_me_scope_by_default() {
    // `/me` and `/me/active_products` require an identity token with `/external/me/w`.
    assert_eq!(payway_client::DEFAULT_TICKET_SCOPE, "/external/me/w");
    let server = MockServer::start_async().await;
    let exchange = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/authorization/access_token")
                .header("content-type", "application/x-www-form-urlencoded")
                .form_urlencoded_tuple("grant_type", "ticket")
                .form_urlencoded_tuple("scope", "/external/me/w");
            then.status(200)
                .json_body(json!({"access_token": "a", "scope": "/external/me/w"}));
        })
        .await;
    let token = client(&server)
        .exchange_ticket(&Ticket::new("tkt-scope-1"))
        .await
        .unwrap();
    exchange.assert_calls_async(1).await;
    assert_eq!(token.scope.as_deref(), Some("/external/me/w"));
}

#[tokio::test]
async fn an_empty_ticket_scope_list_sends_no_scope() {
    let server = MockServer::start_async().await;
    let exchange = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/authorization/access_token")
                .body(format!(
                    "grant_type=ticket&ticket=t-2&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
                ));
            then.status(200).json_body(json!({"access_token": "a"}));
        })
        .await;
    let payway = builder(&server)
        .ticket_scopes(Vec::<String>::new())
        .build()
        .unwrap();
    payway.exchange_ticket(&Ticket::new("t-2")).await.unwrap();
    exchange.assert_calls_async(1).await;
}

#[tokio::test]
async fn configured_ticket_scopes_are_sent() {
    let server = MockServer::start_async().await;
    let exchange = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/authorization/access_token").body(format!(
                "grant_type=ticket&ticket=t-1&scope=%2Fexternal%2Fme%2Fw+%2Fexternal%2Faccount%2Fr\
                 &client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
            ));
            then.status(200)
                .json_body(json!({"access_token": "a", "scope": "/external/me/w"}));
        })
        .await;
    // The list replaces the default: `/external/me/w` is sent once, as listed.
    let payway = builder(&server)
        .ticket_scopes(["/external/me/w", "/external/account/r"])
        .build()
        .unwrap();
    let token = payway.exchange_ticket(&Ticket::new("t-1")).await.unwrap();
    exchange.assert_calls_async(1).await;
    assert_eq!(token.scope.as_deref(), Some("/external/me/w"));
}

#[tokio::test]
async fn refresh_token_grant() {
    let server = MockServer::start_async().await;
    let refresh = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/authorization/access_token")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!(
                    "grant_type=refresh_token&refresh_token=r%2Ftok%3D&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
                ));
            then.status(200).json_body(json!({
                "access_token": "access-2", "expires_in": 7200, "refresh_token": "refresh-2"
            }));
        })
        .await;
    let token = client(&server)
        .refresh_token(&RefreshToken::new("r/tok="))
        .await
        .unwrap();
    refresh.assert_calls_async(1).await;
    assert_eq!(token.access_token.expose_secret(), "access-2");
    assert_eq!(token.refresh_token.unwrap().expose_secret(), "refresh-2");

    let empty = client(&server).refresh_token(&RefreshToken::new("")).await;
    assert!(matches!(empty, Err(Error::InvalidInput { .. })));
    refresh.assert_calls_async(1).await;
}

#[tokio::test]
async fn bad_request_keeps_the_provider_body() {
    let server = MockServer::start_async().await;
    let body = json!({"error": "invalid_request", "error_description": "Malformed ticket"});
    let exchange = mock_exchange_status(&server, "tkt-400", 400, body).await;
    let err = client(&server)
        .exchange_ticket(&Ticket::new("tkt-400"))
        .await
        .unwrap_err();
    exchange.assert_calls_async(1).await;
    let Error::BadRequest(details) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(details.error(), Some("invalid_request"));
    assert_eq!(details.error_description(), Some("Malformed ticket"));
    assert!(details.expose_body().contains("Malformed ticket"));
    assert_eq!(err.status(), Some(reqwest::StatusCode::BAD_REQUEST));
    assert!(!err.to_string().contains("tkt-400"));
}

#[tokio::test]
async fn unauthorized_ticket_and_refused_client_are_told_apart() {
    let server = MockServer::start_async().await;
    mock_exchange_status(
        &server,
        "tkt-expired",
        401,
        json!({"error": "invalid_grant", "error_description": "Ticket has expired"}),
    )
    .await;
    mock_exchange_status(
        &server,
        "tkt-any",
        401,
        json!({"error": "invalid_client", "error_description": "Client authentication failed"}),
    )
    .await;
    let payway = client(&server);
    let expired = payway
        .exchange_ticket(&Ticket::new("tkt-expired"))
        .await
        .unwrap_err();
    assert!(matches!(&expired, Error::Unauthorized(d) if d.error() == Some("invalid_grant")));
    let refused = payway
        .exchange_ticket(&Ticket::new("tkt-any"))
        .await
        .unwrap_err();
    assert!(matches!(&refused, Error::ClientCredentials(d) if d.status() == 401));
    assert_eq!(
        refused.provider_error().unwrap().error(),
        Some("invalid_client")
    );
}

#[tokio::test]
async fn other_statuses_are_errors_with_the_body() {
    let server = MockServer::start_async().await;
    let exchange = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/authorization/access_token");
            then.status(503).body("maintenance");
        })
        .await;
    let err = client(&server)
        .exchange_ticket(&Ticket::new("tkt-503"))
        .await
        .unwrap_err();
    exchange.assert_calls_async(1).await;
    assert!(matches!(&err, Error::UnexpectedStatus(_)));
    assert_eq!(err.status(), Some(reqwest::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.provider_error().unwrap().expose_body(), "maintenance");
}

#[tokio::test]
async fn malformed_tickets_are_refused_before_any_request() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let payway = client(&server);
    let long = "t".repeat(4097);
    for bad in ["", "with space", "new\nline", "tab\t", long.as_str()] {
        let err = payway.exchange_ticket(&Ticket::new(bad)).await.unwrap_err();
        assert!(
            matches!(err, Error::InvalidInput { what: "ticket", .. }),
            "{err:?}"
        );
    }
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn garbage_and_unusable_token_answers_are_errors_without_the_body() {
    let server = MockServer::start_async().await;
    for (ticket, body) in [
        (
            "g-1",
            "{\"access_token\": \"leaky-token\", \"token_type\": \"MAC\"}",
        ),
        ("g-2", "{\"access_token\": \"\"}"),
        ("g-3", "<html>leaky-token</html>"),
        ("g-4", "{\"access_token\": \"leaky token with spaces\"}"),
    ] {
        let form = crate::support::ticket_form(ticket);
        server
            .mock_async(move |when, then| {
                when.method(POST)
                    .path("/api/authorization/access_token")
                    .body(form);
                then.status(200).body(body);
            })
            .await;
    }
    let payway = client(&server);
    for ticket in ["g-1", "g-2", "g-3", "g-4"] {
        let err = payway
            .exchange_ticket(&Ticket::new(ticket))
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidResponse { .. } | Error::Parse(_)),
            "{ticket}: {err:?}"
        );
        if let Error::Parse(body) = &err {
            assert!(body.expose_text().is_none(), "a token body was kept");
        }
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("leaky"), "{shown}");
    }
}
