//! A cookie value's percent-decoding, held byte for byte to the `percent-encoding` crate's.
//!
//! Invariants: `cookie::percent_decode` gives exactly the bytes `percent_decode_str` gives, for
//! any text (escapes cut short, `%` not followed by hex digits, escapes of escapes); it borrows
//! only a value with no `%`, and it never panics.

#![no_main]

use std::borrow::Cow;

use libfuzzer_sys::fuzz_target;
use paywall_internal::cookie::percent_decode;
use percent_encoding::percent_decode_str;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let decoded = percent_decode(value);
    let expected: Vec<u8> = percent_decode_str(value).collect();
    assert_eq!(&*decoded, &expected[..], "{value:?}");
    if let Cow::Borrowed(bytes) = decoded {
        assert!(
            !value.contains('%') && bytes == value.as_bytes(),
            "{value:?}"
        );
    }
});
