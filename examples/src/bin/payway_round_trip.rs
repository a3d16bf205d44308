//! The full Tulo Payway / Tulo Shop ticket round trip with `payway-client`.
//!
//! ```text
//! cargo run -p paywall-examples --bin payway_round_trip
//! ```
//!
//! With no credentials it runs against a mock Payway embedded on 127.0.0.1: server token,
//! ticket for the shop, shop link, the reader's return, login once, the same ticket refused.
//!
//! With `PAYWAY_CLIENT_ID` and `PAYWAY_CLIENT_SECRET` set it talks to Payway **stage**
//! instead, and does what those credentials allow:
//! - always: a server-to-server token (`PAYWAY_SCOPES`, default
//!   `/external/account/r /external/account/w`);
//! - with `PAYWAY_SHOP_CLIENT_ID`, `PAYWAY_ACCOUNT_ID` and `PAYWAY_SHOP_URL` (your shop's
//!   marketplace URL): a ticket for that account and the shop link;
//! - with `PAYWAY_RETURN_URL` (the full URL the shop sent a reader back to, `?ticket=...`):
//!   the login, twice, to show the second one refused.
//!
//! Nothing secret is printed: tokens and tickets show as `[redacted]`, and the ticket in a
//! URL is masked.

use std::error::Error;

use httpmock::prelude::*;
use paywall_examples::mask_query_param;
use payway_client::{
    Environment, MemoryTicketStore, PaywayClient, ReturnPolicy, ShopUrl, TicketCallback,
    TicketLogin, TicketRequest,
};
use serde_json::json;
use url::Url;

type Result<T, E = Box<dyn Error>> = std::result::Result<T, E>;

#[tokio::main]
async fn main() -> Result<()> {
    match (
        std::env::var("PAYWAY_CLIENT_ID"),
        std::env::var("PAYWAY_CLIENT_SECRET"),
    ) {
        (Ok(id), Ok(secret)) => against_stage(id, secret).await,
        _ => against_mock().await,
    }
}

async fn against_stage(client_id: String, client_secret: String) -> Result<()> {
    println!("PAYWAY_CLIENT_ID is set: talking to Payway stage");
    let payway = PaywayClient::builder()
        .environment(Environment::Stage)
        .client_id(client_id)
        .client_secret(client_secret)
        .build()?;
    let scopes = std::env::var("PAYWAY_SCOPES")
        .unwrap_or_else(|_| "/external/account/r /external/account/w".to_owned());
    let scopes: Vec<&str> = scopes.split_whitespace().collect();
    let server_token = payway.server_token(&scopes).await?;
    println!("server token for {scopes:?}: {server_token:?}");

    let shop = (
        std::env::var("PAYWAY_SHOP_CLIENT_ID"),
        std::env::var("PAYWAY_ACCOUNT_ID"),
        std::env::var("PAYWAY_SHOP_URL"),
    );
    if let (Ok(shop_client), Ok(account), Ok(shop_url)) = shop {
        let request = TicketRequest::new(shop_client).account_id(account);
        let ticket = payway.generate_ticket(&server_token, request).await?;
        let link = ShopUrl::builder(Url::parse(&shop_url)?)
            .ticket(&ticket)
            .return_url("https://news.example.com/welcome-back")
            .build()?;
        println!("shop link: {}", mask_query_param(&link, "at"));
    } else {
        println!(
            "set PAYWAY_SHOP_CLIENT_ID, PAYWAY_ACCOUNT_ID and PAYWAY_SHOP_URL to build a shop link"
        );
    }

    if let Ok(returned) = std::env::var("PAYWAY_RETURN_URL") {
        let returned = Url::parse(&returned)?;
        let host = returned.host_str().unwrap_or_default().to_owned();
        let callback = TicketCallback::parse(&returned, &ReturnPolicy::allow_hosts([host]))?;
        login_twice(&payway, &callback).await?;
    } else {
        println!("set PAYWAY_RETURN_URL to the URL the shop sent a reader back to, to log in");
    }
    Ok(())
}

async fn login_twice(payway: &PaywayClient, callback: &TicketCallback) -> Result<()> {
    let store = MemoryTicketStore::new();
    for attempt in ["first", "second"] {
        let outcome = payway
            .login_with_ticket(callback.ticket().expose_secret(), &store)
            .await?;
        match outcome {
            TicketLogin::LoggedIn { account, .. } => {
                println!("{attempt} login: logged in as account {}", account.id);
            }
            TicketLogin::AlreadyUsed => {
                println!("{attempt} login: refused, the ticket was already used");
            }
            TicketLogin::Rejected { reason } => {
                println!("{attempt} login: Payway rejected the ticket: {reason:?}");
            }
            other => println!("{attempt} login: {other:?}"),
        }
    }
    Ok(())
}

async fn against_mock() -> Result<()> {
    println!("no PAYWAY_CLIENT_ID / PAYWAY_CLIENT_SECRET: using a mock Payway on 127.0.0.1");
    let mock = MockServer::start_async().await;
    mock.mock_async(|when, then| {
        when.method(POST)
            .path("/api/authorization/access_token")
            .form_urlencoded_tuple("grant_type", "none");
        then.status(200)
            .json_body(json!({"access_token": "s2s", "token_type": "Bearer", "expires_in": 3600}));
    })
    .await;
    mock.mock_async(|when, then| {
        when.method(POST)
            .path("/api/authorization/ticket")
            .json_body(json!({"clientId": "tulo-shop", "accountId": "acc-1"}));
        then.status(200)
            .json_body(json!({"ticket": "outbound-ticket"}));
    })
    .await;
    mock.mock_async(|when, then| {
        when.method(POST)
            .path("/api/authorization/access_token")
            .form_urlencoded_tuple("grant_type", "ticket")
            .form_urlencoded_tuple("ticket", "return-ticket");
        then.status(200).json_body(
            json!({"access_token": "reader", "token_type": "Bearer", "expires_in": 3600}),
        );
    })
    .await;
    mock.mock_async(|when, then| {
        when.method(GET)
            .path("/external/api/v1/me")
            .header("authorization", "Bearer reader");
        then.status(200)
            .json_body(json!({"item": {"id": "acc-1", "email": "reader@example.com"}}));
    })
    .await;

    let payway = PaywayClient::builder()
        .base_url(Url::parse(&mock.base_url())?)
        .client_id("news-site")
        .client_secret("example-secret")
        .build()?;

    // 1. To the shop: a server token, a ticket for the reader's account, the shop link.
    let server_token = payway
        .server_token(&["/external/account/r", "/external/account/w"])
        .await?;
    let ticket = payway
        .generate_ticket(
            &server_token,
            TicketRequest::new("tulo-shop").account_id("acc-1"),
        )
        .await?;
    let link = ShopUrl::builder(Url::parse("https://myorg.portal.worldoftulo.com/")?)
        .path(["marketplace", "group1", "market1"])
        .ticket(&ticket)
        .return_url("https://news.example.com/welcome-back")
        .build()?;
    println!(
        "1. redirect the reader to {}",
        mask_query_param(&link, "at")
    );

    // 2. Back from the shop with a ticket for our site.
    let returned = Url::parse("https://news.example.com/welcome-back?ticket=return-ticket")?;
    let callback =
        TicketCallback::parse(&returned, &ReturnPolicy::allow_hosts(["news.example.com"]))?;
    println!(
        "2. the reader is back at {}",
        mask_query_param(&returned, "ticket")
    );

    // 3. Log in, once.
    login_twice(&payway, &callback).await
}
