//! `POST /logout`: the end of the site's own login (see `logins`).

use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::logins::clear_cookie;
use super::return_to;
use super::site::Site;

/// The query of `POST /logout`.
#[derive(serde::Deserialize)]
pub(crate) struct Logout {
    #[serde(rename = "return")]
    to: Option<String>,
}

/// `POST /logout?return=...`: ends the reader's session, then back to `return` on this site.
pub(crate) async fn logout(
    State(site): State<Site>,
    Query(back): Query<Logout>,
    headers: HeaderMap,
) -> Response {
    site.logins.end(&headers);
    let to = return_to::resolve(&site.url, back.to.as_deref());
    (
        [(header::SET_COOKIE, clear_cookie())],
        Redirect::to(to.as_str()),
    )
        .into_response()
}
