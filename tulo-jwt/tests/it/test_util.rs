//! `FakeTulo` (feature `test-util`) signs what the verifier accepts, in Payway's shapes.

use std::time::{Duration, SystemTime};

use serde_json::json;
use tulo_jwt::test_util::{CookieEncoding, FakeTulo};
use tulo_jwt::{Error, SessionState, find_cookie};

use crate::fixtures::{ACCOUNT_ID, OTHER_SECRET, REDIRECT_URI, SECRET, verifier};

#[test]
fn active_and_inactive_tokens_and_cookies_verify() {
    let tulo = FakeTulo::new(SECRET, REDIRECT_URI);
    let now = SystemTime::now();
    let active = tulo.active_claims(ACCOUNT_ID, now);
    let state = verifier().verify_token(&tulo.sign(&active)).unwrap();
    assert_eq!(state.session().unwrap().account_id(), ACCOUNT_ID);
    let state = verifier().verify_cookie(&tulo.cookie(&active)).unwrap();
    assert!(state.is_active());
    let header = format!("a=b; T_ID={}", tulo.cookie(&active));
    assert!(
        verifier()
            .verify_cookie_header(&header)
            .unwrap()
            .is_active()
    );
    let inactive = tulo.inactive_claims(now);
    assert_eq!(
        verifier().verify_cookie(&tulo.cookie(&inactive)).unwrap(),
        SessionState::Inactive
    );
}

#[test]
fn its_tokens_match_an_independent_signer() {
    let tulo = FakeTulo::new(SECRET, REDIRECT_URI);
    let claims = tulo.active_claims(ACCOUNT_ID, SystemTime::now());
    let ours = tulo.sign(&claims);
    let key = jsonwebtoken::DecodingKey::from_secret(SECRET.as_bytes());
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.set_audience(&[REDIRECT_URI]);
    validation.set_issuer(&["Tulo"]);
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    let decoded = jsonwebtoken::decode::<serde_json::Value>(&ours, &key, &validation).unwrap();
    assert_eq!(decoded.header.typ.as_deref(), Some("JWT"));
    assert_eq!(decoded.claims, claims);
    assert_eq!(
        decoded.claims["nbf"].as_u64().unwrap() + 600,
        decoded.claims["exp"].as_u64().unwrap()
    );
}

#[test]
fn it_signs_bad_claims_too_and_the_verifier_refuses_them() {
    let tulo = FakeTulo::new(SECRET, REDIRECT_URI);
    let old = SystemTime::now() - Duration::from_secs(3600);
    let expired = tulo.active_claims(ACCOUNT_ID, old);
    assert!(matches!(
        verifier().verify_token(&tulo.sign(&expired)),
        Err(Error::Expired)
    ));
    let mut typed = tulo.active_claims(ACCOUNT_ID, SystemTime::now());
    typed["exp"] = json!("soon");
    assert!(matches!(
        verifier().verify_token(&tulo.sign(&typed)),
        Err(Error::InvalidClaim { claim: "exp", .. })
    ));
    let other = FakeTulo::new(OTHER_SECRET, REDIRECT_URI);
    let forged = other.sign(&tulo.active_claims(ACCOUNT_ID, SystemTime::now()));
    assert!(matches!(
        verifier().verify_token(&forged),
        Err(Error::BadSignature)
    ));
}

#[test]
fn its_debug_hides_the_secret() {
    let tulo = FakeTulo::new(SECRET, REDIRECT_URI);
    let text = format!("{tulo:?}");
    assert!(
        !text.contains(SECRET) && text.contains("[redacted]"),
        "{text}"
    );
}

#[test]
fn its_verifier_accepts_its_cookies() {
    let tulo = FakeTulo::new(SECRET, REDIRECT_URI);
    let verifier = tulo.verifier().unwrap();
    assert_eq!(verifier.redirect_uri(), REDIRECT_URI);
    let state = verifier
        .verify_cookie(&tulo.active_cookie("acc-1"))
        .unwrap();
    assert_eq!(state.session().unwrap().account_id(), "acc-1");
    // A secret the verifier would refuse is reported, not papered over.
    let short = FakeTulo::new("short", REDIRECT_URI);
    assert!(matches!(
        short.verifier(),
        Err(tulo_jwt::BuildError::ShortSecret { len: 5, min: 32 })
    ));
}

