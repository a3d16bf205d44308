//! The `Cookie:` request header: finding one named cookie, as RFC 6265 §4.2 writes the
//! header, under one cap for all of a request's `Cookie` headers together.
//!
//! The policy of the family: pairs are split on `;`; a pair without `=` is no cookie; the
//! name, with optional whitespace (space and tab) around it, is compared exactly; the value
//! is returned with that whitespace trimmed and nothing else done to it. A name that appears
//! twice (two domains or paths, or one planted by a sibling subdomain) is refused, in one
//! header or across several. Other cookies may hold any bytes, so the headers are scanned as
//! bytes: only the value found need be text.

use std::borrow::Cow;

/// The longest `Cookie` header, or a request's `Cookie` headers together, scanned: 64 KiB.
/// News sites with advertising, analytics and consent cookies send 8 to 16 KiB; the limit
/// stops only absurd input.
pub const MAX_COOKIE_HEADER_BYTES: usize = 64 * 1024;

/// Why no value was taken from the headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieError {
    /// The headers were longer than [`MAX_COOKIE_HEADER_BYTES`] in all (counted up to the
    /// header that went over); nothing more was scanned.
    HeaderTooLarge {
        /// The bytes counted.
        len: usize,
        /// [`MAX_COOKIE_HEADER_BYTES`].
        limit: usize,
    },
    /// The cookie appears more than once; none of its values is trusted.
    Duplicate,
}

/// The value of cookie `name` in one `Cookie` header, as a slice of `header`; `None` when
/// there is no such cookie.
///
/// # Errors
///
/// [`CookieError::HeaderTooLarge`] over [`MAX_COOKIE_HEADER_BYTES`];
/// [`CookieError::Duplicate`] when the cookie appears more than once.
pub fn find_in_header<'a>(name: &str, header: &'a str) -> Result<Option<&'a str>, CookieError> {
    let Some(value) = find_in_headers(name, [header.as_bytes()])? else {
        return Ok(None);
    };
    // `value` is a slice of `header` that starts and ends next to ASCII bytes (`=`, `;`,
    // space, tab) or at an end, so always on character boundaries.
    let start = (value.as_ptr() as usize).wrapping_sub(header.as_ptr() as usize);
    Ok(header.get(start..start.saturating_add(value.len())))
}

/// The value of cookie `name` across one request's `Cookie` headers (HTTP/2 may send one per
/// cookie), each given as its bytes, in order: at most one in all of them together, which
/// are scanned up to [`MAX_COOKIE_HEADER_BYTES`] in all.
///
/// # Errors
///
/// As [`find_in_header`].
pub fn find_in_headers<'a, I>(name: &str, headers: I) -> Result<Option<&'a [u8]>, CookieError>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let mut found = None;
    let mut scanned = 0_usize;
    for header in headers {
        scanned = scanned.saturating_add(header.len());
        check_len(scanned)?;
        if let Some(value) = find_one(name, header)?
            && found.replace(value).is_some()
        {
            return Err(CookieError::Duplicate);
        }
    }
    Ok(found)
}

/// The names of the cookies in one request's `Cookie` headers that start with `prefix` and
/// that `keep` accepts, in the order the browser sent them, each once, and at most `max` of
/// them (the first). Names that are not text are left out. The headers are scanned up to
/// [`MAX_COOKIE_HEADER_BYTES`] in all; what lies beyond is not read (these names are for
/// clearing, so a header that is too large still yields what fits). Each name read is
/// compared with at most `max` others.
pub fn names_with_prefix<'a, I>(
    prefix: &str,
    headers: I,
    keep: impl Fn(&str) -> bool,
    max: usize,
) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let mut names: Vec<&'a str> = Vec::new();
    let mut budget = MAX_COOKIE_HEADER_BYTES;
    for header in headers {
        let header = header.get(..budget.min(header.len())).unwrap_or_default();
        budget -= header.len();
        for pair in header.split(|byte| *byte == b';') {
            let Some(end) = memchr::memchr(b'=', pair) else {
                continue;
            };
            let name = trim_ows(pair.get(..end).unwrap_or_default());
            if let Ok(name) = std::str::from_utf8(name)
                && name.starts_with(prefix)
                && keep(name)
                && !names.contains(&name)
            {
                names.push(name);
                if names.len() >= max {
                    return names;
                }
            }
        }
        if budget == 0 {
            break;
        }
    }
    names
}

fn check_len(len: usize) -> Result<(), CookieError> {
    if len > MAX_COOKIE_HEADER_BYTES {
        return Err(CookieError::HeaderTooLarge {
            len,
            limit: MAX_COOKIE_HEADER_BYTES,
        });
    }
    Ok(())
}

