//! Where a login sends the reader back: a place on this site, whatever the link said. A
//! browser strips tabs and newlines from a URL, so `/\t/evil` arrives as `//evil`, another
//! site; each test follows the redirects in Chromium and checks where the reader ends up.

use std::time::Duration;

use fantoccini::{Client, Locator};
use url::Url;

use crate::evil::EvilSite;
use crate::harness::{Flow, WAIT, click, requested_urls, with_browser};
use crate::site;

/// The subscriber account of the stand-in Payway login.
const SUBSCRIBER: &str = "554e2b9201c6a33e4c000036";

/// Waits until the browser is no longer on a page whose path is `path`, and returns where it
/// is then.
async fn left(
    browser: &Client,
    path: &str,
) -> Result<Url, Box<dyn std::error::Error + Send + Sync>> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let here = browser.current_url().await?;
        if here.path() != path {
            // Let a redirect chain that is still under way finish.
            tokio::time::sleep(Duration::from_millis(300)).await;
            return Ok(browser.current_url().await?);
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("the browser stayed on {here}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Fails unless the browser is on the site's origin (at `path`, when given) and the attacker
/// saw no one.
fn stayed(here: &Url, site: &Url, path: Option<&str>, evil: &EvilSite, what: &str) -> Flow {
    if here.origin() != site.origin() || path.is_some_and(|path| here.path() != path) {
        return Err(format!("{what}: the reader ended on {here}").into());
    }
    if !evil.hits().is_empty() {
        return Err(format!(
            "{what}: the attacker's site was asked for {:?}",
            evil.hits()
        )
        .into());
    }
    Ok(())
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn a_login_link_whose_return_hides_a_tab_stays_on_the_site() {
    let site = site().await;
    let evil = EvilSite::start(r#"<h1 id="phished">Please enter your card number</h1>"#).await;
    with_browser("return_to_login_link_tab", |browser| async move {
        // `%2509` decodes to `%09` in the link, which the login form would post back as a tab.
        let link = site.url().join(&format!(
            "payway-standin/login?return=/%2509/{}/phish",
            evil.authority()
        ))?;
        browser.goto(link.as_str()).await?;
        click(&browser, &format!("#login-{SUBSCRIBER}")).await?;
        let here = left(&browser, "/payway-standin/login").await?;
        // The escaped tab stays a path on the site (a page that does not exist), not a tab.
        stayed(
            &here,
            site.url(),
            Some(&format!("/%09/{}/phish", evil.authority())),
            &evil,
            "the link's return",
        )?;
        Flow::Ok(())
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn a_login_post_whose_return_holds_control_bytes_or_a_backslash_ends_on_the_front_page() {
    let site = site().await;
    let evil = EvilSite::start(r#"<h1 id="phished">Please enter your card number</h1>"#).await;
    with_browser("return_to_login_post_tab", |browser| async move {
        let evil_host = evil.authority();
        for raw in [
            format!("/%09/{evil_host}/phish"),
            format!("/%0A/{evil_host}/phish"),
            format!("/%0D%0A/{evil_host}/phish"),
            format!("/%5C{evil_host}/phish"),
            format!("//{evil_host}/phish"),
        ] {
            browser.goto(site.url().as_str()).await?;
            // A form on the site's own page (so the request passes the origin check) that
            // posts the stand-in login with the hostile return, as the issue's request does.
            browser
                .execute(
                    "const form = document.createElement('form'); \
                     form.method = 'post'; \
                     form.action = '/payway-standin/login?return=' + arguments[0]; \
                     const account = document.createElement('input'); \
                     account.name = 'account'; account.value = arguments[1]; \
                     form.appendChild(account); document.body.appendChild(form); form.submit();",
                    vec![raw.clone().into(), SUBSCRIBER.into()],
                )
                .await?;
            tokio::time::sleep(Duration::from_millis(300)).await;
            let here = left(&browser, "/payway-standin/login").await?;
            stayed(&here, site.url(), Some("/"), &evil, &raw)?;
            browser
                .wait()
                .at_most(WAIT)
                .for_element(Locator::Css(".articles"))
                .await?;
        }
        Flow::Ok(())
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn an_sso2_landing_sends_the_reader_back_to_this_origin_only() {
    let site = site().await;
    let port = site.url().port().unwrap_or_default();
    // Both pass a policy that names only the host: another scheme, and the default port.
    for (name, away) in [
        (
            "return_to_sso2_https",
            format!("https://127.0.0.1:{port}/phish"),
        ),
        (
            "return_to_sso2_port_80",
            "http://127.0.0.1/phish".to_owned(),
        ),
    ] {
        let away = Url::parse(&away).expect("a URL");
        let login = site.fakes().payway.sso2_login_url(&away);
        let sso = login.origin();
        let site_url = site.url().clone();
        with_browser(name, |browser| async move {
            browser.goto(login.as_str()).await?;
            let (email, password, ..) = paywall_examples::news_site::SSO2_LOGINS[0];
            browser
                .wait()
                .for_element(Locator::Css("#email"))
                .await?
                .send_keys(email)
                .await?;
            browser
                .find(Locator::Css("#password"))
                .await?
                .send_keys(password)
                .await?;
            click(&browser, "#login").await?;
            let deadline = tokio::time::Instant::now() + WAIT;
            while browser.current_url().await?.origin() == sso {
                if tokio::time::Instant::now() > deadline {
                    return Err("the reader never left SSO2".into());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            // Let a redirect chain that is still under way finish.
            tokio::time::sleep(Duration::from_millis(500)).await;
            let hops = requested_urls(&browser).await?;
            if let Some(hop) = hops.iter().find(|u| u.starts_with(away.as_str())) {
                return Err(format!("the landing sent the reader to {hop}").into());
            }
            let here = browser.current_url().await?;
            if here.origin() != site_url.origin() {
                return Err(format!("the reader ended on {here}").into());
            }
            Flow::Ok(())
        })
        .await;
    }
}
