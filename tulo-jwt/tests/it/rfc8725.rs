//! The RFC 8725 matrix, item by item: what a JWT verifier must refuse, and what it must accept.

use jsonwebtoken::Algorithm;
use serde_json::{Value, json};
use tulo_jwt::{Error, MAX_TOKEN_BYTES, SessionState, TuloVerifier};

use crate::fixtures::{
    ACCOUNT_ID, NOW, OTHER_SECRET, REDIRECT_URI, SECRET, active_claims, at, b64, inactive_claims,
    now_secs, respell, sign, sign_raw, sign_text, sign_with, verifier,
};

fn verify_at_now(claims: &Value) -> Result<SessionState, Error> {
    verifier().verify_token_at(&sign(claims), at(NOW))
}

fn without(mut claims: Value, name: &str) -> Value {
    claims.as_object_mut().unwrap().remove(name).unwrap();
    claims
}

fn with(mut claims: Value, name: &str, value: Value) -> Value {
    claims[name] = value;
    claims
}

#[test]
fn valid_active_session() {
    let state = verifier()
        .verify_token(&sign(&active_claims(now_secs())))
        .unwrap();
    let SessionState::Active(session) = state else {
        panic!("expected an active session, got {state:?}");
    };
    assert_eq!(session.account_id(), ACCOUNT_ID);
}

#[test]
fn valid_inactive_session() {
    let state = verifier()
        .verify_token(&sign(&inactive_claims(now_secs())))
        .unwrap();
    assert_eq!(state, SessionState::Inactive);
    assert!(state.session().is_none());
}

#[test]
fn expired() {
    // Issued 10 minutes ago: exp passed 5 minutes ago.
    let claims = active_claims(NOW - 600);
    assert!(matches!(verify_at_now(&claims), Err(Error::Expired)));
    assert!(verify_at_now(&claims).unwrap_err().is_expired());
}

#[test]
fn expiry_is_checked_with_the_leeway_and_exclusive() {
    let claims = with(active_claims(NOW - 200), "exp", json!(NOW - 29));
    assert!(
        verify_at_now(&claims).unwrap().is_active(),
        "within 30 s leeway"
    );
    let claims = with(active_claims(NOW - 200), "exp", json!(NOW - 30));
    assert!(
        matches!(verify_at_now(&claims), Err(Error::Expired)),
        "at exp + leeway"
    );
    let strict = TuloVerifier::builder()
        .client_id("c")
        .client_secret(SECRET)
        .redirect_uri(REDIRECT_URI)
        .leeway(std::time::Duration::ZERO)
        .build()
        .unwrap();
    let claims = with(active_claims(NOW - 200), "exp", json!(NOW));
    assert!(matches!(
        strict.verify_token_at(&sign(&claims), at(NOW)),
        Err(Error::Expired)
    ));
    let claims = with(active_claims(NOW - 200), "exp", json!(NOW + 1));
    assert!(strict.verify_token_at(&sign(&claims), at(NOW)).is_ok());
}

#[test]
fn expired_inactive_token_is_refused_too() {
    let claims = with(inactive_claims(NOW - 600), "exp", json!(NOW - 300));
    assert!(matches!(verify_at_now(&claims), Err(Error::Expired)));
}

#[test]
fn not_yet_valid() {
    let claims = with(active_claims(NOW), "nbf", json!(NOW + 31));
    assert!(matches!(verify_at_now(&claims), Err(Error::NotYetValid)));
    let claims = with(active_claims(NOW), "nbf", json!(NOW + 30));
    assert!(
        verify_at_now(&claims).unwrap().is_active(),
        "within 30 s leeway"
    );
}

#[test]
fn issued_in_the_future() {
    // A token from a clock 10 minutes ahead: nbf and exp would pass, iat may not.
    let mut claims = active_claims(NOW + 600);
    claims["nbf"] = json!(NOW - 60);
    assert!(matches!(verify_at_now(&claims), Err(Error::IssuedInFuture)));
    assert!(matches!(
        verify_at_now(&inactive_claims(NOW + 31)),
        Err(Error::IssuedInFuture)
    ));
    assert_eq!(
        verify_at_now(&inactive_claims(NOW + 30)).unwrap(),
        SessionState::Inactive
    );
}

