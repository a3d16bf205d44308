//! Build a Tulo Shop link and read the URL a reader comes back with. No network.
//!
//! ```text
//! cargo run -p payway-client --example shop_link
//! ```

use payway_client::{LoginState, ReturnPolicy, ShopUrl, Ticket, TicketCallback};
use url::Url;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // In an app the ticket comes from PaywayClient::generate_ticket.
    let ticket = Ticket::new("example-ticket");
    // The way back is bound to this browser: it carries the login's state, and only the
    // cookie set with the redirect matches it.
    let state = LoginState::new()?;
    let return_url = state.bind(&Url::parse(
        "https://news.example.com/welcome-back?article=42",
    )?);
    let link = ShopUrl::builder(Url::parse("https://myorg.portal.worldoftulo.com/")?)
        .path(["marketplace", "group 1", "a/b"]) // each piece stays one segment
        .ticket(&ticket)
        .return_url(return_url.as_str())
        .period("P1M")
        .param("utm_source", "paywall")
        .build()?;
    // An app answers 303 with the link as Location and each of these as a Set-Cookie (its
    // request's `Cookie` headers go in, so that the oldest state cookies are cleared).
    let set_cookies = state.set_cookies_for(std::iter::empty());
    println!(
        "shop link (an app redirects the reader here and never logs it: it carries the ticket):\n  {link}\n  with the cookies {set_cookies:?}"
    );

    // Back from the shop (SeparateTicketAuth mode), in the browser that holds the cookie.
    let policy = ReturnPolicy::allow_hosts(["news.example.com"]);
    let encoded: String =
        url::form_urlencoded::byte_serialize(return_url.as_str().as_bytes()).collect();
    let back = Url::parse(&format!(
        "https://news.example.com/ticket-login?Ticket=returned-ticket&ReturnUrl={encoded}"
    ))?;
    let callback = TicketCallback::parse(&back, &policy)?;
    let cookie = set_cookies
        .last()
        .and_then(|set_cookie| set_cookie.split(';').next())
        .unwrap_or_default();
    // Before the ticket goes to login_with_ticket: only this browser's return is taken.
    let clear_state = callback.check_state([cookie.as_bytes()])?;
    println!(
        "came back with {:?}, to return to {:?}, clearing the state with {:?}",
        callback.ticket(),
        callback.return_url().map(Url::as_str),
        clear_state.split(';').next().unwrap_or_default()
    );
    match callback.check_state([&b"theme=dark"[..]]) {
        Err(error) => println!("the same return in another browser is refused: {error}"),
        Ok(_) => return Err("a return opened in another browser was accepted".into()),
    }

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
