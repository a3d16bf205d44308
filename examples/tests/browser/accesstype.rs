//! Accesstype: a reader id from the site's own endpoint, three metered reads, then the wall.

use accesstype_jwt::ReaderId;

use crate::harness::{Flow, requested_urls, wait_for_text, with_browser};
use crate::site;

const STORIES: [&str; 4] = [
    "second-language",
    "night-train",
    "first-frost",
    "ship-models",
];

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn three_metered_reads_then_the_wall_the_grant_names() {
    let site = site().await;
    with_browser("accesstype_metered", |browser| async move {
        for (read, slug) in STORIES.iter().enumerate() {
            browser
                .goto(
                    site.url()
                        .join(&format!("metered/articles/{slug}"))?
                        .as_str(),
                )
                .await?;
            if read < 3 {
                wait_for_text(&browser, "#article-body", " ").await?;
                wait_for_text(
                    &browser,
                    "#meter",
                    &format!("left after this one: {}", 2 - read),
                )
                .await?;
            } else {
                wait_for_text(&browser, "#paywall-reason", "pay_wall").await?;
                let wall = browser.find(fantoccini::Locator::Css("#paywall")).await?;
                if wall.attr("data-wall").await?.as_deref() != Some("pay_wall") {
                    return Err("the page does not show the wall the grant names".into());
                }
                if browser
                    .find(fantoccini::Locator::Css("#article-body"))
                    .await?
                    .is_displayed()
                    .await?
                {
                    return Err("the fourth story is on the page".into());
                }
            }
        }

        // The reader id came from our own endpoint, once, and stays on this host.
        let cookie = browser.get_named_cookie("at-meter").await?;
        if cookie.domain().is_some_and(|d| d.starts_with('.')) || cookie.path() != Some("/") {
            return Err(format!("the reader id cookie is not host-only: {cookie:?}").into());
        }
        let reader = ReaderId::parse(cookie.value())?;
        let fake = &site.fakes().accesstype;
        if fake.metered_reads(&reader) != 3 || fake.pingbacks() != 3 {
            return Err(format!(
                "metered reads {}, pingbacks {}",
                fake.metered_reads(&reader),
                fake.pingbacks()
            )
            .into());
        }
        let posts = requested_urls(&browser).await?;
        if !posts.iter().any(|u| u.ends_with("/metered/reader-id")) {
            return Err("the page never asked our reader-id endpoint".into());
        }
        Flow::Ok(())
    })
    .await;
}
