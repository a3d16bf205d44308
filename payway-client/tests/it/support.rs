//! Shared fixtures: a client pointed at a mock Payway, the two mocks a login needs, and the
//! ticket logins Payway refused.

use httpmock::Mock;
use httpmock::prelude::*;
use payway_client::{PaywayClient, PaywayClientBuilder, ProviderError, RejectReason, TicketLogin};
use serde_json::json;
use url::Url;

pub(crate) const CLIENT_ID: &str = "site-client-id";
pub(crate) const CLIENT_SECRET: &str = "site-client-secret-0123456789";

/// A builder pointed at `server` with the test credentials.
pub(crate) fn builder(server: &MockServer) -> PaywayClientBuilder {
    PaywayClient::builder()
        .base_url(Url::parse(&server.base_url()).unwrap())
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
}

/// A client pointed at `server`.
pub(crate) fn client(server: &MockServer) -> PaywayClient {
    builder(server).build().unwrap()
}

/// The form body of a ticket exchange, as this crate sends it (with the default scope).
pub(crate) fn ticket_form(ticket: &str) -> String {
    format!(
        "grant_type=ticket&ticket={ticket}&scope=%2Fexternal%2Fme%2Fw&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
    )
}

/// Payway accepting `ticket` (form-encoded) and issuing `access_token`.
pub(crate) async fn mock_exchange<'a>(
    server: &'a MockServer,
    ticket: &str,
    access_token: &str,
) -> Mock<'a> {
    let body = ticket_form(ticket);
    let access_token = access_token.to_owned();
    server
        .mock_async(move |when, then| {
            when.method(POST)
                .path("/api/authorization/access_token")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
            then.status(200).json_body(json!({
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 3600,
                "refresh_token": "refresh-secret-1",
            }));
        })
        .await
}

/// Payway answering the ticket exchange of `ticket` with `status` and `body`.
pub(crate) async fn mock_exchange_status<'a>(
    server: &'a MockServer,
    ticket: &str,
    status: u16,
    body: serde_json::Value,
) -> Mock<'a> {
    let form = ticket_form(ticket);
    server
        .mock_async(move |when, then| {
            when.method(POST)
                .path("/api/authorization/access_token")
                .body(form);
            then.status(status).json_body(body);
        })
        .await
}

/// `/me` for `access_token`, in the documented wrapped shape.
pub(crate) async fn mock_me<'a>(server: &'a MockServer, access_token: &str) -> Mock<'a> {
    let bearer = format!("Bearer {access_token}");
    server
        .mock_async(move |when, then| {
            when.method(GET)
                .path("/external/api/v1/me")
                .header("authorization", bearer);
            then.status(200).json_body(json!({
                "item": {
                    "id": "acc-42",
                    "email": "reader@example.com",
                    "first_name": "Ada",
                    "last_name": "Lovelace",
                    "customer_number": "C-1001",
                    "status": "active",
                    "user_products": [{"product_code": "premium", "state": "active"}]
                }
            }));
        })
        .await
}

/// A loopback URL where nothing listens (the port was free a moment ago).
pub(crate) fn dead_base_url() -> Url {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap()
}

/// The details of a ticket login Payway refused with `401` (the ticket invalid, expired or
/// used); a panic for any other outcome.
#[track_caller]
pub(crate) fn invalid(login: &TicketLogin) -> &ProviderError {
    match login {
        TicketLogin::Rejected {
            reason: RejectReason::Invalid(details),
        } => details,
        other => panic!("expected a ticket Payway refused (401), got {other:?}"),
    }
}

/// The details of a ticket login Payway refused with `400` (the ticket malformed); a panic
/// for any other outcome.
#[track_caller]
pub(crate) fn malformed(login: &TicketLogin) -> &ProviderError {
    match login {
        TicketLogin::Rejected {
            reason: RejectReason::Malformed(details),
        } => details,
        other => panic!("expected a ticket Payway found malformed (400), got {other:?}"),
    }
}
