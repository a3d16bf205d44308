//! What an account may use now: `GET /external/api/v1/me/active_products` with the reader's
//! token, and `GET /external/api/v1/accounts/active_products` with a server token.

use std::fmt;

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;

use crate::ParseError;
use crate::account::{Names, masked, null_as_empty, optional_string_or_number, unwrap_item};
use crate::client::PaywayClient;
use crate::error::Error;
use crate::parse;
use crate::secret::AccessToken;
use crate::trace::{self, in_span};
use crate::validate::is_account_id;

/// The scope of the server token [`PaywayClient::account_active_products`] asks for (and
/// caches): reading accounts, `/external/account/r`.
///
/// Pass it to [`PaywayClient::forget_server_token`] to drop that cached token.
pub const ACCOUNT_READ_SCOPE: &str = "/external/account/r";

/// What `account_active_products` calls the answer in errors.
const WHAT: &str = "active products list";

/// The products (and single articles) an account may use now, from
/// [`PaywayClient::active_products`], [`PaywayClient::active_products_with_articles`] or
/// [`PaywayClient::account_active_products`]: what Payway recommends for access checks.
///
/// Payway documents the answer as `{"item": {"id", "active_products": [codes]}}`; with
/// external plus products enabled for your organisation the item also lists
/// `external_plus_products`, and when articles were asked for, `active_articles`. Flat and
/// camelCase answers read too. An answer that repeats a member name, at any depth, is
/// refused.
///
/// ```
/// use payway_client::ActiveProducts;
///
/// let active = ActiveProducts::from_json(br#"{"item":{"id":"5f3c9a1b2c4d5e6f7a8b9c0d",
///     "active_products":["premium"],"external_plus_products":["print"],
///     "active_articles":[{"article_id":"a-42","title_code":"news","order_id":"o-1"}]}}"#)?;
/// assert!(active.contains("premium"));
/// assert!(!active.contains("print")); // an external plus product is listed apart
/// assert!(active.contains_external_plus("print"));
/// assert!(active.has_article("a-42"));
/// # Ok::<(), payway_client::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ActiveProducts {
    /// The account id, when Payway included it.
    pub account_id: Option<String>,
    /// The active product codes (`active_products`).
    pub product_codes: Vec<String>,
    /// The active external plus product codes (`external_plus_products`), when your
    /// organisation has external plus products; empty otherwise. Not part of
    /// [`contains`](Self::contains): whether they grant access is your site's decision.
    pub external_plus_products: Vec<String>,
    /// The single articles the account bought (`active_articles`), when they were asked for
    /// ([`PaywayClient::active_products_with_articles`], or `include_articles` of
    /// [`PaywayClient::account_active_products`]); empty otherwise.
    pub active_articles: Vec<ActiveArticle>,
}

/// A single article an account bought, from `active_articles`. Names in snake_case or
/// camelCase; ids as strings or numbers; the purchase date kept as Payway wrote it.
///
/// `{:?}` prints the article and its title, masks the order id and purchase date (they
/// describe the reader's purchase), and of [`extra`](Self::extra) only the names.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ActiveArticle {
    /// The article's id in your site (`article_id` / `articleId`).
    #[serde(alias = "articleId", deserialize_with = "optional_string_or_number")]
    pub article_id: Option<String>,
    /// The article's name (`article_name` / `articleName`).
    #[serde(alias = "articleName")]
    pub article_name: Option<String>,
    /// The article's URL (`article_url` / `articleUrl`).
    #[serde(alias = "articleUrl")]
    pub article_url: Option<String>,
    /// The title's name (`title_name` / `titleName`).
    #[serde(alias = "titleName")]
    pub title_name: Option<String>,
    /// The title's code (`title_code` / `titleCode`).
    #[serde(alias = "titleCode")]
    pub title_code: Option<String>,
    /// The order the article was bought in (`order_id` / `orderId`).
    #[serde(alias = "orderId", deserialize_with = "optional_string_or_number")]
    pub order_id: Option<String>,
    /// When it was bought (`purchase_date` / `purchaseDate`), as Payway wrote it.
    #[serde(alias = "purchaseDate")]
    pub purchase_date: Option<String>,
    /// Every other field Payway sent, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What Payway knows of an account, from [`PaywayClient::account_active_products`].
