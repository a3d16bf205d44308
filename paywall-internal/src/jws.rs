//! HS256 compact JWS (RFC 7515, RFC 7518 §3.2), the JWT policy of the family: a strict split
//! into three segments, strict unpadded base64url, a header whose `alg` is exactly `HS256`
//! (checked before any signature work) and which lists no critical extension (`crit`), no
//! repeated header member at any depth, and an HMAC-SHA256 compared in constant time.
//!
//! Claims are not read here: [`verify`] hands back their bytes only under a genuine
//! signature, and each crate reads its own profile from them; [`check_times`] then checks the
//! times it read, by one rule for the family.

mod base64url;
mod header;
mod hs256;
mod secret;
mod times;

pub use base64url::{BASE64URL, decode, decode_into, encode, encode_into};
pub use hs256::{Hs256Key, TAG_BYTES};
pub use secret::{MIN_SECRET_BYTES, SecretRefused, check_secret, secret_key};
pub use times::{TimeRefused, check_times};

/// The longest token (or cookie value holding one) parsed: 8 KiB. Longer input is refused
/// before any parsing (a browser keeps at most 4 KiB per cookie).
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// The only algorithm accepted, spelled as RFC 7518 spells it (case-sensitive).
pub const ALGORITHM: &str = "HS256";

/// The header most tokens carry, `{"typ":"JWT","alg":"HS256"}` (jsonwebtoken's order, and
/// Payway's); pass it to [`sign`].
pub const JWT_HEADER: &[u8] = br#"{"typ":"JWT","alg":"HS256"}"#;

/// The length of an HMAC-SHA256 tag in unpadded base64url.
const ENCODED_TAG_LEN: usize = 43;

/// The reason of [`JwsError::Malformed`] for a signature segment that is not strict
/// base64url: a crate that reports such a token as forged (it cannot be the tag) matches it.
pub const SIGNATURE_NOT_BASE64URL: &str = "the signature is not base64url";

/// What [`verify`] asks of the header's `typ` (RFC 7519 §5.1 makes it optional).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typ {
    /// Ignored, whatever it holds.
    Any,
    /// Absent, or `JWT` in any case.
    JwtIfPresent,
}

/// Why a token was refused. Never holds the token or any part of it, except a short
/// printable `alg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwsError {
    /// Longer than [`MAX_TOKEN_BYTES`]; nothing was parsed.
    TooLarge {
        /// The token's length, in bytes.
        len: usize,
        /// [`MAX_TOKEN_BYTES`].
        limit: usize,
    },
    /// Not three segments, a segment not strict base64url, or a header that is not a JSON
    /// object.
    Malformed {
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// The header names a member twice, at any depth.
    RepeatedHeaderMember,
    /// The header's `alg` is not exactly `HS256`; refused before any signature work.
    WrongAlgorithm {
        /// The `alg` named, when it was a short printable string.
        found: Option<String>,
    },
    /// The header lists critical extensions (`crit`, in any form).
    CriticalHeader,
    /// The header's `typ` is not `JWT` ([`Typ::JwtIfPresent`] only).
    WrongType,
    /// The signature is not the HMAC-SHA256 of the signing input under the key.
    BadSignature,
}

impl JwsError {
    /// The refusal in the family's words, for a crate that reports it as a malformed token:
    /// a [`Malformed`](Self::Malformed) reason as it is, each other refusal in one phrase that
    /// names no part of the token (not even the `alg`).
    #[must_use]
    pub fn reason(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "the token is too large",
            Self::Malformed { reason } => reason,
            Self::RepeatedHeaderMember => "the header repeats a member name",
            Self::WrongAlgorithm { .. } => "the header's alg is not HS256",
            Self::CriticalHeader => "the header lists critical extensions",
            Self::WrongType => "the header's typ is not JWT",
            Self::BadSignature => "the signature does not match",
        }
    }
}

