//! Tulo Payway's JS-API: `Tulo.session` writes the signed `T_ID` cookie, the server reads it.

use fantoccini::Locator;

use crate::harness::{Flow, click, wait_for_text, with_browser};
use crate::site;

const STORY: &str = "tulo/articles/harbour-market";

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn a_subscriber_logs_in_with_payway_and_reads_the_story() {
    let site = site().await;
    with_browser("tulo_subscriber", |browser| async move {
        browser.goto(site.url().join(STORY)?.as_str()).await?;
        // Tulo.session wrote an inactive session's cookie and the page reloaded once.
        wait_for_text(
            &browser,
            "#paywall-reason",
            "Payway reports no active session",
        )
        .await?;
        click(&browser, "#tulo-login").await?;
        click(&browser, "#login-554e2b9201c6a33e4c000036").await?;
        wait_for_text(&browser, "#article-body", "covered market").await?;
        wait_for_text(&browser, "#signed-in", "554e2b9201c6a33e4c000036").await?;
        Flow::Ok(())
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn editing_the_readable_json_of_the_t_id_cookie_still_shows_the_paywall() {
    let site = site().await;
    with_browser("tulo_edited_cookie", |browser| async move {
        browser.goto(site.url().join(STORY)?.as_str()).await?;
        click(&browser, "#tulo-login").await?;
        click(&browser, "#login-554e2b9201c6a33e4c000099").await?;
        wait_for_text(&browser, "#paywall-reason", "has no subscription").await?;

        // The reader gives themself the product in the cookie's readable JSON, and asks for
        // the page with it: the server reads only the signed claims.
        let page = browser
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 const raw = document.cookie.split('; ').find(c => c.startsWith('T_ID=')).slice(5); \
                 const data = JSON.parse(decodeURIComponent(raw)); \
                 data.session.products = ['daily-digital']; \
                 data.session.id = '554e2b9201c6a33e4c000036'; \
                 data.prn = '554e2b9201c6a33e4c000036'; \
                 document.cookie = 'T_ID=' + encodeURIComponent(JSON.stringify(data)) + '; path=/'; \
                 fetch(location.href).then(r => r.text()).then(done);",
                vec![],
            )
            .await?;
        let page = page.as_str().unwrap_or_default();
        if page.contains("id=\"article-body\"") || !page.contains("has no subscription") {
            return Err("an edited T_ID cookie changed what the server served".into());
        }

        // Now the signature itself: a cookie whose token does not verify is no session.
        let page = browser
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 const raw = document.cookie.split('; ').find(c => c.startsWith('T_ID=')).slice(5); \
                 const data = JSON.parse(decodeURIComponent(raw)); \
                 const parts = data.signature.split('.'); \
                 parts[2] = parts[2].slice(0, -2) + (parts[2].endsWith('AA') ? 'BB' : 'AA'); \
                 data.signature = parts.join('.'); \
                 document.cookie = 'T_ID=' + encodeURIComponent(JSON.stringify(data)) + '; path=/'; \
                 fetch(location.href).then(r => r.text()).then(done);",
                vec![],
            )
            .await?;
        let page = page.as_str().unwrap_or_default();
        if page.contains("id=\"article-body\"") || !page.contains("did not verify") {
            return Err("a forged T_ID signature was not refused".into());
        }
        browser.refresh().await?;
        if browser.find(Locator::Css("#article-body")).await.is_ok() {
            return Err("the story is on the page".into());
        }
        Flow::Ok(())
    })
    .await;
}
