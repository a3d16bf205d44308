//! The `Cookie` header: arbitrary text, and realistic headers of a fuzzer-chosen size around
//! a signed `T_ID`.
//!
//! Invariants: `find_cookie` returns a slice of its input, the same value a plain
//! split-and-trim reading of RFC 6265 finds, `None` exactly when there is no `T_ID` pair and
//! `DuplicateCookie` exactly when there are several; a header verifies only when its `T_ID`
//! value holds a token signed with the verifier's secret; a realistic header of any size up
//! to the 64 KiB limit never locks out the reader whose `T_ID` it carries.

#![no_main]

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use tulo_jwt::{Error, MAX_COOKIE_HEADER_BYTES, find_cookie};
use tulo_jwt_fuzz::{Chosen, cookie_json, now, signed_by_secret, strict_signature, tulo, verifier};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let Ok(header) = std::str::from_utf8(rest) else {
            return;
        };
        let expected: Vec<&str> = header
            .split(';')
            .filter_map(|pair| pair.split_once('='))
            .filter(|(name, _)| name.trim_matches([' ', '\t']) == "T_ID")
            .map(|(_, value)| value.trim_matches([' ', '\t']))
            .collect();
        match find_cookie(header) {
            Ok(Some(value)) => {
                assert_eq!(expected, [value]);
                let start = value.as_ptr() as usize - header.as_ptr() as usize;
                assert!(start + value.len() <= header.len());
                assert_eq!(header.get(start..start + value.len()), Some(value));
            }
            Ok(None) => assert!(expected.is_empty(), "{expected:?}"),
            Err(Error::DuplicateCookie) => assert!(expected.len() > 1, "{expected:?}"),
            Err(error) => panic!("{header:?}: {error:?}"),
        }
        if let Ok(state) = verifier().verify_cookie_header_at(header, now()) {
            let value = expected.first().copied().unwrap_or_default();
            let token = cookie_json(value).and_then(|json| strict_signature(&json).ok());
            assert!(
                token.as_deref().is_some_and(signed_by_secret),
                "{header:?} verified as {state:?}"
            );
        }
    } else {
        let mut u = Unstructured::new(rest);
        let (Ok(chosen), Ok(len)) = (
            Chosen::arbitrary(&mut u),
            u.int_in_range(0..=MAX_COOKIE_HEADER_BYTES),
        ) else {
            return;
        };
        let value = tulo().cookie(&chosen.claims());
        if value.len() > tulo_jwt::MAX_TOKEN_BYTES {
            return;
        }
        let header = tulo().cookie_header(&value, len);
        assert_eq!(find_cookie(&header).unwrap(), Some(value.as_str()));
        chosen.assert_verified_as(&verifier().verify_cookie_header_at(&header, now()));
    }
});
