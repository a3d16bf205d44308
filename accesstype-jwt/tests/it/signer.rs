//! Signing and verifying the user JWT: exact wire bytes, independent decoding, every refusal.

use std::time::Duration;

use accesstype_jwt::{
    AccesstypeSigner, BuildError, DEFAULT_LEEWAY, JwtError, MAX_LEEWAY, MAX_TOKEN_BYTES,
    MIN_SECRET_BYTES, Provider, User, UserId,
};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

use crate::{HS256_HEADER, SECRET, b64url, b64url_decode, craft, now, signer};

fn parts(jwt: &str) -> (String, String) {
    let segments: Vec<&str> = jwt.split('.').collect();
    assert_eq!(segments.len(), 3, "a JWT has three parts: {jwt}");
    (
        String::from_utf8(b64url_decode(segments[0])).unwrap(),
        String::from_utf8(b64url_decode(segments[1])).unwrap(),
    )
}

#[test]
fn payload_is_byte_for_byte_the_documented_one() {
    let jwt = signer()
        .sign(&User::new("john@example.com", 42).name("John"))
        .unwrap();
    let (header, payload) = parts(&jwt);
    assert_eq!(header, HS256_HEADER);
    assert_eq!(
        payload,
        r#"{"email":"john@example.com","id":42,"provider":"quintype","name":"John"}"#
    );
}

#[test]
fn name_is_left_out_when_absent_and_ids_keep_their_type() {
    let signer = signer();
    let (_, payload) = parts(&signer.sign(&User::new("john@example.com", 42)).unwrap());
    assert_eq!(
        payload,
        r#"{"email":"john@example.com","id":42,"provider":"quintype"}"#
    );

    let user = User::new("jane@example.org", "wp-1001").provider(Provider::Wordpress);
    let (_, payload) = parts(&signer.sign(&user).unwrap());
    assert_eq!(
        payload,
        r#"{"email":"jane@example.org","id":"wp-1001","provider":"wordpress"}"#
    );
}

#[test]
fn signature_is_hs256_over_exactly_those_bytes() {
    // The same header and payload bytes signed by jsonwebtoken's low-level HMAC must give the
    // very same token.
    let jwt = signer()
        .sign(&User::new("john@example.com", 42).name("John"))
        .unwrap();
    let expected = craft(
        HS256_HEADER,
        r#"{"email":"john@example.com","id":42,"provider":"quintype","name":"John"}"#,
        SECRET.as_bytes(),
        Algorithm::HS256,
    );
    assert_eq!(jwt, expected);
}

