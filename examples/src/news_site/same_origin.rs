//! Requests that change something come from the site's own pages, or are refused.
//!
//! One layer over the whole router: every request whose method is not `GET`, `HEAD`,
//! `OPTIONS` or `TRACE` must carry `Origin` equal to the site's origin or, when a browser sent
//! no `Origin`, `Sec-Fetch-Site: same-origin`. Anything else is `403`. A form on another site
//! (even a sibling on the same host, which `SameSite=Lax` cookies do not stop) cannot log a
//! reader in or out or set their cookies. Because the layer wraps the router, a `POST` route
//! added later is covered without a line of its own. A server-to-server callback (a webhook)
//! carries no `Origin` and sits in a router of its own outside the layer, proving where it
//! came from itself: Accesstype's webhooks are signed (`accesstype_webhooks.rs`).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use url::Url;

use super::html::page;
use super::site::Site;

/// The layer's function: passes safe methods, and other methods from the site's own origin.
pub(crate) async fn refuse_cross_origin(
    State(site): State<Site>,
    request: Request,
    next: Next,
) -> Response {
    if is_safe(request.method()) || from_site(&site.url, request.headers()) {
        return next.run(request).await;
    }
    (
        StatusCode::FORBIDDEN,
        page(
            "Refused",
            r#"<h1 id="message-title">This request did not come from this site</h1><p class="notice">A form or script on another site tried to act for you here, so nothing was changed. <a href="/">Front page</a></p>"#,
        ),
    )
        .into_response()
}

/// Methods that change nothing on this site.
fn is_safe(method: &Method) -> bool {
    [Method::GET, Method::HEAD, Method::OPTIONS, Method::TRACE].contains(method)
}

/// `true` when the browser says the request comes from a page of `site`: one `Origin` equal
/// to the site's, or no `Origin` and one `Sec-Fetch-Site: same-origin`.
fn from_site(site: &Url, headers: &HeaderMap) -> bool {
    let mut origins = headers.get_all(header::ORIGIN).iter();
    match (origins.next(), origins.next()) {
        (Some(origin), None) => origin.as_bytes() == site.origin().ascii_serialization().as_bytes(),
        (None, _) => {
            let mut fetch_site = headers.get_all("sec-fetch-site").iter();
            matches!(
                (fetch_site.next(), fetch_site.next()),
                (Some(value), None) if value.as_bytes() == b"same-origin"
            )
        }
        // Two `Origin` headers: no browser sends that.
        (Some(_), Some(_)) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_static(value));
        }
        headers
    }

    fn allowed(pairs: &[(&'static str, &'static str)]) -> bool {
        from_site(
            &Url::parse("http://127.0.0.1:3000/").unwrap(),
            &headers(pairs),
        )
    }

    #[test]
    fn the_sites_own_origin_passes() {
        assert!(allowed(&[("origin", "http://127.0.0.1:3000")]));
        assert!(allowed(&[
            ("origin", "http://127.0.0.1:3000"),
            ("sec-fetch-site", "same-origin")
        ]));
        assert!(allowed(&[("sec-fetch-site", "same-origin")]));
    }

    #[test]
    fn another_origin_is_refused_whatever_else_the_request_says() {
        for origin in [
            "http://127.0.0.1:3001",
            "http://localhost:3000",
            "https://127.0.0.1:3000",
            "http://127.0.0.1:3000/",
            "http://127.0.0.1:3000.evil.example",
            "null",
            "",
        ] {
            assert!(!allowed(&[("origin", origin)]), "{origin:?}");
            assert!(
                !allowed(&[("origin", origin), ("sec-fetch-site", "same-origin")]),
                "{origin:?}"
            );
        }
    }

    #[test]
    fn without_origin_only_same_origin_fetch_metadata_passes() {
        assert!(!allowed(&[]));
        for fetch_site in ["same-site", "cross-site", "none", "SAME-ORIGIN", ""] {
            assert!(
                !allowed(&[("sec-fetch-site", fetch_site)]),
                "{fetch_site:?}"
            );
        }
    }

    #[test]
    fn a_repeated_header_is_refused() {
        assert!(!allowed(&[
            ("origin", "http://127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000")
        ]));
        assert!(!allowed(&[
            ("sec-fetch-site", "same-origin"),
            ("sec-fetch-site", "same-origin")
        ]));
    }

    #[test]
    fn only_methods_that_change_something_are_checked() {
        for method in [Method::GET, Method::HEAD, Method::OPTIONS, Method::TRACE] {
            assert!(is_safe(&method));
        }
        for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            assert!(!is_safe(&method));
        }
        assert!(!is_safe(&Method::from_bytes(b"PURGE").unwrap()));
    }
}
