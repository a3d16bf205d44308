//! Implementation details of the paywall SDK family (tiun-client, payway-client, tulo-jwt and
//! accesstype-jwt), shared so that each rule is written once.
//!
//! **Not for direct use.** Nothing in this crate is covered by semantic versioning: any item
//! may change or go in any release, and the family's crates pin this one exactly (`=0.1.x`)
//! for that reason. Its modules are hidden from the rendered documentation on purpose; each
//! is documented in its source. Use the crate of the family you need instead.
//!
//! Each rule is behind a feature, so that an offline crate pulls in no HTTP stack: `json`,
//! `jws`, `env`, `cookie`, `segment` and `text` are offline; `http`, `coalesce`, `fake`, `axum` and
//! `tracing` serve the crates that make requests, fake providers or answer in axum.
#![cfg_attr(docsrs, feature(doc_cfg))]
// Library code never panics, indexes or prints; tests and benches may.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![deny(clippy::indexing_slicing, clippy::print_stdout, clippy::print_stderr)]

#[cfg(feature = "axum")]
#[doc(hidden)]
pub mod axum;

#[cfg(feature = "axum")]
#[doc(hidden)]
pub mod axum_extract;

#[cfg(feature = "coalesce")]
#[doc(hidden)]
pub mod coalesce;

#[cfg(feature = "cookie")]
#[doc(hidden)]
pub mod cookie;

#[cfg(feature = "env")]
#[doc(hidden)]
pub mod env;

#[cfg(feature = "env")]
#[doc(hidden)]
pub mod environment;

#[cfg(feature = "coalesce")]
#[doc(hidden)]
pub mod expiring;

#[cfg(feature = "fake")]
#[doc(hidden)]
pub mod fake;

#[cfg(feature = "http")]
#[doc(hidden)]
pub mod http;

#[cfg(feature = "http")]
#[doc(hidden)]
pub mod http_setters;

#[cfg(feature = "json")]
#[doc(hidden)]
pub mod json;

#[cfg(feature = "jws")]
#[doc(hidden)]
pub mod jws;

#[cfg(feature = "json")]
#[doc(hidden)]
pub mod parse_error;

#[cfg(feature = "http")]
#[doc(hidden)]
pub mod redact;

#[cfg(feature = "segment")]
#[doc(hidden)]
pub mod segment;

#[doc(hidden)]
pub mod sync;

#[cfg(feature = "text")]
#[doc(hidden)]
pub mod text;
