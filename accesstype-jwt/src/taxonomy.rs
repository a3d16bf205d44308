//! The Content Taxonomy endpoint: your custom attributes and their possible values, which
//! Accesstype lets you build subscription plans from.

use std::collections::{HashMap, HashSet};
use std::ops::Deref;

use paywall_internal::text::{is_bidi_control, is_hidden};
use serde::{Deserialize, Serialize};
use url::Url;

/// At most this many distinct attributes per content type.
pub const MAX_TAXONOMY_ATTRIBUTES: usize = 10;

/// Attribute names Accesstype reserves for [`StoryAttributes`](crate::StoryAttributes)' own
/// fields; a taxonomy may not use them.
pub const RESERVED_ATTRIBUTE_NAMES: [&str; 3] = ["visibility", "published-at", "access-level"];

/// The content type an entry describes when it names none.
pub const DEFAULT_CONTENT_TYPE: &str = "story";

/// The whole body of your Content Taxonomy endpoint: a JSON array of entries, one per content
/// type.
///
/// Check it with [`validate`](Self::validate) before serving it (at start-up, or in a test):
///
/// ```
/// use accesstype_jwt::{AttributeValue, ContentTaxonomy, TaxonomyAttribute};
///
/// let taxonomy = ContentTaxonomy::stories([
///     TaxonomyAttribute::new(
///         "section",
///         [
///             AttributeValue::new("Sports", "sports"),
///             AttributeValue::new("Science and Tech", "science"),
///         ],
///     ),
///     TaxonomyAttribute::new("author", [AttributeValue::new("Menaka", "menaka")]),
/// ]);
/// taxonomy.validate()?;
///
/// let reserved = ContentTaxonomy::stories([TaxonomyAttribute::new(
///     "visibility",
///     [AttributeValue::new("Public", "public")],
/// )]);
/// assert!(reserved.validate().is_err());
/// # Ok::<(), accesstype_jwt::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ContentTaxonomy {
    /// One entry per content type.
    pub entries: Vec<TaxonomyEntry>,
}

impl ContentTaxonomy {
    /// A taxonomy of the given entries.
    pub fn new(entries: impl IntoIterator<Item = TaxonomyEntry>) -> Self {
        Self {
            entries: entries.into_iter().collect(),
        }
    }

    /// A taxonomy with one entry, for stories, holding the given attributes.
    pub fn stories(attributes: impl IntoIterator<Item = TaxonomyAttribute>) -> Self {
        Self::new([TaxonomyEntry::story(attributes)])
    }

    /// Checks the spec's rules, on types, names and values normalised once: surrounding
    /// whitespace trimmed and letters lowercased, so that `story`, `Story` and `story ` are
    /// one content type, `section` and `Section` one name, `sports` and `sports ` one value.
    ///
    /// - every entry's `type` is non-blank;
    /// - at most [`MAX_TAXONOMY_ATTRIBUTES`] distinct attribute names per content type (over
    ///   all entries of that type), and no name twice within a type;
    /// - no attribute uses a [reserved name](RESERVED_ATTRIBUTE_NAMES);
    /// - every attribute has a non-blank `name` and at least one value (a `search-url` does
    ///   not replace them);
    /// - every value has a non-blank `label` and `value`, and `value`s are unique within an
    ///   attribute;
    /// - no control character in a type, name, value or label, and no invisible or
    ///   bidirectional-control character (zero-width space, soft hyphen, right-to-left
    ///   override, ...) in a type, name or value, where it would make two spellings look
    ///   alike;
    /// - `search-url`, when present, is an absolute `http` or `https` URL with a host and no
    ///   credentials, written in the form the URL parser writes back (`https:/host`,
    ///   `HTTPS://host` or a URL with spaces are refused).
    ///
    /// Fields that are required on the wire (`name`, `values`, `label`, `value`) already fail
    /// to deserialise when absent. The taxonomy is served as written; the normalised forms
    /// are only compared. To serve a taxonomy that cannot skip this check, use
    /// [`validated`](Self::validated).
    ///
    /// # Errors
    ///
    /// The first rule broken, as a [`TaxonomyViolation`] (`?` turns it into
    /// [`Error::InvalidTaxonomy`](crate::Error::InvalidTaxonomy)).
    pub fn validate(&self) -> Result<(), TaxonomyViolation> {
        let mut names_by_type: HashMap<String, HashSet<String>> = HashMap::new();
        for (index, entry) in self.entries.iter().enumerate() {
            let content_type = identifier(&entry.content_type, "type")?;
            if content_type.is_empty() {
                return Err(TaxonomyViolation::EmptyContentType { entry: index });
            }
            let names = names_by_type.entry(content_type.clone()).or_default();
            for attribute in &entry.attributes {
                let name = identifier(&attribute.name, "name")?;
                if name.is_empty() {
                    return Err(TaxonomyViolation::EmptyAttributeName { content_type });
                }
                if RESERVED_ATTRIBUTE_NAMES.contains(&name.as_str()) {
                    return Err(TaxonomyViolation::ReservedAttribute { name });
                }
                if !names.insert(name.clone()) {
                    return Err(TaxonomyViolation::DuplicateAttribute { content_type, name });
                }
                if names.len() > MAX_TAXONOMY_ATTRIBUTES {
                    return Err(TaxonomyViolation::TooManyAttributes {
                        content_type,
                        max: MAX_TAXONOMY_ATTRIBUTES,
                    });
                }
                attribute.first_violation(name)?;
            }
        }
        Ok(())
    }

