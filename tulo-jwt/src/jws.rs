//! The compact JWS layer: segments, header, HS256 signature. Claims are not read here.

use aws_lc_rs::hmac;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::{IgnoredAny, MapAccess};

use crate::error::Error;
use crate::json::{self, Field, JsonError, Kind, Text};

/// The only algorithm accepted, spelled as RFC 7518 spells it (case-sensitive).
const ALGORITHM: &str = "HS256";

/// An HMAC-SHA256 tag is 32 bytes.
const TAG_LEN: usize = 32;

/// Longest `alg` value copied into [`Error::WrongAlgorithm`].
const MAX_REPORTED_ALG_LEN: usize = 16;

/// Checks the structure, the header and the signature of `token`; returns the decoded
/// claims (still unparsed) only when the signature is genuine.
pub(crate) fn verify(token: &str, key: &hmac::Key) -> Result<Vec<u8>, Error> {
    if token.is_empty() {
        return Err(malformed("the token is empty"));
    }
    let (signing_input, signature) = token.rsplit_once('.').ok_or_else(not_three_segments)?;
    let (header, payload) = signing_input
        .split_once('.')
        .ok_or_else(not_three_segments)?;
    if payload.contains('.') {
        return Err(not_three_segments());
    }

    check_header(header)?;

    // Only now, with the algorithm known to be HS256, is any signature work done.
    let tag = decode(signature).ok_or_else(|| malformed("the signature is not base64url"))?;
    if tag.len() != TAG_LEN || hmac::verify(key, signing_input.as_bytes(), &tag).is_err() {
        return Err(Error::BadSignature);
    }

    decode(payload).ok_or_else(|| malformed("the claims are not base64url"))
}

/// Strict unpadded base64url (RFC 7515 §2), the decoder jsonwebtoken uses: padding,
/// whitespace, characters outside the URL-safe alphabet, an impossible length and non-zero
/// unused trailing bits are all refused, so each byte string has exactly one spelling.
fn decode(segment: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(segment).ok()
}

/// The header members that matter; every other member is skipped unread.
#[derive(Default)]
struct Header {
    alg: Field<String>,
    crit: Field<IgnoredAny>,
}

impl<'de> Kind<'de> for Header {
    fn from_map<A: MapAccess<'de>>(mut map: A) -> Result<Option<Self>, A::Error> {
        let mut header = Header::default();
        while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
            match &*name {
                "alg" => header.alg.set(map.next_value()?, "alg")?,
                "crit" => {
                    map.next_value::<IgnoredAny>()?;
                    header.crit.set(Field::Value(IgnoredAny), "crit")?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(header))
    }
}

fn check_header(header: &str) -> Result<(), Error> {
    let bytes = decode(header).ok_or_else(|| malformed("the header is not base64url"))?;
    let header: Header = json::parse_object(&bytes).map_err(|error| match error {
        JsonError::Syntax(source) => Error::MalformedToken {
            reason: "the header is not valid JSON, or repeats a name",
            source: Some(source),
        },
        JsonError::NotAnObject => malformed("the header is not a JSON object"),
    })?;
    match header.alg {
        Field::Value(alg) if alg == ALGORITHM => {}
        Field::Value(alg) => {
            return Err(Error::WrongAlgorithm {
                found: printable(&alg),
            });
        }
        Field::Absent | Field::Null | Field::WrongType => {
            return Err(Error::WrongAlgorithm { found: None });
        }
    }
    // RFC 7515 §4.1.11: an extension marked critical that is not understood must be
    // refused; none is understood here (this also refuses RFC 7797's unencoded payloads).
    if !matches!(header.crit, Field::Absent) {
        return Err(malformed("the header lists critical extensions"));
    }
    Ok(())
}

/// A copy of an untrusted `alg` that is safe to print in logs, or `None`.
fn printable(alg: &str) -> Option<String> {
    let short = alg.len() <= MAX_REPORTED_ALG_LEN;
    let plain = alg.bytes().all(|b| b.is_ascii_graphic());
    (short && plain && !alg.is_empty()).then(|| alg.to_owned())
}

fn malformed(reason: &'static str) -> Error {
    Error::MalformedToken {
        reason,
        source: None,
    }
}

fn not_three_segments() -> Error {
    malformed("the token is not three dot-separated segments")
}

#[cfg(test)]
mod tests {
    use super::{decode, printable};
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use proptest::prelude::*;

    #[test]
    fn decodes_rfc4648_vectors_without_padding() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(decode(encoded).unwrap(), plain.as_bytes(), "{encoded}");
        }
        assert_eq!(decode("-_8").unwrap(), [0xFB, 0xFF]);
    }

    #[test]
    fn refuses_every_second_spelling() {
        for bad in [
            "+/8",         // the standard alphabet
            "Zg==",        // padding
            "Zm8=",        // padding
            "Zm 9v",       // whitespace
            "Zm9v\n",      // a line ending
            "Zm9v.",       // a separator
            "Z",           // a length no byte string has
            "Zh",          // "f" with non-zero unused bits
            "Zm9",         // "fo" with non-zero unused bits
            "AaAA_a__00-", // non-zero unused bits after a whole 8-character block
        ] {
            assert!(decode(bad).is_none(), "{bad:?} must be refused");
        }
    }

    proptest! {
        #[test]
        fn every_accepted_text_is_the_canonical_one(text in "[A-Za-z0-9_-]{0,40}") {
            if let Some(bytes) = decode(&text) {
                prop_assert_eq!(URL_SAFE_NO_PAD.encode(bytes), text);
            }
        }
    }

    #[test]
    fn only_short_printable_algorithms_are_reported() {
        assert_eq!(printable("none").as_deref(), Some("none"));
        assert_eq!(printable("HS512").as_deref(), Some("HS512"));
        assert_eq!(printable(""), None);
        assert_eq!(printable("HS256\n"), None);
        assert_eq!(printable("a b"), None);
        assert_eq!(printable("é"), None);
        assert_eq!(printable(&"A".repeat(17)), None);
    }
}
