//! What an active session exposes, read from the vendor's documented example shapes.

use std::time::Duration;

use serde_json::json;
use tulo_jwt::{Error, SessionState, TuloVerifier};

use crate::fixtures::{
    ACCOUNT_ID, NOW, REDIRECT_URI, SID, active_claims, at, inactive_claims, raw_cookie, sign,
    sign_raw, verifier,
};

/// The vendor's documented session response when Payway could not identify the session,
/// verbatim, including its token.
const VENDOR_INACTIVE_EXAMPLE: &str = r#"{
  "iat": 1352797577,
  "session": {
    "active": false
  },
  "signature": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpYXQiOjEzNTI3OTc1NzcsInNlc3Npb24iOnsiYWN0aXZlIjpmYWxzZX19.skL5OB5s695-oFH8B9YdXL-UtKdTCXPZu7kB7u5esZM"
}"#;

#[test]
fn the_vendor_example_token_is_signed_with_an_empty_key_and_refused() {
    // The documented example's signature is HMAC-SHA256 with an empty key, which no
    // verifier accepts: it must fail the signature check, not pass as "inactive".
    let error = verifier()
        .verify_cookie(VENDOR_INACTIVE_EXAMPLE)
        .unwrap_err();
    assert!(matches!(error, Error::BadSignature), "{error:?}");
    let empty_key_signature = sign_raw(
        r#"{"typ":"JWT","alg":"HS256"}"#,
        r#"{"iat":1352797577,"session":{"active":false}}"#,
        "",
    );
    assert!(VENDOR_INACTIVE_EXAMPLE.contains(&empty_key_signature));
}

#[test]
fn the_vendor_example_shapes_signed_with_the_client_secret() {
    // The same inactive shape, signed with the secret, then checked at its own time.
    let token = sign(&inactive_claims(1_352_797_577));
    let cookie = raw_cookie(&inactive_claims(1_352_797_577), &token);
    let state = verifier()
        .verify_cookie_at(&cookie, at(1_352_797_600))
        .unwrap();
    assert_eq!(state, SessionState::Inactive);

    // The documented active session: `prn` = `session.id`, nbf/exp = iat -/+ 300.
    let state = verifier()
        .verify_token_at(&sign(&active_claims(NOW)), at(NOW + 10))
        .unwrap();
    let session = state.session().unwrap();
    assert_eq!(session.account_id(), "554e2b9201c6a33e4c000036");
    assert_eq!(session.sid(), Some(SID));
    assert_eq!(session.email(), Some("mange.rosenquist+5@gmail.com"));
    assert_eq!(session.display_name(), Some("Magnus Rosenquist"));
    assert_eq!(session.organisation(), Some("adeprimo"));
    assert_eq!(session.first_name(), Some("Magnus"));
    assert_eq!(session.last_name(), Some("Rosenquist"));
    assert_eq!(session.mobile_number(), Some("0767715817"));
    assert_eq!(session.customer_number(), Some("10042"));
    assert_eq!(session.alias(), Some("mange"));
    assert_eq!(session.verified(), Some(true));
    assert_eq!(session.products(), ["adeprimo_digital"]);
    assert!(session.has_product("adeprimo_digital"));
    assert!(!session.has_product("adeprimo"));
    assert_eq!(session.get("has_offers"), Some(&json!(false)));
    assert_eq!(session.issued_at(), at(NOW));
    assert_eq!(session.not_before(), at(NOW - 300));
    assert_eq!(session.expires_at(), at(NOW + 300));
}

#[test]
fn only_the_default_fields_present() {
    // Without the JS-API's `fields` option Payway sends only active, id, sid, contact_email
    // and display_name.
    let mut claims = active_claims(NOW);
    claims["session"] = json!({
        "active": true,
        "id": ACCOUNT_ID,
        "sid": SID,
        "contact_email": "reader@example.com",
        "display_name": "A Reader"
    });
    let state = verifier().verify_token_at(&sign(&claims), at(NOW)).unwrap();
    let session = state.into_session().unwrap();
    assert_eq!(session.email(), Some("reader@example.com"));
    assert_eq!(session.organisation(), None);
    assert_eq!(session.first_name(), None);
    assert_eq!(session.customer_number(), None);
    assert_eq!(session.verified(), None);
    assert!(session.products().is_empty());
    assert_eq!(session.get("has_offers"), None);
}

