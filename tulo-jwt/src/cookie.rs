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

/// Takes the signed token out of a `T_ID` cookie value; borrowed when the value is raw JSON
/// and the token has no escapes.
pub(crate) fn signature(value: &str) -> Result<Cow<'_, str>, Error> {
    let value = value.trim_matches(is_ows);
    // RFC 6265 allows a cookie value in double quotes.
    let value = value
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(value);

    if value.starts_with('{') {
        return token_member(value.as_bytes());
    }
    if value
        .get(..3)
        .is_some_and(|start| start.eq_ignore_ascii_case("%7B"))
    {
        let decoded = percent_decode(value.as_bytes());
        return token_member(&decoded).map(|token| Cow::Owned(token.into_owned()));
    }
    Err(malformed("the value is neither JSON nor URL-encoded JSON"))
}

/// Decodes `%XX` once, as `decodeURIComponent` does; a `%` without two hex digits stays.
fn percent_decode(text: &[u8]) -> Vec<u8> {
    // Written in place into a buffer of the input's size (decoding never grows it).
    let mut out = vec![0; text.len()];
    let mut len = 0;
    let mut rest = text;
    loop {
        // The run up to the next `%` is copied as it is: short in the JSON's structure, where
        // a byte loop is quickest, long in the token, where eight bytes are searched at once.
        let mut run = rest.iter().take(8).take_while(|&&b| b != b'%').count();
        if run == 8 {
            run += scan::find_byte(rest.get(8..).unwrap_or_default(), b'%');
        }
        let (plain, escaped) = rest.split_at(run);
        if let Some(slot) = out.get_mut(len..len + run) {
            slot.copy_from_slice(plain);
        }
        len += run;
        let Some((_, tail)) = escaped.split_first() else {
            break;
        };
        let high = tail.first().map_or(NOT_HEX, |&b| hex(b));
        let low = tail.get(1).map_or(NOT_HEX, |&b| hex(b));
        let (decoded, used) = if high == NOT_HEX || low == NOT_HEX {
            (b'%', 1)
        } else {
            (high << 4 | low, 3)
        };
        if let Some(slot) = out.get_mut(len) {
            *slot = decoded;
        }
        len += 1;
        rest = escaped.get(used..).unwrap_or_default();
    }
    out.truncate(len);
    out
}

/// What [`hex`] returns for a byte that is not a hex digit.
const NOT_HEX: u8 = 0xFF;

fn hex(digit: u8) -> u8 {
    let decimal = digit.wrapping_sub(b'0');
    let letter = (digit | 0x20).wrapping_sub(b'a');
    if decimal < 10 {
        decimal
    } else if letter < 6 {
        letter + 10
    } else {
        NOT_HEX
    }
}

/// The `signature` member of the cookie's JSON object; the whole object is checked.
fn token_member(json: &[u8]) -> Result<Cow<'_, str>, Error> {
    let mut signature = Field::Absent;
    let is_object = Reader::new(json)
        .and_then(|reader| {
            reader.whole_object(|r, name| {
                if name == "signature" {
                    signature.set(r.field(|r, kind| {
                        if kind == Kind::String {
                            r.string().map(Some)
                        } else {
                            Ok(None)
                        }
                    })?)
                } else {
                    r.skip()
                }
            })
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
    use super::{find_cookie, signature};
    use crate::Error;

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
    fn percent_decoding_matches_a_reference_on_any_input() {
        let reference =
            |text: &str| -> Vec<u8> { percent_encoding::percent_decode_str(text).collect() };
        let mut inputs = vec![
            String::new(),
            "%".to_owned(),
            "%4".to_owned(),
            "%zz%41%4a%4A%%41".to_owned(),
            "abcdefgh%41bcdefghijklmnop%".to_owned(),
            "%7B%22signature%22%3A%22eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.e30.x%22%7D".to_owned(),
        ];
        for len in 0..40 {
            inputs.push("a%2".repeat(len));
            inputs.push(format!("{}%41", "b".repeat(len)));
        }
        for input in inputs {
            assert_eq!(
                super::percent_decode(input.as_bytes()),
                reference(&input),
                "{input}"
            );
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
