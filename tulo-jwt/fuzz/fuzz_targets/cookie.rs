//! The `T_ID` cookie value: arbitrary text, and cookies of fuzzer-chosen claims wrapped in
//! fuzzer-chosen unsigned members, raw or URL-encoded.
//!
//! Invariants: a value verifies only if serde_json, refusing repeated names, reads it as an
//! object whose `signature` is a token signed with the verifier's secret; a value serde_json
//! refuses is `MalformedCookie`; a signed cookie verifies to exactly its signed claims,
//! whatever its unsigned members say.

#![no_main]

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tulo_jwt::test_util::CookieEncoding;
use tulo_jwt::{Error, MAX_TOKEN_BYTES};
use tulo_jwt_fuzz::{
    Chosen, Verdict, arbitrary_json, cookie_json, now, signed_by_secret, strict_signature, tulo,
    verifier,
};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let Ok(value) = std::str::from_utf8(rest) else {
            return;
        };
        let outcome = verifier().verify_cookie_at(value, now());
        if value.len() > MAX_TOKEN_BYTES {
            assert!(matches!(outcome, Err(Error::TokenTooLarge { .. })));
            return;
        }
        let Some(json) = cookie_json(value) else {
            assert!(
                matches!(outcome, Err(Error::MalformedCookie { .. })),
                "{outcome:?}"
            );
            return;
        };
        match strict_signature(&json) {
            Ok(token) => {
                assert!(
                    !matches!(outcome, Err(Error::MalformedCookie { .. })),
                    "{value:?}"
                );
                if outcome.is_ok() {
                    assert!(
                        signed_by_secret(&token),
                        "unsigned cookie accepted: {value:?}"
                    );
                }
            }
            Err(Verdict::Refused) => assert!(
                matches!(outcome, Err(Error::MalformedCookie { .. })),
                "{value:?}: {outcome:?}"
            ),
            // Nesting past serde_json's own limit: it cannot judge these.
            Err(Verdict::CannotJudge) => {}
        }
    } else {
        let mut u = Unstructured::new(rest);
        let Ok(chosen) = Chosen::arbitrary(&mut u) else {
            return;
        };
        let Ok(Value::Object(unsigned)) = arbitrary_json(&mut u, 3).map(|value| match value {
            Value::Object(members) => Value::Object(members),
            _ => Value::Object(serde_json::Map::new()),
        }) else {
            return;
        };
        let encoding = if bool::arbitrary(&mut u).unwrap_or(false) {
            CookieEncoding::RawJson
        } else {
            CookieEncoding::UriComponent
        };
        // The signed claims, plus unsigned members the browser could have written.
        let mut cookie_claims = chosen.claims();
        for (name, value) in unsigned {
            if name != "signature" {
                cookie_claims[name] = value;
            }
        }
        let token = tulo().sign(&chosen.claims());
        let mut object = cookie_claims.as_object().cloned().unwrap_or_default();
        object.insert("signature".to_owned(), Value::String(token));
        let raw = Value::Object(object).to_string();
        let value = match encoding {
            CookieEncoding::RawJson => raw,
            _ => percent_encoding::utf8_percent_encode(&raw, percent_encoding::NON_ALPHANUMERIC)
                .to_string(),
        };
        if value.len() <= MAX_TOKEN_BYTES {
            chosen.assert_verified_as(&verifier().verify_cookie_at(&value, now()));
        }
    }
});
