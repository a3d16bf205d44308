//! `SessionCookieKey::open`. Invariants: a value that opens is a nonce, the cookie's one
//! binary form encrypted, and a tag, and nothing else (its length says so), and sealing the
//! opened cookie again opens to the same cookie; a rotating key opens exactly what one of
//! its keys opens. The binary form's own reader is fuzzed too: whatever it reads, writing it
//! back gives the same bytes.
//!
//! Input: a first byte choosing the target (even: a cookie value; odd: a binary form), then
//! the value.

#![no_main]

use libfuzzer_sys::fuzz_target;
use payway_client::sso2::SessionCookieKey;

const KEY: &[u8] = b"fuzz-session-cookie-key-0123456789abcdef";
const OLD_KEY: &[u8] = b"fuzz-old-session-cookie-key-0123456789ab";

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 1 {
        if let Some(again) = payway_client::fuzzing::cookie_payload_round_trip(rest) {
            assert_eq!(again, rest, "a binary form that does not round-trip");
        }
        return;
    }
    let Ok(value) = std::str::from_utf8(rest) else {
        return;
    };
    let key = SessionCookieKey::new(KEY).unwrap();
    let old = SessionCookieKey::new(OLD_KEY).unwrap();
    let opened = key.open(value);
    if let Ok(cookie) = &opened {
        let binary = payway_client::fuzzing::cookie_payload(cookie);
        // 24-byte nonce, the binary form, a 16-byte tag, unpadded base64url.
        assert_eq!(value.len(), ((24 + binary.len() + 16) * 4).div_ceil(3));
        let again = key.seal(cookie).unwrap();
        assert_ne!(again, value, "a nonce used twice");
        assert_eq!(&key.open(&again).unwrap(), cookie);
    }
    // During a rotation, a value opens under the old key or the new one, never otherwise.
    let rotating = SessionCookieKey::new(KEY)
        .unwrap()
        .with_previous(OLD_KEY)
        .unwrap();
    let by_rotating = rotating.open(value).ok();
    let by_either = opened.ok().or_else(|| old.open(value).ok());
    assert_eq!(
        by_rotating, by_either,
        "the rotating key disagrees with its two keys"
    );
});
