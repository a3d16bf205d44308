//! The reader's account, `GET /external/api/v1/me`, and the reading helpers the account
//! answers share.

use std::fmt;

use paywall_internal::http::ErrorBody;
use reqwest::header::AUTHORIZATION;
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use url::Url;

use crate::ParseError;
use crate::client::PaywayClient;
use crate::error::Error;
use crate::http;
use crate::parse;
use crate::secret::AccessToken;
use crate::trace::{self, in_span};

/// A Payway account, from [`PaywayClient::me`].
///
/// Payway documents `/me` wrapped in `item` with snake_case names; the authorization-ticket
/// guide shows it flat in camelCase. Both read into this type, and every field this type
/// does not name is kept in [`extra`](Self::extra). An answer that repeats a member name, at
/// any depth, is refused.
///
/// `{:?}` prints the id and the products; the e-mail, names, customer number and address
/// print as `Some("[redacted]")`, and of [`extra`](Self::extra) only the names.
///
/// ```
/// use payway_client::Account;
///
/// let wrapped: Account = Account::from_json(br#"{"item":{"id":"a1","first_name":"Ada","user_products":[{"product_code":"premium"}]}}"#)?;
/// let flat: Account = Account::from_json(br#"{"id":"a1","firstName":"Ada","customerNumber":"C-7"}"#)?;
/// assert_eq!(wrapped.first_name.as_deref(), Some("Ada"));
/// assert_eq!(flat.first_name, wrapped.first_name);
/// assert_eq!(wrapped.products[0].product_code.as_deref(), Some("premium"));
/// # Ok::<(), payway_client::ParseError>(())
/// ```
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Account {
    /// The Payway account id.
    #[serde(deserialize_with = "string_or_number")]
    pub id: String,
    /// The account's e-mail address.
    pub email: Option<String>,
    /// First name (`first_name` / `firstName`).
    #[serde(alias = "firstName")]
    pub first_name: Option<String>,
    /// Last name (`last_name` / `lastName`).
    #[serde(alias = "lastName")]
    pub last_name: Option<String>,
    /// Customer number (`customer_number` / `customerNumber`).
    #[serde(
        default,
        alias = "customerNumber",
        deserialize_with = "optional_string_or_number"
    )]
    pub customer_number: Option<String>,
    /// Postal address, when the account has one.
    pub address: Option<Address>,
    /// The account's products (`user_products` / `userProducts` / `products`).
    #[serde(
        default,
        rename = "products",
        alias = "user_products",
        alias = "userProducts",
        deserialize_with = "null_as_empty"
    )]
    pub products: Vec<UserProduct>,
    /// Every other field Payway sent (`status`, `verified`, ...), as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A postal address; names in snake_case or camelCase. `{:?}` masks every field.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Address {
    /// Street and number.
    pub street: Option<String>,
    /// Postal code (`zip_code` / `zipCode`).
    #[serde(alias = "zipCode")]
    pub zip_code: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Country code (`country_code` / `countryCode`).
    #[serde(alias = "countryCode")]
    pub country_code: Option<String>,
    /// Every other field, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One of the account's products, as `/me` lists them. Dates are kept as Payway wrote them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserProduct {
    /// The product code (`product_code` / `productCode`).
    #[serde(alias = "productCode")]
    pub product_code: Option<String>,
    /// The title code (`title_code` / `titleCode`).
    #[serde(alias = "titleCode")]
    pub title_code: Option<String>,
    /// Start of validity (`valid_from` / `validFrom`).
    #[serde(alias = "validFrom")]
    pub valid_from: Option<String>,
    /// End of validity (`valid_to` / `validTo`).
    #[serde(alias = "validTo")]
    pub valid_to: Option<String>,
    /// The product's state.
    pub state: Option<String>,
    /// Every other field, as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Account {
    /// Reads a `/me` body in either shape (wrapped in `item`, or flat).
    ///
    /// # Errors
    ///
    /// A [`ParseError`] when the body is not JSON, repeats a member name, has no `id`, or a
    /// named field has the wrong type. The error never quotes the body.
    pub fn from_json(body: &[u8]) -> Result<Self, ParseError> {
        parse::read("account", body, |value| unwrap_item(value, "id"))
    }
}