    /// Checks the taxonomy like [`validate`](Self::validate) and wraps it in a
    /// [`ValidatedTaxonomy`], which cannot be changed afterwards: what is served is what was
    /// checked.
    ///
    /// # Errors
    ///
    /// The first rule broken, as [`validate`](Self::validate).
    pub fn validated(self) -> Result<ValidatedTaxonomy, TaxonomyViolation> {
        self.validate()?;
        Ok(ValidatedTaxonomy(self))
    }
}

/// The normalised form of a type, name or value (trimmed, lowercased), or the violation its
/// characters make. The `Err` side is what `validate` reports, so `?` returns it.
fn identifier(text: &str, field: &'static str) -> Result<String, TaxonomyViolation> {
    if text.chars().any(is_hidden) {
        return Err(TaxonomyViolation::HiddenCharacter { field });
    }
    Ok(text.trim().to_lowercase())
}

/// A [`ContentTaxonomy`] that passed [`ContentTaxonomy::validate`] and can no longer change:
/// the body to serve.
///
/// Build it with [`ContentTaxonomy::validated`] or `TryFrom`; it serialises exactly as the
/// taxonomy inside, derefs to it for reading, and (with the `axum` feature) is the
/// taxonomy's `IntoResponse`. Deserialising one validates it too.
///
/// ```
/// use accesstype_jwt::{AttributeValue, ContentTaxonomy, TaxonomyAttribute, ValidatedTaxonomy};
///
/// let taxonomy = ContentTaxonomy::stories([TaxonomyAttribute::new(
///     "section",
///     [AttributeValue::new("Sports", "sports")],
/// )]);
/// let body: ValidatedTaxonomy = taxonomy.validated()?;
/// assert_eq!(body.entries[0].attributes[0].name, "section");
///
/// let twice = ContentTaxonomy::stories([
///     TaxonomyAttribute::new("section", [AttributeValue::new("Sports", "sports")]),
///     TaxonomyAttribute::new("Section ", [AttributeValue::new("Sports", "sports")]),
/// ]);
/// assert!(ValidatedTaxonomy::try_from(twice).is_err());
/// # Ok::<(), accesstype_jwt::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ValidatedTaxonomy(ContentTaxonomy);

impl<'de> Deserialize<'de> for ValidatedTaxonomy {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ContentTaxonomy::deserialize(deserializer)?
            .validated()
            .map_err(serde::de::Error::custom)
    }
}

impl ValidatedTaxonomy {
    /// The taxonomy.
    #[must_use]
    pub fn as_taxonomy(&self) -> &ContentTaxonomy {
        &self.0
    }

    /// The taxonomy, to change it (and validate it again).
    #[must_use]
    pub fn into_inner(self) -> ContentTaxonomy {
        self.0
    }
}

