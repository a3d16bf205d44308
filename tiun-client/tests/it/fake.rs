//! `FakeTiun`: its state, its answers, its faults and the snippet's routes, through the real
//! client.

use std::time::Duration;

use reqwest::StatusCode;
use tiun_client::test_util::FakeTiun;
use tiun_client::{Error, SessionStatus, UserLookup, UserVerification};

fn detail(status: &SessionStatus) -> Option<&str> {
    status.problem().and_then(|p| p.expose_detail())
}

#[tokio::test]
async fn a_paid_session_ends() {
    let fake = FakeTiun::start().await;
    let tiun = fake.client();
    fake.paid_session("sess-1");

    assert_eq!(
        tiun.verify_session("sess-1").await.unwrap(),
        SessionStatus::Valid
    );
    fake.end_session("sess-1");
    let ended = tiun.verify_session("sess-1").await.unwrap();
    assert!(matches!(ended, SessionStatus::Invalid { .. }), "{ended:?}");
    assert_eq!(detail(&ended), Some("The session has ended."));
    let unknown = tiun.verify_session("sess-2").await.unwrap();
    assert_eq!(detail(&unknown), Some("No such session."));
    assert_eq!(unknown.problem().and_then(|p| p.status()), Some(404));
    assert_eq!(fake.checks(), 3);
}

#[tokio::test]
async fn hostile_ids_reach_the_fake_decoded_as_one_id() {
    let fake = FakeTiun::start().await;
    let id = "a/../b;c?d#e%2e\u{ff0f}";
    fake.paid_session(id);

    assert!(fake.client().verify_session(id).await.unwrap().is_valid());
    assert!(!fake.client().verify_session("a").await.unwrap().is_valid());
}

#[tokio::test]
async fn a_wrong_key_is_unauthorized_on_both_paths() {
    let fake = FakeTiun::start().await;
    fake.paid_session("s");
    let current = fake.client_builder().api_key("wrong-key").build().unwrap();
    let legacy_wrong_key = fake
        .client_builder()
        .api_key("wrong-key")
        .provider_id(fake.provider_id())
        .build()
        .unwrap();
    let legacy = fake
        .client_builder()
        .provider_id(fake.provider_id())
        .build()
        .unwrap();
    let wrong_provider = fake.client_builder().provider_id("other").build().unwrap();
    let old_header = fake
        .client_builder()
        .api_key_header("X-ACCESS-TOKEN")
        .build()
        .unwrap();

    for client in [&current, &legacy_wrong_key, &wrong_provider] {
        let status = client.verify_session("s").await.unwrap();
        assert!(
            matches!(status, SessionStatus::Unauthorized { problem: Some(_) }),
            "{status:?}"
        );
    }
    assert!(legacy.verify_session("s").await.unwrap().is_valid());
    assert!(old_header.verify_session("s").await.unwrap().is_valid());
    assert_eq!(fake.checks(), 5);
}

#[tokio::test]
async fn user_verification_tokens_and_user_info() {
    let fake = FakeTiun::start().await;
    fake.add_user("u-1", Some("reader@example.com"), &["day-pass"]);
    let tiun = fake.client();
    let token = fake.user_token("u-1");

    let UserVerification::Authenticated(user) = tiun.verify_user(&token).await.unwrap() else {
        panic!("the fake's token authenticates");
    };
    assert_eq!(user.user_id, "u-1");
    assert_eq!(user.email.as_deref(), Some("reader@example.com"));
    assert_eq!(user.product_access, vec![serde_json::json!("day-pass")]);
    assert_eq!(
        tiun.verify_user("made-up-token").await.unwrap(),
        UserVerification::NotAuthenticated
    );
    let stranger = fake.user_token("u-2");
    assert!(matches!(
        tiun.verify_user(&stranger).await.unwrap(),
        UserVerification::Authenticated(ref u) if u.user_id == "u-2" && u.email.is_none()
    ));
    assert!(matches!(
        tiun.user_info("u-1").await.unwrap(),
        UserLookup::Found(ref u) if u.user_id == "u-1"
    ));
    assert!(matches!(
        tiun.user_info("nobody").await.unwrap(),
        UserLookup::NotFound { problem: Some(_) }
    ));
    let wrong_key = fake.client_builder().api_key("wrong").build().unwrap();
    assert!(matches!(
        wrong_key.verify_user(&token).await.unwrap(),
        UserVerification::Unauthorized { .. }
    ));
    assert_eq!(fake.checks(), 0, "user calls are not session checks");
}

