//! The news site in a real headless Chromium: each test walks one flow as a reader would,
//! clicking, and checks what the reader sees and what the providers' fakes received.
//!
//! These tests need Debian's `chromium` and `chromium-driver`, so they are `#[ignore]`d in the
//! plain test run; `.ci/run` installs both and runs them in their own step:
//!
//! ```text
//! cargo test -p paywall-examples --test browser -- --ignored --test-threads=1
//! ```

mod accesstype;
mod evil;
mod harness;
mod paywall;
mod return_to;
mod same_origin;
mod shop;
mod sso2;
mod sso2_binding;
mod tiun;
mod tulo;

use std::net::{Ipv4Addr, SocketAddr};

use fantoccini::Locator;
use harness::{Flow, with_browser};
use paywall_examples::news_site::NewsSite;

async fn site() -> NewsSite {
    NewsSite::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .expect("the news site starts")
}

#[tokio::test]
#[ignore = "needs chromium and chromedriver; run by .ci/run's browser step"]
async fn the_front_page_lists_every_story_with_its_provider() {
    let site = site().await;
    with_browser("front_page", |browser| async move {
        browser.goto(site.url().as_str()).await?;
        let stories = browser.find_all(Locator::Css(".articles li")).await?;
        if stories.len() < 5 {
            return Err(format!("{} stories listed", stories.len()).into());
        }
        let text = browser
            .find(Locator::Css(".articles"))
            .await?
            .text()
            .await?;
        for provider in ["tiun", "SSO2", "T_ID", "Tulo Shop", "Accesstype"] {
            if !text.contains(provider) {
                return Err(format!("the front page does not name {provider}").into());
            }
        }
        Flow::Ok(())
    })
    .await;
}
