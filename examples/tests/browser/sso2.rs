//! Tulo Payway SSO2: identify and landing redirects, a login on SSO2's page, a sealed
//! session cookie, and a logout on another site seen at the next refresh.

use std::time::Duration;

use fantoccini::Client;

use crate::harness::{Flow, click, requested_urls, wait_for_text, with_browser};
use crate::site;

const STORY: &str = "sso2/articles/harbour-market";
const COOKIE: &str = "__Host-payway-sso2";

async fn log_in(browser: &Client, email: &str) -> Flow {
    click(browser, "#sso2-login").await?;
    let (_, password, ..) = paywall_examples::news_site::SSO2_LOGINS
        .into_iter()
        .find(|(e, ..)| *e == email)
        .ok_or("no such test login")?;
    browser
        .wait()
        .for_element(fantoccini::Locator::Css("#email"))
        .await?
        .send_keys(email)
        .await?;
    browser
        .find(fantoccini::Locator::Css("#password"))
        .await?
        .send_keys(password)
        .await?;
    click(browser, "#login").await
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn a_subscriber_logs_in_through_sso2_and_a_logout_elsewhere_is_seen_on_the_next_page() {
    let site = site().await;
    with_browser("sso2_login_and_logout", |browser| async move {
        let story = site.url().join(STORY)?;
        browser.goto(story.as_str()).await?;
        // The first visit went through SSO2's identify and back through our landing.
        wait_for_text(
            &browser,
            "#paywall-reason",
            "SSO2 says you are not logged in",
        )
        .await?;
        let hops = requested_urls(&browser).await?;
        for hop in ["/sso/identify?", "/sso2/landing?"] {
            if !hops.iter().any(|u| u.contains(hop)) {
                return Err(format!("the first visit never went through {hop}: {hops:?}").into());
            }
        }
        let here = browser.current_url().await?;
        if here.as_str() != story.as_str() {
            return Err(format!("the reader ended on {here}").into());
        }

        log_in(&browser, "subscriber@example.com").await?;
        wait_for_text(&browser, "#article-body", "covered market").await?;
        wait_for_text(&browser, "#signed-in", "acc-subscriber").await?;
        let sealed = browser.get_named_cookie(COOKIE).await?;
        if sealed.http_only() != Some(true) || sealed.same_site().is_none() {
            return Err(format!("the session cookie is not HttpOnly/SameSite: {sealed:?}").into());
        }
        if site.fakes().payway.exchanges() != 1 {
            return Err("the SSO2 ticket was not exchanged exactly once".into());
        }

        // Another site of the organisation logs the reader out of SSO2.
        browser
            .goto(site.fakes().payway.sso2_login_url(&story).as_str())
            .await?;
        click(&browser, "#logout-elsewhere").await?;
        wait_for_text(&browser, "#status", "logged out").await?;
        // Past the refresh interval, the next page asks SSO2 and learns the session ended.
        tokio::time::sleep(Duration::from_millis(2200)).await;
        click(&browser, "#back").await?;
        wait_for_text(&browser, "#paywall-reason", "not logged in").await?;
        Flow::Ok(())
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn an_edited_session_cookie_is_no_session() {
    let site = site().await;
    with_browser("sso2_edited_cookie", |browser| async move {
        let story = site.url().join(STORY)?;
        browser.goto(story.as_str()).await?;
        log_in(&browser, "reader@example.com").await?;
        wait_for_text(&browser, "#paywall-reason", "no daily-digital subscription").await?;

        // The reader edits the sealed cookie, hoping for a subscription.
        let sealed = browser.get_named_cookie(COOKIE).await?;
        let value = sealed.value().to_owned();
        let at = value.len() / 2;
        let flipped = if value[at..=at] == *"A" { "B" } else { "A" };
        let mut edited = sealed.clone();
        edited.set_value(format!("{}{flipped}{}", &value[..at], &value[at + 1..]));
        browser.delete_cookie(COOKIE).await?;
        browser.add_cookie(edited.into_owned()).await?;
        let _ = requested_urls(&browser).await?;

        browser.refresh().await?;
        // No session at all: the page sent the reader to SSO2 again, which knows them, and
        // they are back to exactly what they had: no subscription.
        wait_for_text(&browser, "#paywall-reason", "no daily-digital subscription").await?;
        let hops = requested_urls(&browser).await?;
        if !hops.iter().any(|u| u.contains("/sso/identify?")) {
            return Err(format!("the edited cookie was taken as a session: {hops:?}").into());
        }
        if browser
            .find(fantoccini::Locator::Css("#article-body"))
            .await
            .is_ok()
        {
            return Err("the story is on the page".into());
        }
        Flow::Ok(())
    })
    .await;
}
