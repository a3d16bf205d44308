//! Compact JWS with HS256 only, as the JWT policy of the family says: a strict three-part
//! split, strict unpadded base64url, `alg` exactly `HS256` before any signature work, `crit`
//! refused, repeated JSON members refused at any depth.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::hs256::{Hs256Key, TAG_BYTES};
use super::verify_error::TokenError;
use crate::strict_json::parse_value;

/// The largest token or cookie value this crate parses, in bytes (8 KiB): anything longer is
/// an [`Error::TokenTooLarge`](crate::Error::TokenTooLarge), refused before parsing.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// `{"alg":"HS256","typ":"JWT"}`, the only header this crate writes.
const HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// The longest `alg` an error repeats (a longer or unprintable one is left out).
const MAX_SHOWN_ALG: usize = 16;

/// Unpadded base64url of `bytes`.
pub(crate) fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Strict unpadded base64url: no padding, no other alphabet, no whitespace, no stray bits in
/// the last character (so every text decodes from exactly one spelling).
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// Signs `claims` (a JSON object, serialised) as a compact HS256 JWS.
pub(crate) fn sign(claims: &[u8], key: &Hs256Key) -> String {
    let mut token = String::with_capacity(HEADER.len() + 2 + claims.len() * 4 / 3 + 48);
    token.push_str(HEADER);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(claims, &mut token);
    let tag = key.sign(&[token.as_bytes()]);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(tag, &mut token);
    token
}

/// Checks a compact JWS under `key` and returns its claims object. The caller has already
/// bounded its length.
pub(crate) fn verify(token: &str, key: &Hs256Key) -> Result<Map<String, Value>, TokenError> {
    let malformed = |reason| TokenError::Malformed { reason };
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("not three dot-separated parts"));
    };
    // The header first: any algorithm but HS256 is refused before anything else is read.
    let header = object(header, Segment::Header)?;
    check_header(&header)?;
    if payload.is_empty() || signature.is_empty() {
        return Err(malformed("an empty part"));
    }
    let tag = decode(signature).ok_or(malformed("the signature is not base64url"))?;
    if tag.len() != TAG_BYTES {
        return Err(TokenError::BadSignature);
    }
    let signed_len = token.len() - signature.len() - 1;
    let signed = token.get(..signed_len).unwrap_or_default();
    if !key.verify(&[signed.as_bytes()], &tag) {
        return Err(TokenError::BadSignature);
    }
    object(payload, Segment::Claims)
}

/// Which segment is read, for the error's words.
#[derive(Clone, Copy)]
enum Segment {
    Header,
    Claims,
}

impl Segment {
    /// What is wrong with this segment when it is not base64url, not JSON, or not an object.
    fn reasons(self) -> [&'static str; 3] {
        match self {
            Self::Header => [
                "the header is not base64url",
                "the header is not JSON",
                "the header is not a JSON object",
            ],
            Self::Claims => [
                "the claims are not base64url",
                "the claims are not JSON",
                "the claims are not a JSON object",
            ],
        }
    }
}

/// A base64url segment holding a JSON object, read strictly.
fn object(text: &str, segment: Segment) -> Result<Map<String, Value>, TokenError> {
    let [not_base64, not_json, not_object] = segment.reasons();
    let bytes = decode(text).ok_or(TokenError::Malformed { reason: not_base64 })?;
    match parse_value(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(TokenError::Malformed { reason: not_object }),
        Err(error) if error.is_repeated_member() => Err(TokenError::RepeatedMember),
        Err(_) => Err(TokenError::Malformed { reason: not_json }),
    }
}

