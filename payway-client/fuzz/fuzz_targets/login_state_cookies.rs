//! `LoginState::set_cookies_for` on a hostile `Cookie` header. Invariants: the last value sets
//! the new login's state cookie, exactly as `set_cookie` writes it; every value before it
//! clears a state cookie the header named, once, in a name of this crate's form (no byte an
//! attacker chose beyond the 16 id characters); and no more are cleared than leave
//! `MAX_STATE_COOKIES` with the new one.
//!
//! Input: the header's bytes, split into several headers at each NUL.

#![no_main]

use libfuzzer_sys::fuzz_target;
use payway_client::{LoginState, MAX_STATE_COOKIES, STATE_COOKIE_PREFIX};

fuzz_target!(|data: &[u8]| {
    let Ok(state) = LoginState::new() else {
        return;
    };
    let headers: Vec<&[u8]> = data.split(|byte| *byte == 0).collect();
    let set_cookies = state.set_cookies_for(headers.iter().copied());
    let (last, clears) = set_cookies.split_last().expect("the state cookie is set");
    assert_eq!(*last, state.set_cookie());
    let live = headers
        .iter()
        .flat_map(|header| header.split(|byte| *byte == b';'))
        .filter(|pair| pair.contains(&b'='))
        .count();
    assert!(clears.len() <= live.saturating_add(1).saturating_sub(MAX_STATE_COOKIES));
    let mut names = Vec::new();
    for clear in clears {
        let (name, attributes) = clear.split_once('=').expect("name=value");
        assert_eq!(
            attributes,
            "; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax"
        );
        let id = name
            .strip_prefix(STATE_COOKIE_PREFIX)
            .expect("a state cookie");
        assert_eq!(id.len(), 16);
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        let named = headers.iter().any(|header| {
            header
                .windows(name.len())
                .any(|window| window == name.as_bytes())
        });
        assert!(named, "{name} was in the header");
        assert!(!names.contains(&name), "{name} cleared twice");
        names.push(name);
    }
});
