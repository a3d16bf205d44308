//! The `T_ID` cookie: finding it in a `Cookie` header and taking the token out of its value.
//!
//! The value is the JS-API's session object as JSON, raw or URL-encoded. Only its `signature`
//! member (the signed token) is read; every other member is unsigned, checked as JSON and
//! skipped without being built.

use std::borrow::Cow;

use crate::error::Error;
use crate::json::{Field, JsonError, Kind, Reader};
use crate::scan;

/// The name of the cookie the Payway JS-API writes on your site: `T_ID`.
pub const COOKIE_NAME: &str = "T_ID";

/// The longest `Cookie` header scanned for the `T_ID` cookie: 64 KiB.
///
/// News sites with advertising, analytics and consent cookies send 8 to 16 KiB; the limit
/// only stops absurd input. The `T_ID` value itself is limited to
/// [`MAX_TOKEN_BYTES`](crate::MAX_TOKEN_BYTES) when it is verified.
pub const MAX_COOKIE_HEADER_BYTES: usize = 64 * 1024;

/// Finds the value of the `T_ID` cookie ([`COOKIE_NAME`]) in the value of a request's
/// `Cookie` header, for frameworks that hand you the header and verify elsewhere.
///
/// The header is scanned once, as RFC 6265 §4.2 writes it: `name=value` pairs separated by
/// `;`, optional spaces around them, names compared exactly. The value is returned as it
/// is, a slice of `header`; pass it to
/// [`TuloVerifier::verify_cookie`](crate::TuloVerifier::verify_cookie).
///
/// ```
/// let header = r#"_ga=GA1.2.3; T_ID=%7B%22signature%22%3A%22e30%22%7D; theme=dark"#;
/// assert_eq!(
///     tulo_jwt::find_cookie(header)?,
///     Some("%7B%22signature%22%3A%22e30%22%7D")
/// );
/// assert_eq!(tulo_jwt::find_cookie("_ga=GA1.2.3")?, None);
/// # Ok::<(), tulo_jwt::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::DuplicateCookie`] when the header has more than one `T_ID` cookie (none of them
/// is trusted); [`Error::CookieHeaderTooLarge`] when the header is longer than
/// [`MAX_COOKIE_HEADER_BYTES`].
pub fn find_cookie(header: &str) -> Result<Option<&str>, Error> {
    check_header_len(header.len())?;
    let Some(value) = find_in(header.as_bytes())? else {
        return Ok(None);
    };
    // `value` is a slice of `header` that starts and ends at ASCII bytes.
    let start = (value.as_ptr() as usize).checked_sub(header.as_ptr() as usize);
    start
        .and_then(|start| header.get(start..start.checked_add(value.len())?))
        .map(Some)
        .ok_or(Error::MalformedCookie {
            reason: "the value is not where it was found",
        })
}

/// Refuses a header (or headers, together) longer than [`MAX_COOKIE_HEADER_BYTES`].
pub(crate) fn check_header_len(len: usize) -> Result<(), Error> {
    if len > MAX_COOKIE_HEADER_BYTES {
        return Err(Error::CookieHeaderTooLarge {
            len,
            limit: MAX_COOKIE_HEADER_BYTES,
        });
    }
    Ok(())
}

/// [`find_cookie`] over the raw bytes of one header value, without a length check: other
/// cookies may hold bytes that are not UTF-8, and they must not lock the reader out.
pub(crate) fn find_in(header: &[u8]) -> Result<Option<&[u8]>, Error> {
    let mut found = None;
    let mut rest = header;
    while !rest.is_empty() {
        let (pair, tail) = rest.split_at(scan::find_byte(rest, b';'));
        rest = tail.get(1..).unwrap_or_default();
        let (name, value) = pair.split_at(scan::find_byte(pair, b'='));
        // `value` starts with the `=`; a pair without one is no cookie.
        let Some(value) = value.get(1..) else {
            continue;
        };
        if trim_ows(name) != COOKIE_NAME.as_bytes() {
            continue;
        }
        if found.is_some() {
            return Err(Error::DuplicateCookie);
        }
        found = Some(trim_ows(value));
    }
    Ok(found)
}

/// Takes the signed token out of a `T_ID` cookie value; borrowed from `value` unless the
/// token itself is spelled with escapes. A URL-encoded value is read as the JSON it decodes
/// to, without a decoded copy.
pub(crate) fn signature(value: &str) -> Result<Cow<'_, str>, Error> {
    let value = value.trim_matches(is_ows);
    // RFC 6265 allows a cookie value in double quotes.
    let value = value
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(value);

    if value.starts_with('{') {
        return token_member(Reader::from_str(value));
    }
    if value
        .get(..3)
        .is_some_and(|start| start.eq_ignore_ascii_case("%7B"))
    {
        return token_member(Reader::url_encoded(value));
    }
    Err(malformed("the value is neither JSON nor URL-encoded JSON"))
}

