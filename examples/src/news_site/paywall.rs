//! The Tulo Paywall on the news site: a reader with an SSO2 session but no subscription buys
//! one from the story's page and comes back logged in with it.
//!
//! Payway's paywall is a script (`paywall.js`) that runs on the publisher's own page. After a
//! purchase it posts a form field `jwtToken` to the site's checkout landing from that page: a
//! same-origin `POST`, so the site's Origin layer lets it through like any form of its own,
//! and the reader's session cookie (`SameSite=Lax`) travels with it. The token is signed with
//! the paywall secret and names a delegated ticket (`dtid`) and the account (`aid`).
//!
//! What a publisher copies: `paywall_page` (one call to `Sso2Flow::start_checkout` with the
//! reader's session cookie; nothing is set) and `checkout_landing` (one call to
//! `Sso2Flow::checkout_landing` with the posted form and the request's `Cookie` headers).
//! The checkout is bound to the reader's session: posted from another browser, it takes
//! nothing and sends that browser through identify again, as itself.
//!
//! `buy` is the demo's stand-in for the script and Payway's side of the purchase: the fake
//! Payway grants the product and signs the token, as Payway's paywall would.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Form, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use payway_client::Error;
use payway_client::axum::Sso2Cookie;
use payway_client::sso2::{CHECKOUT_TOKEN_FIELD, LandingError, TokenError};

use super::articles::{self, Gate, PRODUCT};
use super::home::article_page;
use super::html::{escape, page};
use super::return_to;
use super::site::Site;
use super::sso2::{after_landing, cookie_headers, not_this_browser, reader, refused};

/// Where the paywall posts its token back to.
pub(crate) const CHECKOUT_LANDING: &str = "/sso2/checkout-landing";

