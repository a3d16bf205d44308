//! How the fake answers what an account may read: `/me`, `/me/active_products` and
//! `accounts/active_products`, each with the token and scope the docs require.

use http::StatusCode;
use paywall_internal::fake::{Captured, Reply};
use serde_json::{Value, json};

use super::{ACCOUNT_READ_SCOPE, FakeAccount, ME_SCOPE, State, invalid_parameter, not_found};

impl State {
    pub(super) fn me(&self, call: &Captured, active_products: bool) -> Reply {
        let entry = match self.bearer(call) {
            Ok(entry) => entry,
            Err(answer) => return answer,
        };
        let Some(account_id) = &entry.account_id else {
            return Reply::json(
                StatusCode::UNAUTHORIZED,
                &json!({"code": "invalid_token", "field": null, "message": "A server token has no reader"}),
            );
        };
        // The docs: "Requirements: Identity yes, scope /external/me/w".
        if !entry.has_scope(ME_SCOPE) {
            return insufficient_scope(ME_SCOPE);
        }
        let Some(account) = self.accounts.get(account_id) else {
            return not_found("No such account");
        };
        let item = if active_products {
            let include_articles = match include_articles_query(&call.query, &[]) {
                Ok((include_articles, _)) => include_articles,
                Err(answer) => return answer,
            };
            products_item(account_id, account, include_articles)
        } else {
            let products: Vec<Value> = account
                .products
                .iter()
                .map(|code| json!({"product_code": code, "title_code": "news", "state": "active"}))
                .collect();
            json!({
                "id": account_id,
                "email": account.email,
                "status": "active",
                "verified": true,
                "customer_number": format!("C-{account_id}"),
                "first_name": "Ada",
                "last_name": "Lovelace",
                "user_products": products,
            })
        };
        Reply::json(StatusCode::OK, &json!({ "item": item }))
    }

    /// `accounts/active_products?account_id=...[&include_articles=true]`, for a server
    /// token with `/external/account/r`.
    pub(super) fn account_active_products(&self, call: &Captured) -> Reply {
        let entry = match self.bearer(call) {
            Ok(entry) => entry,
            Err(answer) => return answer,
        };
        if entry.account_id.is_some() || !entry.has_scope(ACCOUNT_READ_SCOPE) {
            return insufficient_scope(ACCOUNT_READ_SCOPE);
        }
        let (include_articles, account_id) =
            match include_articles_query(&call.query, &["account_id"]) {
                Ok(read) => read,
                Err(answer) => return answer,
            };
        let Some(account_id) = account_id else {
            return invalid_parameter("account_id", "The account id is missing");
        };
        if !is_account_id(&account_id) {
            return invalid_parameter("account_id", "The account id is not valid");
        }
        match self.accounts.get(&account_id) {
            Some(account) => Reply::json(
                StatusCode::OK,
                &json!({ "item": products_item(&account_id, account, include_articles) }),
            ),
            None => not_found("No such account"),
        }
    }
}

/// The documented active-products item: `external_plus_products` when the account has
/// some, `active_articles` when asked for.
fn products_item(account_id: &str, account: &FakeAccount, include_articles: bool) -> Value {
    let mut item = json!({"id": account_id, "active_products": account.products});
    if let Some(object) = item.as_object_mut() {
        if !account.external_plus_products.is_empty() {
            object.insert(
                "external_plus_products".to_owned(),
                json!(account.external_plus_products),
            );
        }
        if include_articles {
            let articles: Vec<Value> = account
                .articles
                .iter()
                .map(|article| {
                    json!({
                        "article_id": article.article_id,
                        "article_name": format!("Article {}", article.article_id),
                        "article_url": format!("https://news.example.com/articles/{}", article.article_id),
                        "title_name": "The Fake Times",
                        "title_code": "news",
                        "order_id": article.order_id,
                        "purchase_date": "2024-01-01T00:00:00Z",
                    })
                })
                .collect();
            object.insert("active_articles".to_owned(), Value::from(articles));
        }
    }
    item
}

/// Reads a query of `include_articles` (`true` or `false`) and at most one other parameter,
/// the one `other` names: `(include_articles, other's value)`. Anything else, or a parameter
/// given twice, is the `400` Payway answers.
fn include_articles_query(query: &str, other: &[&str]) -> Result<(bool, Option<String>), Reply> {
    let mut include_articles = None;
    let mut value = None;
    for (name, given) in url::form_urlencoded::parse(query.as_bytes()) {
        let slot = if name == "include_articles" {
            &mut include_articles
        } else if other.contains(&name.as_ref()) {
            &mut value
        } else {
            return Err(Reply::json(
                StatusCode::BAD_REQUEST,
                &json!({"code": "unknown_parameter", "field": name, "message": "Unknown parameter"}),
            ));
        };
        if slot.replace(given.into_owned()).is_some() {
            return Err(invalid_parameter(&name, "The parameter is given twice"));
        }
    }
    let include_articles = match include_articles.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(invalid_parameter(
                "include_articles",
                "Expected true or false",
            ));
        }
    };
    Ok((include_articles, value))
}

/// Payway's account id check, `/^[a-f\d]{24}$/`.
fn is_account_id(id: &str) -> bool {
    id.len() == 24 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn insufficient_scope(scope: &str) -> Reply {
    Reply::json(
        StatusCode::FORBIDDEN,
        &json!({"code": "insufficient_scope", "field": null, "message": format!("The access token lacks the scope {scope}")}),
    )
}
