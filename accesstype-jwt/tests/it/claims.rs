//! The user JWT as Accesstype documents it now: `id` required, `email` and
//! `login-phone-number` optional with at least one of them, `provider` `supertokens` too.

use accesstype_jwt::{JwtError, Provider, User, UserId};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Value, json};

use crate::{HS256_HEADER, SECRET, b64url_decode, craft, signer};

fn payload(jwt: &str) -> String {
    let segment = jwt.split('.').nth(1).unwrap();
    String::from_utf8(b64url_decode(segment)).unwrap()
}

/// jsonwebtoken's decode with no registered claim required.
fn decode(jwt: &str) -> Value {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    let key = DecodingKey::from_secret(SECRET.as_bytes());
    jsonwebtoken::decode::<Value>(jwt, &key, &validation)
        .unwrap()
        .claims
}

#[test]
fn an_email_users_wire_bytes_are_unchanged() {
    // The token this crate signed before phone numbers were added (HMAC computed elsewhere).
    let jwt = signer()
        .sign(&User::new("john@example.com", 42).name("John"))
        .unwrap();
    assert_eq!(
        jwt,
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.\
         eyJlbWFpbCI6ImpvaG5AZXhhbXBsZS5jb20iLCJpZCI6NDIsInByb3ZpZGVyIjoicXVpbnR5cGUiLCJuYW1lIjoiSm9obiJ9.\
         qN6sM_LozPs-HKl_oTVC7EstArSJx5dfDC-Ad5tiZVM"
    );
    assert_eq!(
        payload(&jwt),
        r#"{"email":"john@example.com","id":42,"provider":"quintype","name":"John"}"#
    );
    assert_eq!(
        serde_json::to_string(&User::new("jane@example.org", "wp-7").provider(Provider::Wordpress))
            .unwrap(),
        r#"{"email":"jane@example.org","id":"wp-7","provider":"wordpress"}"#
    );
}

#[test]
fn a_phone_number_user_round_trips_through_jsonwebtoken() {
    let user = User::with_phone_number("+919999999999", 42)
        .provider(Provider::Supertokens)
        .name("Asha");
    let jwt = signer().sign(&user).unwrap();
    assert_eq!(
        payload(&jwt),
        r#"{"id":42,"login-phone-number":"+919999999999","provider":"supertokens","name":"Asha"}"#
    );
    // An independent implementation reads exactly the documented members...
    assert_eq!(
        decode(&jwt),
        json!({"id": 42, "login-phone-number": "+919999999999", "provider": "supertokens", "name": "Asha"})
    );
    assert_eq!(signer().verify(&jwt).unwrap(), user);

    // ...and a token it signs, in whatever member order, verifies as the same user.
    let theirs = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &json!({"name": "Asha", "provider": "supertokens", "login-phone-number": "+919999999999", "id": 42}),
        &EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    assert_eq!(signer().verify(&theirs).unwrap(), user);
}

#[test]
fn a_user_may_have_both_and_must_have_one() {
    let both = User::new("asha@example.in", "u-9").login_phone_number("+14155550123");
    let jwt = signer().sign(&both).unwrap();
    assert_eq!(
        payload(&jwt),
        r#"{"email":"asha@example.in","id":"u-9","login-phone-number":"+14155550123","provider":"quintype"}"#
    );
    assert_eq!(signer().verify(&jwt).unwrap(), both);
    assert_eq!(
        User::with_phone_number("+14155550123", "u-9").email("asha@example.in"),
        both
    );

    let mut neither = both.clone();
    neither.email = None;
    neither.login_phone_number = None;
    assert!(matches!(
        signer().sign(&neither),
        Err(JwtError::NoEmailOrPhoneNumber)
    ));
    assert!(matches!(
        neither.validate(),
        Err(JwtError::NoEmailOrPhoneNumber)
    ));
    // Signed by someone else, a token without either is refused too.
    let token = craft(
        HS256_HEADER,
        r#"{"id":42,"name":"Nobody"}"#,
        SECRET.as_bytes(),
        Algorithm::HS256,
    );
    assert!(matches!(
        signer().verify(&token),
        Err(JwtError::MissingClaim {
            claim: "email or login-phone-number"
        })
    ));
}

#[test]
fn phone_numbers_are_e164() {
    for number in [
        "919999999999",
        "+91 99999 99999",
        "+91-9999999999",
        "+0919999999999",
        "+123456",
        "+1234567890123456",
        "",
        "+91\u{200B}9999999999",
    ] {
        let user = User::with_phone_number(number, 1);
        assert!(
            matches!(
                signer().sign(&user),
                Err(JwtError::InvalidInput {
                    what: "phone number",
                    ..
                })
            ),
            "{number:?}"
        );
    }
    assert_eq!(
        signer()
            .sign(&User::with_phone_number("+123456", 1))
            .unwrap_err()
            .to_string(),
        "invalid phone number: it is not E.164, `+` and 7 to 15 digits",
        "the family's spelling of refused input, without the number"
    );
    // A valid phone number does not excuse a malformed e-mail address or id.
    let user = User::with_phone_number("+919999999999", 1).email("not-an-address");
    assert!(matches!(
        signer().sign(&user),
        Err(JwtError::InvalidInput {
            what: "e-mail address",
            ..
        })
    ));
    let user = User::with_phone_number("+919999999999", "");
    assert!(matches!(
        signer().sign(&user),
        Err(JwtError::InvalidInput {
            what: "user id",
            ..
        })
    ));
    assert!(
        signer()
            .sign(&User::with_phone_number("+6834002", UserId::from(5)))
            .is_ok()
    );
}

#[test]
fn deserialising_wants_an_id_and_one_way_to_know_the_user() {
    let user: User =
        serde_json::from_str(r#"{"id":"u-1","login-phone-number":"+919999999999"}"#).unwrap();
    assert_eq!(user, User::with_phone_number("+919999999999", "u-1"));
    assert_eq!(user.provider, Provider::Quintype);
    let user: User = serde_json::from_str(
        r#"{"email":"john@example.com","id":42,"provider":"supertokens","login-phone-number":null}"#,
    )
    .unwrap();
    assert_eq!(
        user,
        User::new("john@example.com", 42).provider(Provider::Supertokens)
    );
    for bad in [
        r#"{"id":42}"#,
        r#"{"id":42,"email":null}"#,
        r#"{"login-phone-number":"+919999999999"}"#,
        r#"{"id":42,"login_phone_number":"+919999999999"}"#,
        r#"{"id":42,"email":"john@example.com","provider":"firebase"}"#,
    ] {
        assert!(serde_json::from_str::<User>(bad).is_err(), "{bad}");
    }
}
