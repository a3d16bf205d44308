//! The fake's HTTP side: each request the family's fake server reads is handed to the
//! [`Books`], with the faults they hold injected first.

use std::sync::Arc;

use http::{HeaderValue, Method, StatusCode};
use paywall_internal::fake::{Captured, Fault, Reply};

use crate::test_util::books::{Asked, Books, failure};

/// The answer to one request.
pub(crate) async fn handle(books: Arc<Books>, request: Captured) -> Reply {
    books.note(&request.method, &request.path);
    // Drops first, then failures, then failures of pingbacks only, each counted down.
    let mut fault = books.faults.next().await;
    if fault.is_none() && request.method == Method::POST && request.path.ends_with("/pingback") {
        fault = books.pingback_faults.next().await;
    }
    let (status, body) = match (fault, &request.body) {
        (Some(Fault::Drop), _) => return Reply::hang_up(),
        (Some(Fault::Fail(status)), _) => {
            failure(status, "injected", "A failure injected by the fake.")
        }
        (None, Some(body)) => {
            let header = |name| request.headers.get(name).map(HeaderValue::as_bytes);
            books.answer(&Asked {
                method: &request.method,
                path: &request.path,
                query: &request.query,
                subauth: header("x-subauth"),
                content_type: header("content-type"),
                body,
            })
        }
        (None, None) => failure(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The body could not be read.",
        ),
    };
    Reply::json(status, &body)
}