/// The `signature` member of the cookie's JSON object; the whole object is checked.
fn token_member<const PERCENT: bool>(reader: Reader<'_, PERCENT>) -> Result<Cow<'_, str>, Error> {
    let mut signature = Field::Absent;
    let is_object = reader
        .whole_object(|r, name| {
            if name == "signature" {
                signature.set(r.field(|r, kind| {
                    if kind == Kind::String {
                        r.string().map(Some)
                    } else {
                        Ok(None)
                    }
                })?)
            } else {
                r.skip_member()
            }
        })
        .map_err(|error| {
            malformed(match error {
                JsonError::Repeated => "the value repeats a member name",
                _ => "the value is not valid JSON",
            })
        })?;
    if !is_object {
        return Err(malformed("the value is not a JSON object"));
    }
    match signature {
        Field::Value(token) => Ok(token),
        Field::Absent => Err(malformed("the JSON object has no `signature`")),
        Field::Null | Field::WrongType => Err(malformed("`signature` is not a string")),
    }
}

/// Optional whitespace around cookie pairs: space and horizontal tab.
fn is_ows(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// `bytes` without optional whitespace at either end; always a slice of `bytes`.
fn trim_ows(bytes: &[u8]) -> &[u8] {
    let plain = |b: &u8| *b != b' ' && *b != b'\t';
    let start = bytes.iter().position(plain).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(plain).map_or(start, |last| last + 1);
    bytes.get(start..end).unwrap_or_default()
}

fn malformed(reason: &'static str) -> Error {
    Error::MalformedCookie { reason }
}

#[cfg(test)]
mod tests {
    use super::find_cookie;
    use crate::Error;

    fn signature(value: &str) -> Result<String, Error> {
        super::signature(value).map(|token| token.into_owned())
    }

    fn find_in_header(header: &str) -> Result<&str, Error> {
        find_cookie(header)?.ok_or(Error::MissingCookie)
    }

    #[test]
    fn finds_the_cookie_among_others() {
        assert_eq!(
            find_in_header("a=1; T_ID={\"signature\":\"x\"}; b=2").unwrap(),
            "{\"signature\":\"x\"}"
        );
        assert_eq!(find_in_header("T_ID=v").unwrap(), "v");
        assert_eq!(find_in_header(" \tT_ID = v ;x=1").unwrap(), "v");
        assert_eq!(find_in_header("x=1;T_ID=a=b").unwrap(), "a=b");
        assert_eq!(find_in_header("T_ID=\"q\"").unwrap(), "\"q\"");
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
        ] {
            assert!(
                matches!(find_in_header(header), Err(Error::MissingCookie)),
                "{header:?}"
            );
        }
    }

    #[test]
    fn two_cookies_are_refused() {
        for header in [
            "T_ID=a; x=1; T_ID=b",
            "T_ID=a; T_ID=a",
            "T_ID=a; T_ID=\"a\"",
            "T_ID=a; T_ID=",
            "T_ID=;T_ID=a",
        ] {
            assert!(
                matches!(find_in_header(header), Err(Error::DuplicateCookie)),
                "{header:?}"
            );
        }
    }

    #[test]
    fn value_encodings() {
        let raw = r#"{"iat":1,"signature":"a.b.c"}"#;
        let encoded = "%7B%22iat%22%3A1%2C%22signature%22%3A%22a.b.c%22%7D";
        let lower = "%7b%22signature%22%3a%22a.b.c%22%7d";
        for value in [
            raw.to_owned(),
            encoded.to_owned(),
            lower.to_owned(),
            format!("\"{raw}\""),
            format!("\"{encoded}\""),
            format!("  {raw}\t"),
            // Only the escapes are decoded; plain characters may be mixed in.
            "%7B\"signature\":%22a.b.c%22}".to_owned(),
            // A JSON escape inside the member is the same text.
            r#"{"signature":"a\u002eb.c"}"#.to_owned(),
            // Other members, however odd, are skipped unread.
            r#"{"session":{"signature":"x.y.z"},"signature":"a.b.c","l":[[{}]]}"#.to_owned(),
        ] {
            assert_eq!(signature(&value).unwrap(), "a.b.c", "{value}");
        }
    }

    #[test]
    fn decoding_happens_once_and_keeps_stray_percent_signs() {
        // `%25` decodes to `%`, which is then part of the token, not decoded again.
        assert_eq!(
            signature("%7B%22signature%22%3A%22a%252Eb%22%7D").unwrap(),
            "a%2Eb"
        );
        // A `%` not followed by two hex digits stays as it is.
        assert_eq!(
            signature("%7B%22signature%22%3A%22a%zz%4%22%7D").unwrap(),
            "a%zz%4"
        );
    }

    #[test]
    fn malformed_values() {
        for value in [
            "",
            "\"\"",
            "\"",
            "eyJhbGciOiJIUzI1NiJ9.e30.sig",
            "[\"a.b.c\"]",
            "\"a.b.c\"",
            "1",
            "null",
            "{}",
            "{\"x\":1}",
            "{\"signature\":1}",
            "{\"signature\":null}",
            "{\"signature\":[\"a.b.c\"]}",
            "{\"signature\":\"a\",\"signature\":\"b\"}",
            "{\"signature\":\"a\",\"signature\":\"a\"}",
            "{\"signature\":\"a\"",
            "{\"signature\":\"a\"} x",
            "{\"signature\":\"a\"}{}",
            "%7B",
            "%7Bnot json",
            "%257B%2522signature%2522%3A%2522a.b.c%2522%257D",
        ] {
            assert!(
                matches!(signature(value), Err(Error::MalformedCookie { .. })),
                "{value:?}"
            );
        }
    }
}
