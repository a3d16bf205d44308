//! Requests that change something come from the site's own pages. The attacker's page is on
//! another port of 127.0.0.1: another origin, but the same site, so the reader's
//! `SameSite=Lax` cookies go along with its forms; only the site's `Origin` check stops them.

use fantoccini::Locator;

use crate::evil::EvilSite;
use crate::harness::{Flow, wait_for_text, with_browser};
use crate::shop::subscribe;
use crate::site;

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn a_form_on_another_origin_cannot_log_the_reader_in() {
    let site = site().await;
    // Login CSRF: the reader is made to log in as the attacker's chosen account.
    let action = site
        .url()
        .join("payway-standin/login?return=/tulo/articles/harbour-market")
        .expect("a URL");
    let evil = EvilSite::start(&format!(
        r#"<form id="f" method="post" action="{action}">
<input name="account" value="554e2b9201c6a33e4c000036"></form>
<script>document.getElementById("f").submit();</script>"#
    ))
    .await;
    with_browser("same_origin_login_csrf", |browser| async move {
        browser.goto(evil.url().as_str()).await?;
        wait_for_text(&browser, "#message-title", "did not come from this site").await?;
        browser
            .goto(site.url().join("tulo/articles/harbour-market")?.as_str())
            .await?;
        wait_for_text(
            &browser,
            "#paywall-reason",
            "Payway reports no active session",
        )
        .await?;
        if browser.find(Locator::Css("#article-body")).await.is_ok() {
            return Err("the other origin's form logged the reader in".into());
        }
        Flow::Ok(())
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn forms_on_another_origin_cannot_log_the_reader_out_or_set_their_cookies() {
    let site = site().await;
    let logout = site.url().join("logout?return=/").expect("a URL");
    let meter = site.url().join("metered/reader-id").expect("a URL");
    // Two hidden frames, so the reader stays on the attacker's page and both forms go out.
    let evil = EvilSite::start(&format!(
        r#"<iframe name="one"></iframe><iframe name="two"></iframe>
<form id="logout" method="post" target="one" action="{logout}"></form>
<form id="meter" method="post" target="two" action="{meter}"></form>
<p id="done"></p>
<script>
var loaded = 0;
document.querySelectorAll("iframe").forEach(function (frame) {{
  frame.addEventListener("load", function () {{
    loaded += 1;
    document.getElementById("done").textContent = "loaded " + loaded;
  }});
}});
document.getElementById("logout").submit();
document.getElementById("meter").submit();
</script>"#
    ))
    .await;
    with_browser("same_origin_logout_csrf", |browser| async move {
        let account = subscribe(&browser, &site).await?;
        browser.goto(evil.url().as_str()).await?;
        wait_for_text(&browser, "#done", "loaded 2").await?;

        browser
            .goto(site.url().join("shop/articles/council-budget")?.as_str())
            .await?;
        wait_for_text(&browser, "#signed-in", &account).await?;
        if browser.get_named_cookie("at-meter").await.is_ok() {
            return Err("the other origin's form set the reader-id cookie".into());
        }
        // The site's own pages still post: its metered story asks for a reader id.
        browser
            .goto(site.url().join("metered/articles/night-train")?.as_str())
            .await?;
        wait_for_text(&browser, "#article-body", " ").await?;
        browser.get_named_cookie("at-meter").await?;
        Flow::Ok(())
    })
    .await;
}
