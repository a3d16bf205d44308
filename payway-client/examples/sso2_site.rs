//! A news site logged in with Payway SSO2, the way the vendor recommends, in one small axum
//! app: a landing page and an article page, both one call to `Sso2Flow`, and the sealed
//! session cookie read by the `Sso2Cookie` extractor. Every landing is bound to the browser
//! that was sent to identify (a login state cookie), and the flow's `SetCookies` go out as
//! a response part. It runs against the crate's fake Payway
//! and SSO2 on 127.0.0.1 (no network, no credentials) and walks a reader through it.
//!
//! ```text
//! cargo run -p payway-client --features axum,test-util --example sso2_site
//! ```

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, FromRef, State};
use axum::http::header::{CACHE_CONTROL, COOKIE, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use payway_client::axum::Sso2Cookie;
use payway_client::reqwest;
use payway_client::sso2::{
    PageVisit, Reader, SessionCookie, SessionCookieKey, Sso2Flow, Sso2Page, is_prefetch,
};
use payway_client::test_util::FakePayway;
use payway_client::{Error, ReturnPolicy};
use url::Url;

// ---- The site: copy from here --------------------------------------------------------

#[derive(Clone)]
struct AppState {
    /// Where the site is reached, to build absolute page URLs.
    site: Url,
    flow: Sso2Flow,
}

/// `Sso2Cookie` opens the cookie with the flow's key.
impl FromRef<AppState> for SessionCookieKey {
    fn from_ref(state: &AppState) -> Self {
        state.flow.key().clone()
    }
}

/// The reader as SSO2 names them: the client's address (behind a proxy, take it from the
/// header your load balancer writes) and User-Agent.
fn reader(peer: SocketAddr, headers: &HeaderMap) -> Reader {
    let user_agent = headers.get(USER_AGENT).and_then(|v| v.to_str().ok());
    Reader::new(peer.ip(), user_agent.unwrap_or_default())
}

/// A browser prefetch (`Purpose` or `Sec-Purpose: prefetch`): never sent to identify.
fn prefetch(headers: &HeaderMap) -> bool {
    ["purpose", "sec-purpose"]
        .iter()
        .filter_map(|name| headers.get(*name)?.to_str().ok())
        .any(is_prefetch)
}

/// GET /articles/{id}: the whole article for a reader with the product, else the paywall.
/// Every answer depends on the reader's cookies: `Cache-Control: private, no-store` (the
/// flow's page, as a response part, sets it), so that no shared cache (a CDN caching by URL)
/// serves one reader's page to another.
async fn article(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    uri: Uri,
    headers: HeaderMap,
    cookie: Option<Sso2Cookie>,
) -> Response {
    let Ok(page) = app.site.join(&uri.to_string()) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let reader = reader(peer, &headers);
    let cookie_headers = headers.get_all(COOKIE).iter().map(HeaderValue::as_bytes);
    let visit = PageVisit::new(&page, &reader, cookie_headers)
        .session(cookie.map(Sso2Cookie::into_inner))
        .prefetch(prefetch(&headers));
    match app.flow.page(&visit).await {
        // The page is a response part: it sends the flow's cookies (the session cookie, a
        // login's state cookie, or their clearing) and marks the answer private.
        Ok(page) => {
            let body = match &page {
                Sso2Page::Identify { url, .. } => Redirect::to(url.as_str()).into_response(),
                Sso2Page::Session { cookie, .. } => render(Some(cookie)).into_response(),
                _ => render(None).into_response(),
            };
            (page, body).into_response()
        }
        // SSO2 or Payway could not answer: fail closed (never the article), keep the cookie,
        // and say so: a subscriber must not be told to subscribe.
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(CACHE_CONTROL, "private, no-store")],
            Html(
                "<h1>Subscription not checked</h1><p>We could not check your subscription \
                 right now. Please reload the page in a moment.</p>"
                    .to_owned(),
            ),
        )
            .into_response(),
    }
}

fn render(cookie: Option<&SessionCookie>) -> Html<String> {
    match cookie {
        Some(cookie) if cookie.has_product("premium") => {
            Html("<h1>The whole article</h1><p>For our subscribers.</p>".to_owned())
        }
        Some(cookie) if cookie.is_logged_in() => {
            Html("<h1>Paywall</h1><p>Logged in, without a subscription.</p>".to_owned())
        }
        _ => Html("<h1>Paywall</h1><p>Log in or subscribe to read on.</p>".to_owned()),
    }
}

