//! Log a reader in with the ticket they brought back from the shop, exactly once, against a
//! mock Payway started on 127.0.0.1 (no network, no credentials).
//!
//! ```text
//! cargo run -p payway-client --example ticket_login
//! ```

use httpmock::prelude::*;
use payway_client::{MemoryTicketStore, PaywayClient, TicketLogin};
use serde_json::json;
use url::Url;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The stand-in for Payway: it accepts the ticket "t-123" and knows one account.
    let payway_api = MockServer::start_async().await;
    let exchange = payway_api
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/authorization/access_token")
                .form_urlencoded_tuple("grant_type", "ticket")
                .form_urlencoded_tuple("ticket", "t-123");
            then.status(200).json_body(json!({
                "access_token": "reader-token", "token_type": "Bearer", "expires_in": 3600
            }));
        })
        .await;
    payway_api
        .mock_async(|when, then| {
            when.method(GET)
                .path("/external/api/v1/me")
                .header("authorization", "Bearer reader-token");
            then.status(200).json_body(json!({
                "id": "acc-7", "email": "reader@example.com", "firstName": "Grace"
            }));
        })
        .await;

    let payway = PaywayClient::builder()
        .base_url(Url::parse(&payway_api.base_url())?)
        .client_id("news-site")
        .client_secret("example-secret")
        .build()?;
    let store = MemoryTicketStore::new();

    for attempt in 1..=2 {
        match payway.login_with_ticket("t-123", &store).await? {
            TicketLogin::LoggedIn { account, token } => println!(
                "attempt {attempt}: logged in {} <{}>, token {:?}",
                account.first_name.as_deref().unwrap_or("?"),
                account.email.as_deref().unwrap_or("?"),
                token.access_token
            ),
            TicketLogin::AlreadyUsed => {
                println!("attempt {attempt}: this login link was already used")
            }
            other => println!("attempt {attempt}: {other:?}"),
        }
    }
    println!(
        "ticket exchanges Payway saw: {}",
        exchange.calls_async().await
    );
    Ok(())
}
