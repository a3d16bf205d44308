//! No crate follows a redirect: a provider (or a proxy in front of it) that answers `307`
//! to another server must not make the crate send its key, ticket or token there.

use crate::calls::{Outcome, all_calls};
use crate::recorder::{Recorder, Script};

#[tokio::test]
async fn a_redirect_is_an_error_and_its_target_sees_nothing() {
    let elsewhere = Recorder::start(Script::Answer(200, "application/json", "{}".to_owned())).await;
    let mut target = elsewhere.url();
    target.set_path("/collect");
    let provider = Recorder::start(Script::Redirect(target.to_string())).await;
    for (name, call) in all_calls(&provider.url()) {
        let outcome = call.await;
        assert!(
            matches!(outcome, Outcome::Redirected),
            "{name} accepted a redirect: {outcome:?}"
        );
        assert!(elsewhere.seen().is_empty(), "{name} followed the redirect");
    }
    assert!(!provider.seen().is_empty());
}
