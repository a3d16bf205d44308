//! Tulo Shop on the news site (seed 003): "Subscribe" sends the reader to the shop, the shop
//! sends them back with a one-time ticket, the site exchanges it and starts its own session.
//!
//! What a publisher copies: `subscribe` (a shop link whose `returnUrl` is bound to this
//! browser by a `LoginState`, its cookie set with the redirect) and `welcome_back`, whose
//! `TicketReturn` argument refuses a foreign `returnUrl` and a return opened in another
//! browser (before its ticket is claimed or sent), and whose `login_with_ticket` refuses a
//! ticket used twice.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use payway_client::axum::TicketReturn;
use payway_client::axum::TicketReturnRejection;
use payway_client::{CallbackError, LoginState, ShopUrl, TicketLogin};

use super::articles::{self, Gate, PRODUCT};
use super::home::{article_page, body};
use super::html::{escape, page, paywall};
use super::logins::{Login, LoginRefused, clear_cookie};
use super::site::Site;

/// `GET /shop/articles/{slug}`
pub(crate) async fn story_page(
    State(site): State<Site>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(article) = articles::find(Gate::Shop, &slug) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let subscribe = format!(
        r#"<a class="button" id="subscribe" href="/shop/subscribe?article={}">Subscribe</a>"#,
        escape(article.slug)
    );
    let content = match site.logins.find(&headers) {
        Some(login) if login.products.iter().any(|p| p == PRODUCT) => format!(
            r#"<p class="signed-in" id="signed-in">Logged in as Payway account {}.</p>{}{}"#,
            escape(&login.account_id),
            logout(article),
            body(article)
        ),
        Some(login) => paywall(
            "subscribers",
            &format!(
                "Payway account {} has no active {PRODUCT} subscription.",
                login.account_id
            ),
            &format!("{subscribe}{}", logout(article)),
        ),
        None => paywall(
            "subscribers",
            "You are not logged in: subscribe in Tulo Shop, and you come back logged in.",
            &subscribe,
        ),
    };
    article_page(article, &content).into_response()
}

/// A "Log out" button that comes back to `article`.
fn logout(article: &articles::Article) -> String {
    format!(
        r#"<form method="post" action="/logout?return={}"><button class="secondary" id="logout" type="submit">Log out</button></form>"#,
        escape(&article.path())
    )
}

/// The query of `/shop/subscribe`.
#[derive(serde::Deserialize)]
pub(crate) struct Subscribe {
    article: String,
}

