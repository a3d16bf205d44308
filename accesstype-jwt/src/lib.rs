#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod environment;
mod error;
mod grant;
mod http_date;
mod reader;
mod search;
mod signer;
mod story;
mod taxonomy;
mod user;

pub use environment::{Environment, MAX_STORY_ID_BYTES};
pub use error::{BuildError, Error};
pub use grant::{AccessGrant, AssetVisibility, GrantReason, MAX_GRANT_BYTES, WallType};
pub use reader::{CookieDomain, READER_ID_COOKIE, READER_ID_COOKIE_LIFETIME, ReaderId};
pub use search::{SearchQuery, SearchResponse};
pub use signer::{AccesstypeSigner, AccesstypeSignerBuilder, MAX_TOKEN_BYTES};
pub use story::{StoryAttribute, StoryAttributes, StoryAttributesQuery, Visibility};
pub use taxonomy::{
    AttributeValue, ContentTaxonomy, DEFAULT_CONTENT_TYPE, MAX_TAXONOMY_ATTRIBUTES,
    RESERVED_ATTRIBUTE_NAMES, TaxonomyAttribute, TaxonomyEntry, TaxonomyViolation,
};
pub use user::{MAX_SAFE_INTEGER, MAX_USER_ID_BYTES, Provider, User, UserId};
