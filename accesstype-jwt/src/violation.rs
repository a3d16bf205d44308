//! [`TaxonomyViolation`]: the rule of the content taxonomy spec that a taxonomy breaks.

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
