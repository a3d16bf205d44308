#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
// Library code never unwraps, panics, indexes or prints; tests may (see `.clippy.toml`).
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![deny(clippy::indexing_slicing, clippy::print_stdout, clippy::print_stderr)]

mod builder;
mod claims;
mod cookie;
mod email;
mod environment;
mod error;
mod from_env;
mod grant;
mod host_name;
mod jwt_error;
mod phone;
mod reader;
mod search;
mod signer;
mod story;
mod story_url;
mod subscriber_identity;
mod subscription;
mod taxonomy;
mod timestamp;
mod user;
mod webhook;
mod webhook_secret;
mod webhook_signature;

#[cfg(feature = "__client")]
mod client;

#[cfg(feature = "axum")]
pub mod axum;

#[cfg(feature = "test-util")]
pub mod test_util;

pub use builder::{AccesstypeSignerBuilder, DEFAULT_LEEWAY, MAX_LEEWAY, MAX_TTL, MIN_SECRET_BYTES};
pub use cookie::{CookieDomain, READER_ID_COOKIE, READER_ID_COOKIE_LIFETIME, ReaderCookie};
pub use environment::{Environment, ParseEnvironmentError};
pub use error::{BuildError, Error};
pub use from_env::{ENV_JWT_SECRET, ENV_JWT_TTL_SECS};
pub use grant::{AccessGrant, AssetVisibility, GrantReason, MAX_BODY_BYTES, WallType};
pub use jwt_error::JwtError;
pub use paywall_internal::parse_error::{ParseError, ParseFault};
pub use reader::{MAX_COOKIE_HEADER_BYTES, ReaderId};
pub use search::{SearchQuery, SearchResponse};
pub use signer::{AccesstypeSigner, MAX_TOKEN_BYTES};
pub use story::{StoryAttribute, StoryAttributes, StoryAttributesQuery, Visibility};
pub use story_url::MAX_STORY_ID_BYTES;
pub use subscriber_identity::{MAX_SUBSCRIBER_IDENTITY_BYTES, SubscriberIdentity};
pub use subscription::{Subscription, SubscriptionAsset};
pub use taxonomy::{
    AttributeValue, ContentTaxonomy, DEFAULT_CONTENT_TYPE, MAX_TAXONOMY_ATTRIBUTES,
    RESERVED_ATTRIBUTE_NAMES, TaxonomyAttribute, TaxonomyEntry, TaxonomyViolation,
    ValidatedTaxonomy,
};
pub use user::{MAX_SAFE_INTEGER, MAX_USER_ID_BYTES, Provider, User, UserId};
pub use webhook::{MAX_WEBHOOK_BODY_BYTES, WebhookEvent, WebhookEventKind};
pub use webhook_secret::WebhookSecret;
pub use webhook_signature::{WEBHOOK_SIGNATURE_HEADER, WebhookSigningKey};

/// The `url` crate, whose [`Url`](url::Url) this crate's API takes and returns.
pub use url;

#[cfg(feature = "__client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use client::{
    AccesstypeClient, AccesstypeClientBuilder, CheckOptions, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TIMEOUT, ENV_ACCOUNT_KEY, ENV_API_KEY, ENV_BASE_URL, ENV_ENVIRONMENT,
    MAX_CACHE_GRANTS_FOR, MAX_CACHED_GRANTS,
};
/// The `reqwest` crate, whose `Client` [`AccesstypeClientBuilder::http_client`] takes.
#[cfg(feature = "__client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use reqwest;

/// Internals the fuzz targets drive directly; built only by `cargo fuzz` (`--cfg fuzzing`).
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing {
    /// Whether an e-mail address passes [`User::email`](crate::User::email)'s rules.
    pub fn is_valid_email(email: &str) -> bool {
        crate::email::is_valid_email(email)
    }

    /// A JSON document read strictly (a repeated member at any depth is an error).
    pub fn strict_json(bytes: &[u8]) -> Option<serde_json::Value> {
        paywall_internal::json::value_from_slice(bytes).ok()
    }
}
