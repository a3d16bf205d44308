//! Tulo Shop (seed 003): subscribe, pay, come back with a one-time ticket.

use std::time::Duration;

use crate::harness::{Flow, click, requested_urls, wait_for_text, with_browser};
use crate::site;

const STORY: &str = "shop/articles/council-budget";

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

        // The URL the shop sent the reader back with, opened again: a one-time link.
        let ticket_url = requested_urls(&browser)
            .await?
            .into_iter()
            .find(|u| u.contains("/shop/welcome-back") && u.contains("ticket="))
            .ok_or("the browser never asked for the ticket URL")?;
        browser.goto(&ticket_url).await?;
        wait_for_text(&browser, "#message-title", "already used").await?;
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