#[test]
fn wrong_issuer() {
    for iss in ["tulo", "Tulo ", "Payway", ""] {
        let claims = with(active_claims(NOW), "iss", json!(iss));
        assert!(
            matches!(verify_at_now(&claims), Err(Error::WrongIssuer)),
            "{iss:?}"
        );
    }
    let claims = with(inactive_claims(NOW), "iss", json!("Evil"));
    assert!(matches!(verify_at_now(&claims), Err(Error::WrongIssuer)));
}

#[test]
fn missing_issuer() {
    let claims = without(active_claims(NOW), "iss");
    assert!(matches!(
        verify_at_now(&claims),
        Err(Error::MissingClaim { claim: "iss" })
    ));
}

#[test]
fn wrong_audience() {
    for aud in [
        json!("https://evil.example.com/forward"),
        json!("https://news.example.com/forward/"),
        json!("HTTPS://news.example.com/forward"),
        json!([]),
        json!(["https://evil.example.com/forward"]),
    ] {
        let claims = with(active_claims(NOW), "aud", aud.clone());
        assert!(
            matches!(verify_at_now(&claims), Err(Error::WrongAudience)),
            "{aud}"
        );
    }
    let claims = with(
        inactive_claims(NOW),
        "aud",
        json!("https://evil.example.com/"),
    );
    assert!(matches!(verify_at_now(&claims), Err(Error::WrongAudience)));
}

#[test]
fn audience_array_naming_this_site_is_accepted() {
    let aud = json!(["https://other.example.com/", REDIRECT_URI]);
    let claims = with(active_claims(NOW), "aud", aud);
    assert!(verify_at_now(&claims).unwrap().is_active());
}

#[test]
fn missing_audience() {
    let claims = without(active_claims(NOW), "aud");
    assert!(matches!(
        verify_at_now(&claims),
        Err(Error::MissingClaim { claim: "aud" })
    ));
}

#[test]
fn missing_exp_on_an_active_session() {
    let claims = without(active_claims(NOW), "exp");
    assert!(matches!(
        verify_at_now(&claims),
        Err(Error::MissingClaim { claim: "exp" })
    ));
}

#[test]
fn every_claim_an_active_session_needs_is_required() {
    for claim in ["iat", "exp", "nbf", "iss", "aud", "prn"] {
        let claims = without(active_claims(NOW), claim);
        let error = verify_at_now(&claims).unwrap_err();
        assert!(
            matches!(error, Error::MissingClaim { claim: c } if c == claim),
            "{claim}: {error:?}"
        );
    }
    let mut claims = active_claims(NOW);
    claims["session"].as_object_mut().unwrap().remove("id");
    assert!(matches!(
        verify_at_now(&claims),
        Err(Error::MissingClaim {
            claim: "session.id"
        })
    ));
    let mut claims = active_claims(NOW);
    claims["session"].as_object_mut().unwrap().remove("active");
    assert!(matches!(
        verify_at_now(&claims),
        Err(Error::MissingClaim {
            claim: "session.active"
        })
    ));
    assert!(matches!(
        verify_at_now(&without(active_claims(NOW), "session")),
        Err(Error::MissingClaim { claim: "session" })
    ));
    assert!(matches!(
        verify_at_now(&without(inactive_claims(NOW), "iat")),
        Err(Error::MissingClaim { claim: "iat" })
    ));
}

#[test]
fn string_typed_exp_and_nbf() {
    for claim in ["exp", "nbf", "iat"] {
        let value = json!(active_claims(NOW)[claim].to_string());
        let claims = with(active_claims(NOW), claim, value);
        let error = verify_at_now(&claims).unwrap_err();
        assert!(
            matches!(error, Error::InvalidClaim { claim: c, .. } if c == claim),
            "{claim}: {error:?}"
        );
    }
}

