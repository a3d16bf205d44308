//! `WebhookEvent::from_slice` and `WebhookEvent::from_signed_slice` on arbitrary bodies, in
//! both payload shapes Accesstype documents, and `Subscription` read on its own.
//!
//! Invariants: nothing panics; a body over the cap is refused unread, signed or not; a body
//! signed with the key (an independent HMAC, spelled in lower- or upper-case hex or in
//! base64) reads exactly as the unsigned parse, and without a signature or with any other
//! header it is refused, by an error that repeats neither the header nor the body; an event
//! is read only from strict JSON, names the event a lenient reader sees, and written back
//! reads the same; its subscription is `data.subscription` when that is an object, else
//! `data` for a `subscription.*` event, and is the same whichever shape carries it; `Debug`
//! shows no personal data: the same event with every value `Debug` does not show blanked
//! prints exactly the same.
#![no_main]

use accesstype_jwt::{
    Error, MAX_WEBHOOK_BODY_BYTES, ParseFault, Subscription, WebhookEvent, WebhookSigningKey,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{KeyInit, Mac};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};

const SECRET: &str = "fuzz-webhook-secret-0123456789abcdef";

/// The members of a subscription whose values `Debug` shows (as typed values).
const SHOWN: &[&str] = &[
    "id",
    "status",
    "active",
    "plan_name",
    "group_name",
    "start_timestamp",
    "end_timestamp",
    "assets",
];

