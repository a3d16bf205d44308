//! `AccessGrant::from_slice` on arbitrary bytes (webhooks, the other strict bodies that decide
//! access, have their own target, `webhook`).
//!
//! Invariants: nothing panics; a body over the cap is refused unread; a body is a grant only
//! if it is JSON with no member repeated at any depth, whose `granted` a lenient reader sees
//! the same; the grant's flags agree with its fields (`is_metered` exactly when granted by
//! `METERING`); written back and read again it decides the same way; the same bytes through
//! any serde deserializer give the same answer; an error shows the body's length, never its
//! text.
#![no_main]

use accesstype_jwt::{AccessGrant, Error, GrantReason, MAX_BODY_BYTES};
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
            assert_eq!(lenient["granted"].as_bool(), Some(grant.granted()));
            assert_eq!(
                grant.is_metered(),
                grant.granted() && grant.grant_reason() == Some(&GrantReason::Metering)
            );
            assert_eq!(through_serde.as_ref().ok(), Some(grant));
            let text = serde_json::to_string(grant).unwrap();
            let back = AccessGrant::from_slice(text.as_bytes()).unwrap();
            assert_eq!(back.granted(), grant.granted());
            assert_eq!(back.grant_reason(), grant.grant_reason());
            assert_eq!(back.wall_type(), grant.wall_type());
            assert_eq!(back.asset_visibility(), grant.asset_visibility());
            assert_eq!(back.is_metered(), grant.is_metered());
        }
        Err(error) => {
            match error {
                Error::BodyTooLarge { limit } => {
                    assert_eq!(*limit, MAX_BODY_BYTES);
                    assert!(data.len() > MAX_BODY_BYTES);
                }
                Error::Parse(parsed) => {
                    assert_eq!((parsed.what(), parsed.len()), ("access grant", data.len()));
                    assert!(through_serde.is_err() || data.len() > MAX_BODY_BYTES);
                }
                other => panic!("unexpected error {other:?}"),
            }
            assert_no_text(data, &format!("{error} {error:?}"));
        }
    }
});
