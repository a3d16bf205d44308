//! The Tulo Paywall's checkout return: a reader buys on the story's page and comes back
//! logged in with the product; the token posted from another browser takes nothing.

use fantoccini::{Client, Locator};

use crate::harness::{Flow, click, requested_urls, wait_for_text, with_browser, with_two_browsers};
use crate::site;
use crate::sso2_binding::{READER, STORY, log_in_to_sso2};

/// The product the site sells and gates on.
const PRODUCT: &str = "daily-digital";

/// Posts `token` as `jwtToken` to `landing` from a page of the site (a form the page's script
/// builds and submits), as the paywall's script does after a purchase.
async fn post_checkout(browser: &Client, landing: &str, token: &str) -> Flow {
    browser
        .execute(
            "const form = document.createElement('form'); \
             form.method = 'post'; form.action = arguments[0]; \
             const field = document.createElement('input'); \
             field.name = 'jwtToken'; field.value = arguments[1]; \
             form.appendChild(field); document.body.appendChild(form); form.submit();",
            vec![landing.into(), token.into()],
        )
        .await?;
    Ok(())
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn buying_on_the_tulo_paywall_logs_the_reader_in_with_the_product() {
    let site = site().await;
    with_browser("paywall_checkout", |browser| async move {
        log_in_to_sso2(&browser, &site, READER).await?;
        wait_for_text(&browser, "#paywall-reason", "no daily-digital subscription").await?;
        click(&browser, "#buy-with-paywall").await?;
        wait_for_text(&browser, "#buyer", READER.1).await?;
        let exchanges = site.fakes().payway.exchanges();
        let _ = requested_urls(&browser).await?;

        click(&browser, "#buy").await?;
        wait_for_text(&browser, "#signed-in", READER.1).await?;
        wait_for_text(&browser, "#article-body", "covered market").await?;
        let here = browser.current_url().await?;
        if here.path() != format!("/{STORY}") || here.query().is_some() {
            return Err(format!("the reader ended on {here}").into());
        }
        let hops = requested_urls(&browser).await?;
        if !hops.iter().any(|u| u.contains("/sso2/checkout-landing?r=")) {
            return Err(format!("no checkout landing: {hops:?}").into());
        }
        if hops.iter().any(|u| u.contains("/sso/identify?")) {
            return Err(format!("the checkout was not taken at once: {hops:?}").into());
        }
        let products = site.fakes().payway.products(READER.1).unwrap_or_default();
        if !products.iter().any(|p| p == PRODUCT) {
            return Err(format!("the account has {products:?}").into());
        }
        // The delegated ticket was exchanged once.
        if site.fakes().payway.exchanges() != exchanges + 1 {
            return Err("the checkout's ticket was not exchanged exactly once".into());
        }
        // The state cookie of the checkout is gone.
        let states: Vec<String> = browser
            .get_all_cookies()
            .await?
            .into_iter()
            .map(|c| c.name().to_owned())
            .filter(|n| n.starts_with("__Host-pw-state-"))
            .collect();
        if !states.is_empty() {
            return Err(format!("state cookies left: {states:?}").into());
        }
        Flow::Ok(())
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn a_checkout_token_posted_from_another_browser_is_refused() {
    let site = site().await;
    with_two_browsers("paywall_other_browser", |reader, other| async move {
        log_in_to_sso2(&reader, &site, READER).await?;
        click(&reader, "#buy-with-paywall").await?;
        wait_for_text(&reader, "#buyer", READER.1).await?;
        // The checkout landing the reader's paywall posts to (bound to the reader's browser),
        // and the token the purchase gives, as someone who caught the post would hold them.
        let landing = reader
            .find(Locator::Css("input[name=landing]"))
            .await?
            .attr("value")
            .await?
            .ok_or("no checkout landing on the paywall")?;
        let token = site
            .fakes()
            .payway
            .paywall_checkout_token(READER.1, PRODUCT);

        // Another browser, with an SSO2 session of its own, posts it from a page of the site.
        other.goto(site.url().join(STORY)?.as_str()).await?;
        wait_for_text(&other, "#paywall-reason", "SSO2 says you are not logged in").await?;
        let _ = requested_urls(&other).await?;
        post_checkout(&other, &landing, &token).await?;
        wait_for_text(&other, "#paywall-reason", "SSO2 says you are not logged in").await?;
        if other.source().await?.contains(READER.1) {
            return Err("the other browser was logged in as the reader".into());
        }
        let hops = requested_urls(&other).await?;
        let identified_again = hops
            .iter()
            .skip_while(|u| !u.contains("/sso2/checkout-landing?"))
            .any(|u| u.contains("/sso/identify?"));
        if !identified_again {
            return Err(format!("the other browser was not identified again: {hops:?}").into());
        }

        // The reader's own browser posts the same token: it was not spent.
        post_checkout(&reader, &landing, &token).await?;
        wait_for_text(&reader, "#signed-in", READER.1).await?;
        wait_for_text(&reader, "#article-body", "covered market").await?;
        Flow::Ok(())
    })
    .await;
}
