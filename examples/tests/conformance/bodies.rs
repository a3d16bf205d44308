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
