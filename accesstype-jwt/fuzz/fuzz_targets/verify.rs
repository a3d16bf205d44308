//! `AccesstypeSigner::verify` on arbitrary input.
//!
//! Invariants: nothing panics; a token verifies only if its signature is the HMAC-SHA256 of
//! its first two parts under the secret (computed here independently); arbitrary JSON signed
//! with the secret verifies only as a user that `sign` accepts and that signs back to a token
//! verifying as the same user, and is never refused as `BadSignature`; `WrongAlgorithm` only
//! for a header whose `alg` is not `HS256`, repeating it only when it is short and printable;
//! `IssuedInFuture` only for an `iat` past the leeway; a user built from the input that `sign`
//! accepts round-trips exactly; the e-mail rules never accept a control or invisible character.
#![no_main]

use std::time::{SystemTime, UNIX_EPOCH};

use accesstype_jwt::{AccesstypeSigner, DEFAULT_LEEWAY, JwtError, MAX_TOKEN_BYTES, User};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit, Mac};
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "fuzzing-secret-of-at-least-32-bytes!!";

fn hs256(message: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

fn round_trips(signer: &AccesstypeSigner, user: &User) {
    assert!(
        user.validate().is_ok(),
        "a verified user that sign would refuse"
    );
    let again = signer.sign(user).unwrap();
    if again.len() <= MAX_TOKEN_BYTES {
        assert_eq!(&signer.verify(&again).unwrap(), user);
    }
}

/// A `WrongAlgorithm` refusal of `header`: its `alg` is not `HS256`, and is repeated only when
/// it is 1 to 16 printable ASCII characters.
fn check_wrong_algorithm(header: &str, found: Option<&str>) {
    let header: serde_json::Value = serde_json::from_str(header).unwrap();
    let alg = header.get("alg").and_then(serde_json::Value::as_str);
    assert_ne!(alg, Some("HS256"), "HS256 refused as a wrong algorithm");
    if let Some(found) = found {
        assert!((1..=16).contains(&found.len()));
        assert!(found.bytes().all(|b| b.is_ascii_graphic()));
        assert_eq!(alg, Some(found), "the error names another algorithm");
    }
}

fuzz_target!(|data: &[u8]| {
    let signer = AccesstypeSigner::builder().secret(SECRET).build().unwrap();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match mode % 3 {
        // The input as a whole token.
        0 => {
            if let Ok(user) = signer.verify(text) {
                let (message, signature) = text.rsplit_once('.').unwrap();
                assert_eq!(
                    signature,
                    hs256(message),
                    "verified without the secret's HMAC"
                );
                round_trips(&signer, &user);
            }
        }
        // The input as the payload (and, after a 0x1f, the header) of a correctly signed
        // token: exercises everything after the signature check.
        1 => {
            let (payload, header) = text
                .split_once('\u{1f}')
                .unwrap_or((text, r#"{"alg":"HS256"}"#));
            let message = format!(
                "{}.{}",
                URL_SAFE_NO_PAD.encode(header),
                URL_SAFE_NO_PAD.encode(payload)
            );
            let token = format!("{message}.{}", hs256(&message));
            match signer.verify(&token) {
                Ok(user) => {
                    let claims: serde_json::Value = serde_json::from_str(payload).unwrap();
                    assert_eq!(claims["email"].as_str(), user.email.as_deref());
                    assert_eq!(
                        claims["login-phone-number"].as_str(),
                        user.login_phone_number.as_deref()
                    );
                    assert!(user.email.is_some() || user.login_phone_number.is_some());
                    assert!(claims.get("aud").is_none_or(serde_json::Value::is_null));
                    round_trips(&signer, &user);
                }
                Err(error) => {
                    assert!(error.is_token_rejected(), "{error:?}");
                    assert!(
                        !matches!(error, JwtError::BadSignature),
                        "a token signed with the secret refused as forged"
                    );
                    if let JwtError::WrongAlgorithm { found } = &error {
                        check_wrong_algorithm(header, found.as_deref());
                    }
                    if matches!(error, JwtError::IssuedInFuture) {
                        let claims: serde_json::Value = serde_json::from_str(payload).unwrap();
                        let now = SystemTime::now()
                            .duration_since(UNIX_EPOCH)
                            .unwrap()
                            .as_secs();
                        let iat = claims["iat"].as_u64().unwrap();
                        assert!(
                            iat > now + DEFAULT_LEEWAY.as_secs() - 1,
                            "iat {iat} is not ahead"
                        );
                    }
                }
            }
        }
        // The input as the fields of a user.
        _ => {
            let mut fields = text.splitn(3, '\u{1f}');
            let email = fields.next().unwrap_or_default();
            let id = fields.next().unwrap_or_default();
            // A leading `+` reads as a login phone number, anything else as an e-mail address.
            let mut user = if email.starts_with('+') {
                User::with_phone_number(email, id)
            } else {
                User::new(email, id)
            };
            if let Some(name) = fields.next() {
                user = user.name(name);
            }
            if accesstype_jwt::fuzzing::is_valid_email(email) {
                assert!(
                    !email.chars().any(|c| c.is_control() || c.is_whitespace()),
                    "an accepted address holds a control character or a space"
                );
                for invisible in [
                    '\u{200B}', '\u{200D}', '\u{FEFF}', '\u{AD}', '\u{202E}', '\u{2066}',
                ] {
                    assert!(
                        !email.contains(invisible),
                        "an accepted address hides {invisible:?}"
                    );
                }
            }
            match signer.sign(&user) {
                Ok(token) => {
                    if token.len() <= MAX_TOKEN_BYTES {
                        assert_eq!(signer.verify(&token).unwrap(), user);
                    }
                    // One changed character anywhere makes it fail.
                    let mut bytes = token.into_bytes();
                    let at = usize::from(mode) * 7 % bytes.len();
                    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
                    let tampered = String::from_utf8(bytes).unwrap();
                    assert!(
                        signer.verify(&tampered).is_err(),
                        "a tampered token verified"
                    );
                }
                Err(error) => assert!(!error.is_token_rejected()),
            }
        }
    }
});
