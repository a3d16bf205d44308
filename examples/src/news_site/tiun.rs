//! tiun on the news site: the reader pays by the minute in tiun's snippet; the page sends the
//! session id it receives to the backend, which asks tiun before it serves the story.
//!
//! What a publisher copies: the page script below (seed 001's message handler) and the
//! `story_body` handler, whose whole gate is the `PaidSession` argument.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tiun_client::axum::PaidSession;

use super::articles::{self, Gate};
use super::home::{article_page, body};
use super::html::{escape, paywall};
use super::site::Site;

/// `GET /tiun/articles/{slug}`: the story's page. The body is not in it: the page script
/// fetches it once tiun's snippet reports a paid session.
pub(crate) async fn story_page(State(site): State<Site>, Path(slug): Path<String>) -> Response {
    let Some(article) = articles::find(Gate::Tiun, &slug) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let wall = paywall(
        "readers who pay with tiun",
        "No paid tiun session yet: pay with tiun to read on. You pay only for the minutes you read.",
        r#"<div id="tiun-snippet"></div>"#,
    );
    let content = format!(
        r#"<div id="article-body" hidden></div>
{wall}
<script src="{snippet}" data-tiun-target="tiun-snippet"></script>
<script>
// Seed 001: tiun's snippet posts TIUN_EVENT messages; the session id goes to our backend.
(function () {{
  var wall = document.getElementById("paywall");
  var reason = document.getElementById("paywall-reason");
  var body = document.getElementById("article-body");
  function showWall(text) {{
    body.hidden = true;
    body.innerHTML = "";
    reason.textContent = text;
    wall.classList.remove("open");
  }}
  window.addEventListener("message", function (event) {{
    if (event.source !== window || !event.data || event.data.type !== "TIUN_EVENT") return;
    if (event.data.content === "TIUN_HIDE_PAYWALL" && event.data.sessionId) {{
      fetch("/tiun/api/articles/{slug}", {{ headers: {{ "X-Tiun-Session": event.data.sessionId }} }})
        .then(function (response) {{ return response.json().then(function (answer) {{ return [response.ok, answer]; }}); }})
        .then(function (result) {{
          if (result[0]) {{
            body.innerHTML = result[1].html;
            body.hidden = false;
            reason.textContent = "Your tiun session is paid: enjoy the story. End the session in the box below.";
            wall.classList.add("open");
          }} else {{
            showWall(result[1].message);
          }}
        }})
        .catch(function () {{ showWall("The story could not be loaded; please try again."); }});
    }} else if (event.data.content === "TIUN_SHOW_PAYWALL") {{
      showWall("Your tiun session ended: pay with tiun to read on.");
    }}
  }});
}})();
</script>"#,
        snippet = escape(site.fakes.tiun.snippet_url().as_str()),
        slug = escape(article.slug),
    );
    article_page(article, &content).into_response()
}

/// `GET /tiun/api/articles/{slug}` with the header `X-Tiun-Session`: the story's body, only
/// for a session tiun calls paid. Anything else is the extractor's rejection: `402` with
/// `{"error", "message"}` for a missing or unpaid session, `503` when tiun cannot tell.
pub(crate) async fn story_body(paid: PaidSession, Path(slug): Path<String>) -> Response {
    match articles::find(Gate::Tiun, &slug) {
        Some(article) => (paid, Json(json!({ "html": body(article) }))).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
