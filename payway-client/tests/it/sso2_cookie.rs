//! `SessionCookie` sealed by `SessionCookieKey` (XChaCha20-Poly1305): unreadable without the
//! key, the tamper matrix (every byte changed, cuts, another key, expired, the signed-only
//! form of earlier versions), the size of the largest cookie, and key rotation.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use payway_client::sso2::{SessionCookie, SessionCookieError, SessionCookieKey, Sso2Session};
use payway_client::{Error, MIN_SECRET_BYTES, ReturnPolicy};
use url::Url;

use crate::sso2_support::{answer_claims, answer_token, sso2_at};

const KEY: &[u8] = b"site-cookie-key-0123456789abcdef!!";
const OLD_KEY: &[u8] = b"old-site-cookie-key-0123456789abcdef";

/// A session as SSO2 signs it, through a landing.
pub(crate) fn session(sid: &str, sts: &str) -> Sso2Session {
    let mut url = Url::parse("https://news.example.com/landing").unwrap();
    url.query_pairs_mut()
        .append_pair("t", &answer_token(&answer_claims(sid, sts)))
        .append_pair("r", "https://news.example.com/");
    sso2_at("https://sso.example.com/")
        .landing(&url, &ReturnPolicy::allow_hosts(["news.example.com"]))
        .unwrap()
        .into_parts()
        .0
}

/// A cookie stamped with the current time: build it once per comparison, as two cookies
/// built a second apart differ.
fn cookie() -> SessionCookie {
    SessionCookie::new(&session("3f2b8c1e-4d5a-4e6f-9a7b-1c2d3e4f5a6b", "loggedin"))
        .with_account("5f3c9a1e0d", ["premium", "weekend"])
        .unwrap()
}

fn refused(result: Result<SessionCookie, Error>) -> bool {
    matches!(
        result,
        Err(Error::SessionCookie(_) | Error::TokenTooLarge { .. })
    )
}

const SID: &str = "3f2b8c1e-4d5a-4e6f-9a7b-1c2d3e4f5a6b";

#[test]
fn a_sealed_cookie_opens_to_what_was_sealed() {
    let key = SessionCookieKey::new(KEY).unwrap();
    let cookie = cookie();
    let sealed = key.seal(&cookie).unwrap();
    let opened = key.open(&sealed).unwrap();
    assert_eq!(opened, cookie);
    assert!(opened.has_product("weekend") && !opened.has_product("sport"));
    assert_eq!(opened.account_id(), Some("5f3c9a1e0d"));
    // Small: it travels with every request.
    assert!(sealed.len() < 200, "{} bytes: {sealed}", sealed.len());
    // A fresh nonce each time: the same cookie never seals to the same value.
    assert_ne!(sealed, key.seal(&cookie).unwrap());
}

/// Whether `needle` appears in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_cookie_is_unreadable_without_the_key() {
    let key = SessionCookieKey::new(KEY).unwrap();
    let account = "5f3c9a1e0d4b7a2c1e0f9d8b";
    let products = ["premium-digital", "weekend-print", "epaper-archive"];
    let cookie = SessionCookie::new(&session(SID, "loggedin"))
        .with_account(account, products)
        .unwrap();
    let sealed = key.seal(&cookie).unwrap();
    let decoded = URL_SAFE_NO_PAD.decode(&sealed).unwrap();
    // Nor in any base64 reading of it, from any of the first four offsets.
    let mut readings = vec![sealed.clone().into_bytes(), decoded];
    for skip in 0..4 {
        let text: String = sealed.chars().skip(skip).collect();
        let whole = text.len() / 4 * 4;
        if let Ok(bytes) = STANDARD.decode(text[..whole].replace('-', "+").replace('_', "/")) {
            readings.push(bytes);
        }
    }
    let sid_bytes = SID.as_bytes();
    for reading in &readings {
        for clear in [account.as_bytes(), sid_bytes, &sid_bytes[..8]] {
            assert!(
                !contains(reading, clear),
                "{:?}",
                String::from_utf8_lossy(clear)
            );
        }
        for product in products {
            assert!(!contains(reading, product.as_bytes()), "{product}");
        }
    }
    // The key reads it all back.
    let opened = key.open(&sealed).unwrap();
    assert_eq!((opened.sid(), opened.account_id()), (SID, Some(account)));
}