/// `{"item": {...}}` → `{...}`, when the top level is only a wrapper (it has no member
/// `flat_member`, which an unwrapped answer has).
pub(crate) fn unwrap_item(value: Value, flat_member: &str) -> Value {
    match value {
        Value::Object(mut map)
            if !map.contains_key(flat_member) && map.get("item").is_some_and(Value::is_object) =>
        {
            map.remove("item").unwrap_or(Value::Null)
        }
        other => other,
    }
}

/// A non-empty string, or a number written as one.
fn string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = optional_string_or_number(deserializer)?.filter(|s| !s.is_empty());
    text.ok_or_else(|| serde::de::Error::custom("expected a non-empty string or a number"))
}

/// A string, or a number written as one; `null` is `None`.
pub(crate) fn optional_string_or_number<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        _ => Err(serde::de::Error::custom("expected a string or a number")),
    }
}

/// A list, with `null` read as an empty one.
pub(crate) fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

impl PaywayClient {
    /// The account the access token belongs to (`GET /external/api/v1/me`).
    ///
    /// The token must carry the scope `/external/me/w`, as Payway's docs require: tokens from
    /// [`exchange_ticket`](Self::exchange_ticket) ask for it by default.
    ///
    /// # Errors
    ///
    /// [`Error::Unauthorized`] when the token is invalid or expired; [`Error::Parse`] when
    /// the answer is not an account or repeats a member name (its text only through
    /// [`ParseError::expose_text`]); any other status (a `403` for a token without
    /// `/external/me/w`) or transport failure as the matching [`Error`].
    pub async fn me(&self, token: &AccessToken) -> Result<Account, Error> {
        let url = &self.inner.endpoints.me;
        let call = self.get_json(url, token, Account::from_json);
        in_span("me", self.inner.environment, trace::ok, call).await
    }

    /// `GET url` with the bearer token; the body of a `200` read by `from_json`. A parse
    /// error keeps the answer's text (these answers hold no secret), the token cut out.
    pub(crate) async fn get_json<T>(
        &self,
        url: &Url,
        token: &AccessToken,
        from_json: fn(&[u8]) -> Result<T, ParseError>,
    ) -> Result<T, Error> {
        let request = self
            .request(Method::GET, url)
            .header(AUTHORIZATION, http::bearer(token)?);
        let secrets = [token.expose_secret()];
        let answer = http::call(http::Endpoint::Resource, request, url, &secrets, |status| {
            status == StatusCode::OK
        })
        .await?;
        from_json(answer.bytes())
            .map_err(|error| parse::completed(error, &answer, &secrets, ErrorBody::Kept))
    }
}

/// `Some("[redacted]")` for a set field, `None` for an unset one.
pub(crate) fn masked<T>(field: &Option<T>) -> Option<&'static str> {
    field.as_ref().map(|_| paywall_internal::redact::MARK)
}

/// The names of the unknown fields, never their values (a phone number could be one).
pub(crate) struct Names<'a>(pub(crate) &'a Map<String, Value>);

