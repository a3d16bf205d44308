//! `Sso2Client::landing` on a hostile callback URL. Invariants: a landing is accepted only
//! when its `t` is an HS256 token whose signature, recomputed here with `hmac` apart from the
//! crate's code, matches under the secret; an accepted return URL is always allowed by the
//! policy (and passes its check again as text); the session id is never empty.
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
    let Ok(landing) = client().landing(&callback, &policy) else {
        return;
    };
    let token = callback
        .query_pairs()
        .find(|(name, _)| name == "t")
        .map(|(_, value)| value.into_owned())
        .unwrap();
    assert!(
        signed_with_secret(&token),
        "a session from a token not signed with the secret"
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
    assert!(!landing.session().sid().is_empty());
});
