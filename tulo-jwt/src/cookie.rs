//! The `T_ID` cookie: finding it in a `Cookie` header and taking the token out of its value.
//!
//! The value is the JS-API's session object as JSON, raw or URL-encoded. Only its `signature`
//! member (the signed token) is read; every other member is unsigned and skipped unread.

use std::borrow::Cow;

use serde::de::{IgnoredAny, MapAccess};

use crate::error::Error;
use crate::json::{self, Field, JsonError, Kind, Text};

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
pub(crate) fn signature(value: &str) -> Result<String, Error> {
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
        // One decoding, as `decodeURIComponent` does; a `%` without two hex digits stays.
        let decoded: Cow<'_, [u8]> = percent_encoding::percent_decode_str(value).into();
        return token_member(&decoded);
    }
    Err(malformed(
        "the value is neither JSON nor URL-encoded JSON",
        None,
    ))
}

/// The cookie's JSON object: only `signature` is read, and it may appear once.
#[derive(Default)]
struct CookieObject {
    signature: Field<String>,
}

impl<'de> Kind<'de> for CookieObject {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        let mut object = CookieObject::default();
        while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
            if name == "signature" {
                object.signature.set(map.next_value()?, "signature")?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Some(object))
    }
}

fn token_member(json: &[u8]) -> Result<String, Error> {
    let object: CookieObject = json::parse_object(json).map_err(|error| match error {
        JsonError::Syntax(source) => malformed(
            "the value is not JSON, or repeats `signature`",
            Some(source),
        ),
        JsonError::NotAnObject => malformed("the value is not a JSON object", None),
    })?;
    match object.signature {
        Field::Value(token) => Ok(token),
        Field::Absent => Err(malformed("the JSON object has no `signature`", None)),
        Field::Null | Field::WrongType => Err(malformed("`signature` is not a string", None)),
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
    use super::{find_in_header, signature};
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
