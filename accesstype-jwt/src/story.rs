//! The Story Attributes endpoint: Accesstype calls `GET {your endpoint}?story-id=...` and reads
//! a [`StoryAttributes`] body.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// The body of your Story Attributes endpoint: who may read a story.
///
/// Accesstype caches the answer for 3 minutes. `published-at` defaults to a 1990 epoch and
/// `access-level` to 0 on Accesstype's side when left out; `attributes` is needed when you
/// also serve a [`ContentTaxonomy`](crate::ContentTaxonomy).
///
/// ```
/// use accesstype_jwt::{StoryAttributes, Visibility};
///
/// let body = StoryAttributes::new(Visibility::Subscription)
///     .published_at_millis(1571716286097)
///     .access_level(999)
///     .attribute("section", ["sports", "cricket"]);
/// assert_eq!(
///     serde_json::to_string(&body).unwrap(),
///     r#"{"visibility":"subscription","published-at":1571716286097,"access-level":999,"attributes":[{"name":"section","values":["sports","cricket"]}]}"#,
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct StoryAttributes {
    /// Who may read the story. Required.
    pub visibility: Visibility,
    /// When the story was published, in milliseconds since the Unix epoch (`published-at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<u64>,
    /// A whole number plans can be limited by (`access-level`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_level: Option<u64>,
    /// The story's values of your custom attributes (see
    /// [`ContentTaxonomy`](crate::ContentTaxonomy)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<StoryAttribute>>,
}

impl StoryAttributes {
    /// Attributes with the given visibility and nothing else.
    #[must_use]
    pub fn new(visibility: Visibility) -> Self {
        Self {
            visibility,
            published_at: None,
            access_level: None,
            attributes: None,
        }
    }

    /// Sets `published-at` from a time; a time before 1970 is sent as 0.
    #[must_use]
    pub fn published_at(self, published: SystemTime) -> Self {
        let millis = published
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        self.published_at_millis(millis)
    }

    /// Sets `published-at` in milliseconds since the Unix epoch.
    #[must_use]
    pub fn published_at_millis(mut self, millis: u64) -> Self {
        self.published_at = Some(millis);
        self
    }

    /// Sets `access-level`.
    #[must_use]
    pub fn access_level(mut self, level: u64) -> Self {
        self.access_level = Some(level);
        self
    }

    /// Adds one custom attribute and the story's values of it.
    #[must_use]
    pub fn attribute<I, V>(mut self, name: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<String>,
    {
        self.attributes
            .get_or_insert_with(Vec::new)
            .push(StoryAttribute::new(name, values));
        self
    }
}

/// One custom attribute of a story and the story's values of it, e.g. `section`:
/// `["sports", "cricket"]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StoryAttribute {
    /// The attribute's name, as in the content taxonomy.
    pub name: String,
    /// The story's values (the taxonomy's `value` slugs).
    pub values: Vec<String>,
}

impl StoryAttribute {
    /// An attribute with the given name and values.
    pub fn new<I, V>(name: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<String>,
    {
        Self {
            name: name.into(),
            values: values.into_iter().map(Into::into).collect(),
        }
    }
}

/// Who may read a story; lowercase on the wire. Any other value fails to deserialise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Visibility {
    /// `subscription`: subscribers only.
    Subscription,
    /// `login`: any logged-in reader.
    Login,
    /// `public`: everyone.
    Public,
}

impl Visibility {
    /// The wire name: `subscription`, `login` or `public`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Subscription => "subscription",
            Self::Login => "login",
            Self::Public => "public",
        }
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The query Accesstype sends to your Story Attributes endpoint: `?story-id=...`.
///
/// Deserialise it with your framework's query extractor (axum's `Query`, actix's
/// `web::Query`), or with [`StoryAttributesQuery::from_query`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StoryAttributesQuery {
    /// The story's id (`story-id`).
    #[serde(rename = "story-id")]
    pub story_id: String,
}

impl StoryAttributesQuery {
    /// Reads `story-id` from a URL query string (without the `?`), percent-decoded. `None`
    /// when it is absent; the first one wins when it is repeated.
    #[must_use]
    pub fn from_query(query: &str) -> Option<Self> {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "story-id")
            .map(|(_, story_id)| Self {
                story_id: story_id.into_owned(),
            })
    }
}
