//! `StoryAttributes` (and the other publisher bodies) from arbitrary JSON.
//!
//! Invariants: nothing panics; what parses serialises to JSON that parses back to the same
//! value, with only the documented member names and a documented visibility; an access grant
//! parsed strictly is also a grant for a lenient reader, never the other way round for a
//! document with a repeated member.
#![no_main]

use accesstype_jwt::{AccessGrant, SearchResponse, StoryAttributes, StoryAttributesQuery};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(story) = serde_json::from_slice::<StoryAttributes>(data) {
        let text = serde_json::to_string(&story).unwrap();
        assert_eq!(
            serde_json::from_str::<StoryAttributes>(&text).unwrap(),
            story
        );
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let object = value.as_object().unwrap();
        for name in object.keys() {
            assert!(
                ["visibility", "published-at", "access-level", "attributes"]
                    .contains(&name.as_str()),
                "undocumented member {name}"
            );
        }
        assert!(
            ["subscription", "login", "public"].contains(&object["visibility"].as_str().unwrap())
        );
    }
    if let Ok(response) = serde_json::from_slice::<SearchResponse>(data) {
        let text = serde_json::to_string(&response).unwrap();
        assert_eq!(
            serde_json::from_str::<SearchResponse>(&text).unwrap(),
            response
        );
    }
    match AccessGrant::from_slice(data) {
        Ok(grant) => {
            // No repeated member anywhere: a lenient reader sees the same document.
            let lenient: serde_json::Value = serde_json::from_slice(data).unwrap();
            assert_eq!(lenient["granted"].as_bool(), Some(grant.granted()));
            assert!(accesstype_jwt::fuzzing::strict_json(data).is_some());
            // Written and read back, the grant decides the same way. (Free-form numbers may
            // move in their last digit: serde_json's float parsing is not exactly rounded.)
            let text = serde_json::to_string(&grant).unwrap();
            let back = AccessGrant::from_slice(text.as_bytes()).unwrap();
            assert_eq!(back.granted(), grant.granted());
            assert_eq!(back.grant_reason(), grant.grant_reason());
            assert_eq!(back.wall_type(), grant.wall_type());
            assert_eq!(back.asset_visibility(), grant.asset_visibility());
            assert_eq!(back.number_remaining(), grant.number_remaining());
            assert_eq!(
                back.extra().keys().collect::<Vec<_>>(),
                grant.extra().keys().collect::<Vec<_>>()
            );
        }
        Err(error) => {
            // The error tells the body's length, never its text.
            assert!(matches!(
                error,
                accesstype_jwt::Error::Parse(_) | accesstype_jwt::Error::BodyTooLarge { .. }
            ));
            let shown = format!("{error} {error:?}");
            if let Ok(text) = std::str::from_utf8(data) {
                let chars: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).collect();
                for window in chars.windows(12) {
                    let window: String = window.iter().collect();
                    assert!(!shown.contains(&window), "the error shows {window:?}");
                }
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = StoryAttributesQuery::from_query(text);
    }
});
