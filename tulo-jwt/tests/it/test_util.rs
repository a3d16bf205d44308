//! `FakeTulo` (feature `test-util`) signs what the verifier accepts, in Payway's shapes.

use std::time::{Duration, SystemTime};

use serde_json::json;
use tulo_jwt::{Error, SessionState, test_util::FakeTulo};

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
