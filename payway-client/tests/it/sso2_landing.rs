//! `Sso2Client::landing`: `t` verified strictly (forgeries refused), `r` held to the
//! `ReturnPolicy` (no open redirect).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use payway_client::sso2::{LandingError, Sso2Status, TokenError};
use payway_client::{Error, MAX_TOKEN_BYTES, ReturnPolicy};
use serde_json::json;
use url::Url;

use crate::sso2_support::{SSO_SECRET, answer_claims, answer_token, now, sign_with, sso2_at};

fn policy() -> ReturnPolicy {
    ReturnPolicy::allow_hosts(["news.example.com"])
}

fn landing_url(t: &str, r: &str) -> Url {
    let mut url = Url::parse("https://news.example.com/sso2/landing").unwrap();
    url.query_pairs_mut()
        .append_pair("t", t)
        .append_pair("r", r);
    url
}

fn land(t: &str, r: &str) -> Result<payway_client::sso2::Sso2Landing, Error> {
    sso2_at("https://sso.example.com/").landing(&landing_url(t, r), &policy())
}

fn token_error(result: Result<payway_client::sso2::Sso2Landing, Error>) -> TokenError {
    match result {
        Err(Error::Sso2Token(error)) => error,
        other => panic!("expected a refused token, got {other:?}"),
    }
}

const BACK: &str = "https://news.example.com/articles/42";

#[test]
fn a_genuine_landing_gives_the_session_and_the_return_url() {
    let mut claims = answer_claims("sid-7", "loggedin");
    claims["at"] = json!("tkt-7");
    let landing = land(&answer_token(&claims), BACK).unwrap();
    assert_eq!(landing.session().sid(), "sid-7");
    assert_eq!(landing.session().status(), Sso2Status::LoggedIn);
    assert_eq!(landing.session().ticket().unwrap().expose_secret(), "tkt-7");
    assert_eq!(landing.return_url().as_str(), BACK);
    let shown = format!("{landing:?}");
    assert!(
        !shown.contains("sid-7") && !shown.contains("tkt-7"),
        "{shown}"
    );
    assert!(landing.replay_ttl().as_secs() > 100, "exp + leeway");
}

#[test]
fn an_exp_further_than_five_minutes_ahead_is_refused() {
    use payway_client::sso2::MAX_LANDING_LIFETIME;

    // The leeway is 60 s: exp up to 5 minutes and a leeway ahead is accepted...
    let limit = MAX_LANDING_LIFETIME.as_secs() + 60;
    let mut claims = answer_claims("sid-7", "loggedin");
    claims["exp"] = json!(now() + limit - 5);
    let landing = land(&answer_token(&claims), BACK).unwrap();
    assert!(landing.replay_ttl().as_secs() <= limit + 60);
    // ... a minute more, an hour, a year, or a number too large for any clock is not.
    for exp in [
        json!(now() + limit + 60),
        json!(now() + 3600),
        json!(now() + 365 * 24 * 3600),
        json!(4_102_444_800_u64),
        json!(1e20),
    ] {
        claims["exp"] = exp.clone();
        assert_eq!(
            token_error(land(&answer_token(&claims), BACK)),
            TokenError::ExpiresTooLate,
            "{exp}"
        );
    }
}

#[test]
fn forged_tokens_are_refused() {
    let claims = answer_claims("sid-7", "loggedin");
    // Another key.
    let other_key = sign_with(Algorithm::HS256, "another-secret-0123456789", &claims);
    assert_eq!(
        token_error(land(&other_key, BACK)),
        TokenError::BadSignature
    );
    // HS512 with the right secret.
    let hs512 = sign_with(Algorithm::HS512, SSO_SECRET, &claims);
    assert_eq!(
        token_error(land(&hs512, BACK)),
        TokenError::WrongAlgorithm {
            found: Some("HS512".to_owned())
        }
    );
    // `alg: none`, unsigned, in any case.
    for alg in ["none", "None", "NONE"] {
        let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
        let body = URL_SAFE_NO_PAD.encode(claims.to_string());
        for unsigned in [format!("{header}.{body}."), format!("{header}.{body}")] {
            let error = token_error(land(&unsigned, BACK));
            assert!(
                matches!(
                    error,
                    TokenError::WrongAlgorithm { .. } | TokenError::Malformed { .. }
                ),
                "{alg}: {error:?}"
            );
        }
        let with_garbage = format!("{header}.{body}.c2lnbmF0dXJl");
        assert_eq!(
            token_error(land(&with_garbage, BACK)),
            TokenError::WrongAlgorithm {
                found: Some(alg.to_owned())
            }
        );
    }
    // Expired beyond the leeway (60 s), and still fine within it.
    let mut old = answer_claims("sid-7", "anon");
    old["exp"] = json!(now() - 200);
    assert_eq!(
        token_error(land(&answer_token(&old), BACK)),
        TokenError::Expired
    );
    old["exp"] = json!(now() - 30);
    assert!(land(&answer_token(&old), BACK).is_ok());
    // No `sid`; no `sts`; an unknown `sts`.
    for (remove, claim) in [("sid", "sid"), ("sts", "sts")] {
        let mut partial = answer_claims("sid-7", "anon");
        partial.as_object_mut().unwrap().remove(remove);
        assert_eq!(
            token_error(land(&answer_token(&partial), BACK)),
            TokenError::MissingClaim { claim }
        );
    }
    let mut unknown = answer_claims("sid-7", "suspended");
    assert!(matches!(
        token_error(land(&answer_token(&unknown), BACK)),
        TokenError::InvalidClaim { claim: "sts", .. }
    ));
    unknown["sts"] = json!("anon");
    unknown["sid"] = json!(42);
    assert!(matches!(
        token_error(land(&answer_token(&unknown), BACK)),
        TokenError::InvalidClaim { claim: "sid", .. }
    ));
    // One of our own request tokens presented back as an answer.
    let mut ours = answer_claims("sid-7", "loggedin");
    ours["aud"] = json!("pw-sso");
    assert_eq!(
        token_error(land(&answer_token(&ours), BACK)),
        TokenError::NotAnAnswer
    );
    // An edited payload under the original signature.
    let genuine = answer_token(&answer_claims("sid-7", "anon"));
    let mut parts: Vec<&str> = genuine.split('.').collect();
    let edited_body = URL_SAFE_NO_PAD.encode(answer_claims("sid-7", "loggedin").to_string());
    parts[1] = &edited_body;
    assert_eq!(
        token_error(land(&parts.join("."), BACK)),
        TokenError::BadSignature
    );
}

