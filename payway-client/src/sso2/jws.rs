//! SSO2's compact JWS on the family's HS256 (`paywall_internal::jws`): a strict three-part
//! split, strict unpadded base64url, `alg` exactly `HS256` before any signature work, `crit`
//! refused, `typ` `JWT` when present, repeated JSON members refused at any depth. What this
//! module adds: the claims read as a JSON object, and the refusals as [`TokenError`]s.

use paywall_internal::json::{Refusal, classify, value_from_slice};
use paywall_internal::jws::{self as core, Hs256Key, JwsError, Typ};
use serde_json::{Map, Value};

use super::verify_error::TokenError;

pub(crate) use paywall_internal::jws::{decode, encode};

/// The largest token or cookie value this crate parses, in bytes (8 KiB): anything longer is
/// an [`Error::TokenTooLarge`](crate::Error::TokenTooLarge), refused before parsing.
pub const MAX_TOKEN_BYTES: usize = core::MAX_TOKEN_BYTES;

/// `{"alg":"HS256","typ":"JWT"}`, the only header this crate writes.
const HEADER: &[u8] = br#"{"alg":"HS256","typ":"JWT"}"#;

/// Signs `claims` (a JSON object, serialised) as a compact HS256 JWS.
pub(crate) fn sign(claims: &[u8], key: &Hs256Key) -> String {
    core::sign(key, HEADER, claims)
}

/// Checks a compact JWS under `key` and returns its claims object. The caller has already
/// bounded its length.
pub(crate) fn verify(token: &str, key: &Hs256Key) -> Result<Map<String, Value>, TokenError> {
    let claims = core::verify(token, key, Typ::JwtIfPresent).map_err(|error| match error {
        JwsError::RepeatedHeaderMember => TokenError::RepeatedMember,
        JwsError::WrongAlgorithm { found } => TokenError::WrongAlgorithm { found },
        JwsError::CriticalHeader => TokenError::CriticalHeader,
        JwsError::BadSignature => TokenError::BadSignature,
        other => TokenError::Malformed {
            reason: other.reason(),
        },
    })?;
    match value_from_slice(&claims) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(TokenError::Malformed {
            reason: "the claims are not a JSON object",
        }),
        Err(error) if classify(&error) == Refusal::RepeatedMember => {
            Err(TokenError::RepeatedMember)
        }
        Err(_) => Err(TokenError::Malformed {
            reason: "the claims are not JSON",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Hs256Key {
        Hs256Key::new(b"sso2-test-secret-0123456789")
    }

    fn b64(text: &str) -> String {
        encode(text.as_bytes())
    }

    fn signed(header: &str, claims: &str) -> String {
        let body = format!("{}.{}", b64(header), b64(claims));
        let tag = key().sign(&[body.as_bytes()]);
        format!("{body}.{}", encode(tag))
    }

    #[test]
    fn tokens_carry_the_header_sso2_expects() {
        let token = sign(b"{}", &key());
        assert!(token.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."));
    }

    #[test]
    fn a_signed_token_round_trips() {
        let token = sign(br#"{"sid":"s-1","n":[1,{"a":true}]}"#, &key());
        let claims = verify(&token, &key()).unwrap();
        assert_eq!(claims["sid"], "s-1");
        assert_eq!(
            verify(&token, &Hs256Key::new(b"another-secret-0123456789")),
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
            // Unsigned, as `alg: none` tokens come; and with a garbage signature: the
            // algorithm is refused first.
            for signature in ["", "AAAA"] {
                let token = format!("{}.{}.{signature}", b64(header), b64("{}"));
                assert_eq!(
                    verify(&token, &key()),
                    Err(TokenError::WrongAlgorithm {
                        found: found.map(str::to_owned)
                    }),
                    "{header}"
                );
            }
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
        let repeated = Err(TokenError::RepeatedMember);
        let repeated_header = signed(r#"{"alg":"HS256","alg":"HS256"}"#, "{}");
        assert_eq!(verify(&repeated_header, &key()), repeated);
        let repeated_claim = signed(r#"{"alg":"HS256"}"#, r#"{"a":{"b":1,"b":2}}"#);
        assert_eq!(verify(&repeated_claim, &key()), repeated);
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