#[test]
fn the_largest_cookie_fits_in_4_kib() {
    let key = SessionCookieKey::new(KEY).unwrap();
    let long_sid = "s".repeat(256);
    let products: Vec<String> = (0..32).map(|i| format!("{i:-<64}")).collect();
    let cookie = SessionCookie::new(&session(&long_sid, "loggedin"))
        .with_account(&"a".repeat(128), products.clone())
        .unwrap();
    let set_cookie = key.set_cookie(&cookie).unwrap();
    assert!(set_cookie.len() <= 4096, "{} bytes", set_cookie.len());
    let pair = set_cookie.split(';').next().unwrap();
    let opened = key.open_cookie_header(pair).unwrap().unwrap();
    assert_eq!(opened.products(), products.as_slice());
    assert_eq!(opened.sid(), long_sid);
}

/// A cookie in the signed-only form versions before sealing wrote (and opened): the binary
/// form (version 2) in base64url, a dot, and the HMAC-SHA256 under the site's key of a
/// context and that text, in base64url. It expires in 9999.
fn signed_only(secret: &[u8], sid: &str, account: &str, products: &[&str]) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let far = 253_402_300_000_u64;
    let mut bytes = vec![2_u8, 1];
    bytes.extend_from_slice(&now.to_be_bytes());
    bytes.extend_from_slice(&far.to_be_bytes());
    bytes.extend_from_slice(&(sid.len() as u16).to_be_bytes());
    bytes.extend_from_slice(sid.as_bytes());
    bytes.push(account.len() as u8);
    bytes.extend_from_slice(account.as_bytes());
    bytes.extend_from_slice(&now.to_be_bytes());
    bytes.extend_from_slice(&far.to_be_bytes());
    bytes.push(products.len() as u8);
    for product in products {
        bytes.push(product.len() as u8);
        bytes.extend_from_slice(product.as_bytes());
    }
    let payload = URL_SAFE_NO_PAD.encode(&bytes);
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).unwrap();
    mac.update(b"payway-client sso2 session cookie v1\0");
    mac.update(payload.as_bytes());
    let tag = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{payload}.{tag}")
}

#[test]
fn the_signed_only_form_of_earlier_versions_is_refused() {
    let key = SessionCookieKey::new(KEY).unwrap();
    let forgeable = signed_only(KEY, SID, "5f3c9a1e0d", &["premium"]);
    assert!(matches!(
        key.open(&forgeable),
        Err(Error::SessionCookie(SessionCookieError::Malformed))
    ));
    let header = format!("__Host-payway-sso2={forgeable}");
    assert!(key.open_cookie_header(&header).is_err());
    // Under rotation too: the previous key opens only what it sealed.
    let rotating = SessionCookieKey::new(OLD_KEY)
        .unwrap()
        .with_previous(KEY)
        .unwrap();
    assert!(rotating.open(&forgeable).is_err());
}

#[test]
fn every_byte_changed_is_refused() {
    let key = SessionCookieKey::new(KEY).unwrap();
    let sealed = key.seal(&cookie()).unwrap();
    let alphabet: Vec<char> =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/% ;\u{0}é"
            .chars()
            .collect();
    let mut tried = 0;
    for (at, original) in sealed.char_indices() {
        for &replacement in &alphabet {
            if replacement == original {
                continue;
            }
            let mut edited = String::with_capacity(sealed.len() + 2);
            edited.push_str(&sealed[..at]);
            edited.push(replacement);
            edited.push_str(&sealed[at + original.len_utf8()..]);
            assert!(
                refused(key.open(&edited)),
                "byte {at} changed to {replacement:?} opened"
            );
            tried += 1;
        }
    }
    assert!(tried > 5000, "{tried}");
}

