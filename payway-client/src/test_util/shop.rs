//! The fake Tulo Shop: a checkout page with a "Pay" button; paying issues a ticket and sends
//! the reader back to the `returnUrl` with it (ReturnUrl mode).

use http::{Method, StatusCode};
use percent_encoding::percent_decode_str;

use super::html::{self, absolute_url, escape};
use paywall_internal::fake::Reply;

use super::state::{Checkout, State};

/// Where the shop lives under the fake's base URL.
pub(crate) const SHOP_PREFIX: &str = "/shop/";

/// Answers a request under [`SHOP_PREFIX`].
pub(crate) fn answer(state: &mut State, method: &Method, path: &str, query: &str) -> Reply {
    let rest = path.strip_prefix(SHOP_PREFIX).unwrap_or_default();
    let pieces: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
    match (method, pieces.as_slice()) {
        (&Method::POST, ["checkout", id, "pay"]) => pay(state, id),
        (&Method::GET, [.., product]) => checkout_page(state, product, query),
        _ => not_found("There is no such page in this shop."),
    }
}

fn checkout_page(state: &mut State, product: &str, query: &str) -> Reply {
    let mut at = None;
    let mut return_url = None;
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if name.eq_ignore_ascii_case("at") {
            at = Some(value.into_owned());
        } else if name.eq_ignore_ascii_case("returnUrl") || name.eq_ignore_ascii_case("return_url")
        {
            return_url = Some(value.into_owned());
        }
    }
    let Some(return_url) = absolute_url(return_url.as_deref()) else {
        return page(
            StatusCode::BAD_REQUEST,
            "No way back",
            "This checkout needs an absolute returnUrl.",
        );
    };
    let product = percent_decode_str(product).decode_utf8_lossy().into_owned();
    // A reload of the page with the same `at` ticket is the same checkout.
    let existing = at
        .as_ref()
        .and_then(|at| state.checkout_by_at.get(at))
        .cloned();
    let id = match existing {
        Some(id) => id,
        None => {
            let account_id = at.as_deref().and_then(|at| state.use_ticket(at));
            let id = state.token("checkout");
            state.checkouts.insert(
                id.clone(),
                Checkout {
                    account_id,
                    product,
                    return_url,
                    ticket: None,
                },
            );
            if let Some(at) = at {
                state.checkout_by_at.insert(at, id.clone());
            }
            id
        }
    };
    let Some(checkout) = state.checkouts.get(&id) else {
        return not_found("This checkout is gone.");
    };
    let who = match &checkout.account_id {
        Some(account) => format!("logged in as account {}", escape(account)),
        None => "a new account will be created".to_owned(),
    };
    let body = format!(
        "<p>Product: <strong id=\"product\">{product}</strong></p>\n<p id=\"account\">{who}</p>\n\
         <form method=\"post\" action=\"{SHOP_PREFIX}checkout/{id}/pay\">\
         <button id=\"pay\" type=\"submit\">Pay</button></form>\n\
         <p>Afterwards you go back to <code>{back}</code>.</p>",
        product = escape(&checkout.product),
        back = escape(checkout.return_url.as_str()),
    );
    Reply::html(StatusCode::OK, document("Checkout", &body))
}

fn pay(state: &mut State, id: &str) -> Reply {
    let Some(checkout) = state.checkouts.get(id) else {
        return not_found("There is no such checkout.");
    };
    let mut back = checkout.return_url.clone();
    let ticket = match checkout.ticket.clone() {
        // A double click: the order is complete, the reader gets the same ticket.
        Some(ticket) => ticket,
        None => {
            let (account_id, product) = (checkout.account_id.clone(), checkout.product.clone());
            let account_id = account_id.unwrap_or_else(|| state.account_id());
            state.grant_product(&account_id, &product);
            let ticket = state.issue_ticket(&account_id);
            if let Some(checkout) = state.checkouts.get_mut(id) {
                checkout.account_id = Some(account_id);
                checkout.ticket = Some(ticket.clone());
            }
            ticket
        }
    };
    back.query_pairs_mut().append_pair("ticket", &ticket);
    Reply::see_other(back.as_str())
}

fn page(status: StatusCode, title: &str, text: &str) -> Reply {
    Reply::html(status, document(title, &format!("<p>{}</p>", escape(text))))
}

fn not_found(text: &str) -> Reply {
    page(StatusCode::NOT_FOUND, "Not found", text)
}

fn document(title: &str, body: &str) -> String {
    html::document(&format!("{title} - Tulo Shop (fake)"), title, body)
}