/// Anything but [`Found`](Self::Found) means: no access.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
#[must_use = "only `AccountProducts::Found` lists products the account may use"]
pub enum AccountProducts {
    /// The account exists; what it may use now.
    Found(ActiveProducts),
    /// Payway has no such account (`404 not_found`).
    UnknownAccount,
}

impl AccountProducts {
    /// The account's active products, `None` for an unknown account.
    pub fn products(&self) -> Option<&ActiveProducts> {
        match self {
            Self::Found(products) => Some(products),
            Self::UnknownAccount => None,
        }
    }

    /// Like [`products`](Self::products), by value.
    pub fn into_products(self) -> Option<ActiveProducts> {
        match self {
            Self::Found(products) => Some(products),
            Self::UnknownAccount => None,
        }
    }

    /// `true` when the account exists and `product_code` is active
    /// ([`ActiveProducts::contains`]); `false` for an unknown account.
    pub fn contains(&self, product_code: &str) -> bool {
        self.products().is_some_and(|p| p.contains(product_code))
    }

    /// `true` when the account exists and bought the article
    /// ([`ActiveProducts::has_article`]); `false` for an unknown account.
    pub fn has_article(&self, article_id: &str) -> bool {
        self.products().is_some_and(|p| p.has_article(article_id))
    }

    /// The outcome in one word, for a span.
    fn label(&self) -> &'static str {
        match self {
            Self::Found(_) => "found",
            Self::UnknownAccount => "unknown_account",
        }
    }
}

impl ActiveProducts {
    /// `true` when `product_code` is one of the active [`product_codes`](Self::product_codes).
    pub fn contains(&self, product_code: &str) -> bool {
        self.product_codes.iter().any(|c| c == product_code)
    }

    /// `true` when `product_code` is one of the
    /// [`external_plus_products`](Self::external_plus_products).
    pub fn contains_external_plus(&self, product_code: &str) -> bool {
        self.external_plus_products
            .iter()
            .any(|c| c == product_code)
    }

    /// `true` when one of the [`active_articles`](Self::active_articles) has this
    /// `article_id`. Always `false` when articles were not asked for.
    pub fn has_article(&self, article_id: &str) -> bool {
        self.active_articles
            .iter()
            .any(|a| a.article_id.as_deref() == Some(article_id))
    }

    /// Reads an active-products body: `{"item": {"id", "active_products": [...],
    /// "external_plus_products": [...], "active_articles": [...]}}`, flat, or camelCase;
    /// product codes as strings or as objects with a `product_code`.
    ///
    /// # Errors
    ///
    /// A [`ParseError`] when the body is not JSON, repeats a member name, has no list of
    /// active products, or has an article that is not an object of the documented fields.
    /// The error never quotes the body.
    pub fn from_json(body: &[u8]) -> Result<Self, ParseError> {
        let raw: RawActiveProducts = parse::read(WHAT, body, |value| unwrap_item(value, "id"))?;
        Ok(Self {
            account_id: raw.id,
            product_codes: codes(raw.active_products),
            external_plus_products: codes(raw.external_plus_products),
            active_articles: raw.active_articles,
        })
    }
}

#[derive(Deserialize)]
struct RawActiveProducts {
    #[serde(default, deserialize_with = "optional_string_or_number")]
    id: Option<String>,
    #[serde(alias = "activeProducts", deserialize_with = "null_as_empty")]
    active_products: Vec<Value>,
    #[serde(
        default,
        alias = "externalPlusProducts",
        deserialize_with = "null_as_empty"
    )]
    external_plus_products: Vec<Value>,
    #[serde(default, alias = "activeArticles", deserialize_with = "null_as_empty")]
    active_articles: Vec<ActiveArticle>,
}

