//! SSO2 logins bound to the browser that started them: a landing URL opened in another
//! browser, or with its `r` swapped, logs no one in there; several tabs identifying at once
//! all land.
//!
//! A landing URL is caught without being used: for a moment SSO2 sends readers to a page on
//! another port instead of the site's landing, which keeps the `t` and `r` it was given; the
//! reader's browser holds the login's state cookie all the same (cookies do not tell ports
//! apart), and the site has seen nothing.

use std::time::Duration;

use fantoccini::{Client, Locator};
use paywall_examples::news_site::NewsSite;
use url::Url;

use crate::evil::EvilSite;
use crate::harness::{Flow, click, requested_urls, wait_for_text, with_browser, with_two_browsers};
use crate::site;

pub(crate) const STORY: &str = "sso2/articles/harbour-market";
const SESSION_COOKIE: &str = "__Host-payway-sso2";
pub(crate) const SUBSCRIBER: (&str, &str) = ("subscriber@example.com", "acc-subscriber");
pub(crate) const READER: (&str, &str) = ("reader@example.com", "acc-reader");

/// A login state well formed but bound to another login: no browser here holds its cookie.
const ANOTHER_STATE: &str = "mDVd3hJ4l1-8QbWn0Ck2aZsT7yEoRq9XuPv6GiFcH5M";

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Logs `browser` in to SSO2 as `login` (e-mail, account) through the fake's login page,
/// continuing to the story: the browser ends on the story with an SSO2 session and the
/// site's session cookie.
pub(crate) async fn log_in_to_sso2(browser: &Client, site: &NewsSite, login: (&str, &str)) -> Flow {
    let (email, account) = login;
    let story = site.url().join(STORY)?;
    browser
        .goto(site.fakes().payway.sso2_login_url(&story).as_str())
        .await?;
    let (_, password, ..) = paywall_examples::news_site::SSO2_LOGINS
        .into_iter()
        .find(|(e, ..)| *e == email)
        .ok_or("no such test login")?;
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
    click(browser, "#login").await?;
    // A subscriber reads the story, another reader sees why not: both name the account.
    wait_for_text(browser, "article", account).await
}

