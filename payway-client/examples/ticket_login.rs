//! Log a reader in with the ticket they brought back from the shop, exactly once and only in
//! the browser that went to the shop, against the crate's fake Payway on 127.0.0.1 (no
//! network, no credentials).
//!
//! ```text
//! cargo run -p payway-client --features test-util --example ticket_login
//! ```

use payway_client::test_util::FakePayway;
use payway_client::{LoginState, MemoryTicketStore, ReturnPolicy, TicketCallback, TicketLogin};
use url::Url;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The stand-in for Payway: one account with one product.
    let payway_api = FakePayway::start().await;
    payway_api.add_account("acc-7", ["premium"]);

    let payway = payway_api.client();
    let store = MemoryTicketStore::new();
    let policy = ReturnPolicy::allow_hosts(["news.example.com"]);

    // Sending the reader to the shop: the way back carries the login's state, and the redirect
    // sets its cookie (with the request's `Cookie` headers, to clear the oldest it holds).
    let state = LoginState::new()?;
    let return_url = state.bind(&Url::parse("https://news.example.com/welcome-back")?);
    let set_cookies = state.set_cookies_for(std::iter::empty());

    // The shop sends the reader back to that URL with a ticket, and their browser sends the
    // state cookie with it.
    let mut arrived = return_url.clone();
    arrived
        .query_pairs_mut()
        .append_pair("ticket", &payway_api.issue_ticket("acc-7"));
    let cookie = set_cookies
        .last()
        .and_then(|set_cookie| set_cookie.split(';').next())
        .unwrap_or_default();
    let callback = TicketCallback::parse(&arrived, &policy)?;

    // The same URL opened in another browser (a planted link): refused before the ticket is
    // claimed or sent, so no one can log a reader in as themselves.
    match callback.check_state([&b"theme=dark"[..]]) {
        Err(error) => println!("another browser: {error}"),
        Ok(_) => return Err("a browser that never went to the shop was let in".into()),
    }

    // In the reader's own browser: the state matches; send `clear_state` as a `Set-Cookie`.
    let clear_state = callback.check_state([cookie.as_bytes()])?;
    println!("this browser: the state matches, then is cleared ({clear_state})");
    for attempt in 1..=2 {
        match payway.login_with_ticket(callback.ticket(), &store).await? {
            TicketLogin::LoggedIn { account, token } => {
                let products: Vec<&str> = account
                    .products
                    .iter()
                    .filter_map(|p| p.product_code.as_deref())
                    .collect();
                println!(
                    "attempt {attempt}: logged in account {} with {products:?}, token {:?}",
                    account.id, token.access_token
                );
                // `{:?}` of an account masks its personal data.
                println!("  {account:?}");
            }
            TicketLogin::AlreadyUsed => {
                println!("attempt {attempt}: this login link was already used")
            }
            other => println!("attempt {attempt}: {other:?}"),
        }
    }
    println!("ticket exchanges Payway saw: {}", payway_api.exchanges());
    Ok(())
}
