//! A checkout bound to the session that started it, without a cookie of its own (see
//! [`Sso2Flow::start_checkout`](super::Sso2Flow::start_checkout) why).
//!
//! The state is `{issued}.{nonce}.{tag}`: the time the checkout started, 16 random bytes,
//! and an HMAC-SHA256, under a key derived from the cookie key, of the session id, that
//! time, the nonce and the return URL. It reveals nothing of the session id; it holds only
//! in a request that carries that session's cookie, for the return URL it was made for,
//! within [`CHECKOUT_STATE_MAX_AGE`]; and the flow takes it once.

use std::time::Duration;

use paywall_internal::jws::{self, TAG_BYTES};
use url::Url;

use super::cookie_key::SessionCookieKey;
use crate::login_state::LoginStateError;
use crate::store::Fingerprint;

/// How long a checkout may take, from the page that showed the paywall to the paywall's post:
/// two hours, for a reader who reads on, or leaves the tab open, before paying. The flow
/// remembers each taken state that long, one entry per purchase.
pub const CHECKOUT_STATE_MAX_AGE: Duration = Duration::from_secs(2 * 60 * 60);

/// Binds the HMAC to this use.
const CONTEXT: &[u8] = b"payway-client checkout state v1\0";
/// The random bytes of a state.
const NONCE_BYTES: usize = 16;
/// The longest decimal `u64`.
const MAX_ISSUED_DIGITS: usize = 20;

/// A new state, as the return URL carries it, for a checkout of session `sid`, started at
/// `issued` (seconds since the epoch), coming back to `return_url` (without its state).
pub(crate) fn new_checkout_state(
    key: &SessionCookieKey,
    sid: &str,
    issued: u64,
    return_url: &Url,
) -> Result<String, LoginStateError> {
    let mut nonce = [0_u8; NONCE_BYTES];
    getrandom::fill(&mut nonce).map_err(|_| LoginStateError::RandomUnavailable)?;
    let tag = key
        .state_key()
        .sign(&[&message(sid, issued, &nonce, return_url)]);
    Ok(format!(
        "{issued}.{}.{}",
        jws::encode(nonce),
        jws::encode(tag)
    ))
}

/// Checks that `value` is the state of a checkout of session `sid` coming back to
/// `return_url` (without its state), made under the key or a previous one (compared in
/// constant time), started no longer than [`CHECKOUT_STATE_MAX_AGE`] before `now` and no
/// more than `leeway` seconds after it (another server's clock); its fingerprint, to take it
/// once.
pub(crate) fn check_checkout_state(
    key: &SessionCookieKey,
    sid: &str,
    value: &str,
    return_url: &Url,
    now: u64,
    leeway: u64,
) -> Result<Fingerprint, LoginStateError> {
    let malformed = LoginStateError::Malformed;
    let mut parts = value.split('.');
    let (Some(issued_text), Some(nonce), Some(tag), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed);
    };
    // One spelling only: decimal digits, no sign, no leading zero.
    let issued: u64 = (issued_text.len() <= MAX_ISSUED_DIGITS)
        .then(|| issued_text.parse().ok())
        .flatten()
        .filter(|issued: &u64| issued.to_string() == issued_text)
        .ok_or(malformed)?;
    let nonce = jws::decode(nonce)
        .filter(|nonce| nonce.len() == NONCE_BYTES)
        .ok_or(malformed)?;
    let tag = jws::decode(tag)
        .filter(|tag| tag.len() == TAG_BYTES)
        .ok_or(malformed)?;
    let message = message(sid, issued, &nonce, return_url);
    if !key.state_keys().any(|key| key.verify(&[&message], &tag)) {
        return Err(LoginStateError::Mismatch);
    }
    let too_early = issued > now.saturating_add(leeway);
    if too_early || now.saturating_sub(issued) > CHECKOUT_STATE_MAX_AGE.as_secs() {
        return Err(LoginStateError::Expired);
    }
    Ok(Fingerprint::of_checkout_state(value))
}

