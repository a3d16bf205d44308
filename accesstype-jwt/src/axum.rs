//! axum integration (feature `axum`): the [`Reader`] and [`SignedWebhook`] extractors, JSON
//! responses for the bodies of the publisher endpoints and, with the `client` feature, the
//! story gate. Built on `axum-core`, `http` and `http-body-util` only.
//!
//! - [`Reader`] takes the reader id from the `at-meter` cookie, across every `Cookie` header of
//!   the request, or makes a fresh one. It is always extracted (see [`ReaderRejection`] for
//!   the one exception). Returned as part of a response, it adds the `Set-Cookie` that stores
//!   a fresh id, and nothing for a known one. The cookie's settings, a [`ReaderCookie`](crate::ReaderCookie),
//!   come from the router's state through
//!   [`FromRef`](axum_core::extract::FromRef).
//! - [`StoryAttributes`](crate::StoryAttributes), [`ValidatedTaxonomy`](crate::ValidatedTaxonomy)
//!   (a [`ContentTaxonomy`](crate::ContentTaxonomy) after
//!   [`validated`](crate::ContentTaxonomy::validated)) and
//!   [`SearchResponse`](crate::SearchResponse) are `IntoResponse`: `200 OK`,
//!   `Content-Type: application/json`, the documented body.
//! - [`SignedWebhook`] reads a webhook call of Accesstype, checks its `X-AT-Signature` with
//!   the [`WebhookSigningKey`](crate::WebhookSigningKey) of the router's state, and parses
//!   it; a [`WebhookRejection`] answers `401` for a missing or wrong signature.
//! - With the `client` feature, the story gate: `AccesstypeClient::gate` takes the [`Reader`]
//!   and the reader's user JWT (when they are logged in) and gives a `StoryPass` (the
//!   [`AccessGrant`](crate::AccessGrant), and the reader's cookie) or a `StoryWall`, a
//!   rejection whose JSON body names the `wallType` to show.
//!
//! ```
//! use accesstype_jwt::ReaderCookie;
//! use accesstype_jwt::axum::Reader;
//! use axum::{Router, routing::post};
//!
//! // The reader-id endpoint of Accesstype's script: 201 `{}`, with a cookie for a new reader.
//! async fn reader_id(reader: Reader) -> (axum::http::StatusCode, Reader, &'static str) {
//!     (axum::http::StatusCode::CREATED, reader, "{}")
//! }
//!
//! let app: Router = Router::new()
//!     .route("/reader-id", post(reader_id))
//!     .with_state(ReaderCookie::host_only());
//! ```

mod reader;
mod responses;
mod signed_webhook;
#[cfg(feature = "__client")]
mod story_gate;

pub use reader::{Reader, ReaderRejection};
pub use signed_webhook::{SignedWebhook, WebhookRejection};
#[cfg(feature = "__client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use story_gate::{StoryPass, StoryWall};
