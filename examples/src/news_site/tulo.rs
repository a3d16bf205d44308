//! Tulo Payway's JS-API on the news site: `Tulo.session` writes the signed `T_ID` cookie on
//! our domain; the server verifies it offline before it renders the story.
//!
//! What a publisher copies: `story_page`, whose gate is the `TuloSession` argument (its
//! rejection says why there is no session), and the few lines of page script that call
//! `Tulo.session` on every page, as seed 002 asks. `Tulo.init` must ask for
//! `fields: "products"`: without it Payway signs no products, and the gate refuses every
//! subscriber.
//!
//! Payway's own script and backend are not here: `standin_*` below play them, signing with
//! `FakeTulo`. A real site loads `Environment::js_api_script_url()` instead.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Value, json};
use std::time::SystemTime;
use tulo_jwt::axum::{TuloRejection, TuloSession};

use super::articles::{self, Gate, PRODUCT};
use super::home::{article_page, body};
use super::html::{escape, page, paywall};
use super::return_to;
use super::site::Site;

/// The stand-in Payway login's own cookie (on its own path, as Payway's is on its own host).
const STANDIN_COOKIE: &str = "payway_standin";
/// The accounts the stand-in login offers.
const ACCOUNTS: [(&str, &str, bool); 2] = [
    ("554e2b9201c6a33e4c000036", "subscriber@example.com", true),
    ("554e2b9201c6a33e4c000099", "reader@example.com", false),
];

/// `GET /tulo/articles/{slug}`
pub(crate) async fn story_page(
    Path(slug): Path<String>,
    session: Result<TuloSession, TuloRejection>,
) -> Response {
    let Some(article) = articles::find(Gate::TuloCookie, &slug) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let login = format!(
        r#"<a class="button" id="tulo-login" href="/payway-standin/login?return={}">Log in with Payway</a>"#,
        escape(&article.path())
    );
    let content = match &session {
        Ok(session) if session.has_product(PRODUCT) => format!(
            r#"<p class="signed-in" id="signed-in">Logged in to Payway as account {}.</p>{}"#,
            escape(session.account_id()),
            body(article)
        ),
        Ok(session) => paywall(
            "Tulo subscribers",
            &format!(
                "You are logged in to Payway as account {}, but that account has no \
                 subscription to {PRODUCT}.",
                session.account_id()
            ),
            &login,
        ),
        Err(rejection) => paywall("Tulo subscribers", reason(rejection), &login),
    };
    let content = format!(
        r#"{content}
<script src="/payway-standin/tulo_js_api.js"></script>
<script>
// Seed 002: call Tulo.session on every page; it refreshes the T_ID cookie our server reads.
// Payway signs the reader's products only when `fields` asks for them.
Tulo.init("fake-tulo-client", location.origin + "/tulo/forward", "daily",
          {{ env: "stage", fields: "products" }});
Tulo.session(function (data, changed) {{
  if (changed && !sessionStorage.getItem("tulo-reloaded")) {{
    sessionStorage.setItem("tulo-reloaded", "1");
    location.reload();
  }} else {{
    sessionStorage.removeItem("tulo-reloaded");
  }}
}});
</script>"#
    );
    // The answer depends on the reader's cookie: the site's not-stored layer keeps it out of
    // shared caches.
    article_page(article, &content).into_response()
}

/// The verifier's typed outcome, in words.
fn reason(rejection: &TuloRejection) -> &'static str {
    match rejection.code() {
        "session_missing" => {
            "There is no Payway session cookie (T_ID) yet: log in with Payway to read on."
        }
        "session_inactive" => "Payway reports no active session for this browser: log in.",
        "session_expired" => "Your Payway session cookie is out of date; reload the page.",
        _ => {
            "Your Payway session cookie did not verify (edited, or signed by someone else), \
              so it is ignored: log in again."
        }
    }
}

/// `GET /payway-standin/tulo_js_api.js`: plays Payway's `tulo_js_api.js`.
pub(crate) async fn standin_script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        STANDIN_SCRIPT,
    )
        .into_response()
}

