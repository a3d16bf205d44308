//! A signed token is refused from the moment its `exp` plus the leeway names, and accepted
//! the second before (RFC 7519 §4.1.4: it "MUST NOT be accepted" on or after `exp`), by every
//! crate that verifies one: tulo-jwt's session token, accesstype-jwt's user token and
//! payway-client's SSO2 landing.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::calls::{signed, unix_now};
use crate::table::SECRET;

/// `check(now)` at the clock's second `now`, run again until the second did not change while
/// it ran, so the crate's own clock read the same second.
fn within_one_second<T>(check: impl Fn(u64) -> T) -> T {
    loop {
        let now = unix_now();
        let outcome = check(now);
        if unix_now() == now {
            return outcome;
        }
    }
}

#[test]
fn tulo_session_tokens() {
    let tulo = tulo_jwt::test_util::FakeTulo::new(SECRET, "https://news.example.com/forward");
    let verifier = tulo.verifier().unwrap();
    let issued = SystemTime::now();
    let claims = tulo.active_claims("account-a", issued);
    let exp = claims["exp"].as_u64().unwrap();
    let token = tulo.sign(&claims);
    let ends = UNIX_EPOCH + Duration::from_secs(exp) + verifier.leeway();
    let at = |when| verifier.verify_token_at(&token, when);
    assert!(matches!(at(ends), Err(tulo_jwt::Error::Expired)));
    assert!(matches!(
        at(ends + Duration::from_millis(500)),
        Err(tulo_jwt::Error::Expired)
    ));
    assert!(at(ends - Duration::from_millis(1)).is_ok());
    assert!(at(ends - Duration::from_secs(1)).is_ok());
}

#[test]
fn accesstype_user_tokens() {
    let signer = crate::calls::accesstype_signer();
    let leeway = signer.leeway().as_secs();
    let verify = |exp: u64| {
        let token = signed(&json!({"email": "reader@example.com", "id": 42, "exp": exp}));
        signer.verify(&token)
    };
    let at_the_end = within_one_second(|now| verify(now - leeway));
    assert!(
        matches!(at_the_end, Err(accesstype_jwt::JwtError::Expired)),
        "{at_the_end:?}"
    );
    let a_second_before = within_one_second(|now| verify(now - leeway + 1));
    assert!(a_second_before.is_ok(), "{a_second_before:?}");
}

#[test]
fn sso2_landing_tokens() {
    let sso2 = crate::calls::sso2(&url::Url::parse("https://sso.example/").unwrap());
    let leeway = sso2.leeway().as_secs();
    let policy = payway_client::ReturnPolicy::allow_hosts(["news.example.com"]);
    let land = |exp: u64| {
        let token = signed(&json!({"sid": "sid-1", "sts": "anon", "iat": exp - 60, "exp": exp}));
        let mut landing = url::Url::parse("https://news.example.com/sso2/landing").unwrap();
        landing
            .query_pairs_mut()
            .append_pair("t", &token)
            .append_pair("r", "https://news.example.com/story");
        sso2.landing(&landing, &policy)
    };
    let at_the_end = within_one_second(|now| land(now - leeway));
    assert!(
        matches!(
            at_the_end,
            Err(payway_client::Error::Sso2Token(
                payway_client::sso2::TokenError::Expired
            ))
        ),
        "{at_the_end:?}"
    );
    let a_second_before = within_one_second(|now| land(now - leeway + 1));
    assert!(a_second_before.is_ok(), "{a_second_before:?}");
}