#[test]
fn every_wrong_json_type_is_an_error_never_skipped() {
    let wrong_types: [(&str, Value); 12] = [
        ("exp", json!(null)),
        ("exp", json!(true)),
        ("nbf", json!([NOW])),
        ("iat", json!({"t": NOW})),
        ("iss", json!(null)),
        ("iss", json!(["Tulo"])),
        ("aud", json!(null)),
        ("aud", json!(7)),
        ("aud", json!([REDIRECT_URI, 7])),
        ("prn", json!(null)),
        ("prn", json!(554)),
        ("session", json!("active")),
    ];
    for (claim, value) in wrong_types {
        let claims = with(active_claims(NOW), claim, value.clone());
        let error = verify_at_now(&claims).unwrap_err();
        assert!(
            matches!(error, Error::InvalidClaim { claim: c, .. } if c == claim),
            "{claim} = {value}: {error:?}"
        );
        // An inactive session may omit these claims, but not give them the wrong type.
        let claims = with(inactive_claims(NOW), claim, value.clone());
        assert!(
            matches!(verify_at_now(&claims), Err(Error::InvalidClaim { .. })),
            "inactive, {claim} = {value}"
        );
    }
    let session_wrong_types: [(&str, Value); 9] = [
        ("active", json!("true")),
        ("active", json!(1)),
        ("active", json!(null)),
        ("id", json!(null)),
        ("id", json!(554)),
        ("id", json!("")),
        ("verified", json!("yes")),
        ("products", json!("adeprimo_digital")),
        ("contact_email", json!(["a@example.com"])),
    ];
    for (member, value) in session_wrong_types {
        let mut claims = active_claims(NOW);
        claims["session"][member] = value.clone();
        let error = verify_at_now(&claims).unwrap_err();
        assert!(
            matches!(error, Error::InvalidClaim { claim, .. } if claim == format!("session.{member}")),
            "session.{member} = {value}: {error:?}"
        );
    }
}

#[test]
fn the_principal_may_be_the_account_id_or_the_e_mail() {
    // Payway's session example has the account id; its claims table says the e-mail.
    let session = verify_at_now(&active_claims(NOW))
        .unwrap()
        .into_session()
        .unwrap();
    assert_eq!(session.principal(), ACCOUNT_ID);
    let email = "mange.rosenquist+5@gmail.com";
    let claims = with(active_claims(NOW), "prn", json!(email));
    let session = verify_at_now(&claims).unwrap().into_session().unwrap();
    assert_eq!(session.principal(), email);
    assert_eq!(session.account_id(), ACCOUNT_ID);
    assert_eq!(session.email(), Some(email));
}

#[test]
fn any_other_principal_is_refused() {
    let mut no_email = with(
        active_claims(NOW),
        "prn",
        json!("mange.rosenquist+5@gmail.com"),
    );
    no_email["session"]
        .as_object_mut()
        .unwrap()
        .remove("contact_email");
    let mut null_email = no_email.clone();
    null_email["session"]["contact_email"] = json!(null);
    for claims in [
        with(active_claims(NOW), "prn", json!("someone-else")),
        with(active_claims(NOW), "prn", json!("")),
        with(
            active_claims(NOW),
            "prn",
            json!("Mange.Rosenquist+5@gmail.com"),
        ),
        with(
            active_claims(NOW),
            "prn",
            json!(" 554e2b9201c6a33e4c000036"),
        ),
        with(active_claims(NOW), "prn", json!("Magnus Rosenquist")),
        with(active_claims(NOW), "prn", json!("10042")),
        no_email,
        null_email,
    ] {
        assert!(
            matches!(verify_at_now(&claims), Err(Error::PrincipalMismatch)),
            "{}",
            claims["prn"]
        );
    }
}

