//! `Sso2Client::landing` on a hostile callback URL, with the clock held at the seeds' time.
//! Invariants: a landing is accepted only when its `t` is an HS256 token whose signature,
//! recomputed here with `hmac` apart from the crate's code, matches under the secret, and
//! whose `exp` lies no further ahead than the landing lifetime allows; an accepted return
//! URL is always allowed by the policy (and passes its check again as text) and carries no
//! login state; the session id is never empty.
//!
//! Input: the allowed hosts (comma-separated) on the first line, the callback URL after it.

#![no_main]

use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit as _, Mac as _};
use libfuzzer_sys::fuzz_target;
use payway_client::ReturnPolicy;
use payway_client::sso2::Sso2Client;
use sha2::Sha256;
use url::Url;

const SECRET: &str = "fuzz-sso2-client-secret-0123456789";

/// The clock the target runs at: the seeds were signed for it (`iat` 1,700,000,000, `exp` a
/// minute later).
const NOW: u64 = 1_700_000_030;

/// The latest `exp` a landing may carry at [`NOW`]: five minutes and two leeways (60 s).
const LATEST_EXP: f64 = (NOW + 300 + 120) as f64;

/// One client for the whole run: building one sets up TLS, which is slow.
fn client() -> &'static Sso2Client {
    static CLIENT: OnceLock<Sso2Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        Sso2Client::builder()
            .base_url(Url::parse("https://sso.example.com/").unwrap())
            .client_id("fuzz-client")
            .client_secret(SECRET)
            .organisation_id("fuzz-org")
            .build()
            .unwrap()
    })
}

/// Whether `token` is signed with SECRET under HS256, checked without the crate.
fn signed_with_secret(token: &str) -> bool {
    let Some((signed, signature)) = token.rsplit_once('.') else {
        return false;
    };
    let Some((header, _)) = signed.split_once('.') else {
        return false;
    };
    let Ok(header) = URL_SAFE_NO_PAD.decode(header) else {
        return false;
    };
    let Ok(header) = serde_json::from_slice::<serde_json::Value>(&header) else {
        return false;
    };
    if header["alg"] != "HS256" {
        return false;
    }
    let claims = signed
        .split_once('.')
        .and_then(|(_, claims)| URL_SAFE_NO_PAD.decode(claims).ok())
        .and_then(|claims| serde_json::from_slice::<serde_json::Value>(&claims).ok());
    if claims
        .and_then(|c| c["exp"].as_f64())
        .is_none_or(|exp| exp > LATEST_EXP)
    {
        return false;
    }
    let Ok(signature) = URL_SAFE_NO_PAD.decode(signature) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(signed.as_bytes());
    mac.verify_slice(&signature).is_ok()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (hosts, callback) = text.split_once('\n').unwrap_or(("news.example.com", &text));
    let policy = ReturnPolicy::allow_hosts(hosts.split(','));
    let Ok(callback) = Url::parse(callback) else {
        return;
    };
    let Ok(landing) = payway_client::fuzzing::sso2_landing_at(client(), &callback, &policy, NOW)
    else {
        return;
    };
    let token = callback
        .query_pairs()
        .find(|(name, _)| name == "t")
        .map(|(_, value)| value.into_owned())
        .unwrap();
    assert!(
        signed_with_secret(&token),
        "a session from a token not signed with the secret, or living too long"
    );
    let url = landing.return_url();
    assert!(
        policy.allows(url),
        "accepted {url}, which the policy refuses"
    );
    assert!(
        policy.check(url.as_str()).is_ok(),
        "{url} fails its own check"
    );
    assert!(url.username().is_empty() && url.password().is_none());
    assert!(
        !url.query_pairs()
            .any(|(name, _)| name == "pw_state" || name == "pw_retry"),
        "{url} still carries the login state"
    );
    assert!(!landing.session().sid().is_empty());
});
