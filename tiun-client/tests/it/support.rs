//! Shared setup: a mock tiun and clients pointed at it.

use httpmock::MockServer;
use tiun_client::{TiunClient, TiunClientBuilder};

/// The API key every test client sends.
pub(crate) const KEY: &str = "tk_test_9f8e7d6c5b4a";

/// The path of the current session check for `encoded_id`.
pub(crate) fn s2s_path(encoded_id: &str) -> String {
    format!("/live_api/s2s/v1/sessions/{encoded_id}/status")
}

/// A builder aimed at `server` with the test key.
pub(crate) fn builder(server: &MockServer) -> TiunClientBuilder {
    TiunClient::builder()
        .base_url(server.base_url().parse().unwrap())
        .api_key(KEY)
}

/// A client aimed at `server` with the test key.
pub(crate) fn client(server: &MockServer) -> TiunClient {
    builder(server).build().unwrap()
}