/// `alg` exactly `HS256`; no `crit`; `typ`, when present, `JWT`.
fn check_header(header: &Map<String, Value>) -> Result<(), TokenError> {
    match header.get("alg") {
        Some(Value::String(alg)) if alg == "HS256" => {}
        other => {
            let found = match other {
                Some(Value::String(alg))
                    if alg.len() <= MAX_SHOWN_ALG && alg.bytes().all(|b| b.is_ascii_graphic()) =>
                {
                    Some(alg.clone())
                }
                _ => None,
            };
            return Err(TokenError::WrongAlgorithm { found });
        }
    }
    if header.contains_key("crit") {
        return Err(TokenError::CriticalHeader);
    }
    match header.get("typ") {
        None => Ok(()),
        Some(Value::String(typ)) if typ.eq_ignore_ascii_case("JWT") => Ok(()),
        Some(_) => Err(TokenError::Malformed {
            reason: "the header's typ is not JWT",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Hs256Key {
        Hs256Key::new(b"sso2-test-secret-0123456789").unwrap()
    }

    fn b64(text: &str) -> String {
        encode(text.as_bytes())
    }

    fn signed(header: &str, claims: &str) -> String {
        let body = format!("{}.{}", b64(header), b64(claims));
        let tag = key().sign(&[body.as_bytes()]);
        format!("{body}.{}", encode(&tag))
    }

    #[test]
    fn the_constant_header_is_what_it_says() {
        assert_eq!(
            decode(HEADER).unwrap(),
            br#"{"alg":"HS256","typ":"JWT"}"#.to_vec()
        );
    }

    #[test]
    fn a_signed_token_round_trips() {
        let token = sign(br#"{"sid":"s-1","n":[1,{"a":true}]}"#, &key());
        let claims = verify(&token, &key()).unwrap();
        assert_eq!(claims["sid"], "s-1");
        assert_eq!(
            verify(
                &token,
                &Hs256Key::new(b"another-secret-0123456789").unwrap()
            ),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn algorithms_other_than_hs256_are_refused_before_the_signature() {
        for (header, found) in [
            (r#"{"alg":"none"}"#, Some("none")),
            (r#"{"alg":"NONE"}"#, Some("NONE")),
            (r#"{"alg":"HS512"}"#, Some("HS512")),
            (r#"{"alg":"hs256"}"#, Some("hs256")),
            (r#"{"alg":"RS256"}"#, Some("RS256")),
            (r#"{"alg":["HS256"]}"#, None),
            (r#"{"typ":"JWT"}"#, None),
            (r#"{"alg":"HS256-but-far-too-long-to-repeat"}"#, None),
        ] {
            // Unsigned, as `alg: none` tokens come.
            let unsigned = format!("{}.{}.", b64(header), b64("{}"));
            assert_eq!(
                verify(&unsigned, &key()),
                Err(TokenError::WrongAlgorithm {
                    found: found.map(str::to_owned)
                }),
                "{header}"
            );
            // The signature is garbage: the algorithm is refused first.
            let token = format!("{}.{}.AAAA", b64(header), b64("{}"));
            assert_eq!(
                verify(&token, &key()),
                Err(TokenError::WrongAlgorithm {
                    found: found.map(str::to_owned)
                }),
                "{header}"
            );
        }
    }

    #[test]
    fn crit_typ_and_repeated_members_are_refused() {
        let crit = signed(r#"{"alg":"HS256","crit":["exp"]}"#, "{}");
        assert_eq!(verify(&crit, &key()), Err(TokenError::CriticalHeader));
        let typ = signed(r#"{"alg":"HS256","typ":"at+jwt"}"#, "{}");
        assert!(matches!(
            verify(&typ, &key()),
            Err(TokenError::Malformed { .. })
        ));
        let repeated_header = signed(r#"{"alg":"HS256","alg":"HS256"}"#, "{}");
        assert_eq!(
            verify(&repeated_header, &key()),
            Err(TokenError::RepeatedMember)
        );
        let repeated_claim = signed(r#"{"alg":"HS256"}"#, r#"{"a":{"b":1,"b":2}}"#);
        assert_eq!(
            verify(&repeated_claim, &key()),
            Err(TokenError::RepeatedMember)
        );
        let lower_typ = signed(r#"{"alg":"HS256","typ":"jwt","kid":"k1"}"#, r#"{"a":1}"#);
        assert!(verify(&lower_typ, &key()).is_ok());
    }

    #[test]
    fn the_compact_form_is_read_strictly() {
        let good = sign(br#"{"a":1}"#, &key());
        let (head, tag) = good.rsplit_once('.').unwrap();
        for bad in [
            String::new(),
            "a.b".to_owned(),
            format!("{good}."),
            format!("{good}.x"),
            format!(".{good}"),
            format!("{head}."),
            format!("{head}.{tag}="),
            format!("{head}.{}", tag.replace('-', "+").replace('_', "/")),
            format!("{head} .{tag}"),
            format!("{head}.{}", &tag[..tag.len() - 1]),
        ] {
            assert!(verify(&bad, &key()).is_err(), "{bad}");
        }
        // Stray bits in the last character of a segment are not another spelling.
        let last = tag.chars().last().unwrap();
        let other = if last == 'A' { 'B' } else { 'A' };
        let respelled = format!("{head}.{}{other}", &tag[..tag.len() - 1]);
        assert!(verify(&respelled, &key()).is_err());
        // Not an object.
        let array = signed(r#"{"alg":"HS256"}"#, "[1]");
        assert!(matches!(
            verify(&array, &key()),
            Err(TokenError::Malformed { .. })
        ));
        assert_eq!(
            verify(&signed(r#"{"alg":"HS256"}"#, "{\"a\":"), &key()),
            Err(TokenError::Malformed {
                reason: "the claims are not JSON"
            })
        );
    }
}