/// What the HMAC reads: the context, the session id's length (8 bytes, big-endian) and the
/// id, the time (8 bytes), the nonce (16) and the return URL, so that no two different
/// inputs are the same bytes.
fn message(sid: &str, issued: u64, nonce: &[u8], return_url: &Url) -> Vec<u8> {
    let url = return_url.as_str();
    let mut message = Vec::with_capacity(CONTEXT.len() + 32 + sid.len() + url.len());
    message.extend_from_slice(CONTEXT);
    message.extend_from_slice(&u64::try_from(sid.len()).unwrap_or(u64::MAX).to_be_bytes());
    message.extend_from_slice(sid.as_bytes());
    message.extend_from_slice(&issued.to_be_bytes());
    message.extend_from_slice(nonce);
    message.extend_from_slice(url.as_bytes());
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000;
    const LEEWAY: u64 = 60;

    fn key(secret: &[u8]) -> SessionCookieKey {
        SessionCookieKey::new(secret).unwrap()
    }

    fn back() -> Url {
        Url::parse("https://news.example.com/articles/9").unwrap()
    }

    fn state(key: &SessionCookieKey, sid: &str, issued: u64) -> String {
        new_checkout_state(key, sid, issued, &back()).unwrap()
    }

    fn check(
        key: &SessionCookieKey,
        sid: &str,
        value: &str,
        now: u64,
    ) -> Result<(), LoginStateError> {
        check_checkout_state(key, sid, value, &back(), now, LEEWAY).map(|_| ())
    }

    #[test]
    fn a_state_holds_only_for_its_session_return_key_and_time() {
        let site = key(b"site-cookie-secret-0123456789abcdef");
        let value = state(&site, "sid-1", NOW);
        assert!(value.starts_with(&format!("{NOW}.")));
        assert_eq!(check(&site, "sid-1", &value, NOW), Ok(()));
        let max_age = CHECKOUT_STATE_MAX_AGE.as_secs();
        assert_eq!(check(&site, "sid-1", &value, NOW + max_age), Ok(()));
        assert_eq!(check(&site, "sid-1", &value, NOW - LEEWAY), Ok(()));
        for (sid, now, why) in [
            ("sid-2", NOW, LoginStateError::Mismatch),
            ("sid-1", NOW + max_age + 1, LoginStateError::Expired),
            ("sid-1", NOW - LEEWAY - 1, LoginStateError::Expired),
        ] {
            assert_eq!(check(&site, sid, &value, now), Err(why), "{sid} {now}");
        }
        let mismatch = Err(LoginStateError::Mismatch);
        let other = key(b"another-cookie-secret-0123456789abcdef");
        assert_eq!(check(&other, "sid-1", &value, NOW), mismatch);
        // Another return URL under the same state.
        let elsewhere = Url::parse("https://news.example.com/articles/10").unwrap();
        let checked = check_checkout_state(&site, "sid-1", &value, &elsewhere, NOW, LEEWAY);
        assert_eq!(checked.map(|_| ()), mismatch);
        // A later time under the same tag is another message.
        let (_, rest) = value.split_once('.').unwrap();
        let moved = format!("{}.{rest}", NOW + 1);
        assert_eq!(check(&site, "sid-1", &moved, NOW + 1), mismatch);
    }

    #[test]
    fn each_state_is_its_own_and_taken_as_itself() {
        let site = key(b"site-cookie-secret-0123456789abcdef");
        let (a, b) = (state(&site, "sid-1", NOW), state(&site, "sid-1", NOW));
        assert_ne!(a, b, "a nonce each");
        let fingerprint = |value: &str| {
            check_checkout_state(&site, "sid-1", value, &back(), NOW, LEEWAY).unwrap()
        };
        assert_ne!(fingerprint(&a), fingerprint(&b));
        assert_eq!(fingerprint(&a), fingerprint(&a));
    }

    #[test]
    fn the_hmac_reads_each_input_apart() {
        // `a1` at 23 and `a` at 123 would both be `a123` written one after the other.
        let (nonce, url) = ([7_u8; NONCE_BYTES], back());
        assert_ne!(
            message("a1", 23, &nonce, &url),
            message("a", 123, &nonce, &url)
        );
        let site = key(b"site-cookie-secret-0123456789abcdef");
        let value = state(&site, "a1", 23);
        assert_eq!(check(&site, "a1", &value, 23), Ok(()));
        let moved = value.replacen("23.", "123.", 1);
        assert_eq!(
            check(&site, "a", &moved, 123),
            Err(LoginStateError::Mismatch)
        );
    }

    #[test]
    fn a_state_from_before_a_key_rotation_still_holds() {
        let old = b"old-cookie-secret-0123456789abcdef";
        let value = state(&key(old), "sid-1", NOW);
        let rotated = key(b"new-cookie-secret-0123456789abcdef")
            .with_previous(old)
            .unwrap();
        assert_eq!(check(&rotated, "sid-1", &value, NOW), Ok(()));
    }

    #[test]
    fn malformed_states_are_refused() {
        let site = key(b"site-cookie-secret-0123456789abcdef");
        let value = state(&site, "sid-1", NOW);
        let (_, rest) = value.split_once('.').unwrap();
        let (nonce, tag) = rest.split_once('.').unwrap();
        for bad in [
            String::new(),
            "no-dot".to_owned(),
            format!("{NOW}.{tag}"),
            format!("0{NOW}.{rest}"),
            format!("+{NOW}.{rest}"),
            format!(" {NOW}.{rest}"),
            format!("{NOW}.{nonce}.{tag}x"),
            format!("{NOW}.{nonce}x.{tag}"),
            format!("{NOW}.{}.{tag}", &nonce[1..]),
            format!("99999999999999999999999.{rest}"),
            format!("{value}.{tag}"),
        ] {
            assert_eq!(
                check(&site, "sid-1", &bad, NOW),
                Err(LoginStateError::Malformed),
                "{bad}"
            );
        }
    }
}
