//! Active products with articles and external plus products: `/me/active_products` with the
//! reader's token, and `accounts/active_products` with a cached server token of scope
//! `/external/account/r`; an unknown account as an outcome, a malformed id refused unsent.

use httpmock::Mock;
use httpmock::prelude::*;
use payway_client::{ACCOUNT_READ_SCOPE, AccessToken, AccountProducts, Error};
use serde_json::json;

use crate::support::{CLIENT_ID, CLIENT_SECRET, client};

const ACCOUNT: &str = "5f3c9a1b2c4d5e6f7a8b9c0d";
const PATH: &str = "/external/api/v1/accounts/active_products";

/// Payway issuing server token `token` for `/external/account/r` (and only that scope).
async fn mock_account_read_token<'a>(server: &'a MockServer, token: &str) -> Mock<'a> {
    let token = token.to_owned();
    server
        .mock_async(move |when, then| {
            when.method(POST)
                .path("/api/authorization/access_token")
                .body(format!(
                    "grant_type=none&scope=%2Fexternal%2Faccount%2Fr&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
                ));
            then.status(200).json_body(
                json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}),
            );
        })
        .await
}

fn documented_item(with_articles: bool) -> serde_json::Value {
    let mut item = json!({
        "id": ACCOUNT,
        "active_products": ["premium"],
        "external_plus_products": ["print-plus"],
    });
    if with_articles {
        item["active_articles"] = json!([{
            "article_id": "art-7",
            "article_name": "Budget day",
            "article_url": "https://news.example.com/articles/7",
            "title_name": "The Times",
            "title_code": "times",
            "order_id": "ord-31337",
            "purchase_date": "2024-03-01T10:00:00Z",
            "price": 29
        }]);
    }
    json!({ "item": item })
}

#[tokio::test]
async fn the_account_call_sends_the_documented_request_with_a_cached_server_token() {
    let server = MockServer::start_async().await;
    let grant = mock_account_read_token(&server, "s2s-read-1").await;
    let call = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(PATH)
                .query_param("account_id", ACCOUNT)
                .query_param_missing("include_articles")
                .query_param_count(".*", ".*", 1)
                .header("authorization", "Bearer s2s-read-1")
                .header("accept", "application/json");
            then.status(200).json_body(documented_item(false));
        })
        .await;
    let payway = client(&server);
    for _ in 0..2 {
        let products = payway
            .account_active_products(ACCOUNT, false)
            .await
            .unwrap();
        let AccountProducts::Found(active) = &products else {
            panic!("{products:?}")
        };
        assert_eq!(active.account_id.as_deref(), Some(ACCOUNT));
        assert_eq!(active.product_codes, ["premium"]);
        assert_eq!(active.external_plus_products, ["print-plus"]);
        assert!(active.active_articles.is_empty());
        assert!(products.contains("premium") && !products.contains("print-plus"));
    }
    call.assert_calls_async(2).await;
    // The server token came from the cache the second time.
    grant.assert_calls_async(1).await;
    assert_eq!(ACCOUNT_READ_SCOPE, "/external/account/r");
}

#[tokio::test]
async fn include_articles_asks_for_them_and_reads_them() {
    let server = MockServer::start_async().await;
    mock_account_read_token(&server, "s2s-read-2").await;
    let call = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(PATH)
                .query_param("account_id", ACCOUNT)
                .query_param("include_articles", "true")
                .query_param_count(".*", ".*", 2)
                .header("authorization", "Bearer s2s-read-2");
            then.status(200).json_body(documented_item(true));
        })
        .await;
    let products = client(&server)
        .account_active_products(ACCOUNT, true)
        .await
        .unwrap();
    call.assert_calls_async(1).await;
    assert!(products.has_article("art-7"));
    let active = products.into_products().unwrap();
    let article = &active.active_articles[0];
    assert_eq!(article.article_name.as_deref(), Some("Budget day"));
    assert_eq!(
        article.article_url.as_deref(),
        Some("https://news.example.com/articles/7")
    );
    assert_eq!(article.title_name.as_deref(), Some("The Times"));
    assert_eq!(article.title_code.as_deref(), Some("times"));
    assert_eq!(article.order_id.as_deref(), Some("ord-31337"));
    assert_eq!(
        article.purchase_date.as_deref(),
        Some("2024-03-01T10:00:00Z")
    );
    assert_eq!(article.extra.get("price"), Some(&json!(29)));
    // What the reader bought, and when, stays out of Debug.
    let shown = format!("{active:?}");
    assert!(
        !shown.contains("ord-31337") && !shown.contains("2024-03-01"),
        "{shown}"
    );
    assert!(shown.contains("art-7"), "{shown}");
}

