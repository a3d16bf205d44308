//! The fake Tulo Paywall's checkout: a page with a "Buy" button; buying grants the product,
//! issues a delegated ticket (`dtid`) for the account, and posts a `jwtToken` signed with
//! the paywall secret (`dtid`, `aid`) to the site's checkout landing. `paywall.js` runs on
//! the site's own page and posts from there; this page is served from the fake's origin
//! and posts from there, which a browser takes for the site's own site only because both
//! are on `127.0.0.1` (see [`FakePayway::paywall_checkout_url`]).

use http::StatusCode;
use serde_json::json;
use url::Url;

use super::super::FakePayway;
use super::super::html::{absolute_url, document, escape, field, refusal_page};
use super::super::sso2::session_account;
use super::super::state::{State, body_of};
use crate::sso2::jws;
use crate::sso2::request_token::unix_now;
use paywall_internal::fake::{Captured, Reply};
use paywall_internal::jws::Hs256Key;

/// The checkout page's path (`GET` shows it, `POST` buys).
pub(crate) const PAYWALL_CHECKOUT_PATH: &str = "/sso/paywall/checkout";
/// How long a checkout token lives, in seconds.
const TOKEN_LIFETIME: u64 = 60;

/// The checkout landing and product a request names, or why not.
fn order(form: &[u8]) -> Result<(Url, String), Reply> {
    let landing = absolute_url(field(form, "landing").as_deref()).ok_or_else(|| {
        refusal_page("the paywall needs an absolute landing (the site's checkout landing)")
    })?;
    let product = field(form, "product")
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| refusal_page("the paywall needs a product"))?;
    Ok((landing, product))
}

/// The checkout page for the product the query names.
pub(super) fn checkout_page(state: &mut State, sid: &str, request: &Captured) -> Reply {
    let (landing, product) = match order(request.query.as_bytes()) {
        Ok(order) => order,
        Err(refused) => return refused,
    };
    let who = match session_account(state, sid) {
        Some(account) => format!("Buying as account {}.", escape(&account)),
        None => "A new account will be created.".to_owned(),
    };
    let body = format!(
        "<p>Product: <strong id=\"product\">{product}</strong></p>\n<p id=\"account\">{who}</p>\n\
         <form method=\"post\" action=\"{PAYWALL_CHECKOUT_PATH}\">\n\
         <input type=\"hidden\" name=\"landing\" value=\"{landing}\">\n\
         <input type=\"hidden\" name=\"product\" value=\"{product}\">\n\
         <button id=\"buy\" type=\"submit\">Buy</button>\n</form>",
        product = escape(&product),
        landing = escape(landing.as_str()),
    );
    Reply::html(
        StatusCode::OK,
        document("Checkout - Tulo Paywall (fake)", "Checkout", &body),
    )
}

/// The "Buy" button: the product granted and the token posted to the checkout landing.
pub(super) fn buy(state: &mut State, sid: &str, request: &Captured) -> Reply {
    let (landing, product) = match order(body_of(request)) {
        Ok(order) => order,
        Err(refused) => return refused,
    };
    let account = session_account(state, sid).unwrap_or_else(|| state.account_id());
    let token = checkout_token(state, &account, &product);
    // What `paywall.js` does: post the token to the site's checkout landing.
    let body = format!(
        "<p id=\"status\">Thank you: {product} is yours.</p>\n\
         <form id=\"checkout-return\" method=\"post\" action=\"{landing}\">\n\
         <input type=\"hidden\" name=\"jwtToken\" value=\"{token}\">\n\
         <button id=\"continue\" type=\"submit\">Continue</button>\n</form>\n\
         <script>document.getElementById(\"checkout-return\").submit();</script>",
        product = escape(&product),
        landing = escape(landing.as_str()),
        token = escape(&token),
    );
    Reply::html(
        StatusCode::OK,
        document("Thank you - Tulo Paywall (fake)", "Thank you", &body),
    )
}

/// Grants `product` to `account_id` (created if unknown), issues a delegated ticket for it,
/// and signs the checkout token the paywall posts: HS256 with the paywall secret, `dtid`,
/// `aid`, `iat`, `nbf` and `exp` a minute later.
pub(crate) fn checkout_token(state: &mut State, account_id: &str, product: &str) -> String {
    state.grant_product(account_id, product);
    let dtid = state.issue_ticket(account_id);
    let now = unix_now().unwrap_or_default();
    let claims = json!({
        "dtid": dtid,
        "aid": account_id,
        "iat": now,
        "nbf": now,
        "exp": now + TOKEN_LIFETIME,
    });
    let key = Hs256Key::new(state.sso2.paywall_secret.as_bytes());
    jws::sign(claims.to_string().as_bytes(), &key)
}

/// The Tulo Paywall's checkout, on the fake's SSO2 host: the paywall secret, the checkout
/// page, and checkout tokens for tests that post them themselves.
impl FakePayway {
    /// The paywall secret the fake signs checkout tokens with: for
    /// [`PaywallSecret::new`](crate::sso2::PaywallSecret::new). A test value: it guards
    /// nothing.
    pub fn paywall_secret(&self) -> String {
        self.shared.state().sso2.paywall_secret.clone()
    }

    /// The fake paywall's checkout page for `product`, posting back to `checkout_landing`
    /// (from [`Sso2Flow::start_checkout`](crate::sso2::Sso2Flow::start_checkout)). Its "Buy"
    /// button grants the product to the account the browser's SSO2 session is logged in to
    /// (a new account otherwise), issues a delegated ticket, and answers a page whose form
    /// posts `jwtToken` to the checkout landing (submitted by a script, and a "Continue"
    /// button).
    ///
    /// This page, and the post its "Buy" answers, come from the fake's own origin
    /// (`http://127.0.0.1:{port}`), not from your site. The real paywall (`paywall.js`)
    /// runs on your own page and posts from there, which is what lets the reader's
    /// `SameSite=Lax` session cookie travel with the post. A browser sends that cookie with
    /// this page's post only because your test site is on `127.0.0.1` too, and a site
    /// ignores ports: every port of the loopback address is one site. Between two real host
    /// names the same post is cross-site, carries no session cookie
    /// ([`LandingError::NoSession`](crate::sso2::LandingError::NoSession)), and its
    /// `Origin` is not your site's, which a landing that takes posts only from its own
    /// origin (as [`Sso2Flow::checkout_landing`](crate::sso2::Sso2Flow::checkout_landing)
    /// advises) refuses even on loopback. So a test of a site whose paywall is another
    /// site, or of that origin check, must post the token from a page of your site: get it
    /// from [`paywall_checkout_token`](Self::paywall_checkout_token) and submit it in a
    /// form on your page, as the workspace's browser tests do with their `post_checkout`
    /// helper (`examples/tests/browser/paywall.rs`), and its news site's stand-in paywall
    /// does (`examples/src/news_site/paywall.rs`).
    pub fn paywall_checkout_url(&self, checkout_landing: &Url, product: &str) -> Url {
        let mut url = self.url_of(PAYWALL_CHECKOUT_PATH);
        url.query_pairs_mut()
            .append_pair("landing", checkout_landing.as_str())
            .append_pair("product", product);
        url
    }

    /// What buying `product` for `account_id` on the fake paywall posts: the product granted,
    /// a delegated ticket issued, and the signed `jwtToken` (`dtid`, `aid`, a minute long).
    pub fn paywall_checkout_token(&self, account_id: &str, product: &str) -> String {
        checkout_token(&mut self.shared.state(), account_id, product)
    }
}
