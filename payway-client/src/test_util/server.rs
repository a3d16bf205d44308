//! The fake's HTTP server: the family's fake-server scaffolding (`paywall_internal::fake`),
//! faults applied before each answer, Payway's routes behind it.

use std::sync::Arc;

use http::StatusCode;
use paywall_internal::fake::{Captured, FakeServer, Reply};
use serde_json::json;

use super::shared::Shared;
use super::shop;
use super::sso2;
use super::sso2_pages;

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
    if request.body.is_none() {
        let body = json!({"code": "invalid_parameter", "field": null, "message": "request body too large"});
        return Reply::json(StatusCode::PAYLOAD_TOO_LARGE, &body);
    }
    let mut state = shared.state();
    if request.path.starts_with(shop::SHOP_PREFIX) {
        shop::answer(&mut state, &request.method, &request.path, &request.query)
    } else if request.path.starts_with(sso2::SSO_PREFIX) {
        sso2_pages::answer(&mut state, &request)
            .or_else(|| sso2::answer(&mut state, &request))
            .unwrap_or_else(|| {
                let body =
                    json!({"error": "not_found", "error_description": "No such SSO2 endpoint"});
                Reply::json(StatusCode::NOT_FOUND, &body)
            })
    } else {
        state.answer(&request)
    }
}
