//! `AccessGrant::from_slice` (and `WebhookEvent::from_slice`, the other strict body that
//! decides access) on arbitrary bytes.
//!
//! Invariants: nothing panics; a body over the cap is refused unread; a body is a grant only
//! if it is JSON with no member repeated at any depth, whose `granted` a lenient reader sees
//! the same; the grant's flags agree with its fields (`is_metered` exactly when granted by
//! `METERING`); written back and read again it decides the same way; the same bytes through
//! any serde deserializer give the same answer; an error shows the body's length, never its
//! text.
#![no_main]

use accesstype_jwt::{AccessGrant, Error, GrantReason, MAX_BODY_BYTES, WebhookEvent};
use libfuzzer_sys::fuzz_target;

/// No run of 12 letters or digits of `data` appears in `shown`.
fn assert_no_text(data: &[u8], shown: &str) {
    if let Ok(text) = std::str::from_utf8(data) {
        let chars: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).collect();
        for window in chars.windows(12) {
            let window: String = window.iter().collect();
            assert!(!shown.contains(&window), "the error shows {window:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let strict = AccessGrant::from_slice(data);
    // Every serde deserializer reads it the same way.
    let through_serde = serde_json::from_slice::<AccessGrant>(data);
    match &strict {
        Ok(grant) => {
            assert!(data.len() <= MAX_BODY_BYTES);
            assert!(accesstype_jwt::fuzzing::strict_json(data).is_some());
            let lenient: serde_json::Value = serde_json::from_slice(data).unwrap();
            assert_eq!(lenient["granted"].as_bool(), Some(grant.granted));
            assert_eq!(
                grant.is_metered(),
                grant.granted && grant.grant_reason == Some(GrantReason::Metering)
            );
            assert_eq!(through_serde.as_ref().ok(), Some(grant));
            let text = serde_json::to_string(grant).unwrap();
            let back = AccessGrant::from_slice(text.as_bytes()).unwrap();
            assert_eq!(back.granted, grant.granted);
            assert_eq!(back.grant_reason, grant.grant_reason);
            assert_eq!(back.wall_type, grant.wall_type);
            assert_eq!(back.asset_visibility, grant.asset_visibility);
            assert_eq!(back.is_metered(), grant.is_metered());
        }
        Err(error) => {
            match error {
                Error::BodyTooLarge { limit } => {
                    assert_eq!(*limit, MAX_BODY_BYTES);
                    assert!(data.len() > MAX_BODY_BYTES);
                }
                Error::Parse { what, len, .. } => {
                    assert_eq!((*what, *len), ("access grant", data.len()));
                    assert!(through_serde.is_err() || data.len() > MAX_BODY_BYTES);
                }
                other => panic!("unexpected error {other:?}"),
            }
            assert_no_text(data, &format!("{error} {error:?}"));
        }
    }

    match WebhookEvent::from_slice(data) {
        Ok(event) => {
            assert!(accesstype_jwt::fuzzing::strict_json(data).is_some());
            let lenient: serde_json::Value = serde_json::from_slice(data).unwrap();
            assert_eq!(lenient["event"].as_str(), Some(event.event.as_str()));
            let text = serde_json::to_string(&event).unwrap();
            let back = WebhookEvent::from_slice(text.as_bytes()).unwrap();
            assert_eq!(back.event, event.event);
            assert_eq!(back.event_timestamp, event.event_timestamp);
            // Personal data in the subscription never shows in `Debug`: the same event with
            // every subscription value blanked prints exactly the same.
            let mut blank = lenient.clone();
            if let Some(members) = blank
                .get_mut("data")
                .and_then(|data| data.get_mut("subscription"))
                .and_then(serde_json::Value::as_object_mut)
            {
                for value in members.values_mut() {
                    *value = serde_json::Value::Null;
                }
            }
            let blank = serde_json::to_vec(&blank).unwrap();
            let blank = WebhookEvent::from_slice(&blank).unwrap();
            assert_eq!(format!("{event:?}"), format!("{blank:?}"));
        }
        Err(error) => {
            assert!(matches!(
                error,
                Error::Parse {
                    what: "webhook",
                    ..
                } | Error::BodyTooLarge { .. }
            ));
            assert_no_text(data, &format!("{error} {error:?}"));
        }
    }
});
