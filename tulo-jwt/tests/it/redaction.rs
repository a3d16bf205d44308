//! No public type prints the secret, and no error prints the token, the cookie or the sid.

use std::time::Duration;

use jsonwebtoken::Algorithm;
use serde_json::json;
use tulo_jwt::{Error, TuloVerifier};

use crate::fixtures::{
    NOW, OTHER_SECRET, REDIRECT_URI, SECRET, SID, active_claims, at, encoded_cookie, raw_cookie,
    sign, sign_raw, sign_with, verifier,
};

fn assert_clean(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{text:?} leaks {secret:?}");
    }
}

#[test]
fn builder_and_verifier_debug_hide_the_secret() {
    let builder = TuloVerifier::builder()
        .client_id("client-1")
        .client_secret(SECRET)
        .redirect_uri(REDIRECT_URI)
        .max_age(Duration::from_secs(60));
    let text = format!("{builder:?} {builder:#?}");
    assert_clean(&text, &[SECRET, &SECRET[..16]]);
    assert!(
        text.contains("[redacted]") && text.contains("client-1"),
        "{text}"
    );

    let verifier = builder.build().unwrap();
    let text = format!("{verifier:?} {verifier:#?} {:?}", verifier.clone());
    assert_clean(&text, &[SECRET, &SECRET[..16]]);
    assert!(
        text.contains("[redacted]") && text.contains("client-1"),
        "{text}"
    );
}

#[test]
fn build_errors_hide_the_secret() {
    let short = "short-secret-value";
    let errors = [
        TuloVerifier::builder()
            .client_id("c")
            .client_secret(short)
            .redirect_uri(REDIRECT_URI)
            .build()
            .unwrap_err(),
        TuloVerifier::builder()
            .client_id("c")
            .client_secret(format!("{SECRET} "))
            .redirect_uri(REDIRECT_URI)
            .build()
            .unwrap_err(),
        TuloVerifier::builder()
            .client_id("c")
            .client_secret(SECRET)
            .redirect_uri("not a uri")
            .build()
            .unwrap_err(),
    ];
    for error in errors {
        assert_clean(&format!("{error} {error:?}"), &[short, SECRET]);
    }
}