#[test]
fn plain_jsonwebtoken_with_a_fresh_key_decodes_the_token() {
    let jwt = signer()
        .sign(&User::new("john@example.com", 42).name("John"))
        .unwrap();
    let mut validation = Validation::new(Algorithm::HS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    let key = DecodingKey::from_secret(SECRET.as_bytes());
    let data = jsonwebtoken::decode::<Value>(&jwt, &key, &validation).unwrap();
    assert_eq!(data.header.alg, Algorithm::HS256);
    assert_eq!(
        data.claims,
        json!({"email": "john@example.com", "id": 42, "provider": "quintype", "name": "John"})
    );

    let wrong_key = DecodingKey::from_secret(b"some-other-secret-of-enough-length!!");
    assert!(jsonwebtoken::decode::<Value>(&jwt, &wrong_key, &validation).is_err());
}

#[test]
fn ttl_adds_iat_and_exp_after_the_documented_fields() {
    let signer = AccesstypeSigner::builder()
        .secret(SECRET)
        .ttl(Duration::from_secs(600))
        .build()
        .unwrap();
    let before = now();
    let jwt = signer.sign(&User::new("john@example.com", 42)).unwrap();
    let after = now();
    let (_, payload) = parts(&jwt);
    assert!(
        payload.starts_with(r#"{"email":"john@example.com","id":42,"provider":"quintype","iat":"#),
        "{payload}"
    );
    let claims: Value = serde_json::from_str(&payload).unwrap();
    let iat = claims["iat"].as_u64().unwrap();
    assert!((before..=after).contains(&iat));
    assert_eq!(claims["exp"].as_u64().unwrap(), iat + 600);
    assert_eq!(
        signer.verify(&jwt).unwrap(),
        User::new("john@example.com", 42)
    );

    // A signer with a lifetime requires `exp` on what it verifies.
    let without_exp = craft(
        HS256_HEADER,
        r#"{"email":"john@example.com","id":42}"#,
        SECRET.as_bytes(),
        Algorithm::HS256,
    );
    assert!(matches!(
        signer.verify(&without_exp),
        Err(JwtError::MissingClaim { claim: "exp" })
    ));
}

#[test]
fn verify_round_trips_every_shape_of_user() {
    let signer = signer();
    for user in [
        User::new("john@example.com", 42).name("John"),
        User::new("john@example.com", 0),
        User::new("jörg@bücher.de", "ü-42").provider(Provider::Wordpress),
        User::new("a@b.co", accesstype_jwt::MAX_SAFE_INTEGER),
    ] {
        let jwt = signer.sign(&user).unwrap();
        assert_eq!(signer.verify(&jwt).unwrap(), user);
    }
}

#[test]
fn verify_accepts_a_token_signed_like_the_javascript_libraries_do() {
    // `alg` first, an `iat`, provider left out (defaults to quintype), an extra claim.
    let token = craft(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"email":"john@example.com","id":42,"name":"John","iat":1571716286,"role":"reader"}"#,
        SECRET.as_bytes(),
        Algorithm::HS256,
    );
    let user = signer().verify(&token).unwrap();
    assert_eq!(user, User::new("john@example.com", 42).name("John"));
    assert_eq!(user.provider, Provider::Quintype);
}

#[test]
fn forged_tokens_are_refused() {
    let signer = signer();
    let jwt = signer.sign(&User::new("john@example.com", 42)).unwrap();
    let segments: Vec<&str> = jwt.split('.').collect();

    // Another user's claims under the original signature.
    let forged_payload = b64url(br#"{"email":"admin@example.com","id":1,"provider":"quintype"}"#);
    let forged = format!("{}.{}.{}", segments[0], forged_payload, segments[2]);
    assert!(matches!(
        signer.verify(&forged),
        Err(JwtError::BadSignature)
    ));

    // One flipped signature character.
    let mut signature = segments[2].to_owned();
    let last = signature.pop().unwrap();
    signature.push(if last == 'A' { 'B' } else { 'A' });
    let tampered = format!("{}.{}.{}", segments[0], segments[1], signature);
    assert!(signer.verify(&tampered).unwrap_err().is_token_rejected());

    // No signature at all.
    let stripped = format!("{}.{}.", segments[0], segments[1]);
    assert!(signer.verify(&stripped).unwrap_err().is_token_rejected());
}

#[test]
fn a_token_signed_with_another_secret_is_refused() {
    let other = AccesstypeSigner::builder()
        .secret("a-completely-different-secret-of-40-bytes")
        .build()
        .unwrap();
    let jwt = other.sign(&User::new("john@example.com", 42)).unwrap();
    let error = signer().verify(&jwt).unwrap_err();
    assert!(matches!(error, JwtError::BadSignature));
    assert!(error.is_token_rejected());
}

/// The `alg` a refusal reports, or `Err` with what the refusal was instead.
fn refused_alg(token: &str) -> Result<Option<String>, JwtError> {
    match signer().verify(token) {
        Err(JwtError::WrongAlgorithm { found }) => Ok(found),
        Err(other) => Err(other),
        Ok(user) => panic!("verified as {user:?}"),
    }
}

#[test]
fn other_algorithms_are_refused() {
    let payload = r#"{"email":"john@example.com","id":42}"#;
    let hs512 = craft(
        r#"{"typ":"JWT","alg":"HS512"}"#,
        payload,
        SECRET.as_bytes(),
        Algorithm::HS512,
    );
    assert_eq!(refused_alg(&hs512).unwrap().as_deref(), Some("HS512"));

    let hs384 = craft(
        r#"{"typ":"JWT","alg":"HS384"}"#,
        payload,
        SECRET.as_bytes(),
        Algorithm::HS384,
    );
    assert_eq!(refused_alg(&hs384).unwrap().as_deref(), Some("HS384"));

    // An RS256 header over an HMAC signature (the key-confusion attack).
    let confused = craft(
        r#"{"typ":"JWT","alg":"RS256"}"#,
        payload,
        SECRET.as_bytes(),
        Algorithm::HS256,
    );
    assert_eq!(refused_alg(&confused).unwrap().as_deref(), Some("RS256"));

    // `alg: none` in any case, with an empty signature or a valid HS256 one, and near misses
    // of the one accepted spelling: all refused before any signature work. The error repeats
    // the `alg` only when it is 1 to 16 printable ASCII characters.
    for (alg, shown) in [
        ("none", Some("none")),
        ("None", Some("None")),
        ("NONE", Some("NONE")),
        ("nOnE", Some("nOnE")),
        ("hs256", Some("hs256")),
        ("HS2560", Some("HS2560")),
        ("HS256 ", None),
        (" HS256", None),
        ("", None),
        ("HS256\\u0000", None),
        ("\\u00e9HS256", None),
        ("A-VERY-LONG-ALGORITHM-NAME", None),
    ] {
        let header = format!(r#"{{"typ":"JWT","alg":"{alg}"}}"#);
        let empty = format!(
            "{}.{}.",
            b64url(header.as_bytes()),
            b64url(payload.as_bytes())
        );
        assert_eq!(refused_alg(&empty).unwrap().as_deref(), shown, "{alg:?}");
        let signed = craft(&header, payload, SECRET.as_bytes(), Algorithm::HS256);
        assert_eq!(refused_alg(&signed).unwrap().as_deref(), shown, "{alg:?}");
    }
    // An `alg` that is not a string, or none at all: the same error, with nothing to show.
    for header in [
        r#"{"typ":"JWT","alg":256}"#,
        r#"{"typ":"JWT","alg":["HS256"]}"#,
        r#"{"typ":"JWT","alg":null}"#,
        r#"{"typ":"JWT"}"#,
        r#"{}"#,
    ] {
        let token = craft(header, payload, SECRET.as_bytes(), Algorithm::HS256);
        assert_eq!(refused_alg(&token).unwrap(), None, "{header}");
    }
    let error = signer()
        .verify(&craft(
            r#"{"alg":"none"}"#,
            payload,
            SECRET.as_bytes(),
            Algorithm::HS256,
        ))
        .unwrap_err();
    assert!(error.is_token_rejected());
    assert_eq!(
        error.to_string(),
        "the token's algorithm is none, not hs256"
    );
    let error = signer()
        .verify(&craft(
            r#"{"typ":"JWT"}"#,
            payload,
            SECRET.as_bytes(),
            Algorithm::HS256,
        ))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the token's algorithm is missing or unprintable, not hs256"
    );
}

#[test]
fn critical_header_extensions_are_refused() {
    // Validly signed, but the header demands an extension this verifier does not implement.
    let critical = craft(
        r#"{"typ":"JWT","alg":"HS256","crit":["b64"],"b64":false}"#,
        r#"{"email":"john@example.com","id":42}"#,
        SECRET.as_bytes(),
        Algorithm::HS256,
    );
    let error = signer().verify(&critical).unwrap_err();
    assert!(matches!(error, JwtError::Malformed { .. }), "{error:?}");
    assert!(error.is_token_rejected());
    // Even an empty or null `crit` names the member a verifier must understand.
    for header in [
        r#"{"typ":"JWT","alg":"HS256","crit":[]}"#,
        r#"{"typ":"JWT","alg":"HS256","crit":null}"#,
    ] {
        let token = craft(
            header,
            r#"{"email":"john@example.com","id":42}"#,
            SECRET.as_bytes(),
            Algorithm::HS256,
        );
        assert!(
            matches!(signer().verify(&token), Err(JwtError::Malformed { .. })),
            "{header}"
        );
    }

    // Other header parameters do not matter.
    let with_kid = craft(
        r#"{"typ":"JWT","alg":"HS256","kid":"2024-01"}"#,
        r#"{"email":"john@example.com","id":42}"#,
        SECRET.as_bytes(),
        Algorithm::HS256,
    );
    assert_eq!(
        signer().verify(&with_kid).unwrap(),
        User::new("john@example.com", 42)
    );
}

#[test]
fn expiry_and_not_before_are_checked_with_the_leeway() {
    let signer = signer();
    let token = |claims: Value| {
        craft(
            HS256_HEADER,
            &claims.to_string(),
            SECRET.as_bytes(),
            Algorithm::HS256,
        )
    };
    let base = json!({"email": "john@example.com", "id": 42});
    let with = |key: &str, value: Value| {
        let mut claims = base.clone();
        claims[key] = value;
        token(claims)
    };

    let expired = signer
        .verify(&with("exp", json!(now() - 3600)))
        .unwrap_err();
    assert!(matches!(expired, JwtError::Expired));
    assert!(expired.is_expired() && expired.is_token_rejected());

    // Ten seconds late is inside the default 30-second leeway.
    assert!(signer.verify(&with("exp", json!(now() - 10))).is_ok());
    assert!(signer.verify(&with("exp", json!(now() + 3600))).is_ok());

    let strict = AccesstypeSigner::builder()
        .secret(SECRET)
        .leeway(Duration::ZERO)
        .build()
        .unwrap();
    assert!(matches!(
        strict.verify(&with("exp", json!(now() - 10))),
        Err(JwtError::Expired)
    ));

    assert!(matches!(
        signer.verify(&with("nbf", json!(now() + 3600))),
        Err(JwtError::NotYetValid)
    ));
    assert!(signer.verify(&with("nbf", json!(now() - 5))).is_ok());

    assert!(matches!(
        signer.verify(&with("exp", json!("tomorrow"))),
        Err(JwtError::InvalidClaim { claim: "exp" })
    ));
    for (claim, value) in [
        ("exp", json!(now() as f64 + 3600.5)),
        ("exp", json!(-1)),
        ("nbf", json!("now")),
        ("iat", json!(true)),
    ] {
        let error = signer.verify(&with(claim, value.clone())).unwrap_err();
        assert!(
            matches!(&error, JwtError::InvalidClaim { claim: name } if *name == claim),
            "{claim}={value}: {error:?}"
        );
    }

    // An `iat` in the future is a token from a clock that is wrong, or from a forger who
    // wants it to look fresh later: refused beyond the leeway, and told apart from `nbf`.
    let issued_later = signer
        .verify(&with("iat", json!(now() + 3600)))
        .unwrap_err();
    assert!(
        matches!(issued_later, JwtError::IssuedInFuture),
        "{issued_later:?}"
    );
    assert!(issued_later.is_token_rejected() && !issued_later.is_expired());
    assert!(signer.verify(&with("iat", json!(now() + 5))).is_ok());
    assert!(signer.verify(&with("iat", json!(now() - 86_400))).is_ok());
}

#[test]
fn a_token_minted_for_an_audience_is_refused() {
    let token = craft(
        HS256_HEADER,
        r#"{"email":"john@example.com","id":42,"aud":"some-other-service"}"#,
        SECRET.as_bytes(),
        Algorithm::HS256,
    );
    assert!(matches!(
        signer().verify(&token),
        Err(JwtError::InvalidAudience)
    ));
}

#[test]
fn claims_are_held_to_what_sign_produces() {
    let signer = signer();
    enum Expect {
        Missing(&'static str),
        Invalid(&'static str),
    }
    use Expect::{Invalid, Missing};
    let cases = [
        (r#"{"id":42}"#, Missing("email or login-phone-number")),
        (r#"{"email":"john@example.com"}"#, Missing("id")),
        (r#"{"email":"not-an-address","id":42}"#, Invalid("email")),
        (r#"{"email":42,"id":42}"#, Invalid("email")),
        (r#"{"email":"john@example.com","id":-1}"#, Invalid("id")),
        (r#"{"email":"john@example.com","id":4.5}"#, Invalid("id")),
        (
            r#"{"email":"john@example.com","id":9007199254740992}"#,
            Invalid("id"),
        ),
        (r#"{"email":"john@example.com","id":""}"#, Invalid("id")),
        (r#"{"email":"john@example.com","id":null}"#, Missing("id")),
        (
            r#"{"email":null,"id":42}"#,
            Missing("email or login-phone-number"),
        ),
        (
            r#"{"email":null,"login-phone-number":null,"id":42}"#,
            Missing("email or login-phone-number"),
        ),
        (
            r#"{"login-phone-number":"919999999999","id":42}"#,
            Invalid("login-phone-number"),
        ),
        (
            r#"{"login-phone-number":919999999999,"id":42}"#,
            Invalid("login-phone-number"),
        ),
        (
            r#"{"email":"john@example.com","login-phone-number":"+91 99999","id":42}"#,
            Invalid("login-phone-number"),
        ),
        (
            r#"{"login-phone-number":"+919999999999","id":42,"provider":"Supertokens"}"#,
            Invalid("provider"),
        ),
        (r#"{"email":"john@example.com","id":[42]}"#, Invalid("id")),
        (
            r#"{"email":"john@example.com","id":42,"provider":"facebook"}"#,
            Invalid("provider"),
        ),
        (
            r#"{"email":"john@example.com","id":42,"provider":"Quintype"}"#,
            Invalid("provider"),
        ),
        (
            r#"{"email":"john@example.com","id":42,"name":5}"#,
            Invalid("name"),
        ),
    ];
    for (payload, expected) in cases {
        let token = craft(HS256_HEADER, payload, SECRET.as_bytes(), Algorithm::HS256);
        let error = signer.verify(&token).unwrap_err();
        let matched = match expected {
            Missing(name) => matches!(&error, JwtError::MissingClaim { claim } if *claim == name),
            Invalid(name) => matches!(&error, JwtError::InvalidClaim { claim } if *claim == name),
        };
        assert!(matched, "{payload}: got {error:?}");
        assert!(error.is_token_rejected(), "{payload}");
    }
    let array = craft(
        HS256_HEADER,
        r#"["john@example.com",42]"#,
        SECRET.as_bytes(),
        Algorithm::HS256,
    );
    assert!(matches!(
        signer.verify(&array),
        Err(JwtError::Malformed { .. })
    ));

    // A member given twice is ambiguous: refused, whichever copy a reader would pick, at any
    // depth, whether or not this crate reads that member.
    for payload in [
        r#"{"email":"john@example.com","id":42,"email":"admin@example.com"}"#,
        r#"{"email":"john@example.com","id":42,"id":1}"#,
        r#"{"email":"john@example.com","id":42,"exp":1,"exp":99999999999}"#,
        r#"{"email":"john@example.com","id":42,"role":"reader","role":"admin"}"#,
        r#"{"email":"john@example.com","id":42,"meta":{"plan":"free","plan":"gold"}}"#,
        r#"{"email":"john@example.com","id":42,"list":[{"a":1,"a":2}]}"#,
        r#"{"email":"john@example.com","id":42,"provider":null,"provider":"wordpress"}"#,
    ] {
        let twice = craft(HS256_HEADER, payload, SECRET.as_bytes(), Algorithm::HS256);
        assert!(
            matches!(signer.verify(&twice), Err(JwtError::Malformed { .. })),
            "{payload}"
        );
    }
    for header in [
        r#"{"typ":"JWT","alg":"HS256","alg":"HS256"}"#,
        r#"{"alg":"none","alg":"HS256"}"#,
        r#"{"alg":"HS256","kid":"a","kid":"b"}"#,
        r#"{"alg":"HS256","jwk":{"k":"a","k":"b"}}"#,
    ] {
        let token = craft(
            header,
            r#"{"email":"john@example.com","id":42}"#,
            SECRET.as_bytes(),
            Algorithm::HS256,
        );
        assert!(
            matches!(signer.verify(&token), Err(JwtError::Malformed { .. })),
            "{header}"
        );
    }

    // Optional claims may be null.
    let token = craft(
        HS256_HEADER,
        r#"{"email":"john@example.com","id":"42","provider":null,"name":null}"#,
        SECRET.as_bytes(),
        Algorithm::HS256,
    );
    assert_eq!(
        signer.verify(&token).unwrap(),
        User::new("john@example.com", "42")
    );
}

#[test]
fn garbage_is_malformed_not_a_panic() {
    let signer = signer();
    for garbage in [
        "",
        ".",
        "..",
        "...",
        "abc",
        "a.b",
        "a.b.c",
        "a.b.c.d",
        "eyJhbGciOiJIUzI1NiJ9",
        "eyJhbGciOiJIUzI1NiJ9..",
        "e30.e30.e30",
        "!!!.???.***",
        "\u{0}.\u{0}.\u{0}",
        "éééé.éééé.éééé",
    ] {
        let error = signer.verify(garbage).unwrap_err();
        assert!(error.is_token_rejected(), "{garbage:?}: {error:?}");
    }
}

/// A token of exactly these segments, correctly signed over them.
fn signed_segments(header: &str, payload: &str) -> String {
    let message = format!("{header}.{payload}");
    let signature = jsonwebtoken::crypto::sign(
        message.as_bytes(),
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
        Algorithm::HS256,
    )
    .unwrap();
    format!("{message}.{signature}")
}

#[test]
fn the_compact_form_and_base64url_are_strict() {
    let signer = signer();
    let header = b64url(HS256_HEADER.as_bytes());
    let payload = b64url(br#"{"email":"john@example.com","id":42}"#);
    assert!(signer.verify(&signed_segments(&header, &payload)).is_ok());

    // Correctly signed over segments that are not strict unpadded base64url.
    let odd_header = b64url(br#"{"alg":"HS256"}"#); // 20 characters: padding would be "=="
    assert!(
        signer
            .verify(&signed_segments(&odd_header, &payload))
            .is_ok()
    );
    let mut trailing_bits = odd_header.clone();
    let last = trailing_bits.pop().unwrap();
    // `{"alg":"HS256"}` ends in `}`; its last character carries four unused bits.
    trailing_bits.push(if last == '9' { '-' } else { '9' });
    for (header, payload) in [
        (format!("{odd_header}=="), payload.clone()),
        (header.clone(), format!("{payload}=")),
        (trailing_bits, payload.clone()),
        (header.replace('J', "+"), payload.clone()),
        (header.clone(), payload.replace('e', "/")),
        (format!(" {header}"), payload.clone()),
        (header.clone(), format!("{payload}\n")),
        (format!("{header}A"), payload.clone()),
    ] {
        let token = signed_segments(&header, &payload);
        let error = signer.verify(&token).unwrap_err();
        assert!(
            matches!(error, JwtError::Malformed { .. }),
            "{header}.{payload}: {error:?}"
        );
    }

    // Correctly signed parts that are not UTF-8 JSON.
    for (header, payload) in [
        (
            header.clone(),
            b64url(b"{\"email\":\"j\xffn@example.com\",\"id\":1}"),
        ),
        (
            b64url(b"{\"alg\":\"HS256\",\"x\":\"\xfe\"}"),
            payload.clone(),
        ),
    ] {
        let error = signer
            .verify(&signed_segments(&header, &payload))
            .unwrap_err();
        assert!(matches!(error, JwtError::Malformed { .. }), "{error:?}");
    }

    let good = signed_segments(&header, &payload);
    let (message, signature) = good.rsplit_once('.').unwrap();
    for bad_signature in [
        format!("{signature}="),
        format!("{signature}A"),
        signature[1..].to_owned(),
        signature.replace(['-', '_'], "+"),
        String::new(),
    ] {
        if bad_signature == signature {
            continue;
        }
        assert!(
            matches!(
                signer.verify(&format!("{message}.{bad_signature}")),
                Err(JwtError::BadSignature)
            ),
            "{bad_signature}"
        );
    }
    for shape in [
        format!("{good}."),
        format!("{header}.{payload}"),
        format!(".{payload}.{signature}"),
        format!("{header}..{signature}"),
        format!("{header}.{payload}.{signature}.{signature}"),
    ] {
        let error = signer.verify(&shape).unwrap_err();
        assert!(error.is_token_rejected(), "{shape}: {error:?}");
        assert!(!matches!(error, JwtError::WrongAlgorithm { .. }), "{shape}");
    }
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let huge = "a".repeat(MAX_TOKEN_BYTES + 1);
    assert!(matches!(
        signer().verify(&huge),
        Err(JwtError::TokenTooLarge { len, limit }) if len == MAX_TOKEN_BYTES + 1 && limit == MAX_TOKEN_BYTES
    ));
    // A real but padded-out token is refused the same way.
    let long_name = "x".repeat(MAX_TOKEN_BYTES);
    let jwt = signer()
        .sign(&User::new("john@example.com", 42).name(long_name))
        .unwrap();
    assert!(matches!(
        signer().verify(&jwt),
        Err(JwtError::TokenTooLarge { .. })
    ));
}

#[test]
fn sign_refuses_bad_emails_and_ids() {
    let signer = signer();
    for email in [
        "",
        "john",
        "john@example",
        " john@example.com",
        "john@exa mple.com",
        // Invisible and bidirectional-control characters: each looks like john@example.com.
        "jo\u{200B}hn@example.com",
        "\u{FEFF}john@example.com",
        "jo\u{AD}hn@example.com",
        "john@exa\u{AD}mple.com",
        "john\u{202E}@example.com",
        "john@example.com\u{2069}",
        // Punycode that does not decode, all-numeric and non-LDH domains.
        "john@xn--a.com",
        "john@xn--zz.example",
        "john@123.456",
        "john@10.0.0.1",
        "john@example.123",
        "john@ex_ample.com",
        "john@ｅｘａｍｐｌｅ.com",
    ] {
        assert!(
            matches!(
                signer.sign(&User::new(email, 42)),
                Err(JwtError::InvalidInput {
                    what: "e-mail address",
                    ..
                })
            ),
            "{email:?}"
        );
    }
    for id in [
        UserId::from(""),
        UserId::from("x".repeat(257)),
        UserId::from("line\nbreak"),
        UserId::from(accesstype_jwt::MAX_SAFE_INTEGER + 1),
        UserId::from(u64::MAX),
    ] {
        assert!(
            matches!(
                signer.sign(&User::new("john@example.com", id.clone())),
                Err(JwtError::InvalidInput {
                    what: "user id",
                    ..
                })
            ),
            "{id:?}"
        );
    }
    assert!(
        signer
            .sign(&User::new("john@example.com", "x".repeat(256)))
            .is_ok()
    );
}

#[test]
fn builder_refuses_weak_or_missing_configuration() {
    assert!(matches!(
        AccesstypeSigner::builder().build().unwrap_err(),
        BuildError::MissingSecret
    ));
    assert!(matches!(
        AccesstypeSigner::builder().secret("").build().unwrap_err(),
        BuildError::EmptySecret
    ));
    assert!(matches!(
        AccesstypeSigner::builder()
            .secret("")
            .insecure_allow_short_secret()
            .build()
            .unwrap_err(),
        BuildError::EmptySecret
    ));
    assert_eq!(MIN_SECRET_BYTES, 32);
    assert!(matches!(
        AccesstypeSigner::builder()
            .secret("x".repeat(31))
            .build()
            .unwrap_err(),
        BuildError::ShortSecret { len: 31, min: 32 }
    ));
    assert!(
        AccesstypeSigner::builder()
            .secret("x".repeat(32))
            .build()
            .is_ok()
    );

    let short = AccesstypeSigner::builder()
        .secret("short")
        .insecure_allow_short_secret()
        .build()
        .unwrap();
    let jwt = short.sign(&User::new("john@example.com", 42)).unwrap();
    assert_eq!(
        short.verify(&jwt).unwrap(),
        User::new("john@example.com", 42)
    );

    assert!(matches!(
        AccesstypeSigner::builder()
            .secret(SECRET)
            .ttl(Duration::ZERO)
            .build()
            .unwrap_err(),
        BuildError::ZeroDuration { what: "ttl" }
    ));
    for ttl in [
        Duration::from_millis(999),
        Duration::from_secs(367 * 86_400),
    ] {
        assert!(
            matches!(
                AccesstypeSigner::builder()
                    .secret(SECRET)
                    .ttl(ttl)
                    .build()
                    .unwrap_err(),
                BuildError::InvalidTtl
            ),
            "{ttl:?}"
        );
    }
    let error = AccesstypeSigner::builder()
        .secret(SECRET)
        .leeway(Duration::from_secs(301))
        .build()
        .unwrap_err();
    assert!(
        matches!(
            error,
            BuildError::LeewayTooLarge { leeway, max }
                if leeway == Duration::from_secs(301) && max == MAX_LEEWAY
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the clock leeway of 301s is more than the 300s allowed"
    );
    assert_eq!(MAX_LEEWAY, Duration::from_secs(300));
    assert_eq!(DEFAULT_LEEWAY, Duration::from_secs(30));
    assert_eq!(signer().leeway(), DEFAULT_LEEWAY);
    for leeway in [Duration::ZERO, MAX_LEEWAY] {
        let signer = AccesstypeSigner::builder()
            .secret(SECRET)
            .leeway(leeway)
            .build()
            .unwrap();
        assert_eq!(signer.leeway(), leeway);
    }
}

#[test]
fn error_messages_are_lowercase_and_name_no_secret_or_claim_value() {
    let short = AccesstypeSigner::builder()
        .secret("hunter2-is-not-a-good-secret")
        .build()
        .unwrap_err()
        .to_string();
    assert_eq!(
        short,
        "the secret is 28 bytes, shorter than the 32 bytes hmac-sha256 needs"
    );

    let token = craft(
        HS256_HEADER,
        r#"{"email":"leaky@example.com","id":"secret-id-123","provider":"evil"}"#,
        SECRET.as_bytes(),
        Algorithm::HS256,
    );
    let error = signer().verify(&token).unwrap_err();
    let message = error.to_string();
    assert_eq!(message, "the token's `provider` claim is invalid");
    for leak in ["leaky", "secret-id-123", "evil", &token, SECRET] {
        assert!(!message.contains(leak));
    }
    assert!(!format!("{error:?}").contains(SECRET));
}

#[test]
fn signers_are_cheap_to_share_across_threads() {
    fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync_clone::<AccesstypeSigner>();
    // Errors fit in `Box<dyn std::error::Error + Send + Sync>`.
    fn assert_send_sync_error<T: std::error::Error + Send + Sync + 'static>() {}
    assert_send_sync_error::<JwtError>();
    assert_send_sync_error::<BuildError>();

    let signer = signer();
    let handles: Vec<_> = (0..4_u64)
        .map(|i| {
            let signer = signer.clone();
            std::thread::spawn(move || {
                let user = User::new("john@example.com", i);
                signer.verify(&signer.sign(&user).unwrap()).unwrap() == user
            })
        })
        .collect();
    for handle in handles {
        assert!(handle.join().unwrap());
    }
}
