//! Every URL a crate builds from a caller's piece keeps that piece in one encoded segment
//! (or refuses it): request paths, shop links and access-check URLs alike.

use accesstype_jwt::{Environment as Accesstype, ReaderId};
use payway_client::ShopUrl;
use tiun_client::TiunClient;
use url::Url;

use crate::recorder::{Recorder, Script};
use crate::table::{HOSTILE_SEGMENTS, Must, assert_contained};

fn not_found() -> Script {
    Script::Answer(
        404,
        "application/problem+json",
        r#"{"status":404}"#.to_owned(),
    )
}

fn tiun_at(url: Url) -> TiunClient {
    TiunClient::builder()
        .base_url(url)
        .api_key("conformance-key")
        .build()
        .unwrap()
}

/// A request the crate either refused (`refused`) or sent: then the provider saw it once,
/// with the piece contained.
fn check_sent(
    recorder: &Recorder,
    before: usize,
    input: &str,
    must: Must,
    refused: bool,
    around: (&str, &str),
) {
    let seen = recorder.seen();
    if refused {
        assert_ne!(
            must,
            Must::Send,
            "{input:?} is an ordinary id and must be sent"
        );
        assert_eq!(seen.len(), before, "{input:?} was refused but still sent");
        return;
    }
    assert_ne!(
        must,
        Must::Refuse,
        "{input:?} must be refused before sending"
    );
    assert_eq!(seen.len(), before + 1, "{input:?}: one request");
    assert_contained(input, &seen[before].target, around.0, around.1);
}

#[tokio::test]
async fn tiun_session_ids() {
    let tiun_server = Recorder::start(not_found()).await;
    let tiun = tiun_at(tiun_server.url());
    for &(input, must) in HOSTILE_SEGMENTS {
        let before = tiun_server.seen().len();
        let outcome = tiun.verify_session(input).await;
        assert!(
            !matches!(outcome, Ok(tiun_client::SessionStatus::Valid)),
            "{input:?} got access"
        );
        let refused = matches!(
            outcome,
            Err(tiun_client::Error::InvalidInput {
                what: "session id",
                ..
            })
        );
        check_sent(
            &tiun_server,
            before,
            input,
            must,
            refused,
            ("/live_api/s2s/v1/sessions/", "/status"),
        );
    }
}

#[tokio::test]
async fn tiun_user_ids() {
    let tiun_server = Recorder::start(not_found()).await;
    let tiun = tiun_at(tiun_server.url());
    for &(input, must) in HOSTILE_SEGMENTS {
        let before = tiun_server.seen().len();
        let outcome = tiun.user_info(input).await;
        let refused = matches!(
            outcome,
            Err(tiun_client::Error::InvalidInput {
                what: "user id",
                ..
            })
        );
        check_sent(
            &tiun_server,
            before,
            input,
            must,
            refused,
            ("/live_api/s2s/v1/users/", "/info"),
        );
    }
}

#[tokio::test]
async fn tiun_provider_ids() {
    let tiun_server = Recorder::start(not_found()).await;
    for &(input, must) in HOSTILE_SEGMENTS {
        let before = tiun_server.seen().len();
        let built = TiunClient::builder()
            .base_url(tiun_server.url())
            .api_key("conformance-key")
            .provider_id(input)
            .build();
        let Ok(tiun) = built else {
            check_sent(&tiun_server, before, input, must, true, ("", ""));
            continue;
        };
        let _ = tiun.verify_session("session-1").await;
        check_sent(
            &tiun_server,
            before,
            input,
            must,
            false,
            ("/live_api/v1/providers/", "/sessions/session-1/status"),
        );
    }
}

#[test]
fn payway_shop_links() {
    let shop = Url::parse("https://shop.example/").unwrap();
    for &(input, must) in HOSTILE_SEGMENTS {
        if let Ok(link) = ShopUrl::builder(shop.clone())
            .path(["daily", input])
            .build()
        {
            assert_ne!(must, Must::Refuse, "{input:?} must be refused");
            assert_eq!(link.host_str(), Some("shop.example"));
            assert_contained(input, link.path(), "/daily/", "");
        }
    }
}

#[test]
fn accesstype_access_check_urls() {
    let reader = ReaderId::parse("0123456789abcdef0123456789abcdef").unwrap();
    for environment in [Accesstype::Production, Accesstype::Staging] {
        for &(input, must) in HOSTILE_SEGMENTS {
            match environment.story_access_url(input, "account-key", &reader, None) {
                Ok(url) => {
                    assert_ne!(must, Must::Refuse, "{input:?} must be refused");
                    assert_eq!(url.host_str(), environment.base_url().host_str());
                    assert_contained(input, url.path(), "/api/access/v1/stories/", "/access");
                }
                Err(_) => assert_ne!(must, Must::Send, "{input:?} must be built"),
            }
        }
    }
}

#[tokio::test]
async fn accesstype_access_checks_and_pingbacks() {
    let grant = r#"{"granted":true,"grantReason":"METERING"}"#;
    let server = Recorder::start(Script::Answer(200, "application/json", grant.to_owned())).await;
    let accesstype = crate::calls::accesstype(&server.url());
    let reader = crate::calls::reader_id();
    for &(input, must) in HOSTILE_SEGMENTS {
        // The check, then the pingback of its metered grant: two requests, one path rule.
        let before = server.seen().len();
        let outcome = accesstype.read_story(input, &reader, None).await;
        let refused = matches!(
            outcome,
            Err(accesstype_jwt::Error::InvalidInput {
                what: "story id",
                ..
            })
        );
        let seen = server.seen();
        if refused {
            assert_ne!(
                must,
                Must::Send,
                "{input:?} is an ordinary id and must be sent"
            );
            assert_eq!(seen.len(), before, "{input:?} was refused but still sent");
            continue;
        }
        assert_ne!(
            must,
            Must::Refuse,
            "{input:?} must be refused before sending"
        );
        assert_eq!(seen.len(), before + 2, "{input:?}: a check and a pingback");
        assert_contained(
            input,
            &seen[before].target,
            "/api/access/v1/stories/",
            "/access",
        );
        assert_contained(
            input,
            &seen[before + 1].target,
            "/api/access/v1/stories/",
            "/pingback",
        );
    }
}