#[tokio::test]
async fn an_unknown_account_is_an_outcome_and_other_404s_are_errors() {
    let server = MockServer::start_async().await;
    mock_account_read_token(&server, "s2s-read-3").await;
    let unknown = "000000000000000000000001";
    server
        .mock_async(move |when, then| {
            when.path(PATH).query_param("account_id", unknown);
            then.status(404).json_body(
                json!({"code": "not_found", "field": "account_id", "message": "Account not found"}),
            );
        })
        .await;
    let proxy = "000000000000000000000002";
    server
        .mock_async(move |when, then| {
            when.path(PATH).query_param("account_id", proxy);
            then.status(404)
                .header("content-type", "text/html")
                .body("<html>Not Found</html>");
        })
        .await;
    let payway = client(&server);
    let outcome = payway.account_active_products(unknown, true).await.unwrap();
    assert_eq!(outcome, AccountProducts::UnknownAccount);
    assert!(!outcome.contains("premium") && outcome.products().is_none());
    // A 404 that is not Payway's `not_found` (a proxy, a wrong base URL) is not taken for
    // an unknown account.
    let err = payway
        .account_active_products(proxy, false)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnexpectedStatus(d) if d.status() == 404),
        "{err:?}"
    );
}

#[tokio::test]
async fn payways_invalid_parameter_is_an_error_with_its_body() {
    let server = MockServer::start_async().await;
    mock_account_read_token(&server, "s2s-read-4").await;
    server
        .mock_async(|when, then| {
            when.path(PATH);
            then.status(400).json_body(json!({
                "code": "invalid_parameter", "field": "account_id", "message": "Invalid account id"
            }));
        })
        .await;
    let err = client(&server)
        .account_active_products(ACCOUNT, false)
        .await
        .unwrap_err();
    let Error::BadRequest(details) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(details.code(), Some("invalid_parameter"));
    assert_eq!(details.field(), Some("account_id"));
    assert_eq!(details.message(), Some("Invalid account id"));
}

#[tokio::test]
async fn a_malformed_account_id_is_refused_before_any_request() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let payway = client(&server);
    for bad in [
        "",
        "acc-1",
        "5F3C9A1B2C4D5E6F7A8B9C0D",
        "5f3c9a1b2c4d5e6f7a8b9c0",
        "5f3c9a1b2c4d5e6f7a8b9c0d0",
        "5f3c9a1b2c4d5e6f7a8b9c0d&include_articles=true",
        "5f3c9a1b2c4d5e6f7a8b9c0\n",
        " 5f3c9a1b2c4d5e6f7a8b9c0d",
    ] {
        let err = payway
            .account_active_products(bad, false)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidInput {
                    what: "account id",
                    ..
                }
            ),
            "{bad:?}: {err:?}"
        );
    }
    // Not even a server token was asked for.
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_refused_server_token_is_forgotten() {
    let server = MockServer::start_async().await;
    let grant = mock_account_read_token(&server, "s2s-revoked").await;
    let call = server
        .mock_async(|when, then| {
            when.path(PATH);
            then.status(401)
                .json_body(json!({"code": "invalid_token", "message": "Token revoked"}));
        })
        .await;
    let payway = client(&server);
    for _ in 0..2 {
        let err = payway
            .account_active_products(ACCOUNT, false)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    }
    // Each call was sent once (never repeated), and each asked for a fresh token.
    call.assert_calls_async(2).await;
    grant.assert_calls_async(2).await;
}

#[tokio::test]
async fn a_failed_server_token_is_a_server_token_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/api/authorization/access_token");
            then.status(401)
                .json_body(json!({"error": "invalid_client"}));
        })
        .await;
    let call = server
        .mock_async(|when, then| {
            when.path(PATH);
            then.status(200).json_body(documented_item(false));
        })
        .await;
    let err = client(&server)
        .account_active_products(ACCOUNT, false)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::ServerToken(inner) if matches!(**inner, Error::ClientCredentials(_))),
        "{err:?}"
    );
    call.assert_calls_async(0).await;
}

#[tokio::test]
async fn an_answer_for_another_account_is_refused() {
    let server = MockServer::start_async().await;
    mock_account_read_token(&server, "s2s-read-5").await;
    server
        .mock_async(|when, then| {
            when.path(PATH);
            then.status(200).json_body(
                json!({"item": {"id": "ffffffffffffffffffffffff", "active_products": ["premium"]}}),
            );
        })
        .await;
    let err = client(&server)
        .account_active_products(ACCOUNT, false)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
}

#[tokio::test]
async fn the_readers_products_with_articles() {
    let server = MockServer::start_async().await;
    let call = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/external/api/v1/me/active_products")
                .query_param("include_articles", "true")
                .query_param_count(".*", ".*", 1)
                .header("authorization", "Bearer reader-token");
            then.status(200).json_body(documented_item(true));
        })
        .await;
    let active = client(&server)
        .active_products_with_articles(&AccessToken::new("reader-token"))
        .await
        .unwrap();
    call.assert_calls_async(1).await;
    assert!(active.contains("premium"));
    assert!(active.contains_external_plus("print-plus"));
    assert!(active.has_article("art-7") && !active.has_article("art-8"));
}
