//! axum integration (feature `axum`), on `axum-core`, `http` and `http-body-util` only:
//!
//! - [`Reader`]: the reader id of the `at-meter` cookie, or a fresh one whose `Set-Cookie` it
//!   adds to the response, with the [`ReaderCookie`](crate::ReaderCookie) of the router's
//!   state.
//! - [`SignedWebhook`]: a webhook call whose `X-AT-Signature` matched, under the
//!   [`WebhookSigningKey`](crate::WebhookSigningKey) of the router's state; a
//!   [`WebhookRejection`] answers the others.
//! - [`StoryAttributes`](crate::StoryAttributes), [`ValidatedTaxonomy`](crate::ValidatedTaxonomy)
//!   and [`SearchResponse`](crate::SearchResponse) are `IntoResponse`: `200 OK`,
//!   `Content-Type: application/json`, the documented body.
//! - With the `client` feature, the story gate: `AccesstypeClient::gate` gives a `StoryPass`
//!   or a `StoryWall`, a rejection whose JSON body names the `wallType` to show.
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