/// `GET /shop/subscribe?article=...`: to the shop, with the way back bound to this browser.
pub(crate) async fn subscribe(
    State(site): State<Site>,
    Query(query): Query<Subscribe>,
    headers: HeaderMap,
) -> Response {
    let Some(article) = articles::find(Gate::Shop, &query.article) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut back = site
        .url
        .join("/shop/welcome-back")
        .unwrap_or_else(|_| site.url.clone());
    back.query_pairs_mut().append_pair("article", article.slug);
    // The way back carries this login's state; only the cookie set with this redirect
    // matches it, so the shop's return works in this browser and nowhere else.
    let Ok(state) = LoginState::new() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let back = state.bind(&back);
    let link = ShopUrl::builder(site.fakes.payway.shop_base_url())
        .path(["daily", PRODUCT])
        .return_url(back.as_str())
        .campaign("demo")
        .build();
    match link {
        // The state cookie, after the clearing of the oldest this browser holds.
        Ok(link) => (
            state.set_cookies_for(
                headers
                    .get_all(header::COOKIE)
                    .iter()
                    .map(HeaderValue::as_bytes),
            ),
            Redirect::to(link.as_str()),
        )
            .into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}

/// The query of `/shop/welcome-back` beside the ticket.
#[derive(serde::Deserialize)]
pub(crate) struct WelcomeBack {
    article: Option<String>,
}

/// `GET /shop/welcome-back?article=...&pw_state=...&ticket=...`: the reader is back from the
/// shop.
pub(crate) async fn welcome_back(
    State(site): State<Site>,
    Query(query): Query<WelcomeBack>,
    headers: HeaderMap,
    back: Result<TicketReturn, TicketReturnRejection>,
) -> Response {
    let article = query
        .article
        .as_deref()
        .and_then(|slug| articles::find(Gate::Shop, slug))
        .map_or_else(|| "/".to_owned(), articles::Article::path);
    let back = match back {
        Ok(back) => back,
        // Opened in another browser (a leaked or planted link), or past the login's ten
        // minutes: nothing is set and the ticket is neither claimed nor sent. The reader
        // starts again from the story, in their own browser.
        Err(rejection) if matches!(rejection.reason(), CallbackError::NotThisBrowser(_)) => {
            return message(
                StatusCode::FORBIDDEN,
                "This login was not started in this browser",
                "The link back from the shop works only in the browser that went to the shop. \
                 Nothing was changed; open the story and subscribe or log in from here.",
                &article,
            );
        }
        Err(rejection) => {
            return message(
                rejection.status(),
                "This is not a way back from the shop",
                &format!("The link was refused ({}).", rejection.code()),
                &article,
            );
        }
    };
    // From here on every answer clears the login's state cookie: the return was this
    // browser's, and it is spent.
    let clear_state = back.set_cookies().clone();
    let answer = log_in(&site, &back, &headers, &article).await;
    (clear_state, answer).into_response()
}

/// The ticket login of a return bound to this browser, and the site's own session.
async fn log_in(site: &Site, back: &TicketReturn, headers: &HeaderMap, article: &str) -> Response {
    match site
        .payway
        .login_with_ticket(back.ticket(), &*site.tickets)
        .await
    {
        Ok(TicketLogin::LoggedIn { account, token }) => {
            // Without the account's products the site cannot tell a subscriber: no session
            // that would show them the paywall, but a page that says what happened.
            let Ok(active) = site.payway.active_products(&token.access_token).await else {
                return message(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Your subscription could not be read",
                    "You are back from the shop, but Payway did not answer. Please log in again \
                     in a moment.",
                    article,
                );
            };
            let products = active.product_codes;
            let login = Login {
                account_id: account.id,
                products,
            };
            match site.logins.start(login, headers) {
                // The ticket stays behind: the reader lands on the story's clean URL.
                Ok(cookie) => {
                    ([(header::SET_COOKIE, cookie)], Redirect::to(article)).into_response()
                }
                // A link someone else sent must not switch the reader's account.
                Err(LoginRefused::OtherAccountLive) => message(
                    StatusCode::CONFLICT,
                    "You are logged in with another account",
                    "This browser is already logged in with another Payway account, so this \
                     login was refused. Log out first if you want to switch accounts.",
                    article,
                ),
                // Two session cookies: neither is trusted, and ours is cleared.
                Err(LoginRefused::Repeated) => (
                    [(header::SET_COOKIE, clear_cookie())],
                    message(
                        StatusCode::BAD_REQUEST,
                        "Your login cookie was sent twice",
                        "Neither copy is trusted. Please go through the shop again.",
                        article,
                    ),
                )
                    .into_response(),
                Err(LoginRefused::Random) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                // A reason the reader can see, and a status that says to come back.
                Err(LoginRefused::Full) => message(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Too many readers are logged in right now",
                    "Your purchase is safe. Please try logging in again in a few minutes.",
                    article,
                ),
            }
        }
        Ok(TicketLogin::AlreadyUsed) => message(
            StatusCode::CONFLICT,
            "This login link was already used",
            "Each link from the shop logs in once. If you are logged in already, the story is \
             waiting for you.",
            article,
        ),
        Ok(_) => message(
            StatusCode::UNAUTHORIZED,
            "This login link has expired or is invalid",
            "Please go through the shop again.",
            article,
        ),
        Err(_) => message(
            StatusCode::SERVICE_UNAVAILABLE,
            "The login could not be checked",
            "Payway could not be reached; please try again in a moment.",
            article,
        ),
    }
}

fn message(status: StatusCode, title: &str, text: &str, article: &str) -> Response {
    let html = page(
        title,
        &format!(
            r#"<h1 id="message-title">{}</h1><p class="notice">{}</p><p><a class="button" href="{}">Back to the story</a></p>"#,
            escape(title),
            escape(text),
            escape(article)
        ),
    );
    (status, html).into_response()
}
