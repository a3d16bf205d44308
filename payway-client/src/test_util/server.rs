//! The fake's HTTP server: the family's fake-server scaffolding (`paywall_internal::fake`),
//! faults applied before each answer, then the shop, SSO2 or the Payway API.

use std::sync::{Arc, Mutex, MutexGuard};

use http::StatusCode;
use paywall_internal::fake::{Captured, FakeServer, Faults, Reply};
use paywall_internal::sync::lock;

use super::state::{State, api_error, oauth_error};
use super::{shop, sso2, sso2_pages};

/// What the server task and the test share: the state, and the faults to inject.
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    pub(crate) faults: Faults,
}

impl Shared {
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

/// Starts the fake on `127.0.0.1`, on a port of its own; it stops when dropped.
pub(crate) async fn spawn(shared: Arc<Shared>) -> std::io::Result<FakeServer> {
    FakeServer::start(move |request| {
        let shared = Arc::clone(&shared);
        async move { serve(&shared, request).await }
    })
    .await
}

async fn serve(shared: &Shared, request: Captured) -> Reply {
    let injected = "fault injected by FakePayway";
    let fail = |status| api_error(status, "internal_server_error", None, injected);
    if let Some(reply) = shared.faults.intercept(fail).await {
        return reply;
    }
    if request.body.is_none() {
        let (status, message) = (StatusCode::PAYLOAD_TOO_LARGE, "request body too large");
        return api_error(status, "invalid_parameter", None, message);
    }
    let mut state = shared.state();
    if request.path.starts_with(shop::SHOP_PREFIX) {
        shop::answer(&mut state, &request.method, &request.path, &request.query)
    } else if request.path.starts_with(sso2::SSO_PREFIX) {
        sso2_pages::answer(&mut state, &request)
            .or_else(|| sso2::answer(&mut state, &request))
            .unwrap_or_else(|| {
                let description = "No such SSO2 endpoint";
                oauth_error(StatusCode::NOT_FOUND, "not_found", description)
            })
    } else {
        state.answer(&request)
    }
}
