//! The HS256 JWS layer: arbitrary text as a token, tokens the target signs over arbitrary
//! headers and claims, and genuine tokens with one byte changed.
//!
//! Invariants: a token verifies only if its signature is the HMAC of its signing input under
//! the key (recomputed here with `hmac`), and then `verify` returns exactly its claims
//! segment as `base64`'s own engine decodes it, and its header is a JSON object without
//! repeated names whose `alg` is exactly `HS256` and which has no `crit`; a token signed here
//! over such a header verifies to the claims it was signed over; any one-byte edit of a
//! genuine token is refused; nothing longer than `MAX_TOKEN_BYTES` is read.

#![no_main]

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use paywall_internal::jws::{self, Hs256Key, JwsError, MAX_TOKEN_BYTES, Typ};
use paywall_internal_fuzz::{SECRET, header_object, reference, signed_claims};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let key = Hs256Key::new(SECRET);
    let mut u = Unstructured::new(rest);
    match mode % 3 {
        0 => {
            let Ok(text) = std::str::from_utf8(rest) else {
                return;
            };
            let _ = judge(text, &key);
        }
        1 => {
            let (Ok(header), Ok(claims)) = (<&[u8]>::arbitrary(&mut u), <&[u8]>::arbitrary(&mut u))
            else {
                return;
            };
            let token = jws::sign(&key, header, claims);
            let outcome = judge(&token, &key);
            let acceptable = header_object(&token).is_some_and(|members| {
                members.get("alg") == Some(&Value::String("HS256".to_owned()))
                    && !members.contains_key("crit")
            });
            if token.len() <= MAX_TOKEN_BYTES && acceptable {
                assert_eq!(outcome.as_deref(), Ok(claims), "{token}");
            }
        }
        _ => {
            let (Ok(claims), Ok(position), Ok(byte)) = (
                <&[u8]>::arbitrary(&mut u),
                usize::arbitrary(&mut u),
                u8::arbitrary(&mut u),
            ) else {
                return;
            };
            let token = jws::sign(&key, jws::JWT_HEADER, claims);
            let mut bytes = token.clone().into_bytes();
            let at = position % bytes.len();
            bytes[at] = byte;
            let edited = String::from_utf8_lossy(&bytes).into_owned();
            if edited != token {
                assert!(
                    judge(&edited, &key).is_err(),
                    "edited token accepted: {edited}"
                );
            }
        }
    }
});

/// Verifies `token` and checks the outcome against the independent reading.
fn judge(token: &str, key: &Hs256Key) -> Result<Vec<u8>, JwsError> {
    let outcome = jws::verify(token, key, Typ::Any);
    if token.len() > MAX_TOKEN_BYTES {
        assert!(
            matches!(outcome, Err(JwsError::TooLarge { .. })),
            "{outcome:?}"
        );
        return outcome;
    }
    match &outcome {
        Ok(claims) => {
            assert_eq!(
                signed_claims(token).as_ref(),
                Some(claims),
                "unsigned token accepted"
            );
            let header = header_object(token).expect("an accepted header is a JSON object");
            assert_eq!(header.get("alg"), Some(&Value::String("HS256".to_owned())));
            assert!(!header.contains_key("crit"));
        }
        Err(JwsError::WrongAlgorithm { found }) => {
            // Where the reference can read the header, it agrees on the algorithm.
            if let Some(header) = header_object(token) {
                let alg = header.get("alg");
                assert_ne!(alg, Some(&Value::String("HS256".to_owned())));
                if let Some(found) = found {
                    assert_eq!(alg, Some(&Value::String(found.clone())));
                }
            }
        }
        Err(JwsError::RepeatedHeaderMember) => {
            let header = token.split('.').next().unwrap_or_default();
            let bytes = jws::decode(header).expect("a header read as JSON was base64url");
            assert!(reference(&bytes).is_err());
        }
        Err(_) => {}
    }
    outcome
}
