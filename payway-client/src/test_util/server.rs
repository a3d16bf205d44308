//! The fake's HTTP server: the family's fake-server scaffolding (`paywall_internal::fake`),
//! faults applied before each answer, Payway's routes behind it.

use std::sync::Arc;

use http::StatusCode;
use http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE};
use paywall_internal::fake::{Captured, FakeServer, Reply};
use serde_json::json;

use super::shared::Shared;
use super::shop;
use super::sso2::{self, Sso2Request};
use super::sso2_pages;
use super::state::Call;

/// Starts the fake on `127.0.0.1`, on a port of its own; it stops when dropped.
pub(crate) async fn spawn(shared: Arc<Shared>) -> std::io::Result<FakeServer> {
    FakeServer::start(move |request| {
        let shared = Arc::clone(&shared);
        async move { serve(&shared, request).await }
    })
    .await
}

async fn serve(shared: &Shared, request: Captured) -> Reply {
    let fail = |status| {
        let body = json!({"code": "internal_server_error", "field": null, "message": "fault injected by FakePayway"});
        Reply::json(status, &body)
    };
    if let Some(reply) = shared.faults.intercept(fail).await {
        return reply;
    }
    let Some(body) = request.body.clone() else {
        let body = json!({"code": "invalid_parameter", "field": null, "message": "request body too large"});
        return Reply::json(StatusCode::PAYLOAD_TOO_LARGE, &body);
    };
    let path = request.path.as_str();
    let query = request.query.as_str();
    let mut state = shared.state();
    if path.starts_with(shop::SHOP_PREFIX) {
        shop::answer(&mut state, &request.method, path, query)
    } else if path.starts_with(sso2::SSO_PREFIX) {
        // Other cookies of the fake's origin may hold any bytes: they must not hide its own.
        let cookies: Vec<String> = request
            .headers
            .get_all(COOKIE)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        let cookie_header = cookies.join("; ");
        let request = Sso2Request {
            method: &request.method,
            path,
            query,
            cookie_header: &cookie_header,
            body: &body,
        };
        sso2_pages::answer(&mut state, &request)
            .or_else(|| sso2::answer(&mut state, &request))
            .unwrap_or_else(|| {
                let body =
                    json!({"error": "not_found", "error_description": "No such SSO2 endpoint"});
                Reply::json(StatusCode::NOT_FOUND, &body)
            })
    } else {
        state.answer(&Call {
            method: &request.method,
            path,
            query,
            bearer: request
                .header(AUTHORIZATION.as_str())
                .and_then(|v| v.strip_prefix("Bearer ")),
            json_body: request
                .header(CONTENT_TYPE.as_str())
                .is_some_and(|v| v.starts_with("application/json")),
            body: &body,
        })
    }
}
