//! tiun: the reader pays in the snippet, the page fetches the story with the session id, and
//! ending the session brings the paywall back.

use fantoccini::Locator;
use serde_json::json;

use crate::harness::{Flow, click, wait_for_text, with_browser};
use crate::site;

const STORY: &str = "tiun/articles/paying-by-the-minute";

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn paying_with_tiun_unlocks_the_story_and_ending_the_session_locks_it_again() {
    let site = site().await;
    with_browser("tiun_paid_then_ended", |browser| async move {
        browser.goto(site.url().join(STORY)?.as_str()).await?;
        wait_for_text(&browser, "#paywall-reason", "No paid tiun session yet").await?;
        if site.fakes().tiun.checks() != 0 {
            return Err("tiun was asked before the reader paid".into());
        }
        // Keep the session ids the snippet posts, to replay one after it ends.
        browser
            .execute(
                "window.seen = []; window.addEventListener('message', function (e) { \
                 if (e.data && e.data.sessionId) window.seen.push(e.data.sessionId); });",
                vec![],
            )
            .await?;

        click(&browser, "button[data-tiun=pay]").await?;
        wait_for_text(
            &browser,
            "#article-body",
            "Readers who would never subscribe",
        )
        .await?;
        wait_for_text(&browser, "#paywall-reason", "Your tiun session is paid").await?;
        if site.fakes().tiun.checks() != 1 {
            return Err(format!("tiun checks: {}", site.fakes().tiun.checks()).into());
        }

        click(&browser, "button[data-tiun=end]").await?;
        wait_for_text(&browser, "#paywall-reason", "Your tiun session ended").await?;
        let body = browser.find(Locator::Css("#article-body")).await?;
        if body.is_displayed().await? || !body.text().await?.is_empty() {
            return Err("the story stayed on the page after the session ended".into());
        }

        // The ended session, replayed by the page: the backend asks tiun, which says no.
        let answer = browser
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 fetch('/tiun/api/articles/paying-by-the-minute', \
                   { headers: { 'X-Tiun-Session': window.seen[0] } }) \
                 .then(r => r.json().then(body => done({ status: r.status, body: body })));",
                vec![],
            )
            .await?;
        if answer["status"] != json!(402) || answer["body"]["error"] != json!("session_not_paid") {
            return Err(format!("an ended session was answered {answer}").into());
        }
        if site.fakes().tiun.checks() != 2 {
            return Err(format!("tiun checks: {}", site.fakes().tiun.checks()).into());
        }
        Flow::Ok(())
    })
    .await;
}
