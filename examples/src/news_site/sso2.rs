//! Tulo Payway SSO2 on the news site, the login the vendor recommends: a first visit goes
//! through SSO2's identify and back to our landing page; the landing seals the reader's
//! session in a cookie no reader can read or forge; every later page opens that cookie and
//! asks SSO2 again once it is older than the refresh interval.
//!
//! Every identify is bound to the browser that starts it: the flow gives a short-lived
//! `__Host-pw-state-...` cookie with the redirect, and the landing is taken only from the
//! browser that holds it. A landing URL opened anywhere else (leaked through history, a log
//! or `Referer`), or whose `r` was swapped, sets nothing: that browser goes through identify
//! again, as itself.
//!
//! What a publisher copies: `story_page` (one call to `Sso2Flow::page`) and `landing` (one
//! call to `Sso2Flow::landing`, with the request's `Cookie` headers); the sealed cookie comes
//! from the `Sso2Cookie` extractor. Send every `Set-Cookie` the flow returns: `SetCookies` is
//! an axum response part.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::header::{COOKIE, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use payway_client::Error;
use payway_client::axum::Sso2Cookie;
use payway_client::sso2::{
    LandingError, PageVisit, Reader, SessionCookie, Sso2Landed, Sso2Page, Sso2Status, is_prefetch,
};

use super::articles::{self, Gate, PRODUCT};
use super::home::{article_page, body};
use super::html::{escape, page, paywall};
use super::return_to;
use super::site::Site;

/// The reader as SSO2 names them: address and User-Agent. (Behind a proxy, take the address
/// from the header your load balancer writes.)
pub(crate) fn reader(peer: SocketAddr, headers: &HeaderMap) -> Reader {
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

/// The request's `Cookie` headers, each one's bytes, as the flow reads them (a header that is
/// not valid text still counts).
pub(crate) fn cookie_headers(headers: &HeaderMap) -> impl Iterator<Item = &[u8]> {
    headers.get_all(COOKIE).iter().map(HeaderValue::as_bytes)
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
    let visit = PageVisit::new(&page_url, &reader, cookie_headers(&headers))
        .session(cookie.map(Sso2Cookie::into_inner))
        .prefetch(prefetch(&headers));
    // SSO2's login page continues through identify with this page as `r`. That `r` carries no
    // login state, so its landing is not taken: the flow sends the reader through identify
    // once more, under a fresh state, and SSO2, which knows them by then, lands them at once.
    let login = format!(
        r#"<a class="button" id="sso2-login" href="{}">Log in with Payway</a>"#,
        escape(site.fakes.payway.sso2_login_url(&page_url).as_str())
    );
    match site.sso2.page(&visit).await {
        // The page is a response part: it sends the flow's cookies and marks the answer
        // private.
        Ok(page) => {
            let body = match &page {
                // To SSO2, with the new login's state cookie (and the clearing of an ended
                // session).
                Sso2Page::Identify { url, .. } => Redirect::to(url.as_str()).into_response(),
                Sso2Page::Session { cookie, .. } => {
                    article_page(article, &render(cookie, &login, article)).into_response()
                }
                _ => {
                    let wall = paywall(
                        "Tulo subscribers",
                        "You are reading without an SSO2 session (a crawler or a prefetch is \
                         not sent to log in).",
                        &login,
                    );
                    article_page(article, &wall).into_response()
                }
            };
            (page, body).into_response()
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

/// The page for a reader whose session SSO2 confirmed: the story for a subscriber; the
/// paywall for anyone else, with the Tulo Paywall's "Buy" beside the login.
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
    let buy = format!(
        r#"<a class="button secondary" id="buy-with-paywall" href="/sso2/paywall/{}">Buy with Tulo Paywall</a>"#,
        escape(article.slug)
    );
    paywall("Tulo subscribers", &reason, &format!("{login}{buy}"))
}

/// `GET /sso2/landing?t=...&r=...`: where SSO2 sends readers back (configured in Payway).
pub(crate) async fn landing(State(site): State<Site>, uri: Uri, headers: HeaderMap) -> Response {
    let Ok(arrived) = site.url.join(&uri.to_string()) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match site.sso2.landing(&arrived, cookie_headers(&headers)).await {
        Ok(landed) => after_landing(&site, landed),
        // The same landing twice in a row not bound to this browser: it keeps no cookies (or
        // the link came from elsewhere). A page, never a third redirect.
        Err(Error::Landing(LandingError::NotThisBrowser(_))) => not_this_browser(),
        // A forged or expired token, or a return URL the policy refuses: no redirect.
        Err(Error::Landing(_) | Error::Sso2Token(_) | Error::TokenTooLarge { .. }) => refused(),
        // SSO2, Payway or the ticket store could not answer: the link may still be good, and
        // the reader should hear that it is this site's trouble, not theirs.
        Err(_) => unavailable(),
    }
}

/// The answer to a landing the flow took (or refused as not this browser's): every
/// `Set-Cookie` it gives, and the redirect.
pub(crate) fn after_landing(site: &Site, landed: Sso2Landed) -> Response {
    let to = if landed.is_identify_again() {
        // Not bound to this browser: nothing was set or taken, and the flow sends the reader
        // through SSO2's identify again under a fresh state (a URL it built, on SSO2).
        landed.redirect_to.clone()
    } else {
        // The policy allows this host; the reader goes back to this site's origin only.
        return_to::resolve(&site.url, Some(landed.redirect_to.as_str()))
    };
    (landed.set_cookies, Redirect::to(to.as_str())).into_response()
}

/// The page for a login that keeps coming back to a browser that did not start it.
pub(crate) fn not_this_browser() -> Response {
    (
        StatusCode::BAD_REQUEST,
        page(
            "Login not started here",
            r#"<h1 id="message-title">This login was not started in this browser</h1><p class="notice">The login link was opened in another browser, or this browser does not keep cookies for this site. Nothing was changed. <a href="/">Front page</a></p>"#,
        ),
    )
        .into_response()
}

/// The page for a landing that could not be finished for want of SSO2, Payway or the store.
fn unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        page(
            "Login not finished",
            r#"<h1 id="message-title">The login could not be finished right now</h1><p class="notice">A service this site needs did not answer. Nothing was changed; please open the page again in a moment. <a href="/">Front page</a></p>"#,
        ),
    )
        .into_response()
}

/// The page for a landing the flow refused.
pub(crate) fn refused() -> Response {
    (
        StatusCode::BAD_REQUEST,
        page(
            "Login refused",
            r#"<h1 id="message-title">This login link is not valid</h1><p class="notice">It was forged, has expired, or points to another site. <a href="/">Front page</a></p>"#,
        ),
    )
        .into_response()
}
