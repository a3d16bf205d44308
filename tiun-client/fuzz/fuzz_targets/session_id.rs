//! The session-id encoder: an id it accepts becomes exactly one path segment of unreserved
//! characters and `%XX`, which decodes back to the id, in both request paths; an id it
//! refuses is refused for the reason it gives.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use percent_encoding::percent_decode_str;
use tiun_client::MAX_ID_BYTES;
use tiun_client::fuzzing::{encode_session_id, session_url};
use url::Url;

/// A base URL with a proxy's path prefix, so a segment that climbed would show.
static BASE: LazyLock<Url> =
    LazyLock::new(|| Url::parse("https://tiun.example/proxy/").expect("a valid base URL"));

fuzz_target!(|data: &[u8]| {
    let Ok(id) = std::str::from_utf8(data) else {
        return;
    };
    let segment = match encode_session_id(id) {
        Ok(segment) => segment,
        Err(reason) => {
            match reason {
                "it is empty" => assert!(id.is_empty()),
                "it is longer than allowed" => assert!(id.len() > MAX_ID_BYTES),
                "it contains a control character" => assert!(id.chars().any(char::is_control)),
                "it is a dot segment" => assert!(id == "." || id == ".."),
                other => panic!("unknown reason {other:?}"),
            }
            for provider in [None, Some("p")] {
                assert!(session_url(&BASE, provider, id).is_err());
            }
            return;
        }
    };

    // Only acceptable ids are accepted.
    assert!(!id.is_empty() && id.len() <= MAX_ID_BYTES);
    assert!(!id.chars().any(char::is_control));
    assert!(id != "." && id != "..");

    // Unreserved characters and `%XX`, nothing else; decodes back to the id.
    let bytes = segment.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => i += 1,
            b'%' => {
                let hex = |b: u8| b.is_ascii_digit() || (b'A'..=b'F').contains(&b);
                assert!(bytes.get(i + 1).copied().is_some_and(hex), "{segment}");
                assert!(bytes.get(i + 2).copied().is_some_and(hex), "{segment}");
                i += 3;
            }
            other => panic!("byte {other:#x} in segment {segment}"),
        }
    }
    assert_eq!(
        percent_decode_str(&segment).decode_utf8().as_deref(),
        Ok(id),
        "round trip"
    );

    // In both request paths, the id is exactly one segment, at its place.
    for (provider, before) in [
        (None, &["proxy", "live_api", "s2s", "v1", "sessions"][..]),
        (
            Some("p"),
            &["proxy", "live_api", "v1", "providers", "p", "sessions"][..],
        ),
    ] {
        let url = session_url(&BASE, provider, id).expect("an accepted id makes a URL");
        let reparsed = Url::parse(url.as_str()).expect("the URL parses again");
        assert_eq!(reparsed, url);
        assert_eq!(url.host_str(), Some("tiun.example"));
        assert_eq!(url.query(), None);
        assert_eq!(url.fragment(), None);
        let segments: Vec<&str> = url.path_segments().expect("a hierarchical URL").collect();
        let mut expected = before.to_vec();
        expected.push(&segment);
        expected.push("status");
        assert_eq!(segments, expected);
    }
});