/// Checks `token`'s length, structure, header and signature, and returns its claims segment
/// decoded (not parsed), only when the signature is genuine.
///
/// In this order: at most [`MAX_TOKEN_BYTES`]; three segments; the header (base64url, a
/// JSON object without repeated members, `alg`, `crit`, `typ`); the signature segment strict
/// base64url; its 32 bytes the tag of the signing input (anything else is
/// [`JwsError::BadSignature`]); the claims segment strict base64url.
///
/// # Errors
///
/// The [`JwsError`] of the first check that failed.
pub fn verify(token: &str, key: &Hs256Key, typ: Typ) -> Result<Vec<u8>, JwsError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(JwsError::TooLarge {
            len: token.len(),
            limit: MAX_TOKEN_BYTES,
        });
    }
    if token.is_empty() {
        return Err(malformed("the token is empty"));
    }
    let (signing_input, signature) = token.rsplit_once('.').ok_or(NOT_THREE)?;
    let (header, payload) = signing_input.split_once('.').ok_or(NOT_THREE)?;
    if payload.contains('.') {
        return Err(NOT_THREE);
    }
    header::check(header, typ)?;

    // Only now, with the algorithm known to be HS256, is any signature work done.
    let mut tag = [0; TAG_BYTES];
    let len = if signature.len() == ENCODED_TAG_LEN {
        decode_into(signature, &mut tag)
    } else {
        // Not a 32-byte tag, whatever it decodes to; only the error differs.
        decode(signature).map(|_| 0)
    };
    match len {
        None => return Err(malformed(SIGNATURE_NOT_BASE64URL)),
        Some(TAG_BYTES) => {}
        Some(_) => return Err(JwsError::BadSignature),
    }
    if !key.verify(&[signing_input.as_bytes()], &tag) {
        return Err(JwsError::BadSignature);
    }
    decode(payload).ok_or(malformed("the claims are not base64url"))
}

/// Signs `claims` (a JSON object's text) under `header` (a JOSE header's text, such as
/// [`JWT_HEADER`]) as a compact JWS. The caller writes a header that [`verify`] accepts.
#[must_use]
pub fn sign(key: &Hs256Key, header: &[u8], claims: &[u8]) -> String {
    let mut token = String::with_capacity((header.len() + claims.len()) * 4 / 3 + 48);
    encode_into(header, &mut token);
    token.push('.');
    encode_into(claims, &mut token);
    let tag = key.sign(&[token.as_bytes()]);
    token.push('.');
    encode_into(tag, &mut token);
    token
}

const NOT_THREE: JwsError = JwsError::Malformed {
    reason: "the token is not three dot-separated segments",
};

fn malformed(reason: &'static str) -> JwsError {
    JwsError::Malformed { reason }
}

#[cfg(test)]
mod tests {
    use super::{
        Hs256Key, JWT_HEADER, JwsError, MAX_TOKEN_BYTES, Typ, decode, encode, sign, verify,
    };

    fn key() -> Hs256Key {
        Hs256Key::new(b"jws-test-secret-0123456789abcdef")
    }

    fn signed(header: &str, claims: &str) -> String {
        sign(&key(), header.as_bytes(), claims.as_bytes())
    }

    #[test]
    fn a_signed_token_round_trips_and_only_under_its_key() {
        let claims = br#"{"sub":"a","n":[1,{"b":true}]}"#;
        let token = sign(&key(), JWT_HEADER, claims);
        assert!(token.starts_with("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9."));
        assert_eq!(verify(&token, &key(), Typ::Any).unwrap(), claims);
        assert_eq!(verify(&token, &key(), Typ::JwtIfPresent).unwrap(), claims);
        let other = Hs256Key::new(b"another-secret-0123456789abcdef!");
        assert_eq!(
            verify(&token, &other, Typ::Any),
            Err(JwsError::BadSignature)
        );
    }

    #[test]
    fn every_refusal_has_words_that_name_no_part_of_the_token() {
        let found = Some("none-of-your-business".to_owned());
        for (error, words) in [
            (
                JwsError::TooLarge { len: 9, limit: 8 },
                "the token is too large",
            ),
            (JwsError::Malformed { reason: "odd" }, "odd"),
            (
                JwsError::RepeatedHeaderMember,
                "the header repeats a member name",
            ),
            (
                JwsError::WrongAlgorithm { found },
                "the header's alg is not HS256",
            ),
            (
                JwsError::CriticalHeader,
                "the header lists critical extensions",
            ),
            (JwsError::WrongType, "the header's typ is not JWT"),
            (JwsError::BadSignature, "the signature does not match"),
        ] {
            assert_eq!(error.reason(), words, "{error:?}");
        }
    }

