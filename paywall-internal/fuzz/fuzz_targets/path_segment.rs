//! The HTTP policy's URL rules: the base URL check and the path-segment encoder.
//!
//! Invariants, each checked without the crate's own logic: a base URL is accepted exactly
//! when it has a host, no userinfo, no query and no fragment, and is `https` or `http` to a
//! loopback host; `http` elsewhere is refused as insecure. An identifier the encoder accepts
//! is non-empty, within the limit, free of control characters and not `.`/`..`, and becomes
//! exactly one segment of unreserved characters and `%XX` that decodes back to it, in place
//! below a base URL's path prefix; one it refuses is refused for the reason it gives.

#![no_main]

use std::net::IpAddr;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use paywall_internal::http::{
    BaseUrlError, InvalidInput, MAX_SEGMENT_BYTES, append_segments, check_base_url, encode_segment,
};
use percent_encoding::percent_decode_str;
use url::{Host, Url};

/// A base URL with a proxy's path prefix, so a segment that climbed would show.
static BASE: LazyLock<Url> =
    LazyLock::new(|| Url::parse("https://api.example/proxy/").expect("a valid base URL"));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(url) = Url::parse(text) {
        judge_base_url(&url);
    }
    judge_segment(text);
});

fn judge_base_url(url: &Url) {
    let verdict = check_base_url(url);
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => ip.octets()[0] == 127,
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip) == IpAddr::from([0, 0, 0, 0, 0, 0, 0, 1_u16]),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    let clean = url.host().is_some()
        && url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none();
    let expected = match url.scheme() {
        "https" if clean => Ok(()),
        "http" if clean && loopback => Ok(()),
        "http" if clean => Err("insecure"),
        _ => Err("invalid"),
    };
    match (verdict, expected) {
        (Ok(()), Ok(())) | (Err(BaseUrlError::Insecure), Err("insecure")) => {}
        (Err(BaseUrlError::Invalid(_)), Err("invalid")) => {}
        (verdict, expected) => panic!("{url}: {verdict:?}, expected {expected:?}"),
    }
}

fn judge_segment(id: &str) {
    let segment = match encode_segment(id, MAX_SEGMENT_BYTES) {
        Ok(segment) => segment,
        Err(reason) => {
            match reason {
                InvalidInput::Empty => assert!(id.is_empty()),
                InvalidInput::TooLong { len, max } => {
                    assert_eq!((len, max), (id.len(), MAX_SEGMENT_BYTES));
                    assert!(id.len() > MAX_SEGMENT_BYTES);
                }
                InvalidInput::ControlCharacter => assert!(id.chars().any(char::is_control)),
                InvalidInput::DotSegment => assert!(id == "." || id == ".."),
            }
            return;
        }
    };

    // Only acceptable ids are accepted.
    assert!(!id.is_empty() && id.len() <= MAX_SEGMENT_BYTES);
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

    // Below the base's prefix, the id is exactly one segment, at its place.
    let url = append_segments(&BASE, &["v1", &segment, "status"]);
    let reparsed = Url::parse(url.as_str()).expect("the URL parses again");
    assert_eq!(reparsed, url);
    assert_eq!(url.host_str(), Some("api.example"));
    assert_eq!((url.query(), url.fragment()), (None, None));
    let segments: Vec<&str> = url.path_segments().expect("a hierarchical URL").collect();
    assert_eq!(segments, ["proxy", "v1", &segment, "status"]);
}