/// Product codes, written as strings or as objects naming a code; other entries are skipped.
fn codes(entries: Vec<Value>) -> Vec<String> {
    entries
        .into_iter()
        .filter_map(|entry| match entry {
            Value::String(code) => Some(code),
            Value::Object(map) => ["product_code", "productCode", "code"]
                .iter()
                .find_map(|k| map.get(*k).and_then(Value::as_str))
                .map(str::to_owned),
            _ => None,
        })
        .collect()
}

impl PaywayClient {
    /// The reader's active product codes (`GET /external/api/v1/me/active_products`).
    ///
    /// The token must carry the scope `/external/me/w` (Payway answers `403` otherwise):
    /// tokens from [`exchange_ticket`](Self::exchange_ticket) ask for it by default.
    ///
    /// # Errors
    ///
    /// As [`me`](Self::me); a `403` (a token without `/external/me/w`) is
    /// [`Error::UnexpectedStatus`].
    pub async fn active_products(&self, token: &AccessToken) -> Result<ActiveProducts, Error> {
        let url = &self.inner.endpoints.active_products;
        let call = self.get_json(url, token, ActiveProducts::from_json);
        in_span("active_products", self.inner.environment, trace::ok, call).await
    }

    /// Like [`active_products`](Self::active_products), with the single articles the reader
    /// bought (`?include_articles=true`): [`ActiveProducts::active_articles`].
    ///
    /// # Errors
    ///
    /// As [`active_products`](Self::active_products).
    pub async fn active_products_with_articles(
        &self,
        token: &AccessToken,
    ) -> Result<ActiveProducts, Error> {
        let url = products_url(&self.inner.endpoints.active_products, None, true);
        let call = self.get_json(&url, token, ActiveProducts::from_json);
        let operation = "active_products_with_articles";
        in_span(operation, self.inner.environment, trace::ok, call).await
    }

    /// What the account may use now, without a reader token
    /// (`GET /external/api/v1/accounts/active_products?account_id=...`): for a site that
    /// knows the account id (a verified `T_ID`'s `prn`, a session of its own) and decides
    /// access on its server.
    ///
    /// Authenticates with a server token of scope [`ACCOUNT_READ_SCOPE`] from
    /// [`server_token`](Self::server_token), so it is cached and shared like every server
    /// token; when Payway refuses that token (`401`), it is forgotten and the next call
    /// asks for a new one (this call is not repeated). With `include_articles`, the query
    /// adds `include_articles=true` and the answer lists the single articles the account
    /// bought; without it, the parameter is left out, as Payway's docs mark it optional.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an account id that is not 24 lowercase hexadecimal digits
    /// (Payway's own rule, `/^[a-f\d]{24}$/`): nothing is sent, not even a token request.
    /// [`Error::ServerToken`] when the server token cannot be had; [`Error::BadRequest`]
    /// when Payway refuses the request (`400 invalid_parameter`, its body in the
    /// [`ProviderError`](crate::ProviderError)); [`Error::Unauthorized`] for a refused
    /// token; [`Error::UnexpectedStatus`] for any other status (a `403`: your API client
    /// may not read accounts); [`Error::InvalidResponse`] when the answer names another
    /// account than the one asked for; parse and transport failures as the matching
    /// [`Error`].
    ///
    /// ```no_run
    /// use payway_client::{AccountProducts, PaywayClient};
    ///
    /// async fn may_read(payway: &PaywayClient, account_id: &str) -> Result<bool, payway_client::Error> {
    ///     let products = payway.account_active_products(account_id, false).await?;
    ///     Ok(matches!(products, AccountProducts::Found(ref p) if p.contains("premium")))
    /// }
    /// ```
    pub async fn account_active_products(
        &self,
        account_id: &str,
        include_articles: bool,
    ) -> Result<AccountProducts, Error> {
        if !is_account_id(account_id) {
            return Err(Error::InvalidInput {
                what: "account id",
                reason: "it is not 24 lowercase hexadecimal digits",
            });
        }
        let call = async {
            let token = self.server_token(&[ACCOUNT_READ_SCOPE]).await?;
            let endpoint = &self.inner.endpoints.account_active_products;
            let url = products_url(endpoint, Some(account_id), include_articles);
            let products = match self.get_json(&url, &token, ActiveProducts::from_json).await {
                Ok(products) => products,
                Err(Error::UnexpectedStatus(details))
                    if details.status() == StatusCode::NOT_FOUND
                        && details.code() == Some("not_found") =>
                {
                    return Ok(AccountProducts::UnknownAccount);
                }
                Err(error @ Error::Unauthorized(_)) => {
                    // One scope: its cache key is the scope itself.
                    self.inner.server_tokens.forget(ACCOUNT_READ_SCOPE);
                    return Err(error);
                }
                Err(error) => return Err(error),
            };
            if products
                .account_id
                .as_deref()
                .is_some_and(|id| id != account_id)
            {
                return Err(Error::InvalidResponse {
                    what: WHAT,
                    reason: "it is for another account than the one asked for",
                });
            }
            Ok(AccountProducts::Found(products))
        };
        let operation = "account_active_products";
        in_span(
            operation,
            self.inner.environment,
            AccountProducts::label,
            call,
        )
        .await
    }
}