#[tokio::test]
async fn failures_are_injected_for_the_next_calls() {
    let fake = FakeTiun::start().await;
    fake.paid_session("s");
    let tiun = fake.client();
    fake.fail_next(2, 503);

    for _ in 0..2 {
        let error = tiun.verify_session("s").await.unwrap_err();
        assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    }
    assert!(tiun.verify_session("s").await.unwrap().is_valid());
    assert_eq!(fake.checks(), 3);
}

#[tokio::test]
async fn a_dropped_connection_is_a_transport_error() {
    let fake = FakeTiun::start().await;
    fake.paid_session("s");
    let tiun = fake.client();
    fake.drop_next(1);

    let error = tiun.verify_session("s").await.unwrap_err();

    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(!error.is_timeout());
    assert_eq!(error.status(), None);
    assert!(tiun.verify_session("s").await.unwrap().is_valid());
}

#[tokio::test]
async fn a_delay_longer_than_the_timeout_is_a_timeout() {
    let fake = FakeTiun::start().await;
    fake.paid_session("s");
    let tiun = fake
        .client_builder()
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    fake.delay(Duration::from_secs(30));

    let error = tiun.verify_session("s").await.unwrap_err();

    assert!(error.is_timeout(), "{error:?}");
    fake.delay(Duration::ZERO);
    assert!(tiun.verify_session("s").await.unwrap().is_valid());
}

#[tokio::test]
async fn the_snippet_and_its_controls() {
    let fake = FakeTiun::start().await;
    let http = reqwest::Client::new();
    let control = |path: &str| fake.base_url().join(path).unwrap();

    let snippet = http.get(fake.snippet_url()).send().await.unwrap();
    assert_eq!(snippet.status(), StatusCode::OK);
    assert_eq!(
        snippet.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    let script = snippet.text().await.unwrap();
    for needle in [
        "TIUN_EVENT",
        "TIUN_SNIPPET_INITIALIZED",
        "TIUN_HIDE_PAYWALL",
        "TIUN_SHOW_PAYWALL",
        "Pay with tiun",
        "End session",
        "data-tiun-target",
    ] {
        assert!(script.contains(needle), "{needle}");
    }
    assert!(
        script.contains(&format!("var base = \"{}\";", fake.base_url())),
        "the script calls the fake that served it"
    );

    let preflight = http
        .request(reqwest::Method::OPTIONS, control("fake/sessions"))
        .header("origin", "http://news.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");

    // Faults are for the API; the page's controls keep working.
    fake.fail_next(5, 500);
    let opened = http.post(control("fake/sessions")).send().await.unwrap();
    assert_eq!(opened.status(), StatusCode::CREATED);
    assert_eq!(opened.headers()["access-control-allow-origin"], "*");
    let opened: serde_json::Value = opened.json().await.unwrap();
    let session_id = opened["sessionId"].as_str().unwrap().to_owned();
    fake.fail_next(0, 500);

    let tiun = fake.client();
    assert!(tiun.verify_session(&session_id).await.unwrap().is_valid());
    let ended = http
        .post(control(&format!("fake/sessions/{session_id}/end")))
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    assert_eq!(ended.headers()["access-control-allow-origin"], "*");
    assert!(!tiun.verify_session(&session_id).await.unwrap().is_valid());
    assert_eq!(fake.checks(), 2, "the controls are not session checks");
}

#[tokio::test]
async fn the_api_is_not_open_to_browsers() {
    let fake = FakeTiun::start().await;
    fake.paid_session("s");
    let answer = reqwest::Client::new()
        .patch(
            fake.base_url()
                .join("live_api/s2s/v1/sessions/s/status")
                .unwrap(),
        )
        .header("x-tiun-api-key", fake.api_key())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert!(
        answer
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn the_fake_stops_when_dropped() {
    let fake = FakeTiun::start().await;
    let tiun = fake.client_builder().coalesce(false).build().unwrap();
    assert!(!tiun.verify_session("s").await.unwrap().is_valid());
    drop(fake);
    tokio::time::sleep(Duration::from_millis(50)).await;

    let error = tiun.verify_session("s").await.unwrap_err();

    assert!(
        matches!(error, Error::Transport(_)),
        "nothing answers any more: {error:?}"
    );
}

#[tokio::test]
async fn its_debug_output_hides_the_key() {
    let fake = FakeTiun::start().await;
    let printed = format!("{fake:?}");
    assert!(printed.contains("[redacted]"), "{printed}");
    assert!(!printed.contains(fake.api_key()), "{printed}");
}
