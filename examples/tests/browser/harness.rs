//! A real headless Chromium, driven over WebDriver by Debian's `chromedriver`.
//!
//! fantoccini speaks WebDriver to the chromedriver that ships with the same Chromium package,
//! so the driver and the browser always match, over plain HTTP on loopback (no TLS stack).

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use axum::http::Method;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

pub(crate) type Flow = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// How long one browser test may take, start to end.
const TEST_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a page may take to show what a step waits for.
pub(crate) const WAIT: Duration = Duration::from_secs(15);

/// Where screenshots go: the test's output folder, `target/tmp/browser/`.
pub(crate) fn output_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser")
}

/// A chromedriver child process, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start() -> Self {
        let port = free_port();
        let child = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (Debian package chromium-driver; .ci/run installs it)");
        let driver = Self { child, port };
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        for _ in 0..200 {
            if TcpStream::connect_timeout(&addr, Duration::from_millis(50)).is_ok() {
                return driver;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("chromedriver did not listen on {addr} within 10 s");
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromedriver() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_owned())
}

fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// One headless Chromium with a profile of its own, and the chromedriver that drives it.
struct Browser {
    driver: Driver,
    client: Client,
    profile: PathBuf,
}

impl Browser {
    /// A fresh browser whose profile folder is named after `name` (no cookie carries over).
    async fn open(name: &str) -> Self {
        let driver = Driver::start();
        let profile = output_dir()
            .join("profiles")
            .join(format!("{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).expect("a profile folder");
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": chromium(),
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-extensions",
                    "--window-size=960,760",
                    format!("--user-data-dir={}", profile.display()),
                ]
            },
            // Network events, so a test can see every URL the browser asked for (redirects too).
            "goog:loggingPrefs": { "performance": "ALL" }
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .expect("a WebDriver session in headless Chromium");
        Self {
            driver,
            client,
            profile,
        }
    }

    /// Saves a screenshot of the page as `<name>.png` in [`output_dir`], closes the browser
    /// and removes its profile; returns the screenshot's path.
    async fn close(self, name: &str) -> PathBuf {
        std::fs::create_dir_all(output_dir()).expect("the screenshot folder");
        let shot = output_dir().join(format!("{name}.png"));
        // The page from its top, as a reader first sees it.
        let _ = self.client.execute("window.scrollTo(0, 0)", vec![]).await;
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(&shot, png);
        }
        let _ = self.client.close().await;
        drop(self.driver);
        let _ = std::fs::remove_dir_all(&self.profile);
        shot
    }
}

/// Fails the test unless `outcome` is a flow that passed in time.
fn verdict(name: &str, outcome: Result<Flow, tokio::time::error::Elapsed>, shots: &[PathBuf]) {
    let shots: Vec<String> = shots.iter().map(|s| s.display().to_string()).collect();
    let shots = shots.join(", ");
    match outcome {
        Ok(Ok(())) => eprintln!("screenshots: {shots}"),
        Ok(Err(error)) => panic!("{name}: {error} (last pages: {shots})"),
        Err(_) => panic!("{name}: did not finish within {TEST_TIMEOUT:?} (last pages: {shots})"),
    }
}

/// Runs `flow` in a fresh headless Chromium (its own profile, so no cookie carries over),
/// within [`TEST_TIMEOUT`]. Saves a screenshot of the last page as `<name>.png` in
/// [`output_dir`], whether the flow passed or not, then fails the test if it did not.
pub(crate) async fn with_browser<F, Fut>(name: &str, flow: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = Flow>,
{
    let browser = Browser::open(name).await;
    let outcome = tokio::time::timeout(TEST_TIMEOUT, flow(browser.client.clone())).await;
    let shot = browser.close(name).await;
    verdict(name, outcome, &[shot]);
}

/// Like [`with_browser`], with two browsers that share nothing (two WebDriver sessions, two
/// profiles): the reader's, and another one (an attacker's, or the reader's second device).
/// Screenshots are `<name>-first.png` and `<name>-second.png`.
pub(crate) async fn with_two_browsers<F, Fut>(name: &str, flow: F)
where
    F: FnOnce(Client, Client) -> Fut,
    Fut: Future<Output = Flow>,
{
    let first_name = format!("{name}-first");
    let second_name = format!("{name}-second");
    let first = Browser::open(&first_name).await;
    let second = Browser::open(&second_name).await;
    let outcome = tokio::time::timeout(
        TEST_TIMEOUT,
        flow(first.client.clone(), second.client.clone()),
    )
    .await;
    let shots = [
        first.close(&first_name).await,
        second.close(&second_name).await,
    ];
    verdict(name, outcome, &shots);
}

/// Waits until the element `css` holds `expected` in its text.
pub(crate) async fn wait_for_text(client: &Client, css: &str, expected: &str) -> Flow {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let seen = match client.find(Locator::Css(css)).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if seen.contains(expected) {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("`{css}` never showed {expected:?}; last text: {seen:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks the element `css` once it is on the page.
pub(crate) async fn click(client: &Client, css: &str) -> Flow {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await?
        .click()
        .await?;
    Ok(())
}

/// chromedriver's performance log: the DevTools events since the last read.
#[derive(Debug)]
struct PerformanceLog;

impl WebDriverCompatibleCommand for PerformanceLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (Method, Option<String>) {
        (Method::POST, Some(r#"{"type":"performance"}"#.to_owned()))
    }
}

/// Every URL the browser requested since the last call (each hop of a redirect included).
pub(crate) async fn requested_urls(
    client: &Client,
) -> Result<Vec<String>, fantoccini::error::CmdError> {
    let entries = client.issue_cmd(PerformanceLog).await?;
    let mut urls = Vec::new();
    for entry in entries.as_array().into_iter().flatten() {
        let Some(message) = entry.get("message").and_then(|m| m.as_str()) else {
            continue;
        };
        let Ok(event) = serde_json::from_str::<serde_json::Value>(message) else {
            continue;
        };
        let event = &event["message"];
        if event["method"] == "Network.requestWillBeSent"
            && let Some(url) = event["params"]["request"]["url"].as_str()
        {
            urls.push(url.to_owned());
        }
    }
    Ok(urls)
}
