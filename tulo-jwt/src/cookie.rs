//! The `T_ID` cookie: finding it in a `Cookie` header and taking the token out of its value.
//!
//! The value is the JS-API's session object as JSON, raw or URL-encoded. Only its `signature`
//! member (the signed token) is read; every other member is unsigned and ignored.

use std::borrow::Cow;

use crate::error::Error;
use crate::json::{self, JsonError};

/// The name of the cookie the Payway JS-API writes on your site: `T_ID`.
pub const COOKIE_NAME: &str = "T_ID";

/// Returns the value of the single `T_ID` cookie in a `Cookie` header value (RFC 6265 §4.2:
/// `name=value` pairs separated by `;`). Names are case-sensitive.
pub(crate) fn find_in_header(header: &str) -> Result<&str, Error> {
    let mut found = None;
    for pair in header.split(';') {
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        if name.trim_matches(is_ows) != COOKIE_NAME {
            continue;
        }
        if found.is_some() {
            return Err(Error::DuplicateCookie);
        }
        found = Some(value.trim_matches(is_ows));
    }
    found.ok_or(Error::MissingCookie)
}

/// Takes the signed token out of a `T_ID` cookie value.
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
        let decoded = percent_decode(value);
        return token_member(&decoded).map(|token| Cow::Owned(token.into_owned()));
    }
    Err(malformed(
        "the value is neither JSON nor URL-encoded JSON",
        None,
    ))
}

fn token_member(json: &[u8]) -> Result<Cow<'_, str>, Error> {
    json::string_member(json, "signature")
        .map_err(|error| match error {
            JsonError::Syntax(source) => malformed(
                "the value is not a JSON object with one string `signature`",
                Some(source),
            ),
            JsonError::NotAnObject => malformed("the value is not a JSON object", None),
        })?
        .ok_or_else(|| malformed("the JSON object has no `signature`", None))
}

/// Decodes `%XX` escapes (RFC 3986 §2.1); a `%` not followed by two hex digits stays as it
/// is.
fn percent_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    loop {
        match rest {
            [b'%', high, low, tail @ ..] if high.is_ascii_hexdigit() && low.is_ascii_hexdigit() => {
                out.push(hex_value(*high) << 4 | hex_value(*low));
                rest = tail;
            }
            [byte, tail @ ..] => {
                out.push(*byte);
                rest = tail;
            }
            [] => return out,
        }
    }
}

fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        b'A'..=b'F' => digit - b'A' + 10,
        _ => 0,
    }
}

/// Optional whitespace around cookie pairs: space and horizontal tab.
fn is_ows(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn malformed(reason: &'static str, source: Option<serde_json::Error>) -> Error {
    Error::MalformedCookie { reason, source }
}

#[cfg(test)]
mod tests {
    use super::{find_in_header, percent_decode, signature};
    use crate::Error;

    #[test]
    fn finds_the_cookie_among_others() {
        assert_eq!(
            find_in_header("a=1; T_ID={\"signature\":\"x\"}; b=2").unwrap(),
            "{\"signature\":\"x\"}"
        );
        assert_eq!(find_in_header("T_ID=v").unwrap(), "v");
        assert_eq!(find_in_header(" \tT_ID = v ;x=1").unwrap(), "v");
        assert_eq!(find_in_header("x=1;T_ID=a=b").unwrap(), "a=b");
    }

    #[test]
    fn names_are_exact() {
        for header in ["", "t_id=v", "T_IDX=v", "XT_ID=v", "T_ID", "a=1; b=2"] {
            assert!(
                matches!(find_in_header(header), Err(Error::MissingCookie)),
                "{header:?}"
            );
        }
    }

    #[test]
    fn two_cookies_are_refused() {
        assert!(matches!(
            find_in_header("T_ID=a; x=1; T_ID=b"),
            Err(Error::DuplicateCookie)
        ));
        assert!(matches!(
            find_in_header("T_ID=a; T_ID=a"),
            Err(Error::DuplicateCookie)
        ));
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
        ] {
            assert_eq!(signature(&value).unwrap(), "a.b.c", "{value}");
        }
    }

    #[test]
    fn percent_decoding_matches_rfc3986() {
        assert_eq!(percent_decode("%7B%22a%22%3A1%7d"), b"{\"a\":1}");
        assert_eq!(percent_decode("plain"), b"plain");
        assert_eq!(percent_decode("%C3%A9t%C3%A9"), "\u{e9}t\u{e9}".as_bytes());
        assert_eq!(percent_decode("100%"), b"100%");
        assert_eq!(percent_decode("%zz%4"), b"%zz%4");
        assert_eq!(percent_decode("%%41"), b"%A");
        assert_eq!(percent_decode(""), b"");
        // The same as the percent-encoding crate, on a few awkward inputs.
        for text in [
            "%",
            "%%",
            "%4",
            "%41%",
            "a%2",
            "%7B%7b%7G",
            "%e9%",
            "x%41y%4Z",
        ] {
            let expected: Vec<u8> = percent_encoding::percent_decode_str(text).collect();
            assert_eq!(percent_decode(text), expected, "{text}");
        }
    }

    #[test]
    fn malformed_values() {
        for value in [
            "",
            "\"\"",
            "eyJhbGciOiJIUzI1NiJ9.e30.sig",
            "[\"a.b.c\"]",
            "{}",
            "{\"signature\":1}",
            "{\"signature\":\"a\",\"signature\":\"b\"}",
            "{\"signature\":\"a\"",
            "%7B",
            "%7Bnot json",
        ] {
            assert!(
                matches!(signature(value), Err(Error::MalformedCookie { .. })),
                "{value:?}"
            );
        }
    }
}
