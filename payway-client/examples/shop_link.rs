//! Build a Tulo Shop link and read the URL a reader comes back with. No network.
//!
//! ```text
//! cargo run -p payway-client --example shop_link
//! ```

use payway_client::{ReturnPolicy, ShopUrl, Ticket, TicketCallback};
use url::Url;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // In an app the ticket comes from PaywayClient::generate_ticket.
    let ticket = Ticket::new("example-ticket");
    let link = ShopUrl::builder(Url::parse("https://myorg.portal.worldoftulo.com/")?)
        .path(["marketplace", "group 1", "a/b"]) // each piece stays one segment
        .ticket(&ticket)
        .return_url("https://news.example.com/welcome-back?article=42")
        .period("P1M")
        .param("utm_source", "paywall")
        .build()?;
    println!(
        "shop link (an app redirects the reader here and never logs it: it carries the ticket):\n  {link}"
    );

    let policy = ReturnPolicy::allow_hosts(["news.example.com"]);
    let back = Url::parse(
        "https://auth.example.com/ticket-login?Ticket=returned-ticket&ReturnUrl=https%3A%2F%2Fnews.example.com%2Fwelcome-back",
    )?;
    let callback = TicketCallback::parse(&back, &policy)?;
    println!(
        "came back with {:?}, to return to {:?}",
        callback.ticket(),
        callback.return_url().map(Url::as_str)
    );

    for hostile in [
        "https://evil.example/",
        "//evil.example/",
        "https://news.example.com@evil.example/",
        "https://news.example.com.evil.example/",
    ] {
        let encoded: String = url::form_urlencoded::byte_serialize(hostile.as_bytes()).collect();
        let url = Url::parse(&format!(
            "https://auth.example.com/ticket-login?ticket=t&returnUrl={encoded}"
        ))?;
        match TicketCallback::parse(&url, &policy) {
            Err(error) => println!("refused {hostile}: {error}"),
            Ok(_) => return Err(format!("{hostile} was accepted").into()),
        }
    }
    Ok(())
}
