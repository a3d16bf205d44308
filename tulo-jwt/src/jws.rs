//! The compact JWS layer: segments, header, HS256 signature. Claims are not read here.

use crate::base64url;
use crate::error::Error;
use crate::hs256::{Hs256Key, TAG_LEN};
use crate::json::{Field, JsonError, Kind, Reader};

/// The only algorithm accepted, spelled as RFC 7518 spells it (case-sensitive).
const ALGORITHM: &str = "HS256";

/// Longest `alg` value copied into [`Error::WrongAlgorithm`].
const MAX_REPORTED_ALG_LEN: usize = 16;

/// Header segments known to mean HS256 and nothing else, accepted without decoding:
/// `{"typ":"JWT","alg":"HS256"}` (Payway's), `{"alg":"HS256","typ":"JWT"}` and
/// `{"alg":"HS256"}`. Any other header is decoded and read.
const KNOWN_HS256_HEADERS: [&str; 3] = [
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
    "eyJhbGciOiJIUzI1NiJ9",
];

/// The length of an HMAC-SHA256 tag in unpadded base64url.
const ENCODED_TAG_LEN: usize = 43;

/// Checks the structure, the header and the signature of `token`; returns the decoded
/// claims (still unparsed) only when the signature is genuine.
pub(crate) fn verify(token: &str, key: &Hs256Key) -> Result<Vec<u8>, Error> {
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

    if !KNOWN_HS256_HEADERS.contains(&header) {
        check_header(header)?;
    }

    // Only now, with the algorithm known to be HS256, is any signature work done.
    let mut tag = [0; TAG_LEN];
    if signature.len() == ENCODED_TAG_LEN {
        base64url::decode_into(signature.as_bytes(), &mut tag)
            .ok_or_else(|| malformed("the signature is not base64url"))?;
    } else {
        // Not a 32-byte tag, whatever it decodes to; only the error differs.
        decode(signature).ok_or_else(|| malformed("the signature is not base64url"))?;
        return Err(Error::BadSignature);
    };
    if !key.verify(signing_input.as_bytes(), &tag) {
        return Err(Error::BadSignature);
    }

    decode(payload).ok_or_else(|| malformed("the claims are not base64url"))
}

/// Strict unpadded base64url (RFC 7515 §2): padding, whitespace, characters outside the
/// URL-safe alphabet, an impossible length and non-zero unused trailing bits are all
/// refused, so each byte string has exactly one spelling.
fn decode(segment: &str) -> Option<Vec<u8>> {
    base64url::decode(segment.as_bytes())
}

fn check_header(header: &str) -> Result<(), Error> {
    let bytes = decode(header).ok_or_else(|| malformed("the header is not base64url"))?;
    let mut alg = Field::Absent;
    let mut crit = false;
    let is_object = Reader::new(&bytes)
        .and_then(|reader| {
            reader.whole_object(|r, name| match name {
                "alg" => alg.set(r.field(|r, kind| {
                    if kind == Kind::String {
                        r.string().map(Some)
                    } else {
                        Ok(None)
                    }
                })?),
                "crit" => {
                    crit = true;
                    r.skip_member()
                }
                _ => r.skip_member(),
            })
        })
        .map_err(|error| {
            malformed(match error {
                JsonError::Repeated => "the header repeats a member name",
                _ => "the header is not valid JSON",
            })
        })?;
    if !is_object {
        return Err(malformed("the header is not a JSON object"));
    }
    match alg {
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
    if crit {
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
    use super::{KNOWN_HS256_HEADERS, check_header, decode, printable};

    #[test]
    fn the_known_headers_are_the_ones_the_reader_accepts() {
        for header in KNOWN_HS256_HEADERS {
            assert!(check_header(header).is_ok(), "{header}");
            let json = String::from_utf8(decode(header).unwrap()).unwrap();
            let value: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(value["alg"], "HS256", "{json}");
            assert!(value.get("crit").is_none(), "{json}");
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
