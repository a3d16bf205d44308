//! How the fake answers what an account may read: `/me`, `/me/active_products` and
//! `accounts/active_products`, each with the token and scope the docs require.

use http::StatusCode;
use paywall_internal::fake::{Captured, Reply};
use serde_json::{Value, json};

use crate::validate::is_account_id;

use super::{
    ACCOUNT_READ_SCOPE, Answer, FakeAccount, ME_SCOPE, State, api_error, insufficient_scope,
    invalid_parameter, invalid_token, not_found, without_nulls,
};

impl State {
    pub(super) fn me(&self, call: &Captured, active_products: bool) -> Answer {
        let entry = self.bearer(call)?;
        let account_id = entry
            .account_id
            .as_ref()
            .ok_or_else(|| invalid_token("A server token has no reader"))?;
        // The docs: "Requirements: Identity yes, scope /external/me/w".
        if !entry.has_scope(ME_SCOPE) {
            return Err(insufficient_scope(ME_SCOPE));
        }
        let account = self
            .accounts
            .get(account_id)
            .ok_or_else(|| not_found("No such account"))?;
        let item = if active_products {
            let (include_articles, _) = include_articles_query(&call.query, &[])?;
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
        Ok(Reply::json(StatusCode::OK, &json!({ "item": item })))
    }

    /// `accounts/active_products?account_id=...[&include_articles=true]`, for a server
    /// token with `/external/account/r`.
    pub(super) fn account_active_products(&self, call: &Captured) -> Answer {
        let entry = self.bearer(call)?;
        if entry.account_id.is_some() || !entry.has_scope(ACCOUNT_READ_SCOPE) {
            return Err(insufficient_scope(ACCOUNT_READ_SCOPE));
        }
        let (include_articles, account_id) = include_articles_query(&call.query, &["account_id"])?;
        let account_id = account_id
            .ok_or_else(|| invalid_parameter("account_id", "The account id is missing"))?;
        if !is_account_id(&account_id) {
            let invalid = "The account id is not valid";
            return Err(invalid_parameter("account_id", invalid));
        }
        let account =
            (self.accounts.get(&account_id)).ok_or_else(|| not_found("No such account"))?;
        let item = products_item(&account_id, account, include_articles);
        Ok(Reply::json(StatusCode::OK, &json!({ "item": item })))
    }
}

/// The documented active-products item: `external_plus_products` when the account has
/// some, `active_articles` when asked for.
fn products_item(account_id: &str, account: &FakeAccount, include_articles: bool) -> Value {
    let articles = include_articles.then(|| {
        let article = |article: &super::FakeArticle| {
            let id = &article.article_id;
            json!({
                "article_id": id,
                "article_name": format!("Article {id}"),
                "article_url": format!("https://news.example.com/articles/{id}"),
                "title_name": "The Fake Times",
                "title_code": "news",
                "order_id": article.order_id,
                "purchase_date": "2024-01-01T00:00:00Z",
            })
        };
        account.articles.iter().map(article).collect::<Vec<_>>()
    });
    let plus = &account.external_plus_products;
    without_nulls(json!({
        "id": account_id,
        "active_products": account.products,
        "external_plus_products": (!plus.is_empty()).then_some(plus),
        "active_articles": articles,
    }))
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
            let (status, unknown) = (StatusCode::BAD_REQUEST, "Unknown parameter");
            return Err(api_error(status, "unknown_parameter", Some(&name), unknown));
        };
        if slot.replace(given.into_owned()).is_some() {
            return Err(invalid_parameter(&name, "The parameter is given twice"));
        }
    }
    match include_articles.as_deref() {
        None | Some("false") => Ok((false, value)),
        Some("true") => Ok((true, value)),
        Some(_) => Err(invalid_parameter(
            "include_articles",
            "Expected true or false",
        )),
    }
}
