//! Webhook payloads in both documented shapes, strictly parsed, the subscription they carry,
//! and the secret-path check for webhooks without a `Secret`.

use std::time::{Duration, UNIX_EPOCH};

use accesstype_jwt::{
    BuildError, Error, MAX_WEBHOOK_BODY_BYTES, SubscriberIdentity, Subscription, WebhookEvent,
    WebhookEventKind, WebhookSecret,
};
use serde_json::{Value, json};

use crate::payloads::{
    self, EMAIL, PERSONAL, QUINTYPE_ID, bytes, subscriber_creation, webhook, wrapped_webhook,
};

/// Every documented event name with its variant.
const KINDS: &[(&str, WebhookEventKind)] = &[
    (
        "subscription.creation",
        WebhookEventKind::SubscriptionCreation,
    ),
    (
        "subscription.activated",
        WebhookEventKind::SubscriptionActivated,
    ),
    (
        "subscription.renewal",
        WebhookEventKind::SubscriptionRenewal,
    ),
    (
        "subscription.cancellation",
        WebhookEventKind::SubscriptionCancellation,
    ),
    ("subscription.expiry", WebhookEventKind::SubscriptionExpiry),
    (
        "subscription.entered_grace_period",
        WebhookEventKind::SubscriptionEnteredGracePeriod,
    ),
    (
        "subscription.expiry_reminder",
        WebhookEventKind::SubscriptionExpiryReminder,
    ),
    ("subscriber.creation", WebhookEventKind::SubscriberCreation),
    (
        "subscription.created",
        WebhookEventKind::SubscriptionCreated,
    ),
];

fn parse(value: &Value) -> WebhookEvent {
    WebhookEvent::from_slice(&bytes(value)).unwrap()
}

/// What a backend reads of the documented subscription.
fn assert_typed(subscription: &Subscription) {
    assert_eq!(subscription.id(), Some(88213));
    assert_eq!(subscription.subscriber_id(), Some(5567));
    assert_eq!(subscription.subscription_plan_id(), Some(412));
    assert_eq!(subscription.status(), Some("active"));
    assert_eq!(subscription.active(), Some(true));
    assert_eq!(subscription.plan_name(), Some("Monthly Digital"));
    assert_eq!(subscription.group_name(), Some("Digital"));
    assert_eq!(
        subscription.start_timestamp(),
        Some("2024-05-02T09:41:07.512Z")
    );
    assert_eq!(
        subscription.end_timestamp(),
        Some("2024-06-02T09:41:07.512Z")
    );
    assert_eq!(
        subscription.starts_at(),
        Some(UNIX_EPOCH + Duration::from_millis(1_714_642_867_512))
    );
    assert_eq!(
        subscription.ends_at(),
        Some(UNIX_EPOCH + Duration::from_millis(1_717_321_267_512))
    );
    let assets: Vec<_> = subscription
        .assets()
        .map(|asset| (asset.asset_type(), asset.title(), asset.access_level()))
        .collect();
    assert_eq!(
        assets,
        [
            (Some("site"), Some("All stories"), Some(1000)),
            (Some("collection"), Some("Newsletters"), Some(500)),
            (Some("story"), Some("Untiered"), None),
        ]
    );
    assert_eq!(
        subscription.subscriber_identities(),
        [
            SubscriberIdentity::new("email", EMAIL).unwrap(),
            SubscriberIdentity::new("quintype", QUINTYPE_ID).unwrap(),
        ]
    );
    assert_eq!(
        subscription.preferred_identity(),
        Some(SubscriberIdentity::email(EMAIL).unwrap())
    );
    assert_eq!(subscription.get("payment_amount"), Some(&json!("299.0")));
    assert_eq!(subscription.get("invoices").unwrap()[0]["id"], 7731);
    assert_eq!(subscription.members().len(), 22);
}

#[test]
fn todays_payload_is_the_subscription_itself() {
    for (name, kind) in KINDS
        .iter()
        .filter(|(_, kind)| kind.is_about_a_subscription())
    {
        let event = parse(&webhook(name));
        assert_eq!(event.kind(), kind);
        assert_eq!(event.kind().as_str(), *name);
        assert_eq!(event.event_timestamp(), Some("2024-05-02T09:41:08.004Z"));
        assert_eq!(
            event.occurred_at(),
            Some(UNIX_EPOCH + Duration::from_millis(1_714_642_868_004))
        );
        assert_typed(event.subscription().unwrap());
        assert_eq!(event.data(), event.subscription().unwrap().members());
        assert_eq!(event.subscriber_identities().len(), 2);
    }
}