impl Deref for ValidatedTaxonomy {
    type Target = ContentTaxonomy;

    fn deref(&self) -> &ContentTaxonomy {
        &self.0
    }
}

impl TryFrom<ContentTaxonomy> for ValidatedTaxonomy {
    type Error = TaxonomyViolation;

    fn try_from(taxonomy: ContentTaxonomy) -> Result<Self, TaxonomyViolation> {
        taxonomy.validated()
    }
}

impl From<ValidatedTaxonomy> for ContentTaxonomy {
    fn from(validated: ValidatedTaxonomy) -> Self {
        validated.0
    }
}

/// The taxonomy of one content type: `{"type": "story", "attributes": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxonomyEntry {
    /// The content type (`type`); [`DEFAULT_CONTENT_TYPE`] when absent on the wire.
    #[serde(rename = "type", default = "default_content_type")]
    pub content_type: String,
    /// The custom attributes of this content type.
    pub attributes: Vec<TaxonomyAttribute>,
}

fn default_content_type() -> String {
    DEFAULT_CONTENT_TYPE.to_owned()
}

impl TaxonomyEntry {
    /// An entry for the given content type.
    pub fn new(
        content_type: impl Into<String>,
        attributes: impl IntoIterator<Item = TaxonomyAttribute>,
    ) -> Self {
        Self {
            content_type: content_type.into(),
            attributes: attributes.into_iter().collect(),
        }
    }

    /// An entry for stories ([`DEFAULT_CONTENT_TYPE`]).
    pub fn story(attributes: impl IntoIterator<Item = TaxonomyAttribute>) -> Self {
        Self::new(DEFAULT_CONTENT_TYPE, attributes)
    }
}

/// One custom attribute and its possible values, e.g. `section` with Sports and Science.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TaxonomyAttribute {
    /// The attribute's name; not one of [`RESERVED_ATTRIBUTE_NAMES`].
    pub name: String,
    /// The possible values.
    pub values: Vec<AttributeValue>,
    /// An endpoint Accesstype can search for more values (`search-url`), for attributes with
    /// too many values to list; it answers a [`SearchQuery`](crate::SearchQuery) with a
    /// [`SearchResponse`](crate::SearchResponse). An absolute URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_url: Option<String>,
}

impl TaxonomyAttribute {
    /// An attribute with the given name and values and no search endpoint.
    pub fn new(name: impl Into<String>, values: impl IntoIterator<Item = AttributeValue>) -> Self {
        Self {
            name: name.into(),
            values: values.into_iter().collect(),
            search_url: None,
        }
    }

    /// Sets the `search-url`.
    #[must_use]
    pub fn search_url(mut self, url: Url) -> Self {
        self.search_url = Some(url.into());
        self
    }

    /// The first violation of this attribute's own rules; `name` is its normalised name.
    fn first_violation(&self, name: String) -> Result<(), TaxonomyViolation> {
        if let Some(search_url) = &self.search_url
            && !is_canonical_web_url(search_url)
        {
            return Err(TaxonomyViolation::InvalidSearchUrl { attribute: name });
        }
        if self.values.is_empty() {
            return Err(TaxonomyViolation::NoValues { attribute: name });
        }
        let mut seen = HashSet::with_capacity(self.values.len());
        for value in &self.values {
            // Labels are shown, not compared: any visible text, but no control or
            // direction-changing character.
            if value
                .label
                .chars()
                .any(|c| c.is_control() || is_bidi_control(c))
            {
                return Err(TaxonomyViolation::HiddenCharacter { field: "label" });
            }
            if value.label.trim().is_empty() {
                return Err(TaxonomyViolation::EmptyLabel { attribute: name });
            }
            let slug = identifier(&value.value, "value")?;
            if slug.is_empty() {
                return Err(TaxonomyViolation::EmptyValue { attribute: name });
            }
            if !seen.insert(slug.clone()) {
                return Err(TaxonomyViolation::DuplicateValue {
                    attribute: name,
                    value: slug,
                });
            }
        }
        Ok(())
    }
}

