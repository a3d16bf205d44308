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

#[test]
fn landing_seeds_land_and_forgeries_do_not() {
    if corpus().is_none() {
        return;
    }
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
    assert_eq!(
        land("seed-logged-in").unwrap().session().status(),
        Sso2Status::LoggedIn
    );
    assert!(land("seed-anonymous").is_ok());
    assert!(land("seed-error").unwrap().session().error().is_some());
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
    assert_eq!(key.seal(&cookie), value("seed-logged-in"));
    assert!(key.open(&value("seed-anonymous")).is_ok());
    assert!(key.open(&value("seed-old-key")).is_err());
    let rotating = key
        .with_previous(b"fuzz-old-session-cookie-key-0123456789ab")
        .unwrap();
    assert!(rotating.open(&value("seed-old-key")).is_ok());
}