#[test]
fn cookie_headers_of_any_size_hold_the_t_id_among_other_cookies() {
    let tulo = FakeTulo::new(SECRET, REDIRECT_URI);
    let value = tulo.active_cookie(ACCOUNT_ID);
    let pair = format!("T_ID={value}");
    for len in [
        pair.len(),
        pair.len() + 5,
        pair.len() + 9,
        pair.len() + 100,
        2 * 1024,
        8 * 1024,
        12 * 1024,
        16 * 1024,
        64 * 1024,
    ] {
        let header = tulo.cookie_header(&value, len);
        assert_eq!(header.len(), len, "{len}");
        assert_eq!(find_cookie(&header).unwrap(), Some(value.as_str()), "{len}");
        assert!(header.split("; ").all(|pair| pair.contains('=')), "{len}");
        assert!(
            header
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b'"' && b != b',' && b != b'\\' || b == b' '),
            "{len}"
        );
        if len >= 8 * 1024 {
            let names: Vec<&str> = header
                .split("; ")
                .map(|p| p.split('=').next().unwrap())
                .collect();
            assert!(names.len() > 20, "{len}: {names:?}");
            assert_ne!(names.first(), Some(&"T_ID"));
            assert_ne!(names.last(), Some(&"T_ID"));
            assert!(names.contains(&"_ga") && names.contains(&"euconsent-v2"));
        }
        assert!(
            verifier()
                .verify_cookie_header(&header)
                .unwrap()
                .is_active()
        );
    }
    // Too little room beside the pair: the pair alone.
    assert_eq!(tulo.cookie_header(&value, pair.len() + 2), pair);
    assert_eq!(tulo.cookie_header(&value, 10), pair);
}

#[test]
fn cookie_headers_are_the_same_from_run_to_run() {
    let tulo = FakeTulo::new(SECRET, REDIRECT_URI);
    assert_eq!(
        tulo.cookie_header("v", 12 * 1024),
        tulo.cookie_header("v", 12 * 1024)
    );
}

#[test]
fn cookies_in_the_encodings_browser_scripts_write() {
    let tulo = FakeTulo::new(SECRET, REDIRECT_URI);
    let mut claims = tulo.active_claims(ACCOUNT_ID, SystemTime::now());
    claims["session"]["display_name"] = json!("Åsa Öberg; \"Chief\", editor");
    let encoded = tulo.cookie_with(&claims, CookieEncoding::UriComponent);
    assert_eq!(encoded, tulo.cookie(&claims));
    assert_eq!(CookieEncoding::default(), CookieEncoding::UriComponent);
    // encodeURIComponent's output: only cookie characters (RFC 6265 §4.1.1), no `;`.
    assert!(
        encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.!~*'()%".contains(&b)),
        "{encoded}"
    );
    let raw = tulo.cookie_with(&claims, CookieEncoding::RawJson);
    assert!(raw.starts_with('{') && raw.contains("\"signature\":\""));
    // decodeURIComponent(encoded) is the raw JSON.
    assert_eq!(crate::fixtures::percent_encode(&raw), encoded);
    for value in [&encoded, &raw] {
        let session = verifier()
            .verify_cookie(value)
            .unwrap()
            .into_session()
            .unwrap();
        assert_eq!(session.display_name(), Some("Åsa Öberg; \"Chief\", editor"));
    }
    // A raw JSON value with a `;` is cut by the header split, as a browser would cut it.
    let header = format!("T_ID={raw}");
    assert!(verifier().verify_cookie_header(&header).is_err());
    let header = format!("T_ID={encoded}");
    assert!(
        verifier()
            .verify_cookie_header(&header)
            .unwrap()
            .is_active()
    );
}
