//! The only part of a provider's `Content-Type` an error may show.
//!
//! Invariants: what is kept is the header's text before any `;`, trimmed and lowercased, and
//! only when it is two non-empty RFC 9110 tokens around one `/`, at most 100 bytes: nothing
//! else of the header (a parameter, an e-mail address, markup) ever comes through.

#![no_main]

use http::HeaderValue;
use libfuzzer_sys::fuzz_target;
use paywall_internal::http::media_type;

fuzz_target!(|data: &[u8]| {
    let Ok(header) = HeaderValue::from_bytes(data) else {
        return;
    };
    let kept = media_type(&header);
    let essence = data
        .split(|b| *b == b';')
        .next()
        .unwrap_or_default()
        .trim_ascii();
    let tchar = |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b);
    let slashes = essence.iter().filter(|b| **b == b'/').count();
    let well_formed = essence.len() <= 100
        && slashes == 1
        && essence
            .split(|b| *b == b'/')
            .all(|part| !part.is_empty() && part.iter().all(tchar));
    match kept {
        Some(media_type) => {
            assert!(well_formed, "{media_type:?} kept from {data:?}");
            assert_eq!(media_type.as_bytes(), essence.to_ascii_lowercase());
        }
        None => assert!(!well_formed, "{data:?} refused"),
    }
});