impl fmt::Debug for Names<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("email", &masked(&self.email))
            .field("first_name", &masked(&self.first_name))
            .field("last_name", &masked(&self.last_name))
            .field("customer_number", &masked(&self.customer_number))
            .field("address", &self.address)
            .field("products", &self.products)
            .field("extra", &Names(&self.extra))
            .finish()
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Address")
            .field("street", &masked(&self.street))
            .field("zip_code", &masked(&self.zip_code))
            .field("city", &masked(&self.city))
            .field("country_code", &masked(&self.country_code))
            .field("extra", &Names(&self.extra))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_shape_keeps_unknown_fields() {
        let account = Account::from_json(
            br#"{"item":{"id":"5f1","email":"ada@example.com","status":"active","verified":true,
                "customer_number":12,"first_name":"Ada","last_name":"L",
                "address":{"street":"Main 1","zip_code":"111 22","city":"Sthlm","country_code":"SE","care_of":"B"},
                "user_products":[{"product_code":"premium","title_code":"news","valid_from":"2024-01-01","valid_to":null,"state":"active","x":1}]}}"#,
        )
        .unwrap();
        assert_eq!(account.id, "5f1");
        assert_eq!(account.customer_number.as_deref(), Some("12"));
        assert_eq!(account.extra.get("status"), Some(&Value::from("active")));
        let address = account.address.unwrap();
        assert_eq!(address.zip_code.as_deref(), Some("111 22"));
        assert_eq!(address.extra.get("care_of"), Some(&Value::from("B")));
        assert_eq!(account.products.len(), 1);
        assert_eq!(account.products[0].extra.get("x"), Some(&Value::from(1)));
    }

    #[test]
    fn flat_camel_case_shape() {
        let account = Account::from_json(
            br#"{"id":"account_123","email":"user@example.com","firstName":"John","lastName":"Doe",
                "customerNumber":"CUST001","address":{"street":"s","zipCode":"z","city":"c","countryCode":"SE"}}"#,
        )
        .unwrap();
        assert_eq!(account.last_name.as_deref(), Some("Doe"));
        assert_eq!(account.customer_number.as_deref(), Some("CUST001"));
        assert_eq!(account.address.unwrap().country_code.as_deref(), Some("SE"));
        assert!(account.products.is_empty());
        assert!(account.extra.is_empty());
    }

    #[test]
    fn garbage_and_repeated_members_are_refused() {
        // (body, refused for a repeated member name)
        for (bad, repeated) in [
            (&br#"{"item":{"email":"x"}}"#[..], false),
            (br#"{"id":""}"#, false),
            (br#"{"id":{}}"#, false),
            (br#"{"item":null}"#, false),
            (br#"[1,2]"#, false),
            (b"not json", false),
            (br#"{"id":"a","user_products":"no"}"#, false),
            (br#"{"id":"a","id":"b"}"#, true),
            (
                br#"{"item":{"id":"a","email":"x@example.com","email":"y@example.com"}}"#,
                true,
            ),
            (br#"{"item":{"id":"a"},"item":{"id":"b"}}"#, true),
            (
                br#"{"id":"a","user_products":[{"product_code":"p","product_code":"q"}]}"#,
                true,
            ),
        ] {
            let err = Account::from_json(bad).unwrap_err();
            let body = String::from_utf8_lossy(bad);
            assert_eq!(err.fault().is_repeated_member(), repeated, "{body}");
        }
    }

    #[test]
    fn debug_masks_personal_data() {
        let account = Account::from_json(
            br#"{"item":{"id":"acc-9","email":"ada@example.com","first_name":"Ada","last_name":"Lovelace",
                "customer_number":"C-77","mobile_number":"+46701234567",
                "address":{"street":"Main Street 1","zip_code":"111 22","city":"Sthlm","country_code":"SE","care_of":"Byron"},
                "user_products":[{"product_code":"premium"}]}}"#,
        )
        .unwrap();
        let shown = format!("{account:?} {account:#?}");
        for personal in [
            "ada@",
            "Ada\"",
            "Lovelace",
            "C-77",
            "+4670",
            "Main Street",
            "111 22",
            "Sthlm",
            "Byron",
        ] {
            assert!(!shown.contains(personal), "{personal} in {shown}");
        }
        for visible in [
            "acc-9",
            "premium",
            "mobile_number",
            "care_of",
            "Some(\"[redacted]\")",
        ] {
            assert!(shown.contains(visible), "{visible} not in {shown}");
        }
    }
}