    #[test]
    fn the_structure_is_strict() {
        let good = signed(r#"{"alg":"HS256","kid":"1"}"#, r#"{"a":1}"#);
        let (head, tag) = good.rsplit_once('.').unwrap();
        let (header, payload) = head.split_once('.').unwrap();
        let malformed = |token: &str| {
            matches!(
                verify(token, &key(), Typ::Any),
                Err(JwsError::Malformed { .. })
            )
        };
        for bad in [
            String::new(),
            "a.b".to_owned(),
            ".".to_owned(),
            "....".to_owned(),
            format!("{good}."),
            format!("{good}.{tag}"),
            format!(".{good}"),
            format!("{head}.{tag}="),
            format!("{head}.{}", tag.replace('-', "+").replace('_', "/")),
            format!("{header} .{payload}.{tag}"),
            format!("{header}=.{payload}.{tag}"),
            format!("{head}.!!"),
            format!("{head}.Zg\u{e9}"),
        ] {
            assert!(malformed(&bad), "{bad}");
        }
        // Signatures of the wrong length, or changed, are bad signatures.
        for bad in [
            format!("{head}."),
            format!("{head}.{}", &tag[..40]),
            format!("{head}.{tag}AAAA"),
            format!(
                "{head}.{}{}",
                if tag.starts_with('A') { "B" } else { "A" },
                &tag[1..]
            ),
            format!("{header}.{payload}x.{tag}"),
        ] {
            assert_eq!(
                verify(&bad, &key(), Typ::Any),
                Err(JwsError::BadSignature),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_respelled_segment_is_refused_even_when_signed_as_spelled() {
        // A 2-byte claims text ends with unused bits in base64url: `e30` is `{}`, `e31` is a
        // second spelling of the same bytes.
        assert_eq!(decode("e30").unwrap(), b"{}");
        assert!(decode("e31").is_none());
        let header = encode(br#"{"alg":"HS256"}"#);
        let message = format!("{header}.e31");
        let tag = key().sign(&[message.as_bytes()]);
        let token = format!("{message}.{}", encode(tag));
        assert_eq!(
            verify(&token, &key(), Typ::Any),
            Err(JwsError::Malformed {
                reason: "the claims are not base64url"
            })
        );
    }

    #[test]
    fn the_header_is_judged_before_the_signature() {
        let none = format!("{}.{}.", encode(br#"{"alg":"none"}"#), encode(b"{}"));
        assert_eq!(
            verify(&none, &key(), Typ::Any),
            Err(JwsError::WrongAlgorithm {
                found: Some("none".to_owned())
            })
        );
        let crit = signed(r#"{"alg":"HS256","crit":["exp"]}"#, "{}");
        assert_eq!(
            verify(&crit, &key(), Typ::Any),
            Err(JwsError::CriticalHeader)
        );
        let repeated = format!("{}.e30.!!", encode(br#"{"alg":"HS256","alg":"HS256"}"#));
        assert_eq!(
            verify(&repeated, &key(), Typ::Any),
            Err(JwsError::RepeatedHeaderMember)
        );
    }

    #[test]
    fn the_size_limit_comes_first() {
        let long = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(
            verify(&long, &key(), Typ::Any),
            Err(JwsError::TooLarge {
                len: MAX_TOKEN_BYTES + 1,
                limit: MAX_TOKEN_BYTES
            })
        );
        let at_limit = "a".repeat(MAX_TOKEN_BYTES);
        assert!(matches!(
            verify(&at_limit, &key(), Typ::Any),
            Err(JwsError::Malformed { .. })
        ));
    }

    #[test]
    fn errors_never_hold_the_token() {
        let token = signed(r#"{"alg":"HS256"}"#, r#"{"secret":"do-not-print"}"#);
        let other = Hs256Key::new(b"x");
        let error = verify(&token, &other, Typ::Any).unwrap_err();
        let printed = format!("{error:?}");
        assert!(!printed.contains(&token[..10]), "{printed}");
    }
}
