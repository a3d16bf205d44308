//! The payway section of the demo: a reader goes to Tulo Shop with a ticket, pays, comes back
//! with another one in the same browser (the return is bound to it), is logged in once, and
//! the same ticket is refused the second time; then the same reader's single sign-on through
//! SSO2 (`sso2.rs`).
//!
//! It always runs against `FakePayway` (the crate's fake Payway and Tulo Shop on 127.0.0.1).
//! When `PAYWAY_CLIENT_ID`, `PAYWAY_CLIENT_SECRET` and `PAYWAY_ENVIRONMENT` are all set, it
//! then asks your Payway for a server token too; with `REDIS_URL` set, it also logs in through
//! a `RedisTicketStore` shared by two app servers.

use paywall_examples::mask_query_param;
use payway_client::reqwest;
use payway_client::test_util::FakePayway;
use payway_client::{
    CallbackError, ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_ENVIRONMENT, LoginState,
    MemoryTicketStore, PaywayClient, RedisTicketStore, RejectReason, ReturnPolicy, STATE_PARAM,
    ShopUrl, Ticket, TicketCallback, TicketLogin, TicketRequest,
};
use url::Url;

use crate::DemoResult;
use crate::jar::{Jar, describe};
use crate::narrate::{denied, detail, granted, section, step};

const SHOP_CLIENT_ID: &str = "tulo-shop";
const ACCOUNT_ID: &str = "5f3c9a1e0d";

/// Runs the payway section.
pub(crate) async fn run() -> DemoResult {
    section(
        "payway",
        "Tulo Payway + Tulo Shop + SSO2: send a reader to the shop with a ticket, take them back \
         with another, and log them in exactly once; then single sign-on with a sealed cookie.",
    );

    step("Start FakePayway: a stand-in for the Payway API and Tulo Shop on 127.0.0.1");
    let fake = FakePayway::start().await;
    fake.add_account(ACCOUNT_ID, ["weekend"]);
    detail("Payway API", fake.base_url());
    detail("Tulo Shop", fake.shop_base_url());
    let payway = fake.client();
    let store = MemoryTicketStore::new();
    let policy = ReturnPolicy::allow_hosts(["news.example.com"]);
    detail(
        "client",
        "the crate's real client, built once at start-up; its secret prints as [redacted]",
    );

    step(
        "A logged-in reader clicks \"Subscribe\": our server asks Payway for a server-to-server token",
    );
    let scopes = ["/external/account/r", "/external/account/w"];
    let server_token = payway.server_token(&scopes).await?;
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

    step("It generates a one-time ticket for the reader's account, for Tulo Shop's client id");
    let ticket = payway
        .generate_ticket(
            &server_token,
            TicketRequest::new(SHOP_CLIENT_ID).account_id(ACCOUNT_ID),
        )
        .await?;
    detail("ticket", format!("{ticket:?}"));

    step("... and sends the reader to the shop with it, and a way back bound to this browser");
    let state = LoginState::new()?;
    let way_back = state.bind(&Url::parse("https://news.example.com/welcome-back")?);
    let shop_url = ShopUrl::builder(fake.shop_base_url())
        .path(["marketplace", "group1", "premium"])
        .ticket(&ticket)
        .return_url(way_back.as_str())
        .campaign("spring")
        .build()?;
    detail("redirect to", mask_query_param(&shop_url, "at"));
    detail(
        "note",
        "the real link carries the ticket; it is masked here, as in any log",
    );
    let mut jar = Jar::default();
    jar.apply(&[state.set_cookie()]);
    detail("with Set-Cookie", describe(&state.set_cookie()));
    detail(
        "returnUrl",
        format!("carries {STATE_PARAM}, which only that cookie matches"),
    );

    step("The reader pays (the demo clicks the shop's \"Pay\" button twice, a double click)");
    let arrived = pay_in_the_shop(&fake, &shop_url).await?;
    detail(
        "the shop sends the reader to",
        mask_query_param(&arrived, "ticket"),
    );
    let callback = TicketCallback::parse(&arrived, &policy)?;
    detail(
        "return URL",
        "ReturnUrl mode: the ticket came to our own page",
    );

    step("The same return URL, opened in another browser (a leaked or planted link)");
    match callback.check_state([&b"theme=dark"[..]]) {
        Err(CallbackError::NotThisBrowser(why)) => denied(&format!(
            "{why}: refused before the ticket is claimed or sent to Payway"
        )),
        other => return Err(format!("another browser's return was accepted: {other:?}").into()),
    }
    detail("ticket exchanges Payway saw", fake.exchanges());

    step("In the reader's own browser: the state cookie matches, and is cleared");
    let clear = callback.check_state([jar.header().as_bytes()])?;
    detail("Set-Cookie", describe(&clear));

    step("Someone forges a link with a return URL to another site");
    let forged = Url::parse(
        "https://auth.news.example.com/ticket-login?ticket=abc\
         &returnUrl=https%3A%2F%2Fnews.example.com%40evil.example%2F",
    )?;
    match TicketCallback::parse(&forged, &policy) {
        Err(error) => denied(&format!("refused: {error} (no open redirect)")),
        Ok(_) => return Err("a forged return URL was accepted".into()),
    }

    step("Log the reader in with the ticket: claim it, exchange it with Payway, read /me");
    let token = match payway.login_with_ticket(callback.ticket(), &store).await? {
        TicketLogin::LoggedIn { account, token } => {
            let products: Vec<&str> = account
                .products
                .iter()
                .filter_map(|p| p.product_code.as_deref())
                .collect();
            granted(&format!(
                "logged in: account {}, products {products:?}",
                account.id
            ));
            detail("account as {:?} shows it", format!("{account:?}"));
            let lifetime = token.expires_in.map_or("an unknown time".to_owned(), |d| {
                format!("{} s", d.as_secs())
            });
            detail(
                "token",
                format!("{:?}, valid for {lifetime}", token.access_token),
            );
            token
        }
        other => return Err(format!("the login failed: {other:?}").into()),
    };

    step("The same link is opened again (a reload, a shared link, a replay)");
    match payway.login_with_ticket(callback.ticket(), &store).await? {
        TicketLogin::AlreadyUsed => denied("already used: refused without asking Payway"),
        other => return Err(format!("a used ticket was not refused: {other:?}").into()),
    }
    detail("ticket exchanges Payway saw", fake.exchanges());

    step("Before serving an article: which products are active now? (/me/active_products)");
    let active = payway.active_products(&token.access_token).await?;
    if active.contains("premium") {
        granted(&format!(
            "active products {:?}: serve the premium article",
            active.product_codes
        ));
    } else {
        return Err("the purchase did not show in the active products".into());
    }

    step("An hour later the access token has expired: trade the refresh token for a new one");
    let Some(refresh) = &token.refresh_token else {
        return Err("Payway issued no refresh token".into());
    };
    let renewed = payway.refresh_token(refresh).await?;
    detail("new token", format!("{:?}", renewed.access_token));
    detail("its account", payway.me(&renewed.access_token).await?.id);

    step("A reader comes back with a ticket Payway does not know (expired)");
    let expired = Ticket::new("tkt-expired-0000");
    match payway.login_with_ticket(&expired, &store).await? {
        TicketLogin::Rejected {
            reason: RejectReason::Invalid(details),
        } => denied(&format!(
            "rejected by Payway (401 {}): \"Your login link has expired or is invalid\"",
            details.error().unwrap_or("no error code")
        )),
        other => return Err(format!("an expired ticket was not rejected: {other:?}").into()),
    }

    step("A ticket made only of a zero-width space");
    match payway
        .login_with_ticket(&Ticket::new("\u{200B}"), &store)
        .await?
    {
        TicketLogin::Rejected {
            reason: RejectReason::NotATicket,
        } => denied("not a ticket: neither the store nor Payway was asked"),
        other => return Err(format!("an invisible ticket was accepted: {other:?}").into()),
    }

    redis_fleet(&fake, &payway).await?;
    crate::sso2::run().await?;
    your_payway().await
}

