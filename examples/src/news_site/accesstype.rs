//! Accesstype on the news site: a reader id from our own first-party endpoint (seed 004), then
//! every story asks Accesstype, on the server, whether this reader may read it; a metered
//! read is counted (pingback) before the body is sent; past the free stories, the wall the
//! grant names.
//!
//! What a publisher copies: `reader_id` (the `Reader` extractor sets the `at-meter` cookie
//! only when it is new) and `story_body` (one call to `gate`, for the site's own page only,
//! kept by no shared cache).

use accesstype_jwt::axum::Reader;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::articles::{self, Gate};
use super::home::{article_page, body};
use super::html::{escape, paywall};
use super::site::Site;

/// `POST /metered/reader-id`: the first-party endpoint Accesstype's script would call
/// (`readerIdUrl`): `201 {}`, with `Set-Cookie: at-meter=...` for a reader who has none.
pub(crate) async fn reader_id(reader: Reader) -> Response {
    (StatusCode::CREATED, reader, Json(json!({}))).into_response()
}

/// `GET /metered/articles/{slug}`: the page; its script gets a reader id, then the body.
pub(crate) async fn story_page(Path(slug): Path<String>) -> Response {
    let Some(article) = articles::find(Gate::Metered, &slug) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let wall = paywall(
        "subscribers, after three free stories",
        "Asking Accesstype whether you may read this story...",
        r#"<a class="button" href="/">More stories</a>"#,
    );
    let content = format!(
        r#"<p class="signed-in" id="meter" hidden></p>
<div id="article-body" hidden></div>
<div id="wall" hidden>{wall}</div>
<script>
// Seed 004: a reader id from our own endpoint first, then the story, decided on the server.
(function () {{
  var body = document.getElementById("article-body");
  var meter = document.getElementById("meter");
  fetch("/metered/reader-id", {{ method: "POST", credentials: "same-origin" }})
    .then(function () {{ return fetch("/metered/api/stories/{slug}", {{ credentials: "same-origin" }}); }})
    .then(function (response) {{ return response.json().then(function (answer) {{ return [response.ok, answer]; }}); }})
    .then(function (result) {{
      if (result[0]) {{
        body.innerHTML = result[1].html;
        body.hidden = false;
        if (result[1].remaining !== null) {{
          meter.textContent = "Free stories left after this one: " + result[1].remaining + ".";
          meter.hidden = false;
        }}
      }} else {{
        var words = {{
          pay_wall: "You have read your free stories: Accesstype shows its pay wall for this one.",
          registration_wall: "Accesstype asks you to register to read this story (its registration wall)."
        }};
        document.getElementById("paywall-reason").textContent =
          (words[result[1].wallType] || result[1].message) +
          (result[1].wallType ? " [wallType: " + result[1].wallType + "]" : "");
        document.getElementById("paywall").setAttribute("data-wall", result[1].wallType || "");
        document.getElementById("wall").hidden = false;
      }}
    }});
}})();
</script>"#,
        slug = escape(article.slug),
    );
    article_page(article, &content).into_response()
}

/// `GET /metered/api/stories/{slug}`: the body for a reader Accesstype lets in, its metered
/// read counted first; otherwise the wall, as JSON with the grant's `wallType`. Only for the
/// story page's own `fetch`: `403` for a request another site started.
pub(crate) async fn story_body(
    State(site): State<Site>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    reader: Reader,
) -> Response {
    // A GET that spends a free story: the `SameSite=Lax` cookie keeps it out of what another
    // site's page loads (`<img>`), but a link or redirect from another site (a top-level
    // navigation) still carries the cookie, and would spend one story each time.
    if !from_own_page(&headers) {
        let refused = json!({
            "error": "cross_site",
            "message": "This story is read from its page on this site.",
            "wallType": null,
        });
        return (StatusCode::FORBIDDEN, Json(refused)).into_response();
    }
    // Only a story we publish is checked and metered: an unknown id costs the reader nothing.
    let Some(article) = articles::find(Gate::Metered, &slug) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // Story or wall, the answer is this reader's: the pass and the wall each mark it
    // `Cache-Control: private, no-store`.
    match site.accesstype.gate(article.slug, reader, None).await {
        Ok(pass) => {
            let remaining = pass.grant().number_remaining();
            let story = json!({ "html": body(article), "remaining": remaining });
            (pass, Json(story)).into_response()
        }
        Err(wall) => wall.into_response(),
    }
}

/// `true` for one `Sec-Fetch-Site: same-origin` (what the page's `fetch` carries) and for no
/// `Sec-Fetch-Site` at all; `false` for any other value (`cross-site`, `same-site`, `none`
/// for an address typed in) and for the header sent twice. Browsers send it to every https
/// (or loopback) origin, so a request without it comes from a client that is not a browser:
/// it holds only its own cookies and can spend no one's stories but its own. (A browser too
/// old to send it is left with the Lax cookie's protection, which does not cover links.)
fn from_own_page(headers: &HeaderMap) -> bool {
    let mut fetch_site = headers.get_all("sec-fetch-site").iter();
    match (fetch_site.next(), fetch_site.next()) {
        (None, _) => true,
        (Some(value), None) => value.as_bytes() == b"same-origin",
        // Sent twice: no browser does that.
        (Some(_), Some(_)) => false,
    }
}