fn none_token(alg: &str, signature: &str) -> String {
    let header = b64(format!(r#"{{"typ":"JWT","alg":"{alg}"}}"#).as_bytes());
    let payload = b64(active_claims(now_secs()).to_string().as_bytes());
    format!("{header}.{payload}.{signature}")
}

#[test]
fn alg_none_in_any_case() {
    let genuine_signature = sign(&active_claims(now_secs()))
        .rsplit_once('.')
        .unwrap()
        .1
        .to_owned();
    for alg in ["none", "None", "NONE", "nOnE", "NoNe"] {
        for signature in ["", "AAAA", genuine_signature.as_str()] {
            let error = verifier()
                .verify_token(&none_token(alg, signature))
                .unwrap_err();
            assert!(
                matches!(&error, Error::WrongAlgorithm { found: Some(found) } if found == alg),
                "{alg} / {signature:?}: {error:?}"
            );
        }
    }
}

#[test]
fn hs384_and_hs512_signed_with_the_right_secret() {
    for alg in [Algorithm::HS384, Algorithm::HS512] {
        let token = sign_with(&active_claims(now_secs()), alg, SECRET);
        let error = verifier().verify_token(&token).unwrap_err();
        assert!(
            matches!(&error, Error::WrongAlgorithm { found: Some(found) } if *found == format!("{alg:?}")),
            "{alg:?}: {error:?}"
        );
    }
}

#[test]
fn other_algorithm_names_are_refused_before_any_signature_work() {
    let payload = active_claims(now_secs()).to_string();
    for header in [
        r#"{"alg":"hs256"}"#,
        r#"{"alg":"HS256 "}"#,
        r#"{"alg":"RS256"}"#,
        r#"{"alg":"ES256"}"#,
        r#"{"alg":"PS256"}"#,
        r#"{"alg":"EdDSA"}"#,
        r#"{"alg":""}"#,
        r#"{"alg":null}"#,
        r#"{"alg":256}"#,
        r#"{"alg":["HS256"]}"#,
        r#"{"typ":"JWT"}"#,
        r#"{}"#,
    ] {
        // Signed with the right secret: only the header's claim about the algorithm is wrong.
        let token = sign_raw(header, &payload, SECRET);
        let error = verifier().verify_token(&token).unwrap_err();
        assert!(
            matches!(error, Error::WrongAlgorithm { .. }),
            "{header}: {error:?}"
        );
        // With a garbage signature the algorithm error still comes first.
        let (unsigned, _) = token.rsplit_once('.').unwrap();
        let error = verifier()
            .verify_token(&format!("{unsigned}.!!"))
            .unwrap_err();
        assert!(
            matches!(error, Error::WrongAlgorithm { .. }),
            "{header}: {error:?}"
        );
    }
}

#[test]
fn header_fields_that_change_the_meaning_are_refused() {
    let payload = active_claims(now_secs()).to_string();
    for header in [
        r#"{"alg":"HS256","crit":["b64"],"b64":false}"#,
        r#"{"alg":"HS256","crit":["exp"]}"#,
        r#"{"alg":"HS256","crit":[]}"#,
        r#"{"alg":"HS256","crit":null}"#,
        r#"{"alg":"HS256","crit":"exp"}"#,
        r#"{"alg":"HS256","\u0063rit":["exp"]}"#,
        r#"{"alg":"HS256","alg":"HS256"}"#,
        r#"{"alg":"HS256","kid":"a","kid":"b"}"#,
        r#"{"alg":"HS256","typ":"JWT","t\u0079p":"JWT"}"#,
        r#"{"alg":"none","alg":"HS256"}"#,
        r#"{"alg":"HS256","\u0061lg":"none"}"#,
        r#"["HS256"]"#,
        r#"{"alg":"HS256""#,
        "HS256",
    ] {
        let token = sign_raw(header, &payload, SECRET);
        let error = verifier().verify_token(&token).unwrap_err();
        assert!(
            matches!(error, Error::MalformedToken { .. }),
            "{header}: {error:?}"
        );
    }
}

#[test]
fn header_fields_that_do_not_change_the_meaning_are_ignored() {
    let payload = active_claims(now_secs()).to_string();
    for header in [
        r#"{"alg":"HS256"}"#,
        r#"{"typ":"JWT","alg":"HS256"}"#,
        r#"{"alg":"HS256","kid":"1","jku":"https://evil.example.com/keys"}"#,
        // `typ` is not checked (RFC 7519 §5.1 makes it optional; jsonwebtoken ignores it too).
        r#"{"alg":"HS256","typ":"at+jwt"}"#,
        // An escaped name or value is the same text.
        r#"{"\u0061lg":"HS\u0032\u0035\u0036"}"#,
    ] {
        let token = sign_raw(header, &payload, SECRET);
        assert!(
            verifier().verify_token(&token).unwrap().is_active(),
            "{header}"
        );
    }
}

#[test]
fn wrong_key() {
    let token = sign_with(&active_claims(now_secs()), Algorithm::HS256, OTHER_SECRET);
    assert!(matches!(
        verifier().verify_token(&token),
        Err(Error::BadSignature)
    ));
    // A key that differs only by a trailing character.
    let token = sign_with(
        &active_claims(now_secs()),
        Algorithm::HS256,
        &format!("{SECRET}0"),
    );
    assert!(matches!(
        verifier().verify_token(&token),
        Err(Error::BadSignature)
    ));
}

#[test]
fn tampered_payload_with_the_original_signature() {
    let token = sign(&inactive_claims(now_secs()));
    let (header, rest) = token.split_once('.').unwrap();
    let (_, signature) = rest.split_once('.').unwrap();
    // The reader makes the inactive token say "active" and keeps Payway's signature.
    let forged_payload = b64(active_claims(now_secs()).to_string().as_bytes());
    let forged = format!("{header}.{forged_payload}.{signature}");
    assert!(matches!(
        verifier().verify_token(&forged),
        Err(Error::BadSignature)
    ));
}

#[test]
fn tampered_signature() {
    let token = sign(&active_claims(now_secs()));
    let (unsigned, signature) = token.rsplit_once('.').unwrap();
    let mut bytes = signature.as_bytes().to_vec();
    bytes[0] = if bytes[0] == b'A' { b'B' } else { b'A' };
    let tampered = format!("{unsigned}.{}", String::from_utf8(bytes).unwrap());
    assert!(matches!(
        verifier().verify_token(&tampered),
        Err(Error::BadSignature)
    ));
    // A truncated and an extended signature.
    let short = format!("{unsigned}.{}", &signature[..signature.len() - 3]);
    assert!(matches!(
        verifier().verify_token(&short),
        Err(Error::BadSignature)
    ));
    let empty = format!("{unsigned}.");
    assert!(matches!(
        verifier().verify_token(&empty),
        Err(Error::BadSignature)
    ));
    let long = format!("{unsigned}.{signature}AAAA");
    assert!(matches!(
        verifier().verify_token(&long),
        Err(Error::BadSignature)
    ));
    // Changing only the bits the last character does not use must not give a second
    // accepted spelling of the same signature.
    let respelled = format!("{unsigned}.{}", respell(signature).unwrap());
    assert!(matches!(
        verifier().verify_token(&respelled),
        Err(Error::MalformedToken { .. })
    ));
}

#[test]
fn every_segment_has_exactly_one_spelling() {
    // Claims whose encoding ends with unused bits (length % 3 != 0), and a header likewise.
    let mut claims = inactive_claims(now_secs());
    while b64(claims.to_string().as_bytes()).len().is_multiple_of(4) {
        claims["pad"] = json!(format!("{}x", claims["pad"].as_str().unwrap_or_default()));
    }
    let header = b64(br#"{"alg":"HS256","kid":"1"}"#);
    let payload = b64(claims.to_string().as_bytes());
    assert_ne!(header.len() % 4, 0);
    // The canonical spelling verifies.
    let token = sign_text(&format!("{header}.{payload}"), SECRET);
    assert_eq!(
        verifier().verify_token(&token).unwrap(),
        SessionState::Inactive
    );
    // A respelled header or payload, genuinely signed as spelled, is still refused: the
    // decoders are strict even where the signature would not catch it.
    for message in [
        format!("{}.{payload}", respell(&header).unwrap()),
        format!("{header}.{}", respell(&payload).unwrap()),
        format!("{header}=.{payload}"),
        format!("{header}.{payload}=="),
        format!("{header}.{payload}\n"),
        format!("{header}. {payload}"),
        format!("{header}.{}", payload.replace('-', "+").replace('_', "/")),
    ] {
        if message == format!("{header}.{payload}") {
            continue; // the payload had no `-` or `_` to swap
        }
        let token = sign_text(&message, SECRET);
        let error = verifier().verify_token(&token).unwrap_err();
        assert!(
            matches!(error, Error::MalformedToken { .. }),
            "{message}: {error:?}"
        );
    }
}

#[test]
fn two_and_four_segments() {
    let token = sign(&active_claims(now_secs()));
    let (unsigned, signature) = token.rsplit_once('.').unwrap();
    for bad in [
        unsigned.to_owned(),
        format!("{token}.{signature}"),
        format!("{token}."),
        format!(".{token}"),
        format!("{token}.AAAA.AAAA"),
        "a.b".to_owned(),
        "a.b.c.d".to_owned(),
        "....".to_owned(),
        ".".to_owned(),
    ] {
        let error = verifier().verify_token(&bad).unwrap_err();
        assert!(error.is_malformed(), "{bad}: {error:?}");
    }
}

#[test]
fn non_base64() {
    let token = sign(&active_claims(now_secs()));
    let parts: Vec<&str> = token.split('.').collect();
    // The header and the signature are decoded before the signature is checked: not
    // base64url is malformed.
    for bad in [
        format!("{}!.{}.{}", parts[0], parts[1], parts[2]),
        format!("{}.{}.{}=", parts[0], parts[1], parts[2]),
        format!("{}=.{}.{}", parts[0], parts[1], parts[2]),
        format!("{}.{}.{}", parts[0].replace('e', "+"), parts[1], parts[2]),
        format!("{} .{}.{}", parts[0], parts[1], parts[2]),
        format!("{}.{}.{} ", parts[0], parts[1], parts[2]),
        "%%%.%%%.%%%".to_owned(),
        format!("{}.{}.Zg\u{e9}", parts[0], parts[1]),
    ] {
        let error = verifier().verify_token(&bad).unwrap_err();
        assert!(
            matches!(error, Error::MalformedToken { .. }),
            "{bad}: {error:?}"
        );
    }
    // The claims are decoded only under a genuine signature, which a changed segment lacks.
    for bad in [
        format!("{}.{}*.{}", parts[0], parts[1], parts[2]),
        format!("{}.{}=.{}", parts[0], parts[1], parts[2]),
        format!("{}. {}.{}", parts[0], parts[1], parts[2]),
    ] {
        let error = verifier().verify_token(&bad).unwrap_err();
        assert!(matches!(error, Error::BadSignature), "{bad}: {error:?}");
    }
    // Header and claims segments that are not base64url are malformed, whatever follows.
    assert!(matches!(
        verifier().verify_token("!!.e30.AAAA"),
        Err(Error::MalformedToken { .. })
    ));
    assert!(matches!(
        verifier().verify_token(&format!("{}.{}.!!", parts[0], parts[1])),
        Err(Error::MalformedToken { .. })
    ));
}

#[test]
fn non_json_or_non_object_claims_under_a_valid_signature() {
    for payload in ["not json", "[1,2]", "\"x\"", "null", "{\"iat\":1", "{} {}"] {
        let token = sign_raw(r#"{"alg":"HS256"}"#, payload, SECRET);
        let error = verifier().verify_token(&token).unwrap_err();
        assert!(
            matches!(error, Error::MalformedToken { .. }),
            "{payload}: {error:?}"
        );
    }
}

#[test]
fn repeated_claims_under_a_valid_signature() {
    let iat = now_secs();
    for payload in [
        format!(r#"{{"iat":{iat},"iat":{iat},"session":{{"active":false}}}}"#),
        format!(r#"{{"iat":{iat},"session":{{"active":false,"active":true}}}}"#),
        format!(r#"{{"iat":{iat},"session":{{"active":false}},"session":{{"active":true}}}}"#),
        format!(r#"{{"iat":{iat},"\u0069at":{iat},"session":{{"active":false}}}}"#),
        // Claims without an accessor, at the top, in the session and deeper.
        format!(r#"{{"iat":{iat},"jti":"a","jti":"b","session":{{"active":false}}}}"#),
        format!(r#"{{"iat":{iat},"jti":"a","j\u0074i":"a","session":{{"active":false}}}}"#),
        format!(r#"{{"iat":{iat},"session":{{"active":false,"x":false,"x":false}}}}"#),
        format!(r#"{{"iat":{iat},"x":[{{"y":1,"y":2}}],"session":{{"active":false}}}}"#),
    ] {
        let token = sign_raw(r#"{"alg":"HS256"}"#, &payload, SECRET);
        let error = verifier().verify_token(&token).unwrap_err();
        assert!(
            matches!(error, Error::MalformedToken { .. }),
            "{payload}: {error:?}"
        );
    }
}

#[test]
fn empty() {
    let error = verifier().verify_token("").unwrap_err();
    assert!(matches!(error, Error::MalformedToken { .. }), "{error:?}");
    assert!(matches!(
        verifier().verify_token(".."),
        Err(Error::MalformedToken { .. })
    ));
}

#[test]
fn oversized_is_refused_before_parsing() {
    // A genuine token padded with an extra claim to just over the limit.
    let mut claims = active_claims(now_secs());
    claims["padding"] = json!("x".repeat(MAX_TOKEN_BYTES));
    let token = sign(&claims);
    assert!(token.len() > MAX_TOKEN_BYTES);
    let error = verifier().verify_token(&token).unwrap_err();
    assert!(
        matches!(error, Error::TokenTooLarge { len, limit: MAX_TOKEN_BYTES } if len == token.len()),
        "{error:?}"
    );
    // Garbage of the same size reports the size, not a parse error.
    let garbage = "\u{0}".repeat(MAX_TOKEN_BYTES + 1);
    assert!(matches!(
        verifier().verify_token(&garbage),
        Err(Error::TokenTooLarge { .. })
    ));
    // Exactly at the limit is parsed.
    let at_limit = "a".repeat(MAX_TOKEN_BYTES);
    assert!(matches!(
        verifier().verify_token(&at_limit),
        Err(Error::MalformedToken { .. })
    ));
}

#[test]
fn a_token_for_another_site_signed_with_the_same_secret_is_refused() {
    let mut claims = active_claims(now_secs());
    claims["aud"] = json!("https://sister-paper.example.com/forward");
    assert!(matches!(
        verifier().verify_token(&sign(&claims)),
        Err(Error::WrongAudience)
    ));
}

#[test]
fn max_age_bounds_the_token_age() {
    let verifier = TuloVerifier::builder()
        .client_id("c")
        .client_secret(SECRET)
        .redirect_uri(REDIRECT_URI)
        .max_age(std::time::Duration::from_secs(60))
        .build()
        .unwrap();
    // Issued 100 s ago: exp (iat + 300) still allows it, max_age (60 s + 30 s leeway) does not.
    let old = sign(&active_claims(NOW - 100));
    let error = verifier.verify_token_at(&old, at(NOW)).unwrap_err();
    assert!(matches!(error, Error::TooOld));
    assert!(error.is_expired());
    let inactive = sign(&inactive_claims(NOW - 100));
    assert!(matches!(
        verifier.verify_token_at(&inactive, at(NOW)),
        Err(Error::TooOld)
    ));
    let fresh = sign(&active_claims(NOW - 90));
    assert!(
        verifier
            .verify_token_at(&fresh, at(NOW))
            .unwrap()
            .is_active()
    );
}

#[test]
fn fractional_times_are_accepted() {
    let mut claims = active_claims(NOW);
    claims["exp"] = json!(NOW as f64 + 0.5);
    assert!(verify_at_now(&claims).unwrap().is_active());
    claims["exp"] = json!(NOW as f64 - 30.5);
    assert!(matches!(verify_at_now(&claims), Err(Error::Expired)));
}

#[test]
fn absurd_times_are_errors_not_panics() {
    // Times no clock can represent: a typed error naming the claim.
    for (claim, value) in [
        ("exp", json!(1e300)),
        ("exp", json!(u64::MAX)),
        ("exp", json!(1e20)),
        ("iat", json!(-1e300)),
        ("nbf", json!(-1e300)),
    ] {
        let claims = with(active_claims(NOW), claim, value.clone());
        let error = verify_at_now(&claims).unwrap_err();
        assert!(
            matches!(error, Error::InvalidClaim { claim: c, .. } if c == claim),
            "{claim} = {value}: {error:?}"
        );
    }
    // Times that are representable but fail the checks.
    for (claim, value, expected) in [
        ("exp", json!(-1), "expired"),
        ("exp", json!(i64::MIN), "expired"),
        ("exp", json!(0.0), "expired"),
        ("iat", json!(u64::MAX), "future"),
        ("iat", json!(1e300), "future"),
        ("nbf", json!(u64::MAX), "not yet"),
        ("nbf", json!(1e300), "not yet"),
    ] {
        let claims = with(active_claims(NOW), claim, value.clone());
        let error = verify_at_now(&claims).unwrap_err();
        let ok = match expected {
            "expired" => matches!(error, Error::Expired),
            "future" => matches!(error, Error::IssuedInFuture),
            _ => matches!(error, Error::NotYetValid),
        };
        assert!(ok, "{claim} = {value}: {error:?}");
    }
    // A number too large for a double is not JSON this crate can read.
    let payload = format!(r#"{{"iat":{NOW},"exp":1e400,"session":{{"active":false}}}}"#);
    let token = sign_raw(r#"{"alg":"HS256"}"#, &payload, SECRET);
    assert!(matches!(
        verifier().verify_token_at(&token, at(NOW)),
        Err(Error::MalformedToken { .. })
    ));
}

#[test]
fn fractional_and_exponent_times_are_numeric_dates() {
    // RFC 7519 §2: a NumericDate may be non-integer; written with an exponent it is the
    // same number.
    let payload = format!(
        r#"{{"iat":{NOW}.25,"nbf":{}e0,"exp":{}.0,"iss":"Tulo","aud":"{REDIRECT_URI}","prn":"{ACCOUNT_ID}","session":{{"active":true,"id":"{ACCOUNT_ID}"}}}}"#,
        NOW - 300,
        NOW + 300
    );
    let token = sign_raw(r#"{"alg":"HS256"}"#, &payload, SECRET);
    let state = verifier().verify_token_at(&token, at(NOW)).unwrap();
    let session = state.session().unwrap();
    assert_eq!(
        session.issued_at(),
        at(NOW) + std::time::Duration::from_millis(250)
    );
    assert_eq!(session.expires_at(), at(NOW + 300));
}

#[test]
fn a_clock_before_1970_is_an_error() {
    let before = std::time::UNIX_EPOCH - std::time::Duration::from_secs(1);
    let token = sign(&active_claims(NOW));
    assert!(matches!(
        verifier().verify_token_at(&token, before),
        Err(Error::ClockBeforeUnixEpoch)
    ));
}

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(2000), "]".repeat(2000));
    let iat = now_secs();
    for payload in [
        format!(r#"{{"iat":{iat},"session":{{"active":false,"x":{deep}}}}}"#),
        format!(r#"{{"iat":{iat},"x":{deep},"session":{{"active":false}}}}"#),
    ] {
        // Kept members are built as values: serde_json's depth limit stops them.
        let token = sign_raw(r#"{"alg":"HS256"}"#, &payload, SECRET);
        assert!(token.len() <= MAX_TOKEN_BYTES);
        let error = verifier().verify_token(&token).unwrap_err();
        assert!(error.is_malformed(), "{error:?}");
    }
    // A known claim of the wrong type is skipped over without recursion, then refused.
    let payload = format!(r#"{{"iat":{deep},"session":{{"active":false}}}}"#);
    let token = sign_raw(r#"{"alg":"HS256"}"#, &payload, SECRET);
    assert!(matches!(
        verifier().verify_token(&token),
        Err(Error::InvalidClaim { claim: "iat", .. })
    ));
    let header = format!(r#"{{"alg":"HS256","x":{deep}}}"#);
    let token = sign_raw(&header, &inactive_claims(iat).to_string(), SECRET);
    // The header's other members are skipped without recursion: accepted.
    assert_eq!(
        verifier().verify_token(&token).unwrap(),
        SessionState::Inactive
    );
    let cookie = format!(
        r#"{{"x":{deep},"signature":"{}"}}"#,
        sign(&inactive_claims(iat))
    );
    assert_eq!(
        verifier().verify_cookie(&cookie).unwrap(),
        SessionState::Inactive
    );
}