#[test]
fn the_older_wrapped_payload_gives_the_same_subscription() {
    let today = parse(&webhook("subscription.activated"));
    for name in ["subscription.created", "subscription.activated", "ping"] {
        let event = parse(&wrapped_webhook(name));
        assert_eq!(event.kind().as_str(), name);
        let subscription = event.subscription().unwrap();
        assert_typed(subscription);
        assert_eq!(Some(subscription), today.subscription());
        assert_eq!(event.data().keys().collect::<Vec<_>>(), ["subscription"]);
        assert_eq!(event.subscriber_identities(), today.subscriber_identities());
    }
}

#[test]
fn a_subscriber_creation_carries_the_subscriber_not_a_subscription() {
    let event = parse(&subscriber_creation());
    assert_eq!(event.kind(), &WebhookEventKind::SubscriberCreation);
    assert!(event.subscription().is_none());
    assert_eq!(
        event.subscriber_identities(),
        [
            SubscriberIdentity::email(EMAIL).unwrap(),
            SubscriberIdentity::new("quintype", QUINTYPE_ID).unwrap(),
        ]
    );
    assert_eq!(event.data()["id"], 5567);
}

#[test]
fn event_names_round_trip_and_unknown_ones_are_kept() {
    for (name, kind) in KINDS {
        assert_eq!(&WebhookEventKind::from(*name), kind);
        assert_eq!(String::from(kind.clone()), *name);
        assert_eq!(kind.to_string(), *name);
        assert_eq!(
            kind.is_about_a_subscription(),
            name.starts_with("subscription.")
        );
    }
    let body = br#"{"event":"subscription.paused","data":{"id":9,"status":"paused"},"extra":1}"#;
    let event = WebhookEvent::from_slice(body).unwrap();
    assert_eq!(
        event.kind(),
        &WebhookEventKind::Other("subscription.paused".to_owned())
    );
    assert_eq!(event.event_timestamp(), None);
    assert_eq!(event.subscription().unwrap().id(), Some(9));
    // An event about something else: its data is not taken for a subscription.
    let other =
        WebhookEvent::from_slice(br#"{"event":"invoice.paid","data":{"id":7731}}"#).unwrap();
    assert!(other.subscription().is_none());
    assert_eq!(other.data()["id"], 7731);
    for name in [
        "subscription.",
        "subscriptions.renewal",
        "subscriber.renewal",
    ] {
        assert!(
            !WebhookEventKind::from(name).is_about_a_subscription(),
            "{name}"
        );
    }
    // No subscription at all: the event still parses, without one.
    let bare = WebhookEvent::from_slice(br#"{"event":"subscription.renewal","data":{}}"#).unwrap();
    assert!(bare.subscription().is_none());
    assert!(bare.subscriber_identities().is_empty());
}

#[test]
fn events_round_trip_through_serde_in_their_own_shape() {
    for value in [
        webhook("subscription.renewal"),
        wrapped_webhook("subscription.created"),
        subscriber_creation(),
    ] {
        let event = parse(&value);
        assert_eq!(serde_json::to_value(&event).unwrap(), value);
        // Any serde deserializer reads it the same, strictly.
        let again: WebhookEvent = serde_json::from_value(value).unwrap();
        assert_eq!(again, event);
    }
    let subscription: Subscription = serde_json::from_value(payloads::subscription()).unwrap();
    assert_typed(&subscription);
    assert_eq!(
        serde_json::to_value(&subscription).unwrap(),
        payloads::subscription()
    );
    assert!(serde_json::from_str::<Subscription>("[]").is_err());
}

#[test]
fn unusable_identities_and_odd_members_read_as_absent() {
    let mut value = payloads::subscription();
    value["id"] = json!("88213");
    value["active"] = json!("true");
    value["start_timestamp"] = json!("2024-05-02 09:41:07");
    value["assets"] = json!([1, {"type": "site", "metadata": {"access_level": "high"}}]);
    value["subscriber"]["subscriber_identities"] = json!([
        {"provider": "email", "value": ".."},
        {"provider": "email"},
        {"provider": "email", "value": "jo\u{200B}hn@example.com"},
        "email",
        {"provider": "quintype", "value": 931456},
        {"provider": "email", "value": "ok@example.com"}
    ]);
    value["preferred_identity"] = json!({"provider": "", "value": "x"});
    let subscription: Subscription = serde_json::from_value(value).unwrap();
    assert_eq!(subscription.id(), None);
    assert_eq!(subscription.active(), None);
    assert_eq!(subscription.start_timestamp(), Some("2024-05-02 09:41:07"));
    assert_eq!(subscription.starts_at(), None);
    assert_eq!(subscription.assets().count(), 1);
    assert_eq!(subscription.assets().next().unwrap().access_level(), None);
    assert_eq!(
        subscription.subscriber_identities(),
        [SubscriberIdentity::email("ok@example.com").unwrap()]
    );
    assert_eq!(subscription.preferred_identity(), None);
}

#[test]
fn forged_or_broken_payloads_are_errors() {
    let mut twice_in_identities = bytes(&webhook("subscription.activated"));
    let needle = br#""provider":"quintype""#;
    let at = twice_in_identities
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap();
    twice_in_identities.splice(at..at, br#""provider":"email","#.iter().copied());
    for body in [
        &br#"{"event":"subscription.renewal","event":"subscription.cancellation","data":{}}"#[..],
        br#"{"event":"subscription.renewal","data":{"status":"expired","status":"active"}}"#,
        br#"{"event":"subscription.created","data":{"subscription":{"active":false,"active":true}}}"#,
        &twice_in_identities,
        br#"{"event":"subscription.created"}"#,
        br#"{"event":42,"data":{}}"#,
        br#"{"event":"subscription.created","data":[]}"#,
        br#"[]"#,
        b"",
        b"event=subscription.created",
    ] {
        let error = WebhookEvent::from_slice(body).unwrap_err();
        assert!(
            matches!(&error, Error::Parse(parsed) if parsed.what() == "webhook" && parsed.len() == body.len()),
            "{}: {error:?}",
            String::from_utf8_lossy(body)
        );
        assert!(serde_json::from_slice::<WebhookEvent>(body).is_err());
    }
    let huge = format!(
        r#"{{"event":"x","data":{{"pad":"{}"}}}}"#,
        "x".repeat(MAX_WEBHOOK_BODY_BYTES)
    );
    assert!(matches!(
        WebhookEvent::from_slice(huge.as_bytes()),
        Err(Error::BodyTooLarge { .. })
    ));
}

#[test]
fn debug_shows_what_a_backend_acts_on_and_no_personal_data() {
    for value in [
        webhook("subscription.activated"),
        wrapped_webhook("subscription.created"),
        subscriber_creation(),
    ] {
        let event = parse(&value);
        let debug = format!("{event:?} {event:#?}");
        for personal in PERSONAL {
            assert!(!debug.contains(personal), "{personal} in {debug}");
        }
        let identities = format!("{:?}", event.subscriber_identities());
        for personal in PERSONAL {
            assert!(!identities.contains(personal), "{identities}");
        }
        assert!(
            identities.contains(r#"provider: "quintype""#),
            "{identities}"
        );
    }
    let debug = format!("{:?}", parse(&webhook("subscription.activated")));
    for shown in [
        "SubscriptionActivated",
        "88213",
        "Monthly Digital",
        "\"site\"",
        "Some(1000)",
        "\"quintype\"",
        "\"invoices\"",
    ] {
        assert!(debug.contains(shown), "{shown} not in {debug}");
    }
}

#[test]
fn the_secret_is_long_compared_in_full_and_never_shown() {
    const SECRET: &str = "wh-7d1c0b9a8f7e6d5c4b3a2918f7e6d5c4";
    let secret = WebhookSecret::new(SECRET).unwrap();
    assert!(secret.matches(SECRET));
    for wrong in [
        "",
        "wh-7d1c0b9a8f7e6d5c4b3a2918f7e6d5c",
        "wh-7d1c0b9a8f7e6d5c4b3a2918f7e6d5c4 ",
        "wh-7d1c0b9a8f7e6d5c4b3a2918f7e6d5c5",
        "WH-7D1C0B9A8F7E6D5C4B3A2918F7E6D5C4",
    ] {
        assert!(!secret.matches(wrong), "{wrong:?}");
    }
    assert_eq!(secret.expose_secret(), SECRET);
    assert_eq!(format!("{secret:?}"), "WebhookSecret([redacted])");
    assert!(matches!(
        WebhookSecret::new(""),
        Err(BuildError::EmptySecret)
    ));
    assert!(matches!(
        WebhookSecret::new("short-secret"),
        Err(BuildError::ShortSecret { len: 12, min: 32 })
    ));
}