/// Whether `text` is an absolute `http(s)` URL with a host and no credentials, written as the
/// URL parser writes it back (a bare host may lack its `/`). Parsers forgive a lot
/// (`https:/host`, `HTTPS://host`, spaces, tabs), and Accesstype's may forgive differently.
fn is_canonical_web_url(text: &str) -> bool {
    let Ok(url) = Url::parse(text) else {
        return false;
    };
    let written_back = url.as_str() == text
        || url.path() == "/"
            && url.query().is_none()
            && url.fragment().is_none()
            && url.as_str().strip_suffix('/') == Some(text);
    matches!(url.scheme(), "http" | "https")
        && url.host().is_some()
        && url.username().is_empty()
        && url.password().is_none()
        && written_back
}

/// One possible value of an attribute: a readable `label` and a unique `value` (usually the
/// slug).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AttributeValue {
    /// What editors see, e.g. `Science and Tech`.
    pub label: String,
    /// The value stories carry, e.g. `science`; unique within its attribute.
    pub value: String,
}

impl AttributeValue {
    /// A value with the given label and value.
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// The rule of the content taxonomy spec that
/// [`ContentTaxonomy::validate`](crate::ContentTaxonomy::validate) found broken.
///
/// Types, names and values are compared after trimming surrounding whitespace and
/// lowercasing, so `Story`, `story ` and `story` are one content type. The names and values in
/// a violation are the trimmed, lowercased forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TaxonomyViolation {
    /// An entry's `type` is blank.
    #[error("entry {entry} has a blank `type`")]
    EmptyContentType {
        /// The entry's position in the array.
        entry: usize,
    },
    /// A content type has more than
    /// [`MAX_TAXONOMY_ATTRIBUTES`](crate::MAX_TAXONOMY_ATTRIBUTES) distinct attributes.
    #[error("content type `{content_type}` has more than {max} attributes")]
    TooManyAttributes {
        /// The content type.
        content_type: String,
        /// The limit.
        max: usize,
    },
    /// An attribute uses one of
    /// [`RESERVED_ATTRIBUTE_NAMES`](crate::RESERVED_ATTRIBUTE_NAMES).
    #[error("attribute name `{name}` is reserved")]
    ReservedAttribute {
        /// The name.
        name: String,
    },
    /// An attribute's `name` is blank.
    #[error("an attribute of content type `{content_type}` has a blank name")]
    EmptyAttributeName {
        /// The content type.
        content_type: String,
    },
    /// The same attribute name appears twice for one content type.
    #[error("attribute `{name}` appears twice for content type `{content_type}`")]
    DuplicateAttribute {
        /// The content type.
        content_type: String,
        /// The repeated name.
        name: String,
    },
    /// An attribute lists no values. A `search-url` does not make up for them: Accesstype
    /// needs the attribute's values to build plans.
    #[error("attribute `{attribute}` has no values")]
    NoValues {
        /// The attribute's name.
        attribute: String,
    },
    /// A value's `label` is blank.
    #[error("a value of attribute `{attribute}` has a blank label")]
    EmptyLabel {
        /// The attribute's name.
        attribute: String,
    },
    /// A value's `value` is blank.
    #[error("a value of attribute `{attribute}` is blank")]
    EmptyValue {
        /// The attribute's name.
        attribute: String,
    },
    /// Two values of one attribute share a `value`.
    #[error("value `{value}` appears twice in attribute `{attribute}`")]
    DuplicateValue {
        /// The attribute's name.
        attribute: String,
        /// The repeated value.
        value: String,
    },
    /// A `search-url` is not an absolute `http`/`https` URL with a host and no credentials,
    /// in the form a URL parser writes back.
    #[error("the search url of attribute `{attribute}` is not an absolute http(s) url")]
    InvalidSearchUrl {
        /// The attribute's name.
        attribute: String,
    },
    /// A type, name or value holds a control character or an invisible or
    /// bidirectional-control character (a zero-width space, a soft hyphen, a right-to-left
    /// override, ...); or a label holds a control or bidirectional-control character. The
    /// text is not repeated here.
    #[error("a {field} holds a control or invisible character")]
    HiddenCharacter {
        /// Which field: `type`, `name`, `value` or `label`.
        field: &'static str,
    },
}
