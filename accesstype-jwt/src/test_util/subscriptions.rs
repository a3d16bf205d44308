//! The fake's subscriptions: seeded by the test, served per subscriber identity, and
//! consulted by the access check.

use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use crate::subscriber_identity::SubscriberIdentity;
use crate::subscription::Subscription;
use crate::timestamp::format_rfc3339;

/// How long a seeded subscription runs: a month of 30 days.
const TERM: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// Every subscription the fake knows, in the order they were seeded.
#[derive(Default)]
pub(crate) struct SubscriptionBook {
    subscriptions: Vec<Subscription>,
    next_id: u64,
    next_subscriber_id: u64,
}

impl SubscriptionBook {
    /// A new active subscription on `plan_name` for the subscriber known by `identity` (a new
    /// subscriber unless one of their subscriptions already names it), in the shape
    /// Accesstype documents.
    pub(crate) fn add(&mut self, identity: &SubscriberIdentity, plan_name: &str) -> Subscription {
        self.next_id += 1;
        let id = 88_200 + self.next_id;
        let subscriber = self
            .of(identity, false)
            .first()
            .and_then(|known| Some((known.subscriber_id()?, known.get("subscriber")?.clone())));
        let (subscriber_id, subscriber) = subscriber.unwrap_or_else(|| {
            self.next_subscriber_id += 1;
            let subscriber_id = 5_500 + self.next_subscriber_id;
            let subscriber = json!({
                "id": subscriber_id,
                "subscriber_identities": [{"provider": identity.provider(), "value": identity.value()}],
            });
            (subscriber_id, subscriber)
        });
        let now = SystemTime::now();
        let subscription = json!({
            "id": id,
            "subscriber_id": subscriber_id,
            "subscription_plan_id": 412,
            "subscription_type": "standard",
            "plan_name": plan_name,
            "group_name": "Digital",
            "duration_length": 1,
            "duration_unit": "months",
            "start_timestamp": format_rfc3339(now),
            "end_timestamp": format_rfc3339(now + TERM),
            "active": true,
            "status": "active",
            "assets": [{"title": "All stories", "type": "site", "metadata": {"access_level": 1000}}],
            "preferred_identity": {"provider": identity.provider(), "value": identity.value()},
            "subscriber": subscriber,
            "invoices": [],
        });
        // An object, so always a map.
        let subscription =
            Subscription::from_members(serde_json::from_value(subscription).unwrap_or_default());
        self.subscriptions.push(subscription.clone());
        subscription
    }

    /// A subscription as the test wrote it, served to every identity it names.
    pub(crate) fn insert(&mut self, subscription: Subscription) {
        self.subscriptions.push(subscription);
    }

    /// Sets the `status` and `active` of the subscription with this `id`; an ended one also
    /// ends now. The changed subscription, if there is one.
    pub(crate) fn set_status(
        &mut self,
        id: u64,
        status: &str,
        active: bool,
    ) -> Option<Subscription> {
        let subscription = self
            .subscriptions
            .iter_mut()
            .find(|subscription| subscription.id() == Some(id))?;
        let members = subscription.members_mut();
        members.insert("status".to_owned(), Value::from(status));
        members.insert("active".to_owned(), Value::from(active));
        if !active {
            let now = format_rfc3339(SystemTime::now());
            members.insert("end_timestamp".to_owned(), Value::from(now));
        }
        Some(subscription.clone())
    }

    /// The subscriptions whose subscriber has `identity` (among their identities or as the
    /// preferred one), only the active ones when `active_only`.
    pub(crate) fn of(
        &self,
        identity: &SubscriberIdentity,
        active_only: bool,
    ) -> Vec<&Subscription> {
        self.subscriptions
            .iter()
            .filter(|subscription| {
                subscription.preferred_identity().as_ref() == Some(identity)
                    || subscription.subscriber_identities().contains(identity)
            })
            .filter(|subscription| !active_only || subscription.active() == Some(true))
            .collect()
    }
}