/// The value of `name` in one header, a slice of it; a second one is refused.
fn find_one<'a>(name: &str, header: &'a [u8]) -> Result<Option<&'a [u8]>, CookieError> {
    let mut found = None;
    let mut rest = header;
    loop {
        let end = memchr::memchr(b';', rest);
        let pair = rest.get(..end.unwrap_or(rest.len())).unwrap_or_default();
        if let Some(value) = value_of(name, pair)
            && found.replace(value).is_some()
        {
            return Err(CookieError::Duplicate);
        }
        match end.and_then(|end| rest.get(end + 1..)) {
            Some(tail) => rest = tail,
            None => return Ok(found),
        }
    }
}

/// The value of one `name=value` pair when its name, between optional whitespace, is `name`
/// (the part before the pair's first `=`); trimmed of optional whitespace.
fn value_of<'a>(name: &str, pair: &'a [u8]) -> Option<&'a [u8]> {
    let rest = trim_start_ows(pair).strip_prefix(name.as_bytes())?;
    let value = trim_start_ows(rest).strip_prefix(b"=")?;
    Some(trim_ows(value))
}

fn is_ows(byte: &u8) -> bool {
    *byte == b' ' || *byte == b'\t'
}

/// `bytes` without optional whitespace (space and tab) at the start.
fn trim_start_ows(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|byte| !is_ows(byte))
        .unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// `bytes` without optional whitespace at either end; a slice of `bytes`.
fn trim_ows(bytes: &[u8]) -> &[u8] {
    let bytes = trim_start_ows(bytes);
    let end = bytes
        .iter()
        .rposition(|byte| !is_ows(byte))
        .map_or(0, |last| last + 1);
    bytes.get(..end).unwrap_or_default()
}

/// A cookie value without the one pair of double quotes RFC 6265 allows around it.
#[must_use]
pub fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(value)
}

