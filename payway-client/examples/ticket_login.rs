//! Log a reader in with the ticket they brought back from the shop, exactly once, against
//! the crate's fake Payway on 127.0.0.1 (no network, no credentials).
//!
//! ```text
//! cargo run -p payway-client --features test-util --example ticket_login
//! ```

use payway_client::test_util::FakePayway;
use payway_client::{MemoryTicketStore, Ticket, TicketLogin};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The stand-in for Payway: one account with one product, and a ticket the shop issued.
    let payway_api = FakePayway::start().await;
    payway_api.add_account("acc-7", ["premium"]);
    let ticket = Ticket::new(payway_api.issue_ticket("acc-7"));

    let payway = payway_api.client();
    let store = MemoryTicketStore::new();

    for attempt in 1..=2 {
        match payway.login_with_ticket(&ticket, &store).await? {
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