/// Every verification error, produced by a real failing call.
fn every_error() -> Vec<(Error, String)> {
    let v = verifier();
    let mut out = Vec::new();
    let mut push = |input: String, result: Result<tulo_jwt::SessionState, Error>| {
        out.push((result.unwrap_err(), input));
    };
    let good = sign(&active_claims(NOW));
    let check = |claims: serde_json::Value| sign(&claims);

    push("x".repeat(9000), v.verify_token(&"x".repeat(9000)));
    push("a=1".into(), v.verify_cookie_header("a=1"));
    let dup = format!("T_ID={0}; T_ID={0}", raw_cookie(&active_claims(NOW), &good));
    push(dup.clone(), v.verify_cookie_header(&dup));
    let bad_cookie = format!("{{\"signature\":1,\"sid\":\"{SID}\"}}");
    push(bad_cookie.clone(), v.verify_cookie(&bad_cookie));
    let bad_json = sign_raw(
        r#"{"alg":"HS256"}"#,
        &format!("{{\"sid\":\"{SID}\""),
        SECRET,
    );
    push(bad_json.clone(), v.verify_token(&bad_json));
    let hs512 = sign_with(&active_claims(NOW), Algorithm::HS512, SECRET);
    push(hs512.clone(), v.verify_token(&hs512));
    let forged = sign_with(&active_claims(NOW), Algorithm::HS256, OTHER_SECRET);
    push(forged.clone(), v.verify_token(&forged));
    let expired = check(active_claims(NOW - 1000));
    push(expired.clone(), v.verify_token_at(&expired, at(NOW)));
    let mut early = active_claims(NOW);
    early["nbf"] = json!(NOW + 100);
    let early = check(early);
    push(early.clone(), v.verify_token_at(&early, at(NOW)));
    let future = check(active_claims(NOW + 1000));
    push(future.clone(), v.verify_token_at(&future, at(NOW)));
    let mut iss = active_claims(NOW);
    iss["iss"] = json!("Evil");
    let iss = check(iss);
    push(iss.clone(), v.verify_token_at(&iss, at(NOW)));
    let mut aud = active_claims(NOW);
    aud["aud"] = json!("https://evil.example.com/");
    let aud = check(aud);
    push(aud.clone(), v.verify_token_at(&aud, at(NOW)));
    let mut missing = active_claims(NOW);
    missing.as_object_mut().unwrap().remove("prn");
    let missing = check(missing);
    push(missing.clone(), v.verify_token_at(&missing, at(NOW)));
    let mut wrong_type = active_claims(NOW);
    wrong_type["session"]["sid"] = json!([SID]);
    let wrong_type = check(wrong_type);
    push(wrong_type.clone(), v.verify_token_at(&wrong_type, at(NOW)));
    let mut mismatch = active_claims(NOW);
    mismatch["prn"] = json!("someone-else");
    let mismatch = check(mismatch);
    push(mismatch.clone(), v.verify_token_at(&mismatch, at(NOW)));
    let aged = TuloVerifier::builder()
        .client_id("c")
        .client_secret(SECRET)
        .redirect_uri(REDIRECT_URI)
        .max_age(Duration::from_secs(1))
        .build()
        .unwrap();
    push(good.clone(), aged.verify_token_at(&good, at(NOW + 100)));
    push(
        good.clone(),
        v.verify_token_at(&good, std::time::UNIX_EPOCH - Duration::from_secs(1)),
    );
    out
}

#[test]
fn errors_never_contain_the_secret_the_token_or_the_sid() {
    let errors = every_error();
    assert!(errors.len() >= 17);
    for (error, input) in &errors {
        let mut text = format!("{error} | {error:?}");
        let mut source = std::error::Error::source(error);
        while let Some(inner) = source {
            text.push_str(&format!(" | {inner} | {inner:?}"));
            source = inner.source();
        }
        let signature = input.rsplit('.').next().unwrap_or_default();
        let mut secrets = vec![SECRET, SID, input.as_str()];
        if signature.len() > 20 {
            secrets.push(signature);
        }
        assert_clean(&text, &secrets);
        let message = error.to_string();
        assert!(message.starts_with(|c: char| c.is_lowercase()), "{message}");
        assert!(!message.ends_with('.'), "{message}");
    }
}

#[test]
fn session_debug_leaves_out_the_sid_and_personal_data() {
    let claims = active_claims(NOW);
    let cookie = encoded_cookie(&claims, &sign(&claims));
    let state = verifier().verify_cookie_at(&cookie, at(NOW)).unwrap();
    let text = format!("{state:?} {state:#?} {:?}", state.session().unwrap());
    assert_clean(
        &text,
        &[
            SID,
            "mange.rosenquist",
            "Magnus",
            "Rosenquist",
            "0767715817",
            "10042",
            "mange",
        ],
    );
    // What is useful and not personal stays.
    assert!(text.contains("554e2b9201c6a33e4c000036"), "{text}");
    assert!(text.contains("adeprimo_digital"), "{text}");
}

#[test]
fn a_principal_that_is_the_e_mail_is_not_printed() {
    let mut claims = active_claims(NOW);
    claims["prn"] = json!("mange.rosenquist+5@gmail.com");
    let state = verifier().verify_token_at(&sign(&claims), at(NOW)).unwrap();
    let session = state.session().unwrap();
    assert_eq!(session.principal(), "mange.rosenquist+5@gmail.com");
    let text = format!("{session:?} {session:#?}");
    assert_clean(&text, &["mange.rosenquist"]);
    assert!(text.contains("Email"), "{text}");
}
