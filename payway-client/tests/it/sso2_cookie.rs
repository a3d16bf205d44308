//! `SessionCookie` sealed by `SessionCookieKey`: the tamper matrix (every byte changed, cuts,
//! the tag removed, another key, expired), and key rotation.

use std::time::{Duration, SystemTime};

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

#[test]
fn a_sealed_cookie_opens_to_what_was_sealed() {
    let key = SessionCookieKey::new(KEY).unwrap();
    let cookie = cookie();
    let sealed = key.seal(&cookie);
    let opened = key.open(&sealed).unwrap();
    assert_eq!(opened, cookie);
    assert!(opened.has_product("weekend") && !opened.has_product("sport"));
    assert_eq!(opened.account_id(), Some("5f3c9a1e0d"));
    // Small: it travels with every request.
    assert!(sealed.len() < 180, "{} bytes: {sealed}", sealed.len());
    // The session id is not in the value as text.
    assert!(!sealed.contains("3f2b8c1e"));
}

#[test]
fn every_byte_changed_is_refused() {
    let key = SessionCookieKey::new(KEY).unwrap();
    let sealed = key.seal(&cookie());
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
fn cuts_additions_and_a_removed_tag_are_refused() {
    let key = SessionCookieKey::new(KEY).unwrap();
    let sealed = key.seal(&cookie());
    for cut in 0..sealed.len() {
        assert!(refused(key.open(&sealed[..cut])), "cut at {cut}");
        assert!(refused(key.open(&sealed[cut + 1..])), "cut before {cut}");
    }
    let (payload, _tag) = sealed.split_once('.').unwrap();
    for bad in [
        payload.to_owned(),
        format!("{payload}."),
        format!("{sealed}A"),
        format!("{sealed}="),
        format!("{sealed}.{}", sealed.split_once('.').unwrap().1),
        format!(" {sealed}"),
        format!("\"{sealed}\""),
    ] {
        assert!(refused(key.open(&bad)), "{bad}");
    }
    // Two genuine cookies' halves swapped.
    let other = key.seal(&cookie().without_account());
    let spliced = format!(
        "{}.{}",
        other.split_once('.').unwrap().0,
        sealed.split_once('.').unwrap().1
    );
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
        key.open(&stranger.seal(&cookie())),
        Err(Error::SessionCookie(SessionCookieError::BadTag))
    ));
    let expired = cookie()
        .with_lifetime(Duration::from_secs(60))
        .with_confirmed_at(SystemTime::now() - Duration::from_secs(61));
    let error = key.open(&key.seal(&expired)).unwrap_err();
    assert!(
        matches!(error, Error::SessionCookie(SessionCookieError::Expired)),
        "{error:?}"
    );
    assert!(error.is_expired());
    assert!(
        key.open(&key.seal(&cookie().with_lifetime(Duration::ZERO)))
            .is_err()
    );
    let alive = cookie()
        .with_lifetime(Duration::from_secs(60))
        .with_confirmed_at(SystemTime::now() - Duration::from_secs(50));
    assert!(key.open(&key.seal(&alive)).is_ok());
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
    let sealed_by_old = old.seal(&cookie);
    assert_eq!(rotating.open(&sealed_by_old).unwrap(), cookie);
    assert!(new_only.open(&sealed_by_old).is_err());
    let resealed = rotating.seal(&cookie);
    assert_eq!(resealed, new_only.seal(&cookie), "sealed with the new key");
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
