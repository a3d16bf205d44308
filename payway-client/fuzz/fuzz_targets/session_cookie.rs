//! `SessionCookieKey::open`. Invariant: it never opens a value the key did not seal. Sealing
//! is deterministic and every cookie has one binary form, so a value that opens must be
//! exactly what sealing the opened cookie gives back. The binary form's own reader is
//! fuzzed too: whatever it reads, writing it back gives the same bytes.
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
    if let Ok(cookie) = key.open(value) {
        assert_eq!(key.seal(&cookie), value, "opened a value it did not seal");
    }
    // During a rotation, a value opens under the old key or the new one, never otherwise.
    let rotating = SessionCookieKey::new(KEY)
        .unwrap()
        .with_previous(OLD_KEY)
        .unwrap();
    if let Ok(cookie) = rotating.open(value) {
        let old = SessionCookieKey::new(OLD_KEY).unwrap();
        assert!(
            key.seal(&cookie) == value || old.seal(&cookie) == value,
            "the rotating key opened a value neither key sealed"
        );
    }
});