/// Opens the shop link, clicks "Pay" twice, and returns where the shop sends the reader.
async fn pay_in_the_shop(
    fake: &FakePayway,
    shop_url: &Url,
) -> Result<Url, Box<dyn std::error::Error>> {
    // A browser stand-in that shows redirects instead of following them.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let page = browser.get(shop_url.clone()).send().await?.text().await?;
    let action = page
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or("the checkout page has no Pay form")?;
    let pay = fake.base_url().join(action)?;
    let mut locations = Vec::new();
    for _ in 0..2 {
        let answer = browser.post(pay.clone()).send().await?;
        let location = answer
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .ok_or("the shop did not send the reader back")?;
        locations.push(Url::parse(location)?);
    }
    if locations.first() != locations.last() {
        return Err("a double click issued two tickets".into());
    }
    detail("double click", "one order, one ticket");
    locations.pop().ok_or_else(|| "no location".into())
}

/// With `REDIS_URL`: two app servers share a Redis; the ticket logs in once across both.
async fn redis_fleet(fake: &FakePayway, payway: &PaywayClient) -> DemoResult {
    let Some(redis_url) = paywall_examples::setting("REDIS_URL")? else {
        detail(
            "Redis",
            "set REDIS_URL (a redis-server on loopback) to see two app servers share one-time use",
        );
        return Ok(());
    };
    step("Two app servers share a Redis (RedisTicketStore): a ticket logs in once across both");
    let prefix = format!("payway-demo:{}:", std::process::id());
    let server_a = RedisTicketStore::connect(&redis_url)
        .await?
        .with_prefix(&prefix);
    let server_b = RedisTicketStore::connect(&redis_url)
        .await?
        .with_prefix(&prefix);
    let ticket = Ticket::new(fake.issue_ticket(ACCOUNT_ID));
    let (a, b) = tokio::join!(
        payway.login_with_ticket(&ticket, &server_a),
        payway.login_with_ticket(&ticket, &server_b)
    );
    let logged_in = [a?, b?]
        .iter()
        .filter(|o| matches!(o, TicketLogin::LoggedIn { .. }))
        .count();
    if logged_in != 1 {
        return Err(format!("{logged_in} app servers logged the ticket in").into());
    }
    granted("one app server logged the reader in; the other found the ticket already used");
    Ok(())
}

/// With every `PAYWAY_*` variable set: a server token from your own Payway.
async fn your_payway() -> DemoResult {
    let all_set = [ENV_CLIENT_ID, ENV_CLIENT_SECRET, ENV_ENVIRONMENT]
        .iter()
        .all(|name| !matches!(paywall_examples::non_empty_setting(name), Ok(None)));
    if !all_set {
        detail(
            "your Payway",
            "set PAYWAY_CLIENT_ID, PAYWAY_CLIENT_SECRET and PAYWAY_ENVIRONMENT to also ask it for a server token",
        );
        return Ok(());
    }
    step("Your Payway (from PAYWAY_*): a server-to-server token");
    let payway = PaywayClient::from_env()?;
    let token = payway.server_token(&["/external/account/r"]).await?;
    detail("server token from your Payway", format!("{token:?}"));
    Ok(())
}