#[test]
fn repeated_members_and_crit_are_refused() {
    let now = now();
    let repeated = format!(
        r#"{{"sid":"a","sts":"anon","sts":"loggedin","exp":{}}}"#,
        now + 60
    );
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
    let token = hand_signed(&header, &repeated);
    assert_eq!(token_error(land(&token, BACK)), TokenError::RepeatedMember);
    let crit = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","crit":["b64"],"b64":false}"#);
    let token = hand_signed(&crit, &answer_claims("a", "anon").to_string());
    assert_eq!(token_error(land(&token, BACK)), TokenError::CriticalHeader);
}

/// A token signed over exactly this header and these claims, with the secret.
fn hand_signed(header_b64: &str, claims: &str) -> String {
    use hmac::{KeyInit as _, Mac as _};
    let signing_input = format!("{header_b64}.{}", URL_SAFE_NO_PAD.encode(claims));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SSO_SECRET.as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    let tag = mac.finalize().into_bytes();
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(tag))
}

#[test]
fn return_urls_outside_the_policy_are_refused() {
    let t = answer_token(&answer_claims("sid-7", "anon"));
    for r in [
        "https://evil.example/",
        "//evil.example/",
        "///evil.example/",
        "https://news.example.com@evil.example/",
        "https://news.example.com:@evil.example/",
        "https://user:pw@news.example.com/",
        "https://evil.example\\@news.example.com/",
        "https://news.example.com.evil.example/",
        "https:\\\\evil.example",
        "http://news.example.com/",
        "javascript:alert(document.cookie)",
        "/relative/path",
        "https://news.example.com:8443/",
        "",
    ] {
        let error = land(&t, r).unwrap_err();
        assert!(
            matches!(error, Error::Landing(LandingError::ReturnUrlRefused)),
            "{r}: {error:?}"
        );
    }
    // A refused `r` is refused even when the token itself is a forgery: no redirect either way.
    assert!(land("not-a-token", "https://evil.example/").is_err());
}

#[test]
fn malformed_landings_are_refused() {
    let sso2 = sso2_at("https://sso.example.com/");
    let t = answer_token(&answer_claims("sid-7", "anon"));
    let with = |query: &str| {
        sso2.landing(
            &Url::parse(&format!("https://news.example.com/landing?{query}")).unwrap(),
            &policy(),
        )
    };
    let r = "https%3A%2F%2Fnews.example.com%2F";
    for (query, expected) in [
        (format!("r={r}"), LandingError::MissingToken),
        (format!("t={t}"), LandingError::MissingReturnUrl),
        (format!("t={t}&t={t}&r={r}"), LandingError::Duplicate),
        (format!("t={t}&r={r}&r={r}"), LandingError::Duplicate),
        (
            format!("t={t}&r={r}&pad={}", "x".repeat(17_000)),
            LandingError::QueryTooLong,
        ),
    ] {
        let error = with(&query).unwrap_err();
        assert!(
            matches!(error, Error::Landing(e) if e == expected),
            "{query:.60}: {error:?}"
        );
    }
    let huge = "a".repeat(MAX_TOKEN_BYTES + 1);
    assert!(matches!(
        with(&format!("t={huge}&r={r}")).unwrap_err(),
        Error::TokenTooLarge { .. }
    ));
    // Other parameters (utm_*, a capital `T`) are ignored, and so is their value.
    let ok = with(&format!("utm_source=x&T=junk&t={t}&r={r}")).unwrap();
    assert_eq!(ok.session().status(), Sso2Status::Anonymous);
}
