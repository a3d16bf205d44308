//! Accesstype's webhooks on the news site: a subscription was created, renewed, cancelled...
//! Accesstype calls the site, server to server, and the site re-reads what the subscriber
//! may read.
//!
//! Each call is signed: `X-AT-Signature` is the HMAC-SHA256 of the raw body under the
//! webhook's `Secret`. The `SignedWebhook` extractor checks it (in constant time, before the
//! body is parsed) with the `WebhookSigningKey` in the site's state and answers `401` when it
//! does not match, so a forged call never reaches the handler. The route sits outside the
//! site's same-origin layer: no browser sends it, and it carries no `Origin`; the signature
//! is what proves where it came from.
//!
//! The payload is a hint, not the truth (calls can arrive late, twice or out of order): the
//! handler asks Accesstype for the subscriber's active subscriptions and keeps those.
//!
//! What a publisher copies: `receive`.

use accesstype_jwt::axum::SignedWebhook;
use axum::extract::State;
use axum::http::StatusCode;

use super::site::Site;

/// `POST /webhooks/accesstype`: a signed call from Accesstype. `204` once the subscriber's
/// subscriptions are read again; `503` when Accesstype could not be asked (it calls again
/// within the hour); `401` from the extractor for a call that is not Accesstype's.
pub(crate) async fn receive(
    State(site): State<Site>,
    SignedWebhook(event): SignedWebhook,
) -> StatusCode {
    // Events about no one in particular (a kind the site does not act on) need no work.
    let Some(identity) = event
        .subscription()
        .and_then(|subscription| subscription.preferred_identity())
        .or_else(|| event.subscriber_identities().into_iter().next())
    else {
        return StatusCode::NO_CONTENT;
    };
    match site.accesstype.subscriptions(&identity, true).await {
        Ok(active) => {
            let plans = active
                .iter()
                .filter_map(|subscription| subscription.plan_name())
                .map(str::to_owned)
                .collect();
            site.subscribers.set(&identity, plans);
            StatusCode::NO_CONTENT
        }
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}