const STANDIN_SCRIPT: &str = r#"// A stand-in for Payway's tulo_js_api.js: the same Tulo.init / Tulo.session calls, answered
// by the demo's stand-in backend, which signs like Payway with a test secret. As Payway's, it
// sends the session only the extra fields that Tulo.init's `fields` option asked for.
window.Tulo = (function () {
  "use strict";
  var fields = "";
  function current() {
    var found = document.cookie.split("; ").filter(function (c) { return c.indexOf("T_ID=") === 0; });
    return found.length ? found[0].slice(5) : null;
  }
  return {
    init: function (clientId, redirectUri, organisation, options) {
      fields = (options && options.fields) || "";
    },
    session: function (callback) {
      fetch("/payway-standin/session?fields=" + encodeURIComponent(fields), { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          var changed = current() !== answer.cookie;
          if (changed) {
            document.cookie = "T_ID=" + answer.cookie + "; path=/; SameSite=Lax";
          }
          callback(answer.session, changed);
        });
    }
  };
})();
"#;

/// The fields `Tulo.init` asked for beyond the defaults, comma-separated (seed 002).
#[derive(serde::Deserialize)]
pub(crate) struct Fields {
    fields: Option<String>,
}

/// `GET /payway-standin/session?fields=...`: plays Payway's `/session`: the session, signed,
/// and the `T_ID` value the script writes. Like Payway's, the session carries `products` only
/// when `fields` asks for them.
pub(crate) async fn standin_session(
    State(site): State<Site>,
    Query(asked): Query<Fields>,
    headers: HeaderMap,
) -> Response {
    let with_products = asked
        .fields
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .any(|field| field.trim() == "products");
    let account = standin_account(&headers);
    let fake = &site.fakes.tulo;
    let claims = match account {
        Some((id, email, subscriber)) => {
            let mut claims = fake.active_claims(id, SystemTime::now());
            claims["session"]["contact_email"] = json!(email);
            if with_products {
                let products: Vec<&str> = if subscriber { vec![PRODUCT] } else { vec![] };
                claims["session"]["products"] = json!(products);
            }
            claims
        }
        None => fake.inactive_claims(SystemTime::now()),
    };
    let session = claims.get("session").cloned().unwrap_or(Value::Null);
    axum::Json(json!({ "cookie": fake.cookie(&claims), "session": session })).into_response()
}

/// Which stand-in account this browser logged in as.
fn standin_account(headers: &HeaderMap) -> Option<(&'static str, &'static str, bool)> {
    let cookies = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim);
    let chosen = cookies
        .filter_map(|c| c.strip_prefix(STANDIN_COOKIE))
        .find_map(|c| c.strip_prefix('='))?;
    ACCOUNTS.into_iter().find(|(id, ..)| *id == chosen)
}

/// Where the stand-in login sends the reader back: a place on this site (see `return_to`).
#[derive(serde::Deserialize)]
pub(crate) struct Return {
    #[serde(rename = "return")]
    to: Option<String>,
}

/// `GET /payway-standin/login`: plays Payway's login page.
pub(crate) async fn standin_login_page(
    State(site): State<Site>,
    Query(back): Query<Return>,
) -> Response {
    // The form posts the return place again, resolved and encoded as a query value.
    let to = return_to::resolve(&site.url, back.to.as_deref());
    let mut action = site
        .url
        .join("/payway-standin/login")
        .unwrap_or_else(|_| site.url.clone());
    action
        .query_pairs_mut()
        .append_pair("return", return_to::local_part(&to));
    let action = escape(return_to::local_part(&action));
    let mut choices = String::new();
    for (id, email, subscriber) in ACCOUNTS {
        let what = if subscriber {
            "subscriber"
        } else {
            "no subscription"
        };
        choices.push_str(&format!(
            r#"<button type="submit" name="account" value="{id}" id="login-{id}">{email} ({what})</button> "#
        ));
    }
    page(
        "Payway login (stand-in)",
        &format!(
            r#"<h1>Log in to Payway</h1>
<p class="notice">A stand-in for Payway's login page: choose a test account.</p>
<form method="post" action="{action}">{choices}</form>"#
        ),
    )
    .into_response()
}

/// The stand-in login form.
#[derive(serde::Deserialize)]
pub(crate) struct Login {
    account: String,
}

/// `POST /payway-standin/login`
pub(crate) async fn standin_login(
    State(site): State<Site>,
    Query(back): Query<Return>,
    Form(login): Form<Login>,
) -> Response {
    let Some((id, ..)) = ACCOUNTS.into_iter().find(|(id, ..)| *id == login.account) else {
        return (StatusCode::BAD_REQUEST, "unknown test account").into_response();
    };
    let cookie = format!("{STANDIN_COOKIE}={id}; Path=/payway-standin; HttpOnly; SameSite=Lax");
    (
        [(header::SET_COOKIE, cookie)],
        Redirect::to(return_to::resolve(&site.url, back.to.as_deref()).as_str()),
    )
        .into_response()
}
