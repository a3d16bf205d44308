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

use percent_encoding::percent_decode_str;

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
    for pair in header.split(|byte| *byte == b';') {
        let Some(equals) = pair.iter().position(|byte| *byte == b'=') else {
            continue;
        };
        let (pair_name, value) = pair.split_at(equals);
        if trim_ows(pair_name) != name.as_bytes() {
            continue;
        }
        // `value` starts with the `=`.
        let value = trim_ows(value.get(1..).unwrap_or_default());
        if found.replace(value).is_some() {
            return Err(CookieError::Duplicate);
        }
    }
    Ok(found)
}

/// `bytes` without optional whitespace (space and tab) at either end; a slice of `bytes`.
fn trim_ows(bytes: &[u8]) -> &[u8] {
    let plain = |byte: &u8| *byte != b' ' && *byte != b'\t';
    let start = bytes.iter().position(plain).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(plain).map_or(start, |last| last + 1);
    bytes.get(start..end).unwrap_or_default()
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
/// is (rather than failing). The bytes need not be UTF-8; borrowed when there is no `%XX`.
#[must_use]
pub fn percent_decode(value: &str) -> Cow<'_, [u8]> {
    percent_decode_str(value).into()
}

#[cfg(test)]
mod tests {
    use super::{
        CookieError, MAX_COOKIE_HEADER_BYTES, find_in_header, find_in_headers, percent_decode,
        unquote,
    };

    fn find(header: &str) -> Result<Option<&str>, CookieError> {
        find_in_header("T_ID", header)
    }

    #[test]
    fn finds_the_cookie_among_others_as_a_slice_of_the_header() {
        for (header, value) in [
            (
                "a=1; T_ID={\"signature\":\"x\"}; b=2",
                "{\"signature\":\"x\"}",
            ),
            ("T_ID=v", "v"),
            (" \tT_ID = v ;x=1", "v"),
            ("x=1;T_ID=a=b", "a=b"),
            ("T_ID=\"q\"", "\"q\""),
            ("T_ID=", ""),
            ("ä=ö; T_ID=é ", "é"),
        ] {
            let found = find(header).unwrap().unwrap();
            assert_eq!(found, value, "{header:?}");
            let start = found.as_ptr() as usize - header.as_ptr() as usize;
            assert_eq!(&header[start..start + found.len()], found);
        }
    }

    #[test]
    fn names_are_exact() {
        for header in [
            "",
            "t_id=v",
            "T_IDX=v",
            "XT_ID=v",
            "T_ID",
            "a=1; b=2",
            "\"T_ID\"=v",
            "T_ ID=v",
        ] {
            assert_eq!(find(header), Ok(None), "{header:?}");
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
}
