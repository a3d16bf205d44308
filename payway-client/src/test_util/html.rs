//! The fake's pages: plain HTML, escaped; the form fields and absolute URLs they read.

use http::StatusCode;

use paywall_internal::fake::Reply;
use url::Url;

/// A `400` page saying why the fake refused a browser request.
pub(crate) fn refusal_page(reason: &str) -> Reply {
    let body = format!("<p id=\"error\">{}</p>", escape(reason));
    Reply::html(
        StatusCode::BAD_REQUEST,
        document("Refused - Payway SSO2 (fake)", "Refused", &body),
    )
}

/// A form or query field (the first of that name).
pub(crate) fn field(form: &[u8], name: &str) -> Option<String> {
    url::form_urlencoded::parse(form)
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

/// `raw` as an absolute `http(s)` URL with a host, or `None`.
pub(crate) fn absolute_url(raw: Option<&str>) -> Option<Url> {
    raw.and_then(|raw| Url::parse(raw).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// A whole page with a `<title>`, a heading and `body` (already HTML).
pub(crate) fn document(title: &str, heading: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head>\n<body><h1>{heading}</h1>\n{body}\n</body></html>\n",
        title = escape(title),
        heading = escape(heading),
    )
}

/// Text made safe for HTML text and attribute values.
pub(crate) fn escape(text: &str) -> String {
    // `&` first, so that the entities written after it stay as they are.
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
