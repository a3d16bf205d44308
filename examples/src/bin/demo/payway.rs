//! The payway section of the demo: a reader goes to Tulo Shop with a ticket, comes back with
//! another one, is logged in once, and the same ticket is refused the second time.

use httpmock::prelude::*;
use paywall_examples::mask_query_param;
use payway_client::{
    MemoryTicketStore, PaywayClient, RejectReason, ReturnPolicy, ShopUrl, TicketCallback,
    TicketLogin, TicketRequest,
};
use serde_json::json;
use url::Url;

use crate::DemoResult;
use crate::narrate::{denied, detail, granted, section, step};

const SHOP_CLIENT_ID: &str = "tulo-shop";
const ACCOUNT_ID: &str = "5f3c9a1e0d";
const OUTBOUND_TICKET: &str = "tkt-to-shop-7f2a";
const RETURN_TICKET: &str = "tkt-back-from-shop-91bd";
const EXPIRED_TICKET: &str = "tkt-expired-0000";

/// Runs the payway section.
pub(crate) async fn run() -> DemoResult {
    section(
        "payway",
        "Tulo Payway + Tulo Shop: send a reader to the shop with a ticket, take them back with \
         another, and log them in exactly once.",
    );

    step(
        "Start a stand-in for the Payway API on 127.0.0.1 (the client talking to it is the real one)",
    );
    let payway_api = MockServer::start_async().await;
    let server_grant = payway_api
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/authorization/access_token")
                .form_urlencoded_tuple("grant_type", "none");
            then.status(200)
                .json_body(json!({"access_token": "s2s-demo-token", "token_type": "Bearer", "expires_in": 3600}));
        })
        .await;
    payway_api
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/authorization/ticket")
                .header("authorization", "Bearer s2s-demo-token")
                .json_body(json!({"clientId": SHOP_CLIENT_ID, "accountId": ACCOUNT_ID}));
            then.status(200)
                .json_body(json!({"ticket": OUTBOUND_TICKET}));
        })
        .await;
    let exchange = payway_api
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/authorization/access_token")
                .form_urlencoded_tuple("grant_type", "ticket")
                .form_urlencoded_tuple("ticket", RETURN_TICKET);
            then.status(200).json_body(json!({
                "access_token": "reader-demo-token", "token_type": "Bearer",
                "expires_in": 3600, "refresh_token": "reader-demo-refresh"
            }));
        })
        .await;
    payway_api
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/authorization/access_token")
                .form_urlencoded_tuple("ticket", EXPIRED_TICKET);
            then.status(401).json_body(
                json!({"error": "invalid_grant", "error_description": "Ticket has expired"}),
            );
        })
        .await;
    payway_api
        .mock_async(|when, then| {
            when.method(GET)
                .path("/external/api/v1/me")
                .header("authorization", "Bearer reader-demo-token");
            then.status(200).json_body(json!({"item": {
                "id": ACCOUNT_ID, "email": "ada@example.com", "first_name": "Ada",
                "last_name": "Lovelace", "customer_number": "C-1001",
                "user_products": [{"product_code": "premium", "state": "active"}]
            }}));
        })
        .await;
    detail("Payway API", payway_api.base_url());

    let payway = PaywayClient::builder()
        .base_url(Url::parse(&payway_api.base_url())?)
        .client_id("news-site")
        .client_secret("demo-client-secret")
        .build()?;
    let store = MemoryTicketStore::new();
    let policy = ReturnPolicy::allow_hosts(["news.example.com"]);
    detail(
        "client",
        "built once at start-up; its secret prints as [redacted]",
    );

    step(
        "A logged-in reader clicks \"Subscribe\": our server asks Payway for a server-to-server token",
    );
    let server_token = payway
        .server_token(&["/external/account/r", "/external/account/w"])
        .await?;
    detail(
        "grant",
        "grant_type=none, scopes /external/account/r /external/account/w",
    );
    detail(
        "token",
        format!("{server_token:?} (cached: asking again sends no request)"),
    );
    payway
        .server_token(&["/external/account/w", "/external/account/r"])
        .await?;
    detail(
        "token requests Payway saw",
        server_grant.calls_async().await,
    );

    step("It generates a one-time ticket for the reader's account, for Tulo Shop's client id");
    let ticket = payway
        .generate_ticket(
            &server_token,
            TicketRequest::new(SHOP_CLIENT_ID).account_id(ACCOUNT_ID),
        )
        .await?;
    detail("ticket", format!("{ticket:?}"));

    step("... and sends the reader to the shop with it, and a way back");
    let shop_url = ShopUrl::builder(Url::parse("https://myorg.portal.worldoftulo.com/")?)
        .path(["marketplace", "group1", "premium"])
        .ticket(&ticket)
        .return_url("https://news.example.com/welcome-back")
        .campaign("spring")
        .build()?;
    detail("redirect to", mask_query_param(&shop_url, "at"));
    detail(
        "note",
        "the real link carries the ticket; it is masked here, as in any log",
    );

    step("The reader pays; the shop sends them back with a new ticket for our site");
    let arrived = Url::parse(&format!(
        "https://auth.news.example.com/ticket-login?ticket={RETURN_TICKET}\
         &returnUrl=https%3A%2F%2Fnews.example.com%2Fwelcome-back"
    ))?;
    detail("arrived at", mask_query_param(&arrived, "ticket"));
    let callback = TicketCallback::parse(&arrived, &policy)?;
    match callback.return_url() {
        Some(back) => detail("return URL, allowed by the policy", back),
        None => return Err("the return URL was lost".into()),
    }

    step("Someone forges the same link with a return URL to another site");
    let forged = Url::parse(&format!(
        "https://auth.news.example.com/ticket-login?ticket={RETURN_TICKET}\
         &returnUrl=https%3A%2F%2Fnews.example.com%40evil.example%2F"
    ))?;
    match TicketCallback::parse(&forged, &policy) {
        Err(error) => denied(&format!("refused: {error} (no open redirect)")),
        Ok(_) => return Err("a forged return URL was accepted".into()),
    }

    step("Log the reader in with the ticket: claim it, exchange it with Payway, read /me");
    match payway
        .login_with_ticket(callback.ticket().expose_secret(), &store)
        .await?
    {
        TicketLogin::LoggedIn { account, token } => {
            let products: Vec<&str> = account
                .products
                .iter()
                .filter_map(|p| p.product_code.as_deref())
                .collect();
            granted(&format!(
                "logged in: account {} ({}), products {products:?}",
                account.id,
                account.email.as_deref().unwrap_or("no e-mail")
            ));
            let lifetime = token.expires_in.map_or("an unknown time".to_owned(), |d| {
                format!("{} s", d.as_secs())
            });
            detail(
                "token",
                format!("{:?}, valid for {lifetime}", token.access_token),
            );
        }
        other => return Err(format!("the login failed: {other:?}").into()),
    }

    step("The same link is opened again (a reload, a shared link, a replay)");
    match payway
        .login_with_ticket(callback.ticket().expose_secret(), &store)
        .await?
    {
        TicketLogin::AlreadyUsed => denied("already used: refused without asking Payway"),
        other => return Err(format!("a used ticket was not refused: {other:?}").into()),
    }
    detail("ticket exchanges Payway saw", exchange.calls_async().await);

    step("A reader comes back with a ticket that has expired");
    match payway.login_with_ticket(EXPIRED_TICKET, &store).await? {
        TicketLogin::Rejected {
            reason: RejectReason::Invalid(details),
        } => denied(&format!(
            "rejected by Payway (401 {}): \"Your login link has expired or is invalid\"",
            details.error().unwrap_or("no error code")
        )),
        other => return Err(format!("an expired ticket was not rejected: {other:?}").into()),
    }
    Ok(())
}
