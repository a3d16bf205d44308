//! The fake's pages: plain HTML, escaped.

use http::StatusCode;

use super::state::Answer;

/// A `400` page saying why the fake refused a browser request.
pub(crate) fn refusal_page(reason: &str) -> Answer {
    let body = format!("<p id=\"error\">{}</p>", escape(reason));
    Answer::html(
        StatusCode::BAD_REQUEST,
        document("Refused - Payway SSO2 (fake)", "Refused", &body),
    )
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
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