/// `GET /sso2/paywall/{slug}`: the story's page with the paywall on it, for a reader with an
/// SSO2 session. The checkout it starts is bound to that session: nothing is set, so any
/// number of tabs may show the paywall.
pub(crate) async fn paywall_page(
    State(site): State<Site>,
    Path(slug): Path<String>,
    cookie: Option<Sso2Cookie>,
) -> Response {
    let Some(article) = articles::find(Gate::Sso2, &slug) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (Ok(story), Ok(landing)) = (
        site.url.join(&article.path()),
        site.url.join(CHECKOUT_LANDING),
    ) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // The checkout logs the reader's SSO2 session in: without one, the story identifies
    // them first.
    let Some(cookie) = cookie else {
        return Redirect::to(story.as_str()).into_response();
    };
    let for_the_paywall = match site.sso2.start_checkout(&landing, &story, &cookie) {
        Ok(url) => url,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let buyer = cookie.account_id().map_or_else(
        || "A new Payway account will be made for you.".to_owned(),
        |account| format!("Buying as Payway account {account}."),
    );
    let content = format!(
        r#"<section class="paywall" id="tulo-paywall">
<h2>Tulo Paywall</h2>
<p>Product: <strong id="product">{PRODUCT}</strong></p>
<p class="reason" id="buyer">{buyer}</p>
<form method="post" action="/paywall-standin/buy">
<input type="hidden" name="landing" value="{landing}">
<input type="hidden" name="product" value="{PRODUCT}">
<button id="buy" type="submit">Buy</button>
</form>
</section>"#,
        buyer = escape(&buyer),
        landing = escape(return_to::local_part(&for_the_paywall)),
    );
    // The checkout URL on this page is this reader's: the site's not-stored layer keeps it out
    // of shared caches.
    article_page(article, &content).into_response()
}

/// The form of the stand-in paywall's "Buy".
#[derive(serde::Deserialize)]
pub(crate) struct Purchase {
    landing: String,
    product: String,
}

/// `POST /paywall-standin/buy`: the stand-in for `paywall.js` and Payway's side of the
/// purchase. The fake grants the product to the reader's account (a new one for a reader
/// SSO2 does not know), issues a delegated ticket and signs the token; the page then posts
/// it to the checkout landing, as the script does.
pub(crate) async fn buy(
    State(site): State<Site>,
    cookie: Option<Sso2Cookie>,
    Form(purchase): Form<Purchase>,
) -> Response {
    // The script posts to the site's own checkout landing, nowhere else.
    let Some(landing) = return_to::same_origin(&site.url, &purchase.landing)
        .filter(|landing| landing.path() == CHECKOUT_LANDING)
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if purchase.product != PRODUCT {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let account = match cookie.as_ref().and_then(|c| c.account_id()) {
        Some(account) => account.to_owned(),
        None => match new_account_id() {
            Some(account) => account,
            None => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
    };
    let token = site
        .fakes
        .payway
        .paywall_checkout_token(&account, &purchase.product);
    page(
        "Thank you",
        &format!(
            r#"<h1 id="message-title">Thank you: {product} is yours</h1>
<form id="checkout-return" method="post" action="{landing}">
<input type="hidden" name="{CHECKOUT_TOKEN_FIELD}" value="{token}">
<button id="continue" type="submit">Continue</button>
</form>
<script>document.getElementById("checkout-return").submit();</script>"#,
            product = escape(&purchase.product),
            landing = escape(return_to::local_part(&landing)),
            token = escape(&token),
        ),
    )
    .into_response()
}

/// A made-up Payway account id (24 hexadecimal digits, as Payway's are).
fn new_account_id() -> Option<String> {
    let mut bytes = [0_u8; 12];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// `POST /sso2/checkout-landing?r=...` with `jwtToken`: the paywall's return. Verified, bound
/// to this browser, taken once; the reader's SSO2 session is logged in with the delegated
/// ticket and the reader goes back to the story.
pub(crate) async fn checkout_landing(
    State(site): State<Site>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    uri: Uri,
    headers: HeaderMap,
    form: Bytes,
) -> Response {
    let Ok(arrived) = site.url.join(&uri.to_string()) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let reader = reader(peer, &headers);
    let landed = site
        .sso2
        .checkout_landing(&arrived, &form, cookie_headers(&headers), &reader)
        .await;
    match landed {
        Ok(landed) => after_landing(&site, landed),
        Err(Error::Landing(LandingError::NotThisBrowser(_))) => not_this_browser(),
        // The purchase stands at Payway whatever happened here: the reader must hear that it
        // is done, and that logging in shows it.
        Err(Error::Landing(
            LandingError::NoSession
            | LandingError::CheckoutNotLoggedIn
            | LandingError::CheckoutAccountMismatch,
        )) => purchase_done(
            StatusCode::BAD_REQUEST,
            "This browser's session could not be logged in with it. Log in to read.",
        ),
        // A token that is not the paywall's (edited, forged, garbled), or a post without one,
        // tells of no purchase.
        Err(Error::Sso2Token(
            TokenError::BadSignature
            | TokenError::Malformed { .. }
            | TokenError::WrongAlgorithm { .. }
            | TokenError::CriticalHeader
            | TokenError::RepeatedMember,
        ))
        | Err(Error::Landing(
            LandingError::MissingCheckoutToken
            | LandingError::MissingToken
            | LandingError::MissingReturnUrl
            | LandingError::Duplicate
            | LandingError::QueryTooLong,
        )) => refused(),
        // Our own fault (no paywall secret configured, no randomness): the purchase stands.
        Err(Error::Landing(LandingError::NoPaywallSecret | LandingError::CannotStart(_))) => {
            purchase_done(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The login could not be finished here. Log in to read.",
            )
        }
        // A genuine token out of its time (expired, say), or a return this landing cannot
        // take: the purchase stands all the same.
        Err(Error::Landing(_) | Error::Sso2Token(_)) => purchase_done(
            StatusCode::BAD_REQUEST,
            "The login could not be finished with this link. Log in to read.",
        ),
        // SSO2, Payway or the store could not be reached. A reload reads the reader's
        // account afresh if SSO2 logged the session in before the failure; otherwise the
        // reader logs in.
        Err(_) => purchase_done(
            StatusCode::SERVICE_UNAVAILABLE,
            "The login could not be finished just now. Reload this page; if that does not log you in, log in to read.",
        ),
    }
}

/// The page for a purchase whose login did not finish.
fn purchase_done(status: StatusCode, text: &str) -> Response {
    let body = format!(
        r#"<h1 id="message-title">Your purchase is done</h1><p class="notice">{}</p><p><a href="/">Front page</a></p>"#,
        escape(text)
    );
    (status, page("Your purchase is done", &body)).into_response()
}
