//! The `200` answers of the user endpoints (`verify_user`'s `{isAuthenticated, userInfo}` and
//! `user_info`'s user), read as the calls read them: never a panic; an answer that names a
//! member twice, at any depth, is refused; an accepted user has a non-empty id, the one the
//! body names; `NotAuthenticated` only when the body says `isAuthenticated: false`; and a
//! user's `Debug` masks the e-mail.

#![no_main]

mod json_members;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tiun_client::fuzzing::{parse_user_lookup, parse_verification};
use tiun_client::{UserInfo, UserLookup, UserVerification};

fuzz_target!(|body: &[u8]| {
    let verification = parse_verification(body);
    let lookup = parse_user_lookup(body);
    let repeated = json_members::repeats_a_member(body);

    if repeated != Some(false) {
        // Not JSON, or a member named twice: neither call accepts it.
        assert!(verification.is_err(), "{verification:?}");
        assert!(lookup.is_err(), "{lookup:?}");
        return;
    }
    let plain: Value = serde_json::from_slice(body).expect("JSON without repeated members");

    match &verification {
        Ok(UserVerification::Authenticated(user)) => {
            assert_eq!(plain.get("isAuthenticated"), Some(&Value::Bool(true)));
            let described = plain.get("userInfo").expect("a user was described");
            check_user(user, described);
        }
        Ok(UserVerification::NotAuthenticated) => {
            assert_eq!(plain.get("isAuthenticated"), Some(&Value::Bool(false)));
        }
        Ok(other) => panic!("a 200 answer read as {other:?}"),
        Err(_) => {}
    }
    match &lookup {
        Ok(UserLookup::Found(user)) => check_user(user, &plain),
        Ok(other) => panic!("a 200 answer read as {other:?}"),
        Err(_) => {}
    }
    // A well-formed user is always accepted.
    if let Some(id) = plain.get("userId").and_then(Value::as_str)
        && !id.trim().is_empty()
        && plain
            .get("email")
            .is_none_or(|e| e.is_string() || e.is_null())
        && plain
            .get("productAccess")
            .is_none_or(|p| p.is_array() || p.is_null())
    {
        assert!(lookup.is_ok(), "{lookup:?}");
    }
});

/// An accepted user has a non-empty id, the one `described` names, and masks its e-mail.
fn check_user(user: &UserInfo, described: &Value) {
    assert!(
        !user.user_id.trim().is_empty(),
        "an empty user id was accepted"
    );
    let named = match described.get("userId") {
        Some(Value::String(id)) => id.clone(),
        Some(Value::Number(id)) => id.to_string(),
        other => panic!("user id {other:?} was accepted"),
    };
    assert_eq!(user.user_id, named);
    assert_eq!(
        user.email.as_deref(),
        described.get("email").and_then(Value::as_str)
    );
    let printed = format!("{user:?}");
    let masked = if user.email.is_some() {
        "email: Some(\"[redacted]\")"
    } else {
        "email: None"
    };
    assert!(printed.contains(masked), "{printed}");
}