fn tag(body: &[u8]) -> Vec<u8> {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The reasons a webhook body may give for not parsing.
const REASONS: &[&str] = &["not the documented webhook payload"];

/// The error prints exactly its fixed words and numbers: nothing of the body or the header
/// (which may hold the same words, so the body's text is not searched for).
fn assert_shows_no_input(error: &Error, body_len: usize) {
    let expected = match error {
        Error::MissingWebhookSignature => {
            "the webhook call is not signed MissingWebhookSignature".to_owned()
        }
        Error::BadWebhookSignature => {
            "the webhook call's signature does not match BadWebhookSignature".to_owned()
        }
        Error::BodyTooLarge { limit } => format!(
            "the body is larger than the {limit} bytes allowed BodyTooLarge {{ limit: {limit} }}"
        ),
        Error::Parse(parsed) => {
            match parsed.fault() {
                ParseFault::Syntax { .. } | ParseFault::RepeatedMember { .. } => {}
                ParseFault::Shape { reason } => assert!(REASONS.contains(reason), "{reason}"),
                other => panic!("unexpected fault {other:?}"),
            }
            assert_eq!(parsed.len(), body_len);
            assert!(parsed.expose_bytes().is_none());
            format!(
                "a body does not parse as the json accesstype documents Parse({:?})",
                parsed
            )
        }
        other => panic!("unexpected error {other:?}"),
    };
    assert_eq!(format!("{error} {error:?}"), expected);
}

/// Every value of a subscription that its `Debug` does not show, set to `null`: the
/// subscriber's identities keep their providers only, and so does the preferred identity.
fn blank_subscription(members: &mut Map<String, Value>) {
    for (name, value) in members.iter_mut() {
        match name.as_str() {
            name if SHOWN.contains(&name) => {}
            "subscriber" => match value.as_object_mut() {
                Some(subscriber) => {
                    for (name, value) in subscriber.iter_mut() {
                        match (name.as_str(), value.as_array_mut()) {
                            ("subscriber_identities", Some(identities)) => {
                                identities.iter_mut().for_each(keep_provider_only)
                            }
                            _ => *value = Value::Null,
                        }
                    }
                }
                None => *value = Value::Null,
            },
            "preferred_identity" => keep_provider_only(value),
            _ => *value = Value::Null,
        }
    }
}

fn keep_provider_only(identity: &mut Value) {
    match identity.as_object_mut() {
        Some(members) => {
            for (name, value) in members.iter_mut() {
                if name != "provider" {
                    *value = Value::Null;
                }
            }
        }
        None => *identity = Value::Null,
    }
}

fuzz_target!(|data: &[u8]| {
    let key = WebhookSigningKey::new(SECRET).unwrap();
    let unsigned = WebhookEvent::from_slice(data);

    // Signed with the key, in every accepted spelling: the same answer as unsigned.
    let right = tag(data);
    for signature in [
        hex(&right),
        hex(&right).to_uppercase(),
        STANDARD.encode(&right),
    ] {
        let signed = WebhookEvent::from_signed_slice(data, Some(&signature), &key);
        match (&unsigned, &signed) {
            (Ok(a), Ok(b)) => assert_eq!(a, b),
            (Err(Error::BodyTooLarge { .. }), Err(Error::BodyTooLarge { .. })) => {}
            (Err(Error::Parse(a)), Err(Error::Parse(b))) => {
                assert_eq!((a.fault(), a.len()), (b.fault(), b.len()))
            }
            (a, b) => panic!("unsigned {a:?}, signed {b:?}"),
        }
    }
    // Unsigned, or signed by anything else (the body's own bytes as a header): refused.
    let too_large = data.len() > MAX_WEBHOOK_BODY_BYTES;
    let refused = |result: Result<WebhookEvent, Error>, want_missing: bool| {
        let error = result.unwrap_err();
        match &error {
            Error::BodyTooLarge { .. } => assert!(too_large),
            Error::MissingWebhookSignature => assert!(want_missing && !too_large),
            Error::BadWebhookSignature => assert!(!want_missing && !too_large),
            other => panic!("unexpected {other:?}"),
        }
        assert_shows_no_input(&error, data.len());
    };
    refused(WebhookEvent::from_signed_slice(data, None, &key), true);
    for header in [
        String::from_utf8_lossy(data.get(..64).unwrap_or(data)).into_owned(),
        String::from_utf8_lossy(data.get(..44).unwrap_or(data)).into_owned(),
        hex(&tag(&[data, b" "].concat())),
    ] {
        if header.eq_ignore_ascii_case(&hex(&right)) || header == STANDARD.encode(&right) {
            continue;
        }
        refused(
            WebhookEvent::from_signed_slice(data, Some(&header), &key),
            false,
        );
    }

    match &unsigned {
        Ok(event) => {
            assert!(data.len() <= MAX_WEBHOOK_BODY_BYTES);
            assert!(accesstype_jwt::fuzzing::strict_json(data).is_some());
            let lenient: Value = serde_json::from_slice(data).unwrap();
            assert_eq!(lenient["event"].as_str(), Some(event.kind().as_str()));
            let lenient_data = lenient["data"].as_object().unwrap();

            // Written back, it reads the same, in the same shape (read back from a value: the
            // text written may be longer than the body, `1e1` becoming `10.0`).
            let written = serde_json::to_value(event).unwrap();
            assert_eq!(
                &serde_json::from_value::<WebhookEvent>(written).unwrap(),
                event
            );
            assert_eq!(
                serde_json::from_slice::<WebhookEvent>(data).ok().as_ref(),
                Some(event)
            );

            // The subscription is where the documented rule says.
            let expected = match lenient_data.get("subscription") {
                Some(Value::Object(inner)) => Some(inner),
                _ if event.kind().is_about_a_subscription() && !lenient_data.is_empty() => {
                    Some(lenient_data)
                }
                _ => None,
            };
            assert_eq!(event.subscription().map(Subscription::members), expected);

            if let Some(subscription) = event.subscription() {
                // Every accessor reads without panicking.
                let _ = (
                    subscription.id(),
                    subscription.subscriber_id(),
                    subscription.status(),
                );
                let _ = (
                    subscription.active(),
                    subscription.plan_name(),
                    subscription.group_name(),
                );
                let _ = (
                    subscription.starts_at(),
                    subscription.ends_at(),
                    subscription.preferred_identity(),
                );
                let _ = subscription
                    .assets()
                    .map(|a| (a.asset_type(), a.title(), a.access_level()))
                    .count();
                for identity in subscription.subscriber_identities() {
                    assert!(!identity.provider().is_empty() && !identity.value().is_empty());
                }
                // The same subscription in the other shape reads the same.
                let wrapped = json!({"event": "subscription.created", "data": {"subscription": subscription}});
                let wrapped: WebhookEvent = serde_json::from_value(wrapped).unwrap();
                assert_eq!(wrapped.subscription(), Some(subscription));
                if !subscription.members().is_empty() && subscription.get("subscription").is_none()
                {
                    let today = json!({"event": "subscription.renewal", "data": subscription});
                    let today: WebhookEvent = serde_json::from_value(today).unwrap();
                    assert_eq!(today.subscription(), Some(subscription));
                }
            }
            let _ = (event.occurred_at(), event.subscriber_identities());

            // `Debug` shows nothing that blanking the unshown values changes.
            let mut blank = lenient.clone();
            let blank_data = blank["data"].as_object_mut().unwrap();
            match blank_data.get_mut("subscription") {
                Some(Value::Object(inner)) => blank_subscription(inner),
                _ if event.kind().is_about_a_subscription() => blank_subscription(blank_data),
                _ => {}
            }
            let blank: WebhookEvent = serde_json::from_value(blank).unwrap();
            assert_eq!(format!("{event:?}"), format!("{blank:?}"));
        }
        Err(error) => {
            match error {
                Error::BodyTooLarge { .. } => assert!(too_large),
                Error::Parse(parsed) => {
                    assert_eq!((parsed.what(), parsed.len()), ("webhook", data.len()));
                    assert!(serde_json::from_slice::<WebhookEvent>(data).is_err() || too_large);
                }
                other => panic!("unexpected error {other:?}"),
            }
            assert_shows_no_input(error, data.len());
        }
    }

    // A subscription on its own (an item of `subscriptions.json`): strict, an object.
    if let Ok(subscription) = serde_json::from_slice::<Subscription>(data) {
        assert!(accesstype_jwt::fuzzing::strict_json(data).is_some_and(|v| v.is_object()));
        let _ = (
            subscription.starts_at(),
            subscription.ends_at(),
            subscription.subscriber_identities(),
        );
        let mut blank = subscription.members().clone();
        blank_subscription(&mut blank);
        let blank: Subscription = serde_json::from_value(Value::Object(blank)).unwrap();
        assert_eq!(format!("{subscription:?}"), format!("{blank:?}"));
    }
});
