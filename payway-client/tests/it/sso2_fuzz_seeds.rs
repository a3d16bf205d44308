//! The SSO2 fuzz targets' seeds reach the branch where a landing is accepted and a cookie
//! opens, so the fuzzers start from inputs their invariants actually check.

use std::path::Path;

use payway_client::ReturnPolicy;
use payway_client::sso2::{SessionCookieKey, Sso2Client, Sso2Status};
use url::Url;

/// The corpus, in a checkout (a published crate leaves `fuzz/` out).
fn corpus() -> Option<std::path::PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    path.is_dir().then_some(path)
}

fn seed(target: &str, name: &str) -> Vec<u8> {
    let path = corpus().unwrap().join(target).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The landing seeds' token and `r`, with the hosts their policy allows.
fn landing_seed(name: &str) -> (Vec<String>, String, String) {
    let text = String::from_utf8(seed("sso2_landing", name)).unwrap();
    let (hosts, url) = text.split_once('\n').unwrap();
    let url = Url::parse(url).unwrap();
    let param = |wanted: &str| {
        url.query_pairs()
            .find(|(name, _)| name == wanted)
            .map(|(_, value)| value.into_owned())
            .unwrap()
    };
    (
        hosts.split(',').map(str::to_owned).collect(),
        param("t"),
        param("r"),
    )
}

#[test]
fn landing_seeds_are_signed_and_short_lived_and_forgeries_are_not() {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation};
    use payway_client::sso2::TokenError;
    use payway_client::{Error, LoginState};

    if corpus().is_none() {
        return;
    }
    // The target holds its clock at 1,700,000,030: the seeds were signed for that time, and
    // jsonwebtoken (apart from the crate) checks them there.
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let key = DecodingKey::from_secret(b"fuzz-sso2-client-secret-0123456789");
    for (name, sts) in [
        ("seed-logged-in", "loggedin"),
        ("seed-anonymous", "anon"),
        ("seed-error", "anon"),
        ("seed-open-redirect", "loggedin"),
    ] {
        let (hosts, t, r) = landing_seed(name);
        let claims = jsonwebtoken::decode::<serde_json::Value>(&t, &key, &validation)
            .unwrap()
            .claims;
        assert_eq!(claims["sts"], sts, "{name}");
        assert_eq!(claims["iat"], 1_700_000_000_u64, "{name}");
        assert_eq!(claims["exp"], 1_700_000_060_u64, "{name}");
        let allowed = ReturnPolicy::allow_hosts(&hosts).check(&r).is_ok();
        assert_eq!(allowed, name != "seed-open-redirect", "{name}");
    }
    // The logged-in seed's `r` carries a login state as the crate writes it.
    let (_, _, r) = landing_seed("seed-logged-in");
    let state = LoginState::new().unwrap();
    let value = Url::parse(&r)
        .unwrap()
        .query_pairs()
        .find(|(name, _)| name == "pw_state")
        .map(|(_, value)| value.into_owned())
        .unwrap();
    assert_eq!(value.len(), state.value().len());
    // Today, the seeds are long expired, and the far-future one is refused for its `exp`.
    let sso2 = Sso2Client::builder()
        .base_url(Url::parse("https://sso.example.com/").unwrap())
        .client_id("fuzz-client")
        .client_secret("fuzz-sso2-client-secret-0123456789")
        .organisation_id("fuzz-org")
        .build()
        .unwrap();
    let land = |name: &str| {
        let text = String::from_utf8(seed("sso2_landing", name)).unwrap();
        let (hosts, url) = text.split_once('\n').unwrap();
        sso2.landing(
            &Url::parse(url).unwrap(),
            &ReturnPolicy::allow_hosts(hosts.split(',')),
        )
    };
    assert!(matches!(
        land("seed-logged-in"),
        Err(Error::Sso2Token(TokenError::Expired))
    ));
    assert!(matches!(
        land("seed-far-exp"),
        Err(Error::Sso2Token(TokenError::ExpiresTooLate))
    ));
    assert!(land("seed-open-redirect").is_err());
    assert!(land("seed-alg-none").is_err());
}

#[test]
fn cookie_seeds_open_under_their_keys() {
    if corpus().is_none() {
        return;
    }
    let key = SessionCookieKey::new(b"fuzz-session-cookie-key-0123456789abcdef").unwrap();
    let value = |name: &str| String::from_utf8(seed("session_cookie", name)[1..].to_vec()).unwrap();
    let cookie = key.open(&value("seed-logged-in")).unwrap();
    assert!(cookie.has_product("weekend"));
    assert_eq!(cookie.status(), Sso2Status::LoggedIn);
    assert!(key.open(&value("seed-anonymous")).is_ok());
    assert!(key.open(&value("seed-old-key")).is_err());
    let rotating = key
        .with_previous(b"fuzz-old-session-cookie-key-0123456789ab")
        .unwrap();
    assert!(rotating.open(&value("seed-old-key")).is_ok());
}
