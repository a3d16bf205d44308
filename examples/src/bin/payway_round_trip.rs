//! The full Tulo Payway / Tulo Shop ticket round trip with `payway-client`.
//!
//! ```text
//! cargo run -p paywall-examples --bin payway_round_trip
//! ```
//!
//! Without credentials it runs against `FakePayway`, the crate's fake Payway and Tulo Shop on
//! 127.0.0.1: server token, ticket for the shop, shop link whose way back is bound to the
//! reader's browser (a `LoginState`), the reader pays and returns, the return checked against
//! the browser's state cookie (and refused from another browser), login once, the same ticket
//! refused.
//!
//! With `PAYWAY_CLIENT_ID`, `PAYWAY_CLIENT_SECRET` and `PAYWAY_ENVIRONMENT` all set it talks to
//! that Payway instead (`PaywayClient::from_env`), and does what those credentials allow:
//! - always: a server-to-server token (`PAYWAY_SCOPES`, default
//!   `/external/account/r /external/account/w`);
//! - with `PAYWAY_SHOP_CLIENT_ID`, `PAYWAY_ACCOUNT_ID` and `PAYWAY_SHOP_URL` (your shop's
//!   marketplace URL): a ticket for that account and the shop link, its way back bound to a
//!   new login state (the state cookie's name is printed, never its value);
//! - with `PAYWAY_RETURN_URL` (the full URL the shop sent a reader back to, `?ticket=...`):
//!   the login, twice, to show the second one refused. There is no browser here to hold a
//!   state cookie, so this step skips the check a site makes first
//!   (`TicketCallback::check_state`, or the axum `TicketReturn`); the run against the fake
//!   shows it.
//!
//! Nothing secret is printed: tokens and tickets show as `[redacted]`, and the ticket in a
//! URL is masked.

use std::error::Error;

use paywall_examples::{mask_query_param, non_empty_setting, setting};
use payway_client::test_util::FakePayway;
use payway_client::{
    ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_ENVIRONMENT, LoginState, MemoryTicketStore, PaywayClient,
    ReturnPolicy, ShopUrl, TicketCallback, TicketLogin, TicketRequest, reqwest,
};
use url::Url;

type Result<T, E = Box<dyn Error>> = std::result::Result<T, E>;

#[tokio::main]
async fn main() -> Result<()> {
    let mut all_set = true;
    for name in [ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_ENVIRONMENT] {
        all_set &= non_empty_setting(name)?.is_some();
    }
    if all_set {
        against_your_payway().await
    } else {
        against_the_fake().await
    }
}

async fn against_your_payway() -> Result<()> {
    println!("PAYWAY_* is set: talking to your Payway");
    let payway = PaywayClient::from_env()?;
    let scopes = setting("PAYWAY_SCOPES")?
        .unwrap_or_else(|| "/external/account/r /external/account/w".to_owned());
    let scopes: Vec<&str> = scopes.split_whitespace().collect();
    let server_token = payway.server_token(&scopes).await?;
    println!("server token for {scopes:?}: {server_token:?}");

    let shop = (
        setting("PAYWAY_SHOP_CLIENT_ID")?,
        setting("PAYWAY_ACCOUNT_ID")?,
        setting("PAYWAY_SHOP_URL")?,
    );
    if let (Some(shop_client), Some(account), Some(shop_url)) = shop {
        let request = TicketRequest::new(shop_client).account_id(account);
        let ticket = payway.generate_ticket(&server_token, request).await?;
        let state = LoginState::new()?;
        let way_back = state.bind(&Url::parse("https://news.example.com/welcome-back")?);
        let link = ShopUrl::builder(Url::parse(&shop_url)?)
            .ticket(&ticket)
            .return_url(way_back.as_str())
            .build()?;
        println!("shop link: {}", mask_query_param(&link, "at"));
        println!(
            "sent with the state cookie {} (its value stays in the browser)",
            state.cookie_name()
        );
    } else {
        println!(
            "set PAYWAY_SHOP_CLIENT_ID, PAYWAY_ACCOUNT_ID and PAYWAY_SHOP_URL to build a shop link"
        );
    }

    if let Some(returned) = setting("PAYWAY_RETURN_URL")? {
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
        let outcome = payway.login_with_ticket(callback.ticket(), &store).await?;
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

async fn against_the_fake() -> Result<()> {
    println!(
        "no PAYWAY_CLIENT_ID / PAYWAY_CLIENT_SECRET / PAYWAY_ENVIRONMENT: using FakePayway on 127.0.0.1"
    );
    let fake = FakePayway::start().await;
    fake.add_account("acc-1", ["weekend"]);
    let payway = fake.client();

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
    // The way back is bound to the reader's browser: it carries the login's state, and only
    // the cookie sent with this redirect matches it.
    let state = LoginState::new()?;
    let way_back = state.bind(&Url::parse("https://news.example.com/welcome-back")?);
    let link = ShopUrl::builder(fake.shop_base_url())
        .path(["marketplace", "group1", "premium"])
        .ticket(&ticket)
        .return_url(way_back.as_str())
        .build()?;
    println!(
        "1. redirect the reader to {}, with the state cookie {}",
        mask_query_param(&link, "at"),
        state.cookie_name()
    );
    // What the reader's browser sends back: the state cookie's `name=value`.
    let set_cookie = state.set_cookie();
    let browser_cookie = set_cookie.split(';').next().unwrap_or_default().to_owned();

    // 2. The reader pays in the shop, which sends them back with a ticket for our site.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let page = browser.get(link).send().await?.text().await?;
    let action = page
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or("the checkout page has no Pay form")?;
    let paid = browser.post(fake.base_url().join(action)?).send().await?;
    let location = paid
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .ok_or("the shop did not send the reader back")?;
    let returned = Url::parse(location)?;
    let callback =
        TicketCallback::parse(&returned, &ReturnPolicy::allow_hosts(["news.example.com"]))?;
    println!(
        "2. the reader is back at {}",
        mask_query_param(&returned, "ticket")
    );

    // 3. Only from the browser that went to the shop: the state cookie must match.
    match callback.check_state([&b"theme=dark"[..]]) {
        Err(error) => println!("3. the same URL in another browser: refused ({error})"),
        Ok(_) => return Err("a return from another browser was accepted".into()),
    }
    let clear = callback.check_state([browser_cookie.as_bytes()])?;
    println!(
        "3. in the reader's browser: accepted; answer with Set-Cookie {}",
        clear.split(';').next().unwrap_or_default()
    );

    // 4. Log in, once.
    login_twice(&payway, &callback).await?;
    println!("ticket exchanges Payway saw: {}", fake.exchanges());
    Ok(())
}
