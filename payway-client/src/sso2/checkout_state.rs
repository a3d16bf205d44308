//! A checkout bound to the session that started it, without a cookie of its own.
//!
//! [`Sso2Flow::start_checkout`](super::Sso2Flow::start_checkout) runs for every page that
//! shows the paywall. A state cookie per page would pile up, and a cap on them would drop the
//! state of the tab the reader buys in. So a checkout's `pw_state` is tied to what the
//! checkout needs anyway: the reader's session cookie (`__Host-`, `HttpOnly`). It is the time
//! the checkout started and an HMAC-SHA256, under a key derived from the cookie key, of the
//! session id and that time: `{issued}.{tag}`. It reveals nothing of the session id, and only
//! the browser holding that session (or a copy of its cookie, which is the session itself)
//! completes the checkout, within [`CHECKOUT_STATE_MAX_AGE`].

use std::time::Duration;

use paywall_internal::jws::{self, Hs256Key, TAG_BYTES};

use super::cookie_key::SessionCookieKey;
use crate::login_state::LoginStateError;

/// How long a checkout may take, from the page that showed the paywall to the paywall's post
/// (one hour: paying takes longer than logging in).
pub const CHECKOUT_STATE_MAX_AGE: Duration = Duration::from_secs(60 * 60);

/// Binds the HMAC to this use.
const CONTEXT: &[u8] = b"payway-client checkout state v1\0";

/// The state a checkout of session `sid`, started at `issued` (seconds since the epoch),
/// carries.
pub(crate) fn checkout_state(key: &SessionCookieKey, sid: &str, issued: u64) -> String {
    let tag = key.state_keys().next().map(|key| tag_of(key, sid, issued));
    format!("{issued}.{}", jws::encode(tag.unwrap_or_default()))
}

/// Checks that `value` is the state of a checkout of session `sid`, started no longer than
/// [`CHECKOUT_STATE_MAX_AGE`] before `now` (and not after it), under the key or a previous
/// one; compared in constant time.
pub(crate) fn check_checkout_state(
    key: &SessionCookieKey,
    sid: &str,
    value: &str,
    now: u64,
) -> Result<(), LoginStateError> {
    let (issued, tag) = value.split_once('.').ok_or(LoginStateError::Malformed)?;
    let issued: u64 = issued
        .parse()
        .ok()
        .filter(|_| issued.bytes().all(|byte| byte.is_ascii_digit()))
        .ok_or(LoginStateError::Malformed)?;
    let tag = jws::decode(tag)
        .filter(|tag| tag.len() == TAG_BYTES)
        .ok_or(LoginStateError::Malformed)?;
    let message = message(sid, issued);
    let genuine = key
        .state_keys()
        .any(|key| key.verify(&[CONTEXT, &message], &tag));
    if !genuine {
        return Err(LoginStateError::Mismatch);
    }
    if issued > now || now - issued > CHECKOUT_STATE_MAX_AGE.as_secs() {
        return Err(LoginStateError::Expired);
    }
    Ok(())
}

fn tag_of(key: &Hs256Key, sid: &str, issued: u64) -> [u8; TAG_BYTES] {
    key.sign(&[CONTEXT, &message(sid, issued)])
}

/// The session id, a NUL (which no session id holds) and the time, as the HMAC reads them.
fn message(sid: &str, issued: u64) -> Vec<u8> {
    let mut message = Vec::with_capacity(sid.len() + 21);
    message.extend_from_slice(sid.as_bytes());
    message.push(0);
    message.extend_from_slice(issued.to_string().as_bytes());
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000;

    fn key(secret: &[u8]) -> SessionCookieKey {
        SessionCookieKey::new(secret).unwrap()
    }

    #[test]
    fn a_state_holds_only_for_its_session_key_and_time() {
        let site = key(b"site-cookie-secret-0123456789abcdef");
        let state = checkout_state(&site, "sid-1", NOW);
        assert!(state.starts_with(&format!("{NOW}.")));
        assert!(!state.contains("sid-1"));
        assert_eq!(check_checkout_state(&site, "sid-1", &state, NOW), Ok(()));
        let max_age = CHECKOUT_STATE_MAX_AGE.as_secs();
        assert_eq!(
            check_checkout_state(&site, "sid-1", &state, NOW + max_age),
            Ok(())
        );
        for (sid, now, why) in [
            ("sid-2", NOW, LoginStateError::Mismatch),
            ("sid-1\0", NOW, LoginStateError::Mismatch),
            ("sid-1", NOW + max_age + 1, LoginStateError::Expired),
            ("sid-1", NOW - 1, LoginStateError::Expired),
        ] {
            assert_eq!(check_checkout_state(&site, sid, &state, now), Err(why));
        }
        let other = key(b"another-cookie-secret-0123456789abcdef");
        assert_eq!(
            check_checkout_state(&other, "sid-1", &state, NOW),
            Err(LoginStateError::Mismatch)
        );
        // A later time under the same tag is another message.
        let (_, tag) = state.split_once('.').unwrap();
        let moved = format!("{}.{tag}", NOW + 1);
        assert_eq!(
            check_checkout_state(&site, "sid-1", &moved, NOW + 1),
            Err(LoginStateError::Mismatch)
        );
    }

    #[test]
    fn a_state_from_before_a_key_rotation_still_holds() {
        let old = b"old-cookie-secret-0123456789abcdef";
        let state = checkout_state(&key(old), "sid-1", NOW);
        let rotated = key(b"new-cookie-secret-0123456789abcdef")
            .with_previous(old)
            .unwrap();
        assert_eq!(check_checkout_state(&rotated, "sid-1", &state, NOW), Ok(()));
    }

    #[test]
    fn malformed_states_are_refused() {
        let site = key(b"site-cookie-secret-0123456789abcdef");
        let tag = checkout_state(&site, "sid-1", NOW);
        let (_, tag) = tag.split_once('.').unwrap();
        for bad in [
            String::new(),
            "no-dot".to_owned(),
            format!("+{NOW}.{tag}"),
            format!(" {NOW}.{tag}"),
            format!("{NOW}.{tag}x"),
            format!("{NOW}.{}", &tag[1..]),
            format!("99999999999999999999999.{tag}"),
            format!("{NOW}.{tag}.{tag}"),
        ] {
            assert_eq!(
                check_checkout_state(&site, "sid-1", &bad, NOW),
                Err(LoginStateError::Malformed),
                "{bad}"
            );
        }
    }
}
