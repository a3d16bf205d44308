//! The `T_ID` cookie: finding it in a `Cookie` header (the family's scan) and taking the
//! token out of its value.
//!
//! The value is the JS-API's session object as JSON, raw or URL-encoded. Only its `signature`
//! member (the signed token) is read; every other member is unsigned, checked as JSON without
//! repeated names and skipped without being built.

use std::borrow::Cow;

use paywall_internal::cookie::{self as scan, CookieError};
use paywall_internal::json::{self, Member, Members, Refusal};

use crate::error::Error;

/// The name of the cookie the Payway JS-API writes on your site: `T_ID`.
pub const COOKIE_NAME: &str = "T_ID";

/// The longest `Cookie` header scanned for the `T_ID` cookie: 64 KiB.
///
/// News sites with advertising, analytics and consent cookies send 8 to 16 KiB; the limit
/// only stops absurd input. The `T_ID` value itself is limited to
/// [`MAX_TOKEN_BYTES`](crate::MAX_TOKEN_BYTES) when it is verified.
pub const MAX_COOKIE_HEADER_BYTES: usize = scan::MAX_COOKIE_HEADER_BYTES;

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
    scan::find_in_header(COOKIE_NAME, header).map_err(cookie_error)
}

/// The shared scan's refusal in this crate's words.
pub(crate) fn cookie_error(error: CookieError) -> Error {
    match error {
        CookieError::HeaderTooLarge { len, limit } => Error::CookieHeaderTooLarge { len, limit },
        CookieError::Duplicate => Error::DuplicateCookie,
    }
}

/// Takes the signed token out of a `T_ID` cookie value and hands it to `verify`. A
/// URL-encoded value is decoded once, into a buffer that lives for the call.
pub(crate) fn with_token<T>(
    value: &str,
    verify: impl FnOnce(&str) -> Result<T, Error>,
) -> Result<T, Error> {
    // RFC 6265 allows a cookie value in double quotes.
    let value = scan::unquote(value.trim_matches([' ', '\t']));
    if value.starts_with('{') {
        return verify(&token_member(value.as_bytes())?);
    }
    if value
        .get(..3)
        .is_some_and(|start| start.eq_ignore_ascii_case("%7B"))
    {
        let json = scan::percent_decode(value);
        return verify(&token_member(&json)?);
    }
    Err(malformed("the value is neither JSON nor URL-encoded JSON"))
}

/// The `signature` member of the cookie's JSON object; the whole object is checked.
fn token_member(json: &[u8]) -> Result<Cow<'_, str>, Error> {
    let [signature] = json::read_object(json, Members(["signature"])).map_err(|error| {
        malformed(match json::classify(&error) {
            Refusal::RepeatedMember => "the value repeats a member name",
            Refusal::NotAnObject => "the value is not a JSON object",
            Refusal::Syntax | Refusal::Shape => "the value is not valid JSON",
        })
    })?;
    match signature {
        Some(Member::Text(token)) => Ok(token),
        None => Err(malformed("the JSON object has no `signature`")),
        Some(_) => Err(malformed("`signature` is not a string")),
    }
}

fn malformed(reason: &'static str) -> Error {
    Error::MalformedCookie { reason }
}

#[cfg(test)]
mod tests {
    use super::with_token;
    use crate::Error;

    fn signature(value: &str) -> Result<String, Error> {
        with_token(value, |token| Ok(token.to_owned()))
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
            // Whitespace, escaped or not, between the tokens.
            "%7B%20%22signature%22%0A:%22a.b.c%22%7D".to_owned(),
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
        // A raw JSON value is not decoded at all.
        assert_eq!(signature(r#"{"signature":"a%2Eb"}"#).unwrap(), "a%2Eb");
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
            "{\"signature\":\"a\",\"x\":{\"y\":1,\"y\":1}}",
            // A number no double holds, in an unsigned member.
            "{\"signature\":\"a\",\"x\":[1e400]}",
            "{\"signature\":\"a\"",
            "{\"signature\":\"a\"} x",
            "{\"signature\":\"a\"}{}",
            "%7B",
            "%7Bnot json",
            "%7B%22signature%22%3A%22%FF%22%7D",
            "%257B%2522signature%2522%3A%2522a.b.c%2522%257D",
        ] {
            assert!(
                matches!(signature(value), Err(Error::MalformedCookie { .. })),
                "{value:?}"
            );
        }
    }
}
