//! Search-url endpoints: for an attribute with too many values to list, Accesstype calls
//! `GET {search-url}?q=...&limit=...` and reads a [`SearchResponse`].

use serde::{Deserialize, Serialize};
use url::Url;

use crate::taxonomy::AttributeValue;

/// The query Accesstype sends to a search-url endpoint: `?q=...&limit=...`.
///
/// Deserialise it with your framework's query extractor or with
/// [`SearchQuery::from_query`]; answer with the values that
/// [`match`](SearchQuery::matches), at most [`limit_or`](SearchQuery::limit_or) of them.
///
/// ```
/// use accesstype_jwt::{AttributeValue, SearchQuery, SearchResponse};
///
/// let sections = [
///     AttributeValue::new("Sports", "sports"),
///     AttributeValue::new("Science and Tech", "science"),
///     AttributeValue::new("Politics", "politics"),
/// ];
/// let query = SearchQuery::from_query("q=sc&limit=5").unwrap();
/// let found = sections
///     .iter()
///     .filter(|value| query.matches(value))
///     .take(query.limit_or(20, 100))
///     .cloned();
/// let body = SearchResponse::new("section", found);
/// assert_eq!(body.values, [AttributeValue::new("Science and Tech", "science")]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SearchQuery {
    /// What to search for; empty when absent.
    #[serde(default)]
    pub q: String,
    /// How many values to return at most, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

impl SearchQuery {
    /// A query for `q` with no limit.
    pub fn new(q: impl Into<String>) -> Self {
        Self {
            q: q.into(),
            limit: None,
        }
    }

    /// Sets the limit.
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Reads `q` and `limit` from a URL query string (without the `?`), percent-decoded; the
    /// first of a repeated parameter wins. `None` when `limit` is present but not a whole
    /// number that fits in a `u32`.
    #[must_use]
    pub fn from_query(query: &str) -> Option<Self> {
        let mut q = None;
        let mut limit = None;
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match &*name {
                "q" if q.is_none() => q = Some(value.into_owned()),
                "limit" if limit.is_none() => limit = Some(value.parse::<u32>().ok()?),
                _ => {}
            }
        }
        Some(Self {
            q: q.unwrap_or_default(),
            limit,
        })
    }

    /// The number of values to return: the requested limit capped at `max`, or `default`
    /// (also capped) when none was requested. Use it so that a hostile `limit` cannot make
    /// the endpoint return everything.
    #[must_use]
    pub fn limit_or(&self, default: usize, max: usize) -> usize {
        self.limit
            .map_or(default, |limit| {
                usize::try_from(limit).unwrap_or(usize::MAX)
            })
            .min(max)
    }

    /// Whether `value` matches the query: `q` (trimmed) occurs in its label or value,
    /// ignoring case. A blank `q` matches everything.
    #[must_use]
    pub fn matches(&self, value: &AttributeValue) -> bool {
        let needle = self.q.trim().to_lowercase();
        needle.is_empty()
            || value.label.to_lowercase().contains(&needle)
            || value.value.to_lowercase().contains(&needle)
    }

    /// `search_url` with this query's `q` and `limit` appended, percent-encoded; what
    /// Accesstype requests. Handy for testing your endpoint.
    #[must_use]
    pub fn to_url(&self, search_url: &Url) -> Url {
        let mut url = search_url.clone();
        url.query_pairs_mut().append_pair("q", &self.q);
        if let Some(limit) = self.limit {
            url.query_pairs_mut()
                .append_pair("limit", &limit.to_string());
        }
        url
    }
}

/// The body of a search-url endpoint: the attribute's name and the values found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResponse {
    /// The attribute's name, as in the content taxonomy.
    pub name: String,
    /// The values found.
    pub values: Vec<AttributeValue>,
}

impl SearchResponse {
    /// A response for the attribute `name` with the given values.
    pub fn new(name: impl Into<String>, values: impl IntoIterator<Item = AttributeValue>) -> Self {
        Self {
            name: name.into(),
            values: values.into_iter().collect(),
        }
    }
}
