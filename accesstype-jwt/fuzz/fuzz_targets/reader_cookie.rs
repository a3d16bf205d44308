//! `ReaderId::from_cookie_header` on arbitrary headers.
//!
//! Invariants: nothing panics; an id found is well-formed, appears in the header as the value
//! of the only `at-meter` pair, and survives a `Set-Cookie` round trip; a header with two
//! `at-meter` pairs never yields an id.
#![no_main]

use accesstype_jwt::{Error, MAX_COOKIE_HEADER_BYTES, ReaderCookie, ReaderId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(header) = std::str::from_utf8(data) else {
        return;
    };
    let pairs = header
        .split(';')
        .filter(|pair| {
            pair.split_once('=')
                .is_some_and(|(name, _)| name.trim_matches([' ', '\t']) == "at-meter")
        })
        .count();
    match ReaderId::from_cookie_header(header) {
        Ok(Some(id)) => {
            assert_eq!(pairs, 1, "an id from a header with {pairs} at-meter pairs");
            assert_eq!(ReaderId::parse(id.as_str()).unwrap(), id);
            assert!(header.contains(id.as_str()));
            let set_cookie = id.set_cookie(&ReaderCookie::host_only());
            let (pair, _) = set_cookie.split_once(';').unwrap();
            assert_eq!(ReaderId::from_cookie_header(pair).unwrap(), Some(id));
        }
        Ok(None) => assert!(pairs <= 1),
        Err(Error::DuplicateCookie) => assert!(pairs >= 2),
        Err(Error::CookieHeaderTooLarge { len, limit }) => {
            assert_eq!(len, header.len());
            assert!(len > limit && limit == MAX_COOKIE_HEADER_BYTES);
        }
        Err(other) => panic!("unexpected error {other:?}"),
    }
});
