//! No crate buffers more than its cap of a provider's answer: a body announced too large is
//! refused before it is read, and one that never ends is cut at the cap, long before the
//! request's timeout.

use std::time::Duration;

use crate::calls::{Outcome, reading_calls};
use crate::recorder::{Recorder, Script};

async fn every_call_refuses(script: Script) {
    let provider = Recorder::start(script.clone()).await;
    for (name, call) in reading_calls(&provider.url()) {
        let outcome = tokio::time::timeout(Duration::from_secs(5), call)
            .await
            .unwrap_or_else(|_| panic!("{name} kept reading {script:?}"));
        assert!(
            matches!(outcome, Outcome::TooLarge),
            "{name} on {script:?}: {outcome:?}"
        );
    }
}

#[tokio::test]
async fn an_oversized_body_is_refused_by_every_call() {
    every_call_refuses(Script::Oversized(200 * 1024)).await;
}

#[tokio::test]
async fn a_body_that_never_ends_is_cut_at_the_cap_by_every_call() {
    every_call_refuses(Script::Endless).await;
}

#[test]
fn an_access_grant_body_over_the_cap_is_refused_before_parsing() {
    let body = vec![b' '; accesstype_jwt::MAX_BODY_BYTES + 1];
    assert!(matches!(
        accesstype_jwt::AccessGrant::from_slice(&body),
        Err(accesstype_jwt::Error::BodyTooLarge { .. })
    ));
}

#[test]
fn every_crate_caps_bodies_at_the_same_size() {
    assert_eq!(tiun_client::MAX_BODY_BYTES, 64 * 1024);
    assert_eq!(payway_client::MAX_BODY_BYTES, 64 * 1024);
    assert_eq!(accesstype_jwt::MAX_BODY_BYTES, 64 * 1024);
}

#[test]
fn every_http_crate_names_the_same_default_timeouts() {
    use std::time::Duration;
    for (timeout, connect) in [
        (
            tiun_client::DEFAULT_TIMEOUT,
            tiun_client::DEFAULT_CONNECT_TIMEOUT,
        ),
        (
            payway_client::DEFAULT_TIMEOUT,
            payway_client::DEFAULT_CONNECT_TIMEOUT,
        ),
        (
            accesstype_jwt::DEFAULT_TIMEOUT,
            accesstype_jwt::DEFAULT_CONNECT_TIMEOUT,
        ),
    ] {
        assert_eq!(timeout, Duration::from_secs(10));
        assert_eq!(connect, Duration::from_secs(5));
    }
}

#[test]
fn every_crate_caps_cookie_headers_at_the_same_size_and_refuses_one_byte_more() {
    assert_eq!(tulo_jwt::MAX_COOKIE_HEADER_BYTES, 64 * 1024);
    assert_eq!(payway_client::MAX_COOKIE_HEADER_BYTES, 64 * 1024);
    assert_eq!(accesstype_jwt::MAX_COOKIE_HEADER_BYTES, 64 * 1024);
    // Other cookies, then the one each crate reads, one byte past the cap in all.
    let header = |name: &str| {
        let tail = format!("; {name}=x");
        let filler = 64 * 1024 + 1 - tail.len() - "pad=".len();
        format!("pad={}{tail}", "a".repeat(filler))
    };
    let over = header(tulo_jwt::COOKIE_NAME);
    assert_eq!(over.len(), 64 * 1024 + 1);
    assert!(matches!(
        tulo_jwt::find_cookie(&over),
        Err(tulo_jwt::Error::CookieHeaderTooLarge { .. })
    ));
    let over = header("at-meter");
    assert!(matches!(
        accesstype_jwt::ReaderId::from_cookie_header(&over),
        Err(accesstype_jwt::Error::CookieHeaderTooLarge { .. })
    ));
    let key = payway_client::sso2::SessionCookieKey::new(&[7; 32]).unwrap();
    let over = header(payway_client::sso2::COOKIE_NAME);
    assert!(matches!(
        key.open_cookie_header(&over),
        Err(payway_client::Error::CookieHeaderTooLarge { .. })
    ));
}
