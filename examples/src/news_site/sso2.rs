//! Tulo Payway SSO2 on the news site, the login the vendor recommends: a first visit goes
//! through SSO2's identify and back to our landing page; the landing seals the reader's
//! session in a cookie no reader can forge; every later page opens that cookie and asks SSO2
//! again once it is older than the refresh interval.
//!
//! What a publisher copies: `story_page` (one call to `Sso2Flow::page`) and `landing` (one
//! call to `Sso2Flow::landing`); the sealed cookie comes from the `Sso2Cookie` extractor.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::header::{SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use payway_client::axum::Sso2Cookie;
use payway_client::sso2::{PageVisit, Reader, SessionCookie, Sso2Page, Sso2Status, is_prefetch};

use super::articles::{self, Gate, PRODUCT};
use super::home::{article_page, body};
use super::html::{escape, page, paywall};
use super::return_to;
use super::site::Site;

/// The reader as SSO2 names them: address and User-Agent. (Behind a proxy, take the address
/// from the header your load balancer writes.)
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

fn with_cookie(response: impl IntoResponse, set_cookie: Option<&str>) -> Response {
    let mut response = response.into_response();
    if let Some(value) = set_cookie.and_then(|v| HeaderValue::from_str(v).ok()) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

/// `GET /sso2/articles/{slug}`
pub(crate) async fn story_page(
    State(site): State<Site>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(slug): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    cookie: Option<Sso2Cookie>,
) -> Response {
    let Some(article) = articles::find(Gate::Sso2, &slug) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // The page's own URL becomes the place SSO2 sends the reader back to: on this site only.
    let Some(page_url) = return_to::same_origin(&site.url, &uri.to_string()) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let reader = reader(peer, &headers);
    let visit = PageVisit::new(&page_url, &reader)
        .session(cookie.map(Sso2Cookie::into_inner))
        .prefetch(prefetch(&headers));
    let login = format!(
        r#"<a class="button" id="sso2-login" href="{}">Log in with Payway</a>"#,
        escape(site.fakes.payway.sso2_login_url(&page_url).as_str())
    );
    match site.sso2.page(&visit).await {
        Ok(Sso2Page::Identify { url, set_cookie }) => {
            with_cookie(Redirect::to(url.as_str()), set_cookie.as_deref())
        }
        Ok(Sso2Page::Session { cookie, set_cookie }) => {
            let content = render(&cookie, &login, article);
            with_cookie(article_page(article, &content), set_cookie.as_deref())
        }
        Ok(other) => {
            let wall = paywall(
                "Tulo subscribers",
                "You are reading without an SSO2 session (a crawler or a prefetch is not sent \
                 to log in).",
                &login,
            );
            with_cookie(article_page(article, &wall), other.set_cookie())
        }
        // SSO2 or Payway could not answer: fail closed, keep the cookie, ask again next page.
        Err(_) => article_page(
            article,
            &paywall(
                "Tulo subscribers",
                "The login service could not be reached; please reload in a moment.",
                &login,
            ),
        )
        .into_response(),
    }
}

/// The page for a reader whose session SSO2 confirmed.
fn render(cookie: &SessionCookie, login: &str, article: &articles::Article) -> String {
    if cookie.has_product(PRODUCT) {
        return format!(
            r#"<p class="signed-in" id="signed-in">Logged in with SSO2 as account {}.</p>{}"#,
            escape(cookie.account_id().unwrap_or_default()),
            body(article)
        );
    }
    let reason = match (cookie.status(), cookie.account_id()) {
        (Sso2Status::LoggedIn, Some(account)) => format!(
            "SSO2 says you are logged in as account {account}, but the account has no \
             {PRODUCT} subscription."
        ),
        (Sso2Status::Terminated, _) => {
            "SSO2 says your session ended (you logged out on another site).".to_owned()
        }
        _ => "SSO2 says you are not logged in.".to_owned(),
    };
    paywall("Tulo subscribers", &reason, login)
}

/// `GET /sso2/landing?t=...&r=...`: where SSO2 sends readers back (configured in Payway).
pub(crate) async fn landing(State(site): State<Site>, uri: Uri) -> Response {
    let Ok(arrived) = site.url.join(&uri.to_string()) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match site.sso2.landing(&arrived).await {
        // The policy allows this host; the reader goes back to this site's origin only.
        Ok(landed) => with_cookie(
            Redirect::to(return_to::resolve(&site.url, Some(landed.return_url.as_str())).as_str()),
            landed.set_cookie.as_deref(),
        ),
        // A forged or expired token, or a return URL the policy refuses: no redirect.
        Err(_) => (
            StatusCode::BAD_REQUEST,
            page(
                "Login refused",
                r#"<h1 id="message-title">This login link is not valid</h1><p class="notice">It was forged, has expired, or points to another site. <a href="/">Front page</a></p>"#,
            ),
        )
            .into_response(),
    }
}
