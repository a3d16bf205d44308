//! Webhook payloads, strictly parsed, and the shared-secret check.

use accesstype_jwt::{
    BuildError, Error, MAX_BODY_BYTES, WebhookEvent, WebhookEventKind, WebhookSecret,
};
use serde_json::json;

#[test]
fn the_documented_payload_parses_and_round_trips() {
    let body = json!({
        "event": "subscription.created",
        "event_timestamp": "2019-06-16T14:04:39.836Z",
        "data": {
            "subscription": {
                "id": 1421,
                "subscriber_id": 77,
                "status": "active",
                "subscriber": {"email": "john@example.com", "name": "John Smith"}
            }
        }
    });
    let event = WebhookEvent::from_slice(body.to_string().as_bytes()).unwrap();
    assert_eq!(event.event, WebhookEventKind::SubscriptionCreated);
    assert_eq!(event.event.as_str(), "subscription.created");
    assert_eq!(
        event.event_timestamp.as_deref(),
        Some("2019-06-16T14:04:39.836Z")
    );
    let subscription = event.subscription().unwrap();
    assert_eq!(subscription.get("id"), Some(&json!(1421)));
    assert_eq!(subscription.members().len(), 4);
    assert_eq!(serde_json::to_value(&event).unwrap(), body);
    // Any serde deserializer reads it the same, strictly.
    let again: WebhookEvent = serde_json::from_value(body).unwrap();
    assert_eq!(again, event);
}

#[test]
fn unknown_events_are_kept_with_their_payload() {
    let body = br#"{"event":"subscription.cancelled","data":{"subscription":{"id":9}},"extra":1}"#;
    let event = WebhookEvent::from_slice(body).unwrap();
    assert_eq!(
        event.event,
        WebhookEventKind::Other("subscription.cancelled".to_owned())
    );
    assert_eq!(event.event.to_string(), "subscription.cancelled");
    assert_eq!(event.event_timestamp, None);
    assert_eq!(event.subscription().unwrap().get("id"), Some(&json!(9)));
    // No subscription object: the event still parses, without one.
    let bare = WebhookEvent::from_slice(br#"{"event":"ping","data":{}}"#).unwrap();
    assert!(bare.subscription().is_none());
}

#[test]
fn forged_or_broken_payloads_are_errors() {
    for body in [
        &br#"{"event":"subscription.created","event":"subscription.cancelled","data":{}}"#[..],
        br#"{"event":"subscription.created","data":{"subscription":{"status":"expired","status":"active"}}}"#,
        br#"{"event":"subscription.created"}"#,
        br#"{"event":42,"data":{}}"#,
        br#"{"event":"subscription.created","data":[]}"#,
        br#"[]"#,
        b"",
        b"event=subscription.created",
    ] {
        let error = WebhookEvent::from_slice(body).unwrap_err();
        assert!(
            matches!(error, Error::Parse { what: "webhook", len, .. } if len == body.len()),
            "{}: {error:?}",
            String::from_utf8_lossy(body)
        );
        assert!(serde_json::from_slice::<WebhookEvent>(body).is_err());
    }
    let huge = format!(
        r#"{{"event":"x","data":{{"pad":"{}"}}}}"#,
        "x".repeat(MAX_BODY_BYTES)
    );
    assert!(matches!(
        WebhookEvent::from_slice(huge.as_bytes()),
        Err(Error::BodyTooLarge { .. })
    ));
}

#[test]
fn debug_shows_no_personal_data() {
    let event = WebhookEvent::from_slice(
        br#"{"event":"subscription.created","data":{"subscription":{"id":1,"email":"john@example.com","phone":"+919999999999"}}}"#,
    )
    .unwrap();
    let debug = format!("{event:?} {event:#?}");
    for personal in ["john@example.com", "+919999999999"] {
        assert!(!debug.contains(personal), "{debug}");
    }
    assert!(debug.contains("\"email\"") && debug.contains("SubscriptionCreated"));
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