/// GET /sso2/landing?t=...&r=...: where SSO2 sends readers back; configured in Payway.
async fn landing(State(app): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let Ok(arrived) = app.site.join(&uri.to_string()) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    // The request's cookies: the landing must come from the browser that was sent to
    // identify (its login state cookie).
    let cookies = headers.get_all(COOKIE).iter().map(HeaderValue::as_bytes);
    match app.flow.landing(&arrived, cookies).await {
        // Logged in, a replay, or a landing opened in another browser (then `redirect_to`
        // is identify again): the same answer in every case.
        Ok(landed) => (
            landed.set_cookies,
            Redirect::to(landed.redirect_to.as_str()),
        )
            .into_response(),
        // A forged or expired token, a return URL the policy refuses, or a browser that keeps
        // no cookies: no redirect.
        Err(Error::Landing(_) | Error::Sso2Token(_) | Error::TokenTooLarge { .. }) => {
            (StatusCode::BAD_REQUEST, "This login link is not valid.").into_response()
        }
        // SSO2, Payway or the ticket store did not answer: the link may well be good. Nothing
        // was set; the reader's next page identifies them again.
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "The login could not be finished right now. Please open the page again in a moment.",
        )
            .into_response(),
    }
}

fn app(state: AppState) -> Router {
    Router::new()
        .route("/articles/{id}", get(article))
        .route("/sso2/landing", get(landing))
        .with_state(state)
}

// ---- The walk-through -------------------------------------------------------------------