#[test]
fn cuts_additions_and_splices_are_refused() {
    let key = SessionCookieKey::new(KEY).unwrap();
    let sealed = key.seal(&cookie()).unwrap();
    for cut in 0..sealed.len() {
        assert!(refused(key.open(&sealed[..cut])), "cut at {cut}");
        assert!(refused(key.open(&sealed[cut + 1..])), "cut before {cut}");
    }
    for bad in [
        format!("{sealed}."),
        format!("{sealed}A"),
        format!("{sealed}AAAA"),
        format!("{sealed}="),
        format!("{sealed}.{sealed}"),
        format!(" {sealed}"),
        format!("\"{sealed}\""),
    ] {
        assert!(refused(key.open(&bad)), "{bad}");
    }
    // One genuine cookie's nonce with another's ciphertext.
    let other = key.seal(&cookie().without_account()).unwrap();
    let spliced = format!("{}{}", &other[..32], &sealed[32..]);
    assert!(matches!(
        key.open(&spliced),
        Err(Error::SessionCookie(SessionCookieError::BadTag))
    ));
    let huge = "A".repeat(9000);
    assert!(matches!(key.open(&huge), Err(Error::TokenTooLarge { .. })));
}

#[test]
fn another_key_and_expiry_are_refused() {
    let key = SessionCookieKey::new(KEY).unwrap();
    let stranger = SessionCookieKey::new(b"a-stranger's-key-0123456789abcdef").unwrap();
    assert!(matches!(
        key.open(&stranger.seal(&cookie()).unwrap()),
        Err(Error::SessionCookie(SessionCookieError::BadTag))
    ));
    let expired = cookie()
        .with_lifetime(Duration::from_secs(60))
        .with_confirmed_at(SystemTime::now() - Duration::from_secs(61));
    let error = key.open(&key.seal(&expired).unwrap()).unwrap_err();
    assert!(
        matches!(error, Error::SessionCookie(SessionCookieError::Expired)),
        "{error:?}"
    );
    assert!(error.is_expired());
    assert!(
        key.open(&key.seal(&cookie().with_lifetime(Duration::ZERO)).unwrap())
            .is_err()
    );
    let alive = cookie()
        .with_lifetime(Duration::from_secs(60))
        .with_confirmed_at(SystemTime::now() - Duration::from_secs(50));
    assert!(key.open(&key.seal(&alive).unwrap()).is_ok());
}

#[test]
fn rotation_opens_old_and_new_and_seals_new() {
    let old = SessionCookieKey::new(OLD_KEY).unwrap();
    let rotating = SessionCookieKey::new(KEY)
        .unwrap()
        .with_previous(OLD_KEY)
        .unwrap();
    let new_only = SessionCookieKey::new(KEY).unwrap();
    let cookie = cookie();
    let sealed_by_old = old.seal(&cookie).unwrap();
    assert_eq!(rotating.open(&sealed_by_old).unwrap(), cookie);
    assert!(new_only.open(&sealed_by_old).is_err());
    let resealed = rotating.seal(&cookie).unwrap();
    assert_eq!(
        new_only.open(&resealed).unwrap(),
        cookie,
        "sealed with the new key"
    );
    assert!(old.open(&resealed).is_err());
    // Editing a cookie sealed by the old key is refused under both keys.
    let mut edited = sealed_by_old.into_bytes();
    edited[3] ^= 0x01;
    assert!(rotating.open(&String::from_utf8(edited).unwrap()).is_err());
}

#[test]
fn keys_need_32_bytes() {
    for len in [0, 1, 16, MIN_SECRET_BYTES - 1] {
        let error = SessionCookieKey::new(&vec![7; len]).unwrap_err();
        assert!(
            matches!(error, Error::ShortSecret { len: l, min: 32 } if l == len),
            "{error:?}"
        );
    }
    assert!(SessionCookieKey::new(&[7; MIN_SECRET_BYTES]).is_ok());
    assert!(
        SessionCookieKey::new(KEY)
            .unwrap()
            .with_previous(b"short")
            .is_err()
    );
}

#[test]
fn needs_refresh_follows_the_last_confirmation() {
    let fresh = cookie();
    assert!(!fresh.needs_refresh(Duration::from_secs(30)));
    assert!(fresh.needs_refresh(Duration::ZERO));
    let older = fresh
        .clone()
        .with_confirmed_at(SystemTime::now() - Duration::from_secs(45));
    assert!(older.needs_refresh(Duration::from_secs(30)));
    assert!(!older.needs_refresh(Duration::from_secs(60)));
    // A confirmation in the future (a clock that went back) asks again.
    let future = fresh.with_confirmed_at(SystemTime::now() + Duration::from_secs(3600));
    assert!(future.needs_refresh(Duration::from_secs(60)));
}
