//! No page of this site is stored by a cache between it and the reader.
//!
//! Every page depends on who asks: an article is whole for a subscriber and a paywall for
//! anyone else, at the same URL, decided from a cookie or a header. A CDN or proxy that caches
//! answers by URL (many do, for a `200` without a cache header) would otherwise serve the
//! first subscriber's article to everyone after them. So one layer over the whole router sends
//! `Cache-Control: private, no-store` with every answer that does not set its own (the
//! stylesheet, the same for everyone, does), and a route added later is covered without a
//! line of its own.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The layer's function: the answer, marked not to be stored unless it says otherwise.
pub(crate) async fn not_stored(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("private, no-store"));
    response
}
