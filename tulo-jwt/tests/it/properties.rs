//! Properties: no change to a genuine token survives, and no input panics.

use proptest::prelude::*;
use serde_json::{Value, json};
use tulo_jwt::SessionState;

use crate::fixtures::{NOW, active_claims, at, inactive_claims, raw_cookie, sign, verifier};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        (-1e20f64..1e20).prop_map(|n| json!(n)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_single_byte_change_to_a_valid_token_is_rejected(
        active in any::<bool>(),
        position in any::<prop::sample::Index>(),
        replacement in 0x20u8..0x7f,
    ) {
        let claims = if active { active_claims(NOW) } else { inactive_claims(NOW) };
        let token = sign(&claims);
        prop_assert!(verifier().verify_token_at(&token, at(NOW)).is_ok());
        let mut bytes = token.into_bytes();
        let index = position.index(bytes.len());
        prop_assume!(bytes[index] != replacement);
        bytes[index] = replacement;
        let changed = String::from_utf8(bytes).unwrap();
        let result = verifier().verify_token_at(&changed, at(NOW));
        prop_assert!(result.is_err(), "accepted {changed}: {result:?}");
    }

    #[test]
    fn any_single_byte_removed_or_inserted_is_rejected(
        position in any::<prop::sample::Index>(),
        inserted in prop::option::of(0x20u8..0x7f),
    ) {
        let token = sign(&active_claims(NOW));
        let mut bytes = token.into_bytes();
        let index = position.index(bytes.len());
        match inserted {
            Some(byte) => bytes.insert(index, byte),
            None => { bytes.remove(index); }
        }
        let changed = String::from_utf8(bytes).unwrap();
        prop_assert!(verifier().verify_token_at(&changed, at(NOW)).is_err(), "{changed}");
    }

    #[test]
    fn arbitrary_strings_never_panic(input in ".{0,300}") {
        let verifier = verifier();
        let _ = verifier.verify_token(&input);
        let _ = verifier.verify_cookie(&input);
        let _ = verifier.verify_cookie_header(&input);
        let _ = verifier.verify_cookie_header(&format!("T_ID={input}"));
        prop_assert!(verifier.verify_token(&input).is_err());
    }

    #[test]
    fn token_shaped_garbage_never_panics(
        header in "[A-Za-z0-9_-]{0,40}",
        payload in "[A-Za-z0-9_=+/-]{0,80}",
        signature in "[A-Za-z0-9_-]{0,50}",
    ) {
        let token = format!("{header}.{payload}.{signature}");
        prop_assert!(verifier().verify_token(&token).is_err());
        let cookie = format!(r#"{{"signature":"{token}"}}"#);
        prop_assert!(verifier().verify_cookie(&cookie).is_err());
    }

    #[test]
    fn genuinely_signed_arbitrary_claims_never_panic(claims in any_json()) {
        let token = sign(&claims);
        let _ = verifier().verify_token_at(&token, at(NOW));
    }

    #[test]
    fn genuinely_signed_claims_with_random_values_only_pass_when_every_check_does(
        iat in prop::option::of(any_json()),
        exp in prop::option::of(any_json()),
        aud in prop::option::of(any_json()),
        active in prop::option::of(any_json()),
    ) {
        let mut claims = active_claims(NOW);
        let object = claims.as_object_mut().unwrap();
        for (name, value) in [("iat", iat), ("exp", exp), ("aud", aud)] {
            match value {
                Some(value) => { object.insert(name.to_owned(), value); }
                None => { object.remove(name); }
            }
        }
        if let Some(active) = active {
            claims["session"]["active"] = active;
        }
        let result = verifier().verify_token_at(&sign(&claims), at(NOW));
        if let Ok(SessionState::Active(_)) = result {
            // Accepted only with a boolean true `active`, a numeric `iat`/`exp`, the
            // right audience.
            prop_assert_eq!(&claims["session"]["active"], &json!(true));
            prop_assert!(claims["iat"].is_number() && claims["exp"].is_number());
            let aud = &claims["aud"];
            prop_assert!(
                aud == &json!(crate::fixtures::REDIRECT_URI)
                    || aud.as_array().is_some_and(|items| items.contains(&json!(crate::fixtures::REDIRECT_URI)))
            );
        }
    }

    #[test]
    fn unsigned_cookie_members_never_change_the_outcome(unsigned in any_json()) {
        let signed = inactive_claims(NOW);
        let token = sign(&signed);
        let unsigned = match unsigned {
            Value::Object(map) => Value::Object(map.into_iter().filter(|(k, _)| k != "signature").collect()),
            _ => json!({}),
        };
        let cookie = raw_cookie(&unsigned, &token);
        prop_assert_eq!(verifier().verify_cookie_at(&cookie, at(NOW)).unwrap(), SessionState::Inactive);
    }
}
