//! `/me` in both shapes and `/me/active_products`.

use httpmock::prelude::*;
use payway_client::{AccessToken, Error};
use serde_json::json;

use crate::support::{client, mock_me};

#[tokio::test]
async fn me_reads_the_documented_wrapped_shape() {
    let server = MockServer::start_async().await;
    let me = mock_me(&server, "user-token").await;
    let account = client(&server)
        .me(&AccessToken::new("user-token"))
        .await
        .unwrap();
    me.assert_calls_async(1).await;
    assert_eq!(account.id, "acc-42");
    assert_eq!(account.email.as_deref(), Some("reader@example.com"));
    assert_eq!(account.first_name.as_deref(), Some("Ada"));
    assert_eq!(account.last_name.as_deref(), Some("Lovelace"));
    assert_eq!(account.customer_number.as_deref(), Some("C-1001"));
    assert_eq!(account.products.len(), 1);
    assert_eq!(account.products[0].product_code.as_deref(), Some("premium"));
    assert_eq!(account.extra.get("status"), Some(&json!("active")));
}

#[tokio::test]
async fn me_reads_the_flat_camel_case_shape() {
    let server = MockServer::start_async().await;
    let me = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/external/api/v1/me")
                .header("authorization", "Bearer flat-token");
            then.status(200).json_body(json!({
                "id": "account_123",
                "email": "user@example.com",
                "firstName": "John",
                "lastName": "Doe",
                "customerNumber": "CUST001",
                "address": {"street": "Storgatan 1", "zipCode": "111 22", "city": "Stockholm", "countryCode": "SE"},
                "newsletter": true
            }));
        })
        .await;
    let account = client(&server)
        .me(&AccessToken::new("flat-token"))
        .await
        .unwrap();
    me.assert_calls_async(1).await;
    assert_eq!(account.first_name.as_deref(), Some("John"));
    assert_eq!(account.customer_number.as_deref(), Some("CUST001"));
    let address = account.address.unwrap();
    assert_eq!(address.zip_code.as_deref(), Some("111 22"));
    assert_eq!(address.country_code.as_deref(), Some("SE"));
    assert_eq!(account.extra.get("newsletter"), Some(&json!(true)));
}

#[tokio::test]
async fn me_refusals_and_garbage() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/external/api/v1/me")
                .header("authorization", "Bearer tok-expired-1");
            then.status(401)
                .json_body(json!({"code": "invalid_token", "message": "Token expired"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/external/api/v1/me")
                .header("authorization", "Bearer garbage");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(json!({"item": {"email": "no-id@example.com"}}));
        })
        .await;
    let payway = client(&server);
    let expired = payway
        .me(&AccessToken::new("tok-expired-1"))
        .await
        .unwrap_err();
    let Error::Unauthorized(details) = &expired else {
        panic!("{expired:?}")
    };
    assert_eq!(details.code(), Some("invalid_token"));
    assert_eq!(details.message(), Some("Token expired"));

    let garbage = payway.me(&AccessToken::new("garbage")).await.unwrap_err();
    let Error::Parse(body) = &garbage else {
        panic!("{garbage:?}")
    };
    assert_eq!(body.what(), "account");
    assert_eq!(garbage.status().map(|s| s.as_u16()), Some(200));
    assert!(body.expose_text().unwrap().contains("no-id@example.com"));
    assert_eq!(body.content_type(), Some("application/json"));
    // Only the length and the content type show, never the reader's e-mail.
    let shown = format!(
        "{garbage} {garbage:?} {:?}",
        std::error::Error::source(&garbage)
    );
    assert!(!shown.contains("no-id@"), "{shown}");
}

#[tokio::test]
async fn repeated_members_in_me_are_refused() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/external/api/v1/me");
            then.status(200)
                .header("content-type", "application/json")
                .body(
                    r#"{"item":{"id":"acc-victim","id":"acc-attacker","email":"a@example.com"}}"#,
                );
        })
        .await;
    let err = client(&server)
        .me(&AccessToken::new("t"))
        .await
        .unwrap_err();
    let Error::Parse(error) = &err else {
        panic!("{err:?}")
    };
    assert!(error.fault().is_repeated_member(), "{error:?}");
}

#[tokio::test]
async fn active_products() {
    let server = MockServer::start_async().await;
    let call = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/external/api/v1/me/active_products")
                .query_param_missing("include_articles")
                .header("authorization", "Bearer user-token");
            then.status(200).json_body(json!({
                "item": {"id": "acc-42", "active_products": ["premium", "weekend"]}
            }));
        })
        .await;
    let products = client(&server)
        .active_products(&AccessToken::new("user-token"))
        .await
        .unwrap();
    call.assert_calls_async(1).await;
    assert_eq!(products.account_id.as_deref(), Some("acc-42"));
    assert_eq!(products.product_codes, vec!["premium", "weekend"]);
    assert!(products.contains("premium"));
    assert!(!products.contains("gold"));
    assert!(products.external_plus_products.is_empty() && products.active_articles.is_empty());
}

#[tokio::test]
async fn active_products_not_found_is_an_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/external/api/v1/me/active_products");
            then.status(404)
                .json_body(json!({"code": "not_found", "field": null, "message": "no account"}));
        })
        .await;
    let err = client(&server)
        .active_products(&AccessToken::new("tok-404"))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::UnexpectedStatus(d) if d.code() == Some("not_found")));
    assert_eq!(err.status(), Some(reqwest::StatusCode::NOT_FOUND));
}
