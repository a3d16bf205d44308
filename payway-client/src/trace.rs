//! Optional `tracing` spans: one per API call, named for the call, never carrying a ticket,
//! token or secret. Without the `tracing` feature these compile to the bare future.

use std::future::Future;

/// Runs `future` inside a span called `name` (feature `tracing`), or as is.
#[cfg(feature = "tracing")]
pub(crate) async fn in_span<F: Future>(name: &'static str, future: F) -> F::Output {
    use tracing::Instrument as _;
    future
        .instrument(tracing::info_span!("payway", call = name))
        .await
}

/// Runs `future` inside a span called `name` (feature `tracing`), or as is.
#[cfg(not(feature = "tracing"))]
pub(crate) async fn in_span<F: Future>(_name: &'static str, future: F) -> F::Output {
    future.await
}

/// Records a login outcome on the current span (feature `tracing`).
#[cfg(feature = "tracing")]
pub(crate) fn outcome(what: &'static str) {
    tracing::debug!(outcome = what, "ticket login finished");
}

/// Records a login outcome on the current span (feature `tracing`).
#[cfg(not(feature = "tracing"))]
pub(crate) fn outcome(_what: &'static str) {}

/// Records the status Payway answered with on the current span (feature `tracing`).
#[cfg(feature = "tracing")]
pub(crate) fn status(status: reqwest::StatusCode) {
    tracing::debug!(status = status.as_u16(), "payway answered");
}

/// Records the status Payway answered with on the current span (feature `tracing`).
#[cfg(not(feature = "tracing"))]
pub(crate) fn status(_status: reqwest::StatusCode) {}