/// The page's heading and first paragraph, as text.
fn summary(html: &str) -> String {
    let between = |open: &str, close: &str| {
        html.split(open)
            .nth(1)
            .and_then(|rest| rest.split(close).next())
            .unwrap_or_default()
            .to_owned()
    };
    format!("{}: {}", between("<h1>", "</h1>"), between("<p>", "</p>"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let site = Url::parse(&format!("http://{}/", listener.local_addr()?))?;

    // Stand-ins for Payway and SSO2: one subscriber, and our landing page configured.
    let fake = FakePayway::start().await;
    fake.add_account("acc-7", ["premium"]);
    fake.add_login("ada@example.com", "correct horse battery staple", "acc-7");
    fake.set_sso2_landing_url(site.join("sso2/landing")?);

    let host = site.host_str().unwrap_or_default().to_owned();
    let port = site.port().unwrap_or_default();
    let sso2 = fake.sso2_client(); // yours: Sso2Client::from_env()?
    // Bound to its SSO2 client: a cookie sealed for another environment does not open here.
    // Yours: SessionCookieKey::from_env()? (`PAYWAY_SSO2_COOKIE_SECRET`, one per environment).
    let key = SessionCookieKey::new(b"32 bytes or more from your secret store")?.bound_to(&sso2);
    let flow = Sso2Flow::new(
        sso2,
        fake.client(), // yours: PaywayClient::from_env()?
        key,
        ReturnPolicy::allow_hosts([format!("{host}:{port}")]).allow_http_for_local_development(),
    )
    // The product codes the article page asks about: the only ones the cookie keeps.
    .gated_products(["premium"])?
    // SSO2 is asked again after a minute by default; after a second here, so that the
    // walk-through need not wait.
    .with_refresh_after(Duration::from_secs(1));
    let state = AppState {
        site: site.clone(),
        flow,
    };
    tokio::spawn(async move {
        let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service).await
    });

    // A browser that shows each redirect, and keeps the site's cookies and SSO2's apart.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0")
        .build()?;
    let article = site.join("articles/42")?;
    let get = |url: Url, cookie: Option<String>| {
        let mut request = browser.get(url);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send()
    };
    let location = |r: &reqwest::Response, base: &Url| -> Result<Url, Box<dyn std::error::Error>> {
        let to = r.headers().get("location").ok_or("no redirect")?.to_str()?;
        Ok(base.join(to)?)
    };
    // The `name=value` of every cookie an answer sets (not those it clears).
    let cookies_of = |r: &reqwest::Response| -> Option<String> {
        let pairs: Vec<&str> = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter(|v| !v.contains("Max-Age=0"))
            .filter_map(|v| v.split(';').next())
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    };

    println!("1. The reader opens {article} without a cookie");
    let answer = get(article.clone(), None).await?;
    let identify = location(&answer, &article)?;
    let state_cookie = cookies_of(&answer);
    println!(
        "   {} to SSO2: {}, with a login state cookie: {}",
        answer.status(),
        identify.path(),
        state_cookie
            .as_deref()
            .unwrap_or_default()
            .split('=')
            .next()
            .unwrap_or_default()
    );

    println!("2. SSO2 has no session for them yet: it starts one and sends them to the landing");
    let answer = get(identify.clone(), None).await?;
    let sso_cookie = cookies_of(&answer);
    let arrived = location(&answer, &identify)?;
    println!("   the landing URL opened in another browser (no state cookie) is refused:");
    let elsewhere = get(arrived.clone(), None).await?;
    println!(
        "   {}, identify again: {}",
        elsewhere.status(),
        location(&elsewhere, &site)?.path()
    );
    let answer = get(arrived, state_cookie).await?;
    let site_cookie = cookies_of(&answer);
    println!(
        "   landing: {}, a sealed cookie set, the state cleared, back to {}",
        answer.status(),
        location(&answer, &site)?.path()
    );
    let page = get(article.clone(), site_cookie).await?.text().await?;
    println!("   the article: {}", summary(&page));

    println!("3. They log in on SSO2's page; SSO2 sends them through identify to the landing");
    // The site sends them to identify (a new login state), and SSO2 to its login page.
    let answer = get(article.clone(), None).await?;
    let state_cookie = cookies_of(&answer);
    let identify = location(&answer, &article)?;
    let continue_url: String = identify
        .query_pairs()
        .find(|(name, _)| name == "r")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    let login = browser
        .post(fake.base_url().join("sso/login")?)
        .header("cookie", sso_cookie.clone().unwrap_or_default())
        .form(&[
            ("email", "ada@example.com"),
            ("password", "correct horse battery staple"),
            ("r", continue_url.as_str()),
        ])
        .send()
        .await?;
    let identify = location(&login, &fake.base_url())?;
    let answer = get(identify.clone(), sso_cookie.clone()).await?;
    let answer = get(location(&answer, &identify)?, state_cookie).await?;
    let site_cookie = cookies_of(&answer);
    println!("   landing: the ticket exchanged once, active products read, the cookie sealed");
    let page = get(article.clone(), site_cookie.clone())
        .await?
        .text()
        .await?;
    println!("   the article: {}", summary(&page));

    println!("4. SSO2 is down when their cookie is due to be checked again");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    fake.fail_next(1, 503);
    let answer = get(article.clone(), site_cookie.clone()).await?;
    let status = answer.status();
    let cache = answer
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    println!(
        "   {status}, Cache-Control: {cache}: {}",
        summary(&answer.text().await?)
    );

    println!("5. An edited cookie is no cookie at all: back to identify");
    let edited = site_cookie.clone().map(|cookie| {
        // One character of the value changed, as a reader editing it in devtools would.
        let at = cookie.len() - 10;
        let changed = if &cookie[at..=at] == "A" { "B" } else { "A" };
        format!("{}{changed}{}", &cookie[..at], &cookie[at + 1..])
    });
    let answer = get(article.clone(), edited).await?;
    println!("   {}", answer.status());

    println!("6. A crawler without a cookie reads the paywall, and is never sent to SSO2");
    let crawler = browser
        .get(article.clone())
        .header(
            "user-agent",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        )
        .send()
        .await?;
    println!(
        "   {}: {}",
        crawler.status(),
        crawler.text().await?.contains("Paywall")
    );

    println!("7. They log out on another site of the organisation");
    browser
        .post(fake.base_url().join("sso/logout-elsewhere")?)
        .header("cookie", sso_cookie.unwrap_or_default())
        .send()
        .await?;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let answer = get(article.clone(), site_cookie).await?;
    println!(
        "   the next page asks SSO2 (terminated): {}, the cookie cleared: {}",
        answer.status(),
        answer.headers().get_all("set-cookie").iter().any(|v| v
            .to_str()
            .is_ok_and(|v| v.starts_with("__Host-payway-sso2=;")))
    );

    println!(
        "SSO2 server calls: {}, ticket exchanges: {}",
        fake.sso2_calls(),
        fake.exchanges()
    );
    Ok(())
}
