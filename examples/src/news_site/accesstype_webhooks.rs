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
//! The payload is a hint, not the truth (calls can arrive late, twice or out of order, and
//! the signature covers the body alone, so whoever saw one signed call can send it again): the
//! site asks Accesstype for the subscriber's active subscriptions and keeps those, one read
//! per subscriber at a time, with one more after it for the events that came in meanwhile
//! (`subscribers.rs`): replayed calls add no task and no read beyond that. It does so after
//! answering: on any answer but `2xx` Accesstype e-mails the account's admins,
//! retries hourly and, after 24 failures, disables the webhook, so a slow or failing
//! subscriptions API must not turn into failed webhook calls.
//!
//! What a publisher copies: `receive`, `read_again` and the one-read-at-a-time of
//! `subscribers.rs`.

use std::time::Duration;

use accesstype_jwt::SubscriberIdentity;
use accesstype_jwt::axum::SignedWebhook;
use axum::extract::State;
use axum::http::StatusCode;

use super::site::Site;

/// How many times the subscriptions are read before the site gives up on one event.
const READ_ATTEMPTS: u32 = 5;

/// The wait before the first retry, doubled before each next one (1 + 2 + 4 + 8 seconds).
const FIRST_RETRY_AFTER: Duration = Duration::from_secs(1);

/// `POST /webhooks/accesstype`: a signed call from Accesstype. `204` at once, the
/// subscriber's subscriptions read again in the background; `401` from the extractor for a
/// call that is not Accesstype's.
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
    // The event is taken: answer now, read the truth in a task of its own, unless one is
    // reading this subscriber already (it reads once more when done). This demo keeps the
    // pending read in memory only; a production site writes the event to its own store (a
    // queue, a table) before answering, so that a restart does not lose it.
    if site.subscribers.event(&identity) {
        tokio::spawn(read_again(site, identity));
    }
    StatusCode::NO_CONTENT
}

/// Reads the active subscriptions of `identity` and keeps their plans, again while events
/// about them came in during the read. A failed read is retried a few times with a growing
/// wait; when every attempt fails, the site keeps what it knew and says so on stderr (without
/// the identity): Accesstype, answered `204`, will not call again for this event.
async fn read_again(site: Site, identity: SubscriberIdentity) {
    // Should this task end any other way (a panic, the runtime shutting down), the next event
    // about the subscriber must still start a read.
    let reading = Reading {
        site: &site,
        identity: &identity,
    };
    loop {
        let plans = read_plans(&site, &identity).await;
        if plans.is_none() {
            eprintln!(
                "Accesstype webhook: the subscriber's subscriptions could not be read in \
                 {READ_ATTEMPTS} attempts; the site keeps what it knew"
            );
        }
        if !site.subscribers.read_done(&identity, plans) {
            // Done: the subscriber may already have a new read, which is not this one's to end.
            std::mem::forget(reading);
            return;
        }
    }
}

/// A read under way, given up when dropped before it is done.
struct Reading<'a> {
    site: &'a Site,
    identity: &'a SubscriberIdentity,
}

impl Drop for Reading<'_> {
    fn drop(&mut self) {
        self.site.subscribers.read_abandoned(self.identity);
    }
}

/// The plans of `identity`'s active subscriptions, in up to [`READ_ATTEMPTS`] attempts.
async fn read_plans(site: &Site, identity: &SubscriberIdentity) -> Option<Vec<String>> {
    let mut wait = FIRST_RETRY_AFTER;
    for attempt in 1..=READ_ATTEMPTS {
        match site.accesstype.subscriptions(identity, true).await {
            Ok(active) => {
                let plans = active
                    .iter()
                    .filter_map(|subscription| subscription.plan_name())
                    .map(str::to_owned);
                return Some(plans.collect());
            }
            Err(_) if attempt < READ_ATTEMPTS => {
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            Err(_) => {}
        }
    }
    None
}
