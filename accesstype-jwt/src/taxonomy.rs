//! The Content Taxonomy endpoint: your custom attributes and their possible values, which
//! Accesstype lets you build subscription plans from.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use url::Url;

use crate::Error;

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

    /// Checks the spec's rules:
    ///
    /// - every entry's `type` is non-empty;
    /// - at most [`MAX_TAXONOMY_ATTRIBUTES`] distinct attribute names per content type (over
    ///   all entries of that type), and no name twice within a type;
    /// - no attribute uses a [reserved name](RESERVED_ATTRIBUTE_NAMES) (compared ignoring
    ///   case and surrounding whitespace);
    /// - every attribute has a non-blank `name` and at least one value (an attribute with a
    ///   `search-url` may list none: Accesstype searches for them);
    /// - every value has a non-blank `label` and `value`, and `value`s are unique within an
    ///   attribute;
    /// - `search-url`, when present, is an absolute `http` or `https` URL with a host.
    ///
    /// Fields that are required on the wire (`name`, `values`, `label`, `value`) already fail
    /// to deserialise when absent.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTaxonomy`] with the first rule broken; see
    /// [`Error::taxonomy_violation`].
    pub fn validate(&self) -> Result<(), Error> {
        self.first_violation()
            .map_or(Ok(()), |violation| Err(Error::InvalidTaxonomy(violation)))
    }

    fn first_violation(&self) -> Option<TaxonomyViolation> {
        let mut names_by_type: HashMap<&str, HashSet<String>> = HashMap::new();
        for (index, entry) in self.entries.iter().enumerate() {
            if entry.content_type.trim().is_empty() {
                return Some(TaxonomyViolation::EmptyContentType { entry: index });
            }
            let names = names_by_type.entry(&entry.content_type).or_default();
            for attribute in &entry.attributes {
                let name = attribute.name.trim();
                if name.is_empty() {
                    return Some(TaxonomyViolation::EmptyAttributeName {
                        content_type: entry.content_type.clone(),
                    });
                }
                if RESERVED_ATTRIBUTE_NAMES
                    .iter()
                    .any(|reserved| reserved.eq_ignore_ascii_case(name))
                {
                    return Some(TaxonomyViolation::ReservedAttribute {
                        name: attribute.name.clone(),
                    });
                }
                if !names.insert(name.to_owned()) {
                    return Some(TaxonomyViolation::DuplicateAttribute {
                        content_type: entry.content_type.clone(),
                        name: attribute.name.clone(),
                    });
                }
                if names.len() > MAX_TAXONOMY_ATTRIBUTES {
                    return Some(TaxonomyViolation::TooManyAttributes {
                        content_type: entry.content_type.clone(),
                        max: MAX_TAXONOMY_ATTRIBUTES,
                    });
                }
                if let Some(violation) = attribute.first_violation() {
                    return Some(violation);
                }
            }
        }
        None
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
pub struct TaxonomyAttribute {
    /// The attribute's name; not one of [`RESERVED_ATTRIBUTE_NAMES`].
    pub name: String,
    /// The possible values.
    pub values: Vec<AttributeValue>,
    /// An endpoint Accesstype can search for more values (`search-url`), for attributes with
    /// too many values to list; it answers a [`SearchQuery`](crate::SearchQuery) with a
    /// [`SearchResponse`](crate::SearchResponse). An absolute URL.
    #[serde(
        rename = "search-url",
        default,
        skip_serializing_if = "Option::is_none"
    )]
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

    fn first_violation(&self) -> Option<TaxonomyViolation> {
        if let Some(search_url) = &self.search_url {
            let absolute_web_url = Url::parse(search_url)
                .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some());
            if !absolute_web_url {
                return Some(TaxonomyViolation::InvalidSearchUrl {
                    attribute: self.name.clone(),
                });
            }
        } else if self.values.is_empty() {
            return Some(TaxonomyViolation::NoValues {
                attribute: self.name.clone(),
            });
        }
        let mut seen = HashSet::with_capacity(self.values.len());
        for value in &self.values {
            if value.label.trim().is_empty() {
                return Some(TaxonomyViolation::EmptyLabel {
                    attribute: self.name.clone(),
                });
            }
            if value.value.trim().is_empty() {
                return Some(TaxonomyViolation::EmptyValue {
                    attribute: self.name.clone(),
                });
            }
            if !seen.insert(value.value.as_str()) {
                return Some(TaxonomyViolation::DuplicateValue {
                    attribute: self.name.clone(),
                    value: value.value.clone(),
                });
            }
        }
        None
    }
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

/// The rule of the content taxonomy spec that [`ContentTaxonomy::validate`] found broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TaxonomyViolation {
    /// An entry's `type` is blank.
    #[error("entry {entry} has a blank `type`")]
    EmptyContentType {
        /// The entry's position in the array.
        entry: usize,
    },
    /// A content type has more than [`MAX_TAXONOMY_ATTRIBUTES`] distinct attributes.
    #[error("content type `{content_type}` has more than {max} attributes")]
    TooManyAttributes {
        /// The content type.
        content_type: String,
        /// The limit.
        max: usize,
    },
    /// An attribute uses one of [`RESERVED_ATTRIBUTE_NAMES`].
    #[error("attribute name `{name}` is reserved")]
    ReservedAttribute {
        /// The name as given.
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
    /// An attribute lists no values and has no `search-url`.
    #[error("attribute `{attribute}` has no values and no search url")]
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
    /// A `search-url` is not an absolute `http`/`https` URL with a host.
    #[error("the search url of attribute `{attribute}` is not an absolute http(s) url")]
    InvalidSearchUrl {
        /// The attribute's name.
        attribute: String,
    },
}
