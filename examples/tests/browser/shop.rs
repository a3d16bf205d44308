//! Tulo Shop (seed 003): subscribe, pay, come back with a one-time ticket.

use std::time::Duration;

use fantoccini::{Client, Locator};
use paywall_examples::news_site::NewsSite;

use crate::harness::{Flow, click, requested_urls, wait_for_text, with_browser, with_two_browsers};
use crate::site;

const STORY: &str = "shop/articles/council-budget";
/// The site's own session cookie.
const LOGIN_COOKIE: &str = "__Host-daily_login";

/// Goes through the shop from the story's "Subscribe" and pays; the story is then readable.
/// Returns the account the reader is logged in as.
pub(crate) async fn subscribe(
    browser: &Client,
    site: &NewsSite,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    browser.goto(site.url().join(STORY)?.as_str()).await?;
    click(browser, "#subscribe").await?;
    wait_for_text(browser, "#product", "daily-digital").await?;
    click(browser, "#pay").await?;
    wait_for_text(browser, "#article-body", "Sunday").await?;
    signed_in_account(browser).await
}

/// The account the story page says the reader is logged in as.
async fn signed_in_account(
    browser: &Client,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let text = browser
        .find(Locator::Css("#signed-in"))
        .await?
        .text()
        .await?;
    let account = text
        .strip_prefix("Logged in as Payway account ")
        .and_then(|rest| rest.strip_suffix('.'))
        .ok_or_else(|| format!("the page says {text:?}"))?;
    Ok(account.to_owned())
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn subscribing_in_the_shop_logs_the_reader_in_once_and_the_ticket_link_is_single_use() {
    let site = site().await;
    with_browser("shop_round_trip", |browser| async move {
        browser.goto(site.url().join(STORY)?.as_str()).await?;
        wait_for_text(&browser, "#paywall-reason", "You are not logged in").await?;
        click(&browser, "#subscribe").await?;
        wait_for_text(&browser, "#product", "daily-digital").await?;
        let shop = browser.current_url().await?;
        if shop.port() != site.fakes().payway.shop_base_url().port() {
            return Err(format!("the shop is at {shop}").into());
        }
        let _ = requested_urls(&browser).await?;

        click(&browser, "#pay").await?;
        wait_for_text(&browser, "#article-body", "Sunday").await?;
        let landed = browser.current_url().await?;
        if landed.path() != format!("/{STORY}") || landed.query().is_some() {
            return Err(format!("the reader landed on {landed}").into());
        }
        if site.fakes().payway.exchanges() != 1 {
            return Err(format!("ticket exchanges: {}", site.fakes().payway.exchanges()).into());
        }

        // The URL the shop sent the reader back with, opened again: a one-time link. Its
        // login state was spent with the first visit (the state cookie cleared), so it is
        // refused before the ticket is even looked at.
        let ticket_url = requested_urls(&browser)
            .await?
            .into_iter()
            .find(|u| u.contains("/shop/welcome-back") && u.contains("ticket="))
            .ok_or("the browser never asked for the ticket URL")?;
        browser.goto(&ticket_url).await?;
        wait_for_text(&browser, "#message-title", "not started in this browser").await?;
        if site.fakes().payway.exchanges() != 1 {
            return Err("the replayed ticket reached Payway".into());
        }
        Flow::Ok(())
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn clicking_pay_twice_logs_the_reader_in_once() {
    let site = site().await;
    with_browser("shop_double_pay", |browser| async move {
        browser.goto(site.url().join(STORY)?.as_str()).await?;
        click(&browser, "#subscribe").await?;
        wait_for_text(&browser, "#product", "daily-digital").await?;
        browser
            .execute(
                "const pay = document.getElementById('pay'); pay.click(); pay.click();",
                vec![],
            )
            .await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        browser.goto(site.url().join(STORY)?.as_str()).await?;
        wait_for_text(&browser, "#article-body", "Sunday").await?;
        if site.fakes().payway.exchanges() != 1 {
            return Err(format!("ticket exchanges: {}", site.fakes().payway.exchanges()).into());
        }
        Flow::Ok(())
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn a_return_url_to_another_host_is_refused() {
    let site = site().await;
    with_browser("shop_forged_return", |browser| async move {
        let mut forged = site.url().join("shop/welcome-back")?;
        forged
            .query_pairs_mut()
            .append_pair("ticket", "a-ticket-from-somewhere")
            .append_pair("returnUrl", "https://evil.example/phish");
        browser.goto(forged.as_str()).await?;
        wait_for_text(&browser, "#message-title", "not a way back").await?;
        let here = browser.current_url().await?;
        if here.host_str() != site.url().host_str() {
            return Err(format!("the browser left the site for {here}").into());
        }
        if site.fakes().payway.exchanges() != 0 {
            return Err("a refused callback reached Payway".into());
        }
        Flow::Ok(())
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn the_login_cookie_is_host_only_secure_and_http_only_and_no_script_can_shadow_it() {
    let site = site().await;
    with_browser("shop_login_cookie", |browser| async move {
        let account = subscribe(&browser, &site).await?;
        // A Secure cookie, over plain http to 127.0.0.1: Chromium takes loopback as secure.
        let cookie = browser.get_named_cookie(LOGIN_COOKIE).await?;
        if cookie.secure() != Some(true)
            || cookie.http_only() != Some(true)
            || cookie.same_site().map(|s| s.to_string()).as_deref() != Some("Lax")
            || cookie.path() != Some("/")
            || cookie.domain().is_some_and(|d| d.starts_with('.'))
        {
            return Err(format!("the login cookie is {cookie:?}").into());
        }
        // What a sibling subdomain or an injected script would try: another copy of the
        // cookie, on a longer path (sent first) or over ours. Chromium refuses the `__Host-`
        // ones, and the site reads no other name.
        let scripted = browser
            .execute(
                "document.cookie = 'daily_login=0123456789abcdef0123456789abcdef; path=/shop'; \
                 document.cookie = '__Host-daily_login=0123456789abcdef0123456789abcdef; path=/shop; secure'; \
                 document.cookie = '__Host-daily_login=0123456789abcdef0123456789abcdef; path=/; secure'; \
                 return document.cookie;",
                vec![],
            )
            .await?;
        let scripted = scripted.as_str().unwrap_or_default();
        if scripted.contains("__Host-daily_login") {
            return Err(format!("a script sees or set the login cookie: {scripted}").into());
        }
        browser.refresh().await?;
        wait_for_text(&browser, "#article-body", "Sunday").await?;
        if signed_in_account(&browser).await? != account {
            return Err("the reader's login changed".into());
        }
        Flow::Ok(())
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn a_second_login_for_another_account_is_refused_until_the_reader_logs_out() {
    let site = site().await;
    with_browser("shop_second_login", |browser| async move {
        let first = subscribe(&browser, &site).await?;

        // Through the shop again, which makes a new account: a ticket link for someone else.
        browser
            .goto(
                site.url()
                    .join("shop/subscribe?article=council-budget")?
                    .as_str(),
            )
            .await?;
        click(&browser, "#pay").await?;
        wait_for_text(&browser, "#message-title", "logged in with another account").await?;
        browser.goto(site.url().join(STORY)?.as_str()).await?;
        wait_for_text(&browser, "#article-body", "Sunday").await?;
        if signed_in_account(&browser).await? != first {
            return Err("the second login switched the reader's account".into());
        }

        // Logged out, the next login goes through.
        click(&browser, "#logout").await?;
        wait_for_text(&browser, "#paywall-reason", "You are not logged in").await?;
        if browser.get_named_cookie(LOGIN_COOKIE).await.is_ok() {
            return Err("the login cookie outlived the logout".into());
        }
        let second = subscribe(&browser, &site).await?;
        if second == first {
            return Err("the shop made no new account".into());
        }
        Flow::Ok(())
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn the_way_back_from_the_shop_opened_in_another_browser_is_refused() {
    let site = site().await;
    with_two_browsers("shop_return_other_browser", |reader, other| async move {
        // The reader pays; the shop's redirect back is caught before it reaches the site
        // (the checkout form is sent as the browser would, and the redirect not followed).
        let way_back = pay_without_coming_back(&reader, &site).await?;
        if !way_back.contains("ticket=") || site.fakes().payway.exchanges() != 0 {
            return Err(format!("the way back is {way_back}").into());
        }

        // Leaked or planted, it is opened in another browser first: refused, nothing set,
        // the ticket neither claimed nor sent.
        other.goto(&way_back).await?;
        wait_for_text(&other, "#message-title", "not started in this browser").await?;
        if other.get_named_cookie(LOGIN_COOKIE).await.is_ok() {
            return Err("the other browser got a login cookie".into());
        }
        other.goto(site.url().join(STORY)?.as_str()).await?;
        wait_for_text(&other, "#paywall-reason", "You are not logged in").await?;
        if site.fakes().payway.exchanges() != 0 {
            return Err("the ticket reached Payway from the other browser".into());
        }

        // In the reader's own browser the same URL logs them in.
        reader.goto(&way_back).await?;
        wait_for_text(&reader, "#article-body", "Sunday").await?;
        signed_in_account(&reader).await?;
        if site.fakes().payway.exchanges() != 1 {
            return Err(format!("ticket exchanges: {}", site.fakes().payway.exchanges()).into());
        }
        Flow::Ok(())
    })
    .await;
}

/// Opens the story in `browser`, follows "Subscribe" to the shop, and pays there, but the
/// shop's redirect back to the site is not followed: returns where it leads.
async fn pay_without_coming_back(
    browser: &Client,
    site: &NewsSite,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    browser.goto(site.url().join(STORY)?.as_str()).await?;
    click(browser, "#subscribe").await?;
    wait_for_text(browser, "#product", "daily-digital").await?;
    let form = browser.find(Locator::Css("form")).await?;
    let action = form
        .attr("action")
        .await?
        .ok_or("the pay form has no action")?;
    let pay = browser.current_url().await?.join(&action)?;
    let http = payway_client::reqwest::Client::builder()
        .redirect(payway_client::reqwest::redirect::Policy::none())
        .build()?;
    let paid = http.post(pay).send().await?;
    let way_back = paid
        .headers()
        .get("location")
        .ok_or("the shop sent no one back")?
        .to_str()?;
    Ok(way_back.to_owned())
}
