//! Accesstype's subscription and webhook payloads, written after its documentation: the
//! subscription object (today's webhook `data`, and each item of `subscriptions.json`), and
//! the two webhook shapes.

use serde_json::{Value, json};

/// The subscriber's e-mail identity in [`subscription`]: with a `+`, which a path must keep.
pub(crate) const EMAIL: &str = "asha.rao+news@example.com";

/// The subscriber's Quintype identity in [`subscription`].
pub(crate) const QUINTYPE_ID: &str = "931456";

/// Personal data in [`subscription`] that no `Debug` may show.
pub(crate) const PERSONAL: &[&str] = &[
    EMAIL,
    "asha.rao",
    QUINTYPE_ID,
    "Asha Rao",
    "+919812345678",
    "12 MG Road",
    "Bengaluru",
];

/// A subscription as Accesstype documents it: `id`, `subscriber_id`, `subscription_plan_id`,
/// `assets[{title, type, metadata.access_level}]`, the two timestamps, `active`, `status`,
/// `plan_name`, `group_name`, `preferred_identity`, `subscriber` with its identities,
/// `invoices`, and members this crate does not type.
pub(crate) fn subscription() -> Value {
    json!({
        "id": 88213,
        "subscriber_id": 5567,
        "subscription_plan_id": 412,
        "subscription_type": "standard",
        "assets": [
            {"id": 31, "title": "All stories", "type": "site", "metadata": {"access_level": 1000}},
            {"id": 32, "title": "Newsletters", "type": "collection", "metadata": {"access_level": "500"}},
            {"id": 33, "title": "Untiered", "type": "story"}
        ],
        "trial_period_length": null,
        "start_timestamp": "2024-05-02T09:41:07.512Z",
        "end_timestamp": "2024-06-02T09:41:07.512Z",
        "active": true,
        "status": "active",
        "plan_name": "Monthly Digital",
        "group_name": "Digital",
        "duration_length": 1,
        "duration_unit": "months",
        "payment_amount": "299.0",
        "payment_amount_currency": "INR",
        "payment_type": "razorpay_recurring",
        "renewable": true,
        "preferred_identity": {"provider": "email", "value": EMAIL},
        "subscriber": {
            "id": 5567,
            "name": "Asha Rao",
            "subscriber_identities": [
                {"provider": "email", "value": EMAIL},
                {"provider": "quintype", "value": QUINTYPE_ID}
            ],
            "metadata": {"phone": "+919812345678"}
        },
        "invoices": [{
            "id": 7731,
            "amount": "299.0",
            "status": "paid",
            "billing_address": {"line1": "12 MG Road", "city": "Bengaluru"}
        }],
        "metadata": {"full-name": "Asha Rao"}
    })
}

/// Today's webhook: `data` is the subscription.
pub(crate) fn webhook(event: &str) -> Value {
    json!({
        "event": event,
        "event_timestamp": "2024-05-02T09:41:08.004Z",
        "data": subscription(),
    })
}

/// The older example's webhook: `data.subscription`.
pub(crate) fn wrapped_webhook(event: &str) -> Value {
    json!({
        "event": event,
        "event_timestamp": "2019-06-16T14:04:39.836Z",
        "data": {"subscription": subscription()},
    })
}

/// `subscriber.creation`: `data` is the subscriber.
pub(crate) fn subscriber_creation() -> Value {
    json!({
        "event": "subscriber.creation",
        "event_timestamp": "2024-05-02T09:40:59.100Z",
        "data": subscription()["subscriber"].clone(),
    })
}

/// `value` as the bytes of a request body.
pub(crate) fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}