/// A landing URL for the reader in `browser`, bound to that browser and not yet used: the
/// browser, logged in to SSO2 but without the site's session, opens the story, goes through
/// identify, and its request for the landing is blocked.
async fn catch_a_landing(browser: &Client, site: &NewsSite) -> Result<String, Failure> {
    browser.delete_cookie(SESSION_COOKIE).await?;
    let catcher = EvilSite::start(r#"<h1 id="caught">held</h1>"#).await;
    let payway = &site.fakes().payway;
    let exchanges = payway.exchanges();
    payway.set_sso2_landing_url(catcher.url().join("sso2/landing")?);
    browser.goto(site.url().join(STORY)?.as_str()).await?;
    wait_for_text(browser, "#caught", "held").await?;
    payway.set_sso2_landing_url(site.url().join("sso2/landing")?);
    let caught = browser.current_url().await?;
    let mut landing = site.url().join("sso2/landing")?;
    landing.set_query(caught.query());
    // The site never saw it: its ticket is still unused.
    if payway.exchanges() != exchanges || !caught.query().is_some_and(|q| q.contains("t=")) {
        return Err(format!("the landing was not caught: {caught}").into());
    }
    Ok(landing.into())
}

/// The login state a landing URL's `r` carries.
fn state_of(landing: &Url) -> Option<String> {
    let r = landing.query_pairs().find(|(name, _)| name == "r")?.1;
    let r = Url::parse(&r).ok()?;
    r.query_pairs()
        .find(|(name, _)| name == "pw_state")
        .map(|(_, value)| value.into_owned())
}

/// Fails if `browser` went through identify since the log was last read: its landing was
/// taken as it was.
async fn landed_at_once(browser: &Client) -> Flow {
    let hops = requested_urls(browser).await?;
    if hops.iter().any(|u| u.contains("/sso/identify?")) {
        return Err(format!("the landing was not taken at once: {hops:?}").into());
    }
    Ok(())
}

/// Fails unless `browser` shows the story's paywall for a reader SSO2 does not know, and
/// nothing of `account`.
async fn not_logged_in_as(browser: &Client, account: &str) -> Flow {
    wait_for_text(
        browser,
        "#paywall-reason",
        "SSO2 says you are not logged in",
    )
    .await?;
    let page = browser.source().await?;
    if page.contains(account) {
        return Err(format!("the page names {account}").into());
    }
    if browser.find(Locator::Css("#article-body")).await.is_ok() {
        return Err("the story is on the page".into());
    }
    Ok(())
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn an_sso2_landing_opened_in_another_browser_is_refused_and_logs_no_one_in_there() {
    let site = site().await;
    with_two_browsers("sso2_landing_other_browser", |reader, other| async move {
        log_in_to_sso2(&reader, &site, SUBSCRIBER).await?;
        let landing = catch_a_landing(&reader, &site).await?;
        let exchanges = site.fakes().payway.exchanges();

        // The URL leaks (history, a proxy log, Referer) and is opened elsewhere, first.
        other.goto(&landing).await?;
        not_logged_in_as(&other, SUBSCRIBER.1).await?;
        // That browser went through identify again, as itself, and never past the binding.
        let hops = requested_urls(&other).await?;
        let identify_after = hops
            .iter()
            .skip_while(|u| !u.contains("/sso2/landing?"))
            .any(|u| u.contains("/sso/identify?"));
        if !identify_after {
            return Err(format!("the other browser was not identified again: {hops:?}").into());
        }
        if site.fakes().payway.exchanges() != exchanges {
            return Err("the leaked landing's ticket reached Payway".into());
        }
        if let Ok(cookie) = other.get_named_cookie(SESSION_COOKIE).await
            && cookie.value().is_empty()
        {
            return Err("an empty session cookie was set".into());
        }

        // The reader's own browser lands with it at once: the refusal spent nothing.
        let _ = requested_urls(&reader).await?;
        reader.goto(&landing).await?;
        wait_for_text(&reader, "#signed-in", SUBSCRIBER.1).await?;
        wait_for_text(&reader, "#article-body", "covered market").await?;
        landed_at_once(&reader).await?;
        Flow::Ok(())
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn a_landing_whose_r_was_swapped_logs_no_one_in() {
    let site = site().await;
    with_two_browsers("sso2_landing_swapped_r", |reader, attacker| async move {
        // The attacker, logged in to SSO2 as their own account, catches their own landing.
        log_in_to_sso2(&attacker, &site, READER).await?;
        let theirs = Url::parse(&catch_a_landing(&attacker, &site).await?)?;
        let t: String = theirs
            .query_pairs()
            .find(|(name, _)| name == "t")
            .map(|(_, value)| value.into_owned())
            .ok_or("the landing has no t")?;
        // Login CSRF: the reader is sent the attacker's landing, its `r` swapped for one
        // bound to another login (or to none), to log the reader in as the attacker.
        let story = site.url().join(STORY)?;
        for r in [
            Url::parse(&format!("{story}?pw_state={ANOTHER_STATE}"))?,
            story.clone(),
            Url::parse(&format!("{story}?pw_state=made-up"))?,
        ] {
            let mut swapped = site.url().join("sso2/landing")?;
            swapped
                .query_pairs_mut()
                .append_pair("t", &t)
                .append_pair("r", r.as_str());
            reader.goto(swapped.as_str()).await?;
            not_logged_in_as(&reader, READER.1).await?;
            if reader.find(Locator::Css("#message-title")).await.is_ok() {
                return Err("the reader got an error page instead of the story".into());
            }
        }
        // None of it spent the attacker's landing: in their own browser it still works.
        let _ = requested_urls(&attacker).await?;
        attacker.goto(theirs.as_str()).await?;
        wait_for_text(&attacker, "#paywall-reason", READER.1).await?;
        landed_at_once(&attacker).await?;
        Flow::Ok(())
    })
    .await;
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn three_tabs_identifying_at_once_all_land_logged_in() {
    let site = site().await;
    with_browser("sso2_three_tabs", |browser| async move {
        log_in_to_sso2(&browser, &site, SUBSCRIBER).await?;
        // Logged in to SSO2, but no session on this site: every tab goes through identify.
        browser.delete_cookie(SESSION_COOKIE).await?;
        let _ = requested_urls(&browser).await?;
        let exchanges = site.fakes().payway.exchanges();
        // SSO2 and Payway answer slowly: all three tabs are on their way through identify
        // before the first one lands and sets a session.
        site.fakes().payway.delay(Duration::from_millis(300));
        let first = browser.window().await?;
        let tabs: Vec<String> = (1..=3)
            .map(|tab| site.url().join(&format!("{STORY}?tab={tab}")))
            .map(|url| url.map(String::from))
            .collect::<Result<_, _>>()?;
        browser
            .execute(
                "for (const url of arguments[0]) { window.open(url, '_blank'); }",
                vec![serde_json::json!(tabs)],
            )
            .await?;
        let deadline = tokio::time::Instant::now() + crate::harness::WAIT;
        let mut windows = browser.windows().await?;
        while windows.len() < 4 {
            if tokio::time::Instant::now() > deadline {
                return Err(format!("{} windows opened", windows.len()).into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            windows = browser.windows().await?;
        }
        let mut seen = Vec::new();
        for window in windows.into_iter().filter(|w| *w != first) {
            browser.switch_to_window(window).await?;
            wait_for_text(&browser, "#signed-in", SUBSCRIBER.1).await?;
            wait_for_text(&browser, "#article-body", "covered market").await?;
            if browser.find(Locator::Css("#message-title")).await.is_ok() {
                return Err("a tab shows an error page".into());
            }
            let here = browser.current_url().await?;
            if here.path() != format!("/{STORY}") || here.query_pairs().any(|(n, _)| n != "tab") {
                return Err(format!("a tab ended on {here}").into());
            }
            seen.push(here.to_string());
        }
        seen.sort();
        seen.dedup();
        if seen.len() != 3 {
            return Err(format!("the tabs ended on {seen:?}").into());
        }
        // Each tab landed once, bound by a state of its own: none was sent through identify
        // again, and each landing's ticket was exchanged once.
        let landings: Vec<Url> = requested_urls(&browser)
            .await?
            .iter()
            .filter(|u| u.contains("/sso2/landing?"))
            .map(|u| Url::parse(u))
            .collect::<Result<_, _>>()?;
        let mut states: Vec<String> = landings.iter().filter_map(state_of).collect();
        states.sort();
        states.dedup();
        if landings.len() != 3 || states.len() != 3 {
            return Err(format!("the landings were {landings:#?}").into());
        }
        if landings.iter().any(|u| u.as_str().contains("pw_retry")) {
            return Err(format!("a tab went through identify again: {landings:#?}").into());
        }
        let exchanged = site.fakes().payway.exchanges() - exchanges;
        if exchanged != 3 {
            return Err(format!("{exchanged} tickets exchanged for three tabs").into());
        }
        Flow::Ok(())
    })
    .await;
}
