//! A news site logged in with Payway SSO2, the way the vendor recommends, in one small axum
//! app: a landing page and an article page, both one call to `Sso2Flow`, and the sealed
//! session cookie read by the `Sso2Cookie` extractor. It runs against the crate's fake Payway
//! and SSO2 on 127.0.0.1 (no network, no credentials) and walks a reader through it.
//!
//! ```text
//! cargo run -p payway-client --features axum,test-util --example sso2_site
//! ```

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, FromRef, State};
use axum::http::header::{SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use payway_client::ReturnPolicy;
use payway_client::axum::Sso2Cookie;
use payway_client::reqwest;
use payway_client::sso2::{
    PageVisit, Reader, SessionCookie, SessionCookieKey, Sso2Flow, Sso2Page, is_prefetch,
};
use payway_client::test_util::FakePayway;
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

/// A response with the flow's `Set-Cookie`, when it gave one.
fn with_cookie(response: impl IntoResponse, set_cookie: Option<&str>) -> Response {
    let mut response = response.into_response();
    if let Some(value) = set_cookie.and_then(|v| HeaderValue::from_str(v).ok()) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

/// GET /articles/{id}: the whole article for a reader with the product, else the paywall.
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
    let visit = PageVisit::new(&page, &reader)
        .session(cookie.map(Sso2Cookie::into_inner))
        .prefetch(prefetch(&headers));
    match app.flow.page(&visit).await {
        Ok(Sso2Page::Identify { url, set_cookie }) => {
            with_cookie(Redirect::to(url.as_str()), set_cookie.as_deref())
        }
        Ok(Sso2Page::Session { cookie, set_cookie }) => {
            with_cookie(render(Some(&cookie)), set_cookie.as_deref())
        }
        Ok(other) => with_cookie(render(None), other.set_cookie()),
        // SSO2 or Payway could not answer: fail closed, keep the cookie, try again next page.
        Err(_) => render(None).into_response(),
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
async fn landing(State(app): State<AppState>, uri: Uri) -> Response {
    let Ok(arrived) = app.site.join(&uri.to_string()) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match app.flow.landing(&arrived).await {
        Ok(landed) => with_cookie(
            Redirect::to(landed.return_url.as_str()),
            landed.set_cookie.as_deref(),
        ),
        // A forged or expired token, or a return URL the policy refuses: no redirect.
        Err(_) => (StatusCode::BAD_REQUEST, "This login link is not valid.").into_response(),
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
    let flow = Sso2Flow::new(
        fake.sso2_client(), // yours: Sso2Client::from_env()?
        fake.client(),      // yours: PaywayClient::from_env()?
        SessionCookieKey::new(b"32 bytes or more from your secret store")?,
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

    // A browser that shows each redirect, and keeps the site's cookie and SSO2's apart.
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
    let cookie_of = |r: &reqwest::Response| {
        r.headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(str::to_owned)
    };

    println!("1. The reader opens {article} without a cookie");
    let answer = get(article.clone(), None).await?;
    let identify = location(&answer, &article)?;
    println!("   {} to SSO2: {}", answer.status(), identify.path());

    println!("2. SSO2 has no session for them yet: it starts one and sends them to the landing");
    let answer = get(identify.clone(), None).await?;
    let sso_cookie = cookie_of(&answer);
    let arrived = location(&answer, &identify)?;
    let answer = get(arrived, None).await?;
    let site_cookie = cookie_of(&answer);
    println!(
        "   landing: {}, a sealed cookie set, back to {}",
        answer.status(),
        location(&answer, &site)?.path()
    );
    let page = get(article.clone(), site_cookie).await?.text().await?;
    println!("   the article: {}", summary(&page));

    println!("3. They log in on SSO2's page; SSO2 sends them through identify to the landing");
    let login = browser
        .post(fake.base_url().join("sso/login")?)
        .header("cookie", sso_cookie.clone().unwrap_or_default())
        .form(&[
            ("email", "ada@example.com"),
            ("password", "correct horse battery staple"),
            ("r", article.as_str()),
        ])
        .send()
        .await?;
    let identify = location(&login, &fake.base_url())?;
    let answer = get(identify.clone(), sso_cookie.clone()).await?;
    let answer = get(location(&answer, &identify)?, None).await?;
    let site_cookie = cookie_of(&answer);
    println!("   landing: the ticket exchanged once, active products read, the cookie sealed");
    let page = get(article.clone(), site_cookie.clone())
        .await?
        .text()
        .await?;
    println!("   the article: {}", summary(&page));

    println!("4. An edited cookie is no cookie at all: back to identify");
    let edited = site_cookie.clone().map(|cookie| {
        // One character of the value changed, as a reader editing it in devtools would.
        let at = cookie.len() - 10;
        let changed = if &cookie[at..=at] == "A" { "B" } else { "A" };
        format!("{}{changed}{}", &cookie[..at], &cookie[at + 1..])
    });
    let answer = get(article.clone(), edited).await?;
    println!("   {}", answer.status());

    println!("5. A crawler without a cookie reads the paywall, and is never sent to SSO2");
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

    println!("6. They log out on another site of the organisation");
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
        cookie_of(&answer).is_some_and(|c| c.ends_with('='))
    );

    println!(
        "SSO2 server calls: {}, ticket exchanges: {}",
        fake.sso2_calls(),
        fake.exchanges()
    );
    Ok(())
}