/// A value written with JavaScript's `encodeURIComponent`, decoded once as
/// `decodeURIComponent` would, except that a `%` not followed by two hex digits stays as it
/// is (rather than failing). The bytes need not be UTF-8; borrowed when the value holds no `%`.
///
/// The `urlencoding` crate's decoder, not a loop of our own. It copies the runs between escapes
/// whole, into a buffer sized once: tulo-jwt's `verify_cookie` takes 1.9x `verify_token` with
/// it, against 2.1x with `percent-encoding`'s byte-at-a-time decoder (the aim is 2x;
/// BENCHMARKS.md). It decodes byte for byte as `percent-encoding` does: the test below and
/// the `cookie_value` fuzz target hold it to that crate.
#[must_use]
pub fn percent_decode(value: &str) -> Cow<'_, [u8]> {
    urlencoding::decode_binary(value.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::{
        CookieError, MAX_COOKIE_HEADER_BYTES, find_in_header, find_in_headers, names_with_prefix,
        percent_decode, unquote,
    };

    #[test]
    fn names_with_a_prefix_come_in_the_order_sent_each_once() {
        let headers: [&[u8]; 3] = [
            b"s-b=1; other=2; \ts-a = 3;s-\xff=4",
            b"s-b=5;s-c=6; s-d; x=s-e",
            b"s-f=7",
        ];
        let any = |_: &str| true;
        assert_eq!(
            names_with_prefix("s-", headers, any, 10),
            ["s-b", "s-a", "s-c", "s-f"]
        );
        assert_eq!(names_with_prefix("s-", headers, any, 2), ["s-b", "s-a"]);
        let not_a = |name: &str| name != "s-a";
        assert_eq!(
            names_with_prefix("s-", headers, not_a, 10),
            ["s-b", "s-c", "s-f"]
        );
        assert!(names_with_prefix("s-", [b"".as_slice()], any, 10).is_empty());
        // Past the cap, only what fits is read.
        let mut big = b"s-first=1; ".to_vec();
        big.resize(MAX_COOKIE_HEADER_BYTES, b'a');
        let tail: &[u8] = b"; s-late=1";
        assert_eq!(
            names_with_prefix("s-", [big.as_slice(), tail], any, 10),
            ["s-first"]
        );
    }

    fn find(header: &str) -> Result<Option<&str>, CookieError> {
        find_in_header("T_ID", header)
    }

    #[test]
    fn finds_the_cookie_by_its_exact_name_as_a_slice_of_the_header() {
        for (header, value) in [
            (
                "a=1; T_ID={\"signature\":\"x\"}; b=2",
                Some("{\"signature\":\"x\"}"),
            ),
            ("T_ID=v", Some("v")),
            (" \tT_ID = v ;x=1", Some("v")),
            ("x=1;T_ID=a=b", Some("a=b")),
            ("T_ID=\"q\"", Some("\"q\"")),
            ("T_ID=", Some("")),
            ("ä=ö; T_ID=é ", Some("é")),
            // Names are exact.
            ("", None),
            ("t_id=v", None),
            ("T_IDX=v", None),
            ("XT_ID=v", None),
            ("T_ID", None),
            ("a=1; b=2", None),
            ("\"T_ID\"=v", None),
            ("T_ ID=v", None),
        ] {
            let found = find(header).unwrap();
            assert_eq!(found, value, "{header:?}");
            if let Some(found) = found {
                let start = found.as_ptr() as usize - header.as_ptr() as usize;
                assert_eq!(&header[start..start + found.len()], found);
            }
        }
    }

    #[test]
    fn a_repeated_name_is_refused_in_one_header_or_across_several() {
        for header in [
            "T_ID=a; x=1; T_ID=b",
            "T_ID=a; T_ID=a",
            "T_ID=a; T_ID=",
            "T_ID=;T_ID=a",
        ] {
            assert_eq!(find(header), Err(CookieError::Duplicate), "{header:?}");
        }
        let headers: [&[u8]; 3] = [b"T_ID=a", b"x=\xe5", b"T_ID=a"];
        assert_eq!(
            find_in_headers("T_ID", headers),
            Err(CookieError::Duplicate)
        );
        let headers: [&[u8]; 2] = [b"city=Ume\xe5", b"T_ID=v; y=2"];
        assert_eq!(find_in_headers("T_ID", headers), Ok(Some(&b"v"[..])));
        assert_eq!(find_in_headers("T_ID", []), Ok(None));
    }

    #[test]
    fn the_cap_applies_to_all_headers_together_and_to_one_byte_more() {
        let value = "v".repeat(MAX_COOKIE_HEADER_BYTES - 5);
        let header = format!("T_ID={value}");
        assert_eq!(header.len(), MAX_COOKIE_HEADER_BYTES);
        assert_eq!(find(&header), Ok(Some(value.as_str())));
        let over = format!("{header}x");
        assert_eq!(
            find(&over),
            Err(CookieError::HeaderTooLarge {
                len: MAX_COOKIE_HEADER_BYTES + 1,
                limit: MAX_COOKIE_HEADER_BYTES
            })
        );
        let half = "a".repeat(MAX_COOKIE_HEADER_BYTES / 2);
        let headers = [half.as_bytes(), half.as_bytes(), b"T_ID=v"];
        assert!(matches!(
            find_in_headers("T_ID", headers),
            Err(CookieError::HeaderTooLarge { len, .. }) if len == MAX_COOKIE_HEADER_BYTES + 6
        ));
    }

    #[test]
    fn values_are_unquoted_and_decoded_once() {
        assert_eq!(unquote("\"a b\""), "a b");
        assert_eq!(unquote("\"a"), "\"a");
        assert_eq!(unquote("\""), "\"");
        assert_eq!(unquote("a"), "a");
        assert_eq!(&*percent_decode("%7B%22a%22%3A1%7D"), br#"{"a":1}"#);
        assert_eq!(&*percent_decode("%7b%22"), b"{\"");
        // Once: `%252E` is `%2E`, not `.`; a lone `%` stays.
        assert_eq!(&*percent_decode("a%252Eb"), b"a%2Eb");
        assert_eq!(&*percent_decode("a%zz%4"), b"a%zz%4");
        assert_eq!(&*percent_decode("%C3%A9%FF"), b"\xc3\xa9\xff");
        assert!(matches!(
            percent_decode("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn decodes_byte_for_byte_as_percent_encoding_does() {
        // Every string of up to four characters from an alphabet of escapes' parts, then
        // longer mixes: the same bytes as the `percent-encoding` crate's decoder.
        let alphabet = [
            "%", "2", "5", "a", "F", "g", "%%", "é", " ", "%4", "%7b", "%7B",
        ];
        let mut cases = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = cases
                .iter()
                .flat_map(|case| alphabet.iter().map(move |part| format!("{case}{part}")))
                .collect();
            cases.extend(longer);
            cases.dedup();
        }
        cases.push("%7B%22iat%22%3A1%2C%22signature%22%3A%22a.b.c%22%7D".repeat(50));
        cases.push("a%".repeat(100) + "%2");
        for case in &cases {
            let expected: Vec<u8> = percent_encoding::percent_decode_str(case).collect();
            assert_eq!(&*percent_decode(case), &expected[..], "{case:?}");
        }
    }
}