#[test]
fn null_profile_fields_read_as_absent() {
    let mut claims = active_claims(NOW);
    for member in [
        "sid",
        "contact_email",
        "display_name",
        "organisation",
        "first_name",
        "last_name",
        "customer_number",
        "mobile_number",
        "alias",
        "verified",
        "products",
    ] {
        claims["session"][member] = json!(null);
    }
    let state = verifier().verify_token_at(&sign(&claims), at(NOW)).unwrap();
    let session = state.session().unwrap();
    assert_eq!(session.sid(), None);
    assert_eq!(session.email(), None);
    assert_eq!(session.mobile_number(), None);
    assert_eq!(session.verified(), None);
    assert!(session.products().is_empty());
}

#[test]
fn a_numeric_customer_number_is_given_in_decimal() {
    let mut claims = active_claims(NOW);
    claims["session"]["customer_number"] = json!(10042);
    let state = verifier().verify_token_at(&sign(&claims), at(NOW)).unwrap();
    assert_eq!(state.session().unwrap().customer_number(), Some("10042"));
    claims["session"]["customer_number"] = json!(10.5);
    assert!(matches!(
        verifier().verify_token_at(&sign(&claims), at(NOW)),
        Err(Error::InvalidClaim {
            claim: "session.customer_number",
            ..
        })
    ));
}

#[test]
fn unknown_signed_fields_are_kept() {
    let mut claims = active_claims(NOW);
    claims["session"]["address"] = json!({"city": "Umeå"});
    claims["jti"] = json!("token-1");
    let state = verifier().verify_token_at(&sign(&claims), at(NOW)).unwrap();
    let session = state.session().unwrap();
    assert_eq!(session.get("address"), Some(&json!({"city": "Umeå"})));
    assert_eq!(session.claim("jti"), Some(&json!("token-1")));
    // Checked claims and fields with accessors are not in the maps.
    assert_eq!(session.get("id"), None);
    assert_eq!(session.get("active"), None);
    assert_eq!(session.claim("exp"), None);
    assert_eq!(session.claim("session"), None);
}

#[test]
fn products_with_a_non_string_entry_are_refused() {
    let mut claims = active_claims(NOW);
    claims["session"]["products"] = json!(["digital", 7]);
    assert!(matches!(
        verifier().verify_token_at(&sign(&claims), at(NOW)),
        Err(Error::InvalidClaim {
            claim: "session.products",
            ..
        })
    ));
}

#[test]
fn inactive_sessions_expose_no_identity_even_when_the_token_has_one() {
    // A signed inactive session that also names an account: still anonymous.
    let mut claims = active_claims(NOW);
    claims["session"]["active"] = json!(false);
    let state = verifier().verify_token_at(&sign(&claims), at(NOW)).unwrap();
    assert_eq!(state, SessionState::Inactive);
    assert!(!state.is_active());
    assert!(state.into_session().is_none());
}

#[test]
fn a_verifier_is_cheap_to_clone_and_shares_its_configuration() {
    let verifier = TuloVerifier::builder()
        .client_id("client")
        .client_secret(crate::fixtures::SECRET)
        .redirect_uri(REDIRECT_URI)
        .leeway(Duration::from_secs(5))
        .build()
        .unwrap();
    let clone = verifier.clone();
    assert_eq!(clone.client_id(), "client");
    assert_eq!(clone.redirect_uri(), REDIRECT_URI);
    assert_eq!(clone.leeway(), Duration::from_secs(5));
    assert_eq!(clone.max_age(), None);
    let token = sign(&active_claims(NOW));
    assert_eq!(
        verifier.verify_token_at(&token, at(NOW)).unwrap(),
        clone.verify_token_at(&token, at(NOW)).unwrap()
    );
}

#[test]
fn verifiers_are_send_sync_and_usable_across_threads() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    fn assert_clone<T: Clone>() {}
    assert_send_sync::<TuloVerifier>();
    assert_send_sync::<tulo_jwt::TuloVerifierBuilder>();
    assert_send_sync::<SessionState>();
    assert_send_sync::<Error>();
    assert_send_sync::<tulo_jwt::BuildError>();
    assert_clone::<TuloVerifier>();
    assert_clone::<SessionState>();

    let verifier = verifier();
    let token = sign(&active_claims(NOW));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let verifier = verifier.clone();
            let token = token.clone();
            std::thread::spawn(move || verifier.verify_token_at(&token, at(NOW)).unwrap())
        })
        .collect();
    for handle in handles {
        assert!(handle.join().unwrap().is_active());
    }
}
