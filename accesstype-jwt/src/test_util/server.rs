//! The fake's HTTP side: each request the family's fake server reads is handed to the
//! [`Books`], with the faults they hold injected first.

use std::sync::Arc;

use http::{Method, StatusCode};
use paywall_internal::fake::{Captured, Reply};

use crate::test_util::books::{Books, failure};

/// The answer to one request.
pub(crate) async fn handle(books: Arc<Books>, request: Captured) -> Reply {
    books.note(&request.method, &request.path);
    // Drops first, then failures, then failures of pingbacks only, each counted down.
    let fail = |status| failure(status, "injected", "A failure injected by the fake.");
    if let Some(reply) = books.faults.intercept(fail).await {
        return reply;
    }
    let pingback = request.method == Method::POST && request.path.ends_with("/pingback");
    if pingback && let Some(reply) = books.pingback_faults.intercept(fail).await {
        return reply;
    }
    match &request.body {
        Some(body) => books
            .answer(&request, body)
            .unwrap_or_else(|refused| refused),
        None => failure(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The body could not be read.",
        ),
    }
}
