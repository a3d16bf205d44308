//! `verify_session`: the request that goes out and the status that comes back.

use httpmock::prelude::*;
use tiun_client::{Error, SessionStatus};

use crate::support::{KEY, builder, client, s2s_path};

#[tokio::test]
async fn status_200_is_valid_and_the_request_is_an_empty_patch_with_the_key() {
    let server = MockServer::start_async().await;
    let check = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(s2s_path("sess-123"))
                .header("x-tiun-api-key", KEY)
                .header("content-length", "0")
                .header_count("^content-length$", ".*", 1)
                .body("");
            then.status(200);
        })
        .await;

    let status = client(&server).verify_session("sess-123").await.unwrap();

    assert_eq!(status, SessionStatus::Valid);
    assert!(status.is_valid());
    check.assert_calls_async(1).await;
}

#[tokio::test]
async fn status_404_is_invalid_with_problem_details() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(PATCH).path(s2s_path("expired"));
            then.status(404).header("content-type", "application/problem+json").body(
                r#"{"type":"https://tiun.live/problems/session","title":"Not Found","status":404,"detail":"The session has ended.","instance":null}"#,
            );
        })
        .await;

    let status = client(&server).verify_session("expired").await.unwrap();

    let SessionStatus::Invalid {
        problem: Some(problem),
    } = &status
    else {
        panic!("expected Invalid with problem details, got {status:?}");
    };
    assert_eq!(problem.expose_title(), Some("Not Found"));
    assert_eq!(problem.status(), Some(404));
    assert_eq!(problem.expose_detail(), Some("The session has ended."));
    assert_eq!(problem.expose_instance(), None);
    assert!(!status.is_valid());
}

#[tokio::test]
async fn status_404_with_an_unparsable_body_is_still_invalid() {
    let server = MockServer::start_async().await;
    let gone = server
        .mock_async(|when, then| {
            when.method(PATCH).path(s2s_path("gone"));
            then.status(404).body("<html>not found</html>");
        })
        .await;

    let status = client(&server).verify_session("gone").await.unwrap();

    assert_eq!(status, SessionStatus::Invalid { problem: None });
    gone.assert_calls_async(1).await;
}

#[tokio::test]
async fn status_401_is_unauthorized() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(PATCH).path(s2s_path("s1"));
            then.status(401)
                .body(r#"{"title":"Unauthorized","status":401,"detail":"Invalid API key"}"#);
        })
        .await;

    let status = client(&server).verify_session("s1").await.unwrap();

    let SessionStatus::Unauthorized { problem } = &status else {
        panic!("expected Unauthorized, got {status:?}");
    };
    assert_eq!(
        problem.as_ref().and_then(|p| p.expose_detail()),
        Some("Invalid API key")
    );
    assert_eq!(status.problem(), problem.as_ref());
}

#[tokio::test]
async fn any_other_status_is_an_error_carrying_the_status() {
    for code in [201_u16, 204, 302, 400, 403, 409, 429, 500, 502, 503] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(PATCH).path(s2s_path("s1"));
                then.status(code)
                    .header("location", "https://elsewhere.example/")
                    .body(r#"{"title":"x"}"#);
            })
            .await;

        let error = client(&server).verify_session("s1").await.unwrap_err();

        assert_eq!(error.status().map(|s| s.as_u16()), Some(code), "{code}");
        assert!(
            matches!(error, Error::UnexpectedStatus { .. }),
            "{code}: {error:?}"
        );
        // A 204 has no body by definition, so no problem details either.
        let expected_title = (code != 204).then_some("x");
        assert_eq!(
            error.problem().and_then(|p| p.expose_title()),
            expected_title,
            "{code}"
        );
    }
}

#[tokio::test]
async fn a_provider_id_switches_to_the_legacy_path() {
    let server = MockServer::start_async().await;
    let legacy = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/live_api/v1/providers/prov-42/sessions/sess-9/status")
                .header("x-tiun-api-key", KEY);
            then.status(200);
        })
        .await;

    let tiun = builder(&server).provider_id("prov-42").build().unwrap();

    assert_eq!(
        tiun.verify_session("sess-9").await.unwrap(),
        SessionStatus::Valid
    );
    legacy.assert_calls_async(1).await;
}

#[tokio::test]
async fn the_provider_id_is_encoded_into_one_segment() {
    let server = MockServer::start_async().await;
    let legacy = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/live_api/v1/providers/a%2F..%2Fb/sessions/s/status");
            then.status(404);
        })
        .await;

    let tiun = builder(&server).provider_id("a/../b").build().unwrap();

    assert!(matches!(
        tiun.verify_session("s").await.unwrap(),
        SessionStatus::Invalid { .. }
    ));
    legacy.assert_calls_async(1).await;
}

#[tokio::test]
async fn the_key_header_can_be_switched() {
    let server = MockServer::start_async().await;
    let old_header = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(s2s_path("s1"))
                .header("x-access-token", KEY)
                .header_missing("x-tiun-api-key");
            then.status(200);
        })
        .await;

    let tiun = builder(&server)
        .api_key_header("X-ACCESS-TOKEN")
        .build()
        .unwrap();

    assert_eq!(
        tiun.verify_session("s1").await.unwrap(),
        SessionStatus::Valid
    );
    old_header.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_base_url_with_a_path_prefix_keeps_it() {
    let server = MockServer::start_async().await;
    let proxied = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/tiun-proxy/live_api/s2s/v1/sessions/s1/status");
            then.status(200);
        })
        .await;

    let tiun = tiun_client::TiunClient::builder()
        .base_url(format!("{}/tiun-proxy", server.base_url()).parse().unwrap())
        .api_key(KEY)
        .build()
        .unwrap();

    assert_eq!(
        tiun.verify_session("s1").await.unwrap(),
        SessionStatus::Valid
    );
    proxied.assert_calls_async(1).await;
}