/// `{endpoint}[?account_id={id}][&include_articles=true]`.
fn products_url(endpoint: &Url, account_id: Option<&str>, include_articles: bool) -> Url {
    let mut url = endpoint.clone();
    let account = account_id.map(|id| ("account_id", id));
    let articles = include_articles.then_some(("include_articles", "true"));
    let pairs: Vec<_> = account.into_iter().chain(articles).collect();
    if !pairs.is_empty() {
        url.query_pairs_mut().extend_pairs(pairs);
    }
    url
}

impl fmt::Debug for ActiveArticle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActiveArticle")
            .field("article_id", &self.article_id)
            .field("article_name", &self.article_name)
            .field("article_url", &self.article_url)
            .field("title_name", &self.title_name)
            .field("title_code", &self.title_code)
            .field("order_id", &masked(&self.order_id))
            .field("purchase_date", &masked(&self.purchase_date))
            .field("extra", &Names(&self.extra))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_products_shapes() {
        let wrapped = ActiveProducts::from_json(
            br#"{"item":{"id":"a1","active_products":["premium","plus"]}}"#,
        )
        .unwrap();
        assert_eq!(wrapped.account_id.as_deref(), Some("a1"));
        assert!(wrapped.contains("plus"));
        assert!(!wrapped.contains("gold"));
        assert!(wrapped.external_plus_products.is_empty());
        assert!(wrapped.active_articles.is_empty());
        let camel =
            ActiveProducts::from_json(br#"{"activeProducts":[{"productCode":"x"},7,null]}"#)
                .unwrap();
        assert_eq!(camel.product_codes, vec!["x".to_owned()]);
        assert!(ActiveProducts::from_json(br#"{"item":{"id":"a1"}}"#).is_err());
    }

    #[test]
    fn external_plus_products_and_articles() {
        let active = ActiveProducts::from_json(
            br#"{"item":{"id":"a1","active_products":[],"external_plus_products":["print",{"product_code":"ext"}],
                "active_articles":[{"article_id":"art-1","article_name":"Budget day","article_url":"https://news.example.com/a/1",
                "title_name":"The Times","title_code":"times","order_id":991,"purchase_date":"2024-03-01T10:00:00Z","price":29}]}}"#,
        )
        .unwrap();
        assert_eq!(active.external_plus_products, ["print", "ext"]);
        assert!(active.contains_external_plus("ext") && !active.contains("ext"));
        let text = |s: &str| Some(s.to_owned());
        let article = ActiveArticle {
            article_id: text("art-1"),
            article_name: text("Budget day"),
            article_url: text("https://news.example.com/a/1"),
            title_name: text("The Times"),
            title_code: text("times"),
            order_id: text("991"),
            purchase_date: text("2024-03-01T10:00:00Z"),
            extra: Map::from_iter([("price".to_owned(), Value::from(29))]),
        };
        assert_eq!(active.active_articles, [article]);
        assert!(active.has_article("art-1") && !active.has_article("art-2"));

        let camel = ActiveProducts::from_json(
            br#"{"activeProducts":["p"],"externalPlusProducts":null,"activeArticles":[{"articleId":7,"orderId":"o-2","purchaseDate":"2024"}]}"#,
        )
        .unwrap();
        assert!(camel.external_plus_products.is_empty());
        assert!(camel.has_article("7"));
        assert_eq!(camel.active_articles[0].order_id.as_deref(), Some("o-2"));
    }

    #[test]
    fn malformed_articles_and_repeats_are_refused() {
        for bad in [
            &br#"{"active_products":[],"active_articles":["art-1"]}"#[..],
            br#"{"active_products":[],"active_articles":[{"article_id":{}}]}"#,
            br#"{"active_products":[],"active_articles":[{"purchase_date":5}]}"#,
            br#"{"active_products":[],"active_articles":{"article_id":"a"}}"#,
            br#"{"active_products":[],"external_plus_products":"print"}"#,
        ] {
            let err = ActiveProducts::from_json(bad).unwrap_err();
            let body = String::from_utf8_lossy(bad);
            assert!(!err.fault().is_repeated_member(), "{body}");
        }
        for bad in [
            &br#"{"item":{"id":"a","active_products":[],"active_products":["premium"]}}"#[..],
            br#"{"active_products":[],"active_articles":[{"article_id":"a","article_id":"b"}]}"#,
            br#"{"active_products":[],"external_plus_products":[],"external_plus_products":["x"]}"#,
        ] {
            let err = ActiveProducts::from_json(bad).unwrap_err();
            let body = String::from_utf8_lossy(bad);
            assert!(err.fault().is_repeated_member(), "{body}");
        }
    }

    #[test]
    fn article_debug_masks_the_purchase() {
        let active = ActiveProducts::from_json(
            br#"{"active_products":["premium"],"active_articles":[{"article_id":"art-9","title_code":"times",
                "order_id":"ord-5551234","purchase_date":"2024-03-01T10:00:00Z","buyer_phone":"+46701234567"}]}"#,
        )
        .unwrap();
        let shown = format!("{active:?} {active:#?}");
        for hidden in ["ord-555", "2024-03-01", "+4670"] {
            assert!(!shown.contains(hidden), "{hidden} in {shown}");
        }
        for visible in ["art-9", "times", "premium", "buyer_phone", "[redacted]"] {
            assert!(shown.contains(visible), "{visible} not in {shown}");
        }
    }

    #[test]
    fn outcomes_answer_for_unknown_accounts_too() {
        let found = AccountProducts::Found(
            ActiveProducts::from_json(
                br#"{"active_products":["premium"],"active_articles":[{"article_id":"a"}]}"#,
            )
            .unwrap(),
        );
        assert!(found.contains("premium") && found.has_article("a"));
        assert_eq!(found.label(), "found");
        let unknown = AccountProducts::UnknownAccount;
        assert!(!unknown.contains("premium") && !unknown.has_article("a"));
        assert!(unknown.products().is_none() && unknown.into_products().is_none());
        assert!(found.into_products().is_some());
    }

    #[test]
    fn the_account_query() {
        let endpoint =
            Url::parse("https://backend.worldoftulo.com/external/api/v1/accounts/active_products")
                .unwrap();
        let id = "5f3c9a1b2c4d5e6f7a8b9c0d";
        let query = |id, articles| {
            products_url(&endpoint, id, articles)
                .query()
                .map(str::to_owned)
        };
        assert_eq!(query(None, false), None);
        assert_eq!(query(None, true).as_deref(), Some("include_articles=true"));
        assert_eq!(
            query(Some(id), false).as_deref(),
            Some("account_id=5f3c9a1b2c4d5e6f7a8b9c0d")
        );
        assert_eq!(
            query(Some(id), true).as_deref(),
            Some("account_id=5f3c9a1b2c4d5e6f7a8b9c0d&include_articles=true")
        );
    }
}
