//! Redirects, timeouts, retries, body caps, unreachable hosts and concurrency.

use std::time::Duration;

use httpmock::prelude::*;
use tiun_client::{Error, MAX_BODY_BYTES, SessionStatus, TiunClient};

use crate::support::{KEY, builder, chunked_server, client, everything_printed, s2s_path};

#[tokio::test]
async fn redirects_are_never_followed() {
    let elsewhere = MockServer::start_async().await;
    let stolen = elsewhere
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let server = MockServer::start_async().await;
    for code in [301_u16, 302, 303, 307, 308] {
        let location = elsewhere.url(s2s_path("s1"));
        let redirect = server
            .mock_async(|when, then| {
                when.method(PATCH).path(s2s_path("s1"));
                then.status(code).header("location", location);
            })
            .await;

        let error = client(&server).verify_session("s1").await.unwrap_err();

        assert_eq!(error.status().map(|s| s.as_u16()), Some(code));
        redirect.assert_calls_async(1).await;
        redirect.delete_async().await;
    }
    stolen.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_caller_client_that_follows_redirects_fails_closed() {
    let elsewhere = MockServer::start_async().await;
    elsewhere
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let server = MockServer::start_async().await;
    let location = elsewhere.url(s2s_path("s1"));
    server
        .mock_async(|when, then| {
            when.method(PATCH).path(s2s_path("s1"));
            then.status(307).header("location", location);
        })
        .await;
    let following = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(3))
        .build()
        .unwrap();
    let tiun = builder(&server).http_client(following).build().unwrap();

    let error = tiun.verify_session("s1").await.unwrap_err();

    assert!(matches!(error, Error::RedirectFollowed), "{error:?}");
}

#[tokio::test]
async fn a_caller_client_is_used_with_the_timeout_applied_per_request() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(PATCH).path(s2s_path("slow"));
            then.status(200).delay(Duration::from_secs(5));
        })
        .await;
    let fast = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(s2s_path("fast"))
                .header("x-app", "shared-client");
            then.status(200);
        })
        .await;
    // A default header only the caller's client sends shows which client made the request.
    let shared = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(
            [(
                reqwest::header::HeaderName::from_static("x-app"),
                reqwest::header::HeaderValue::from_static("shared-client"),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap();
    let tiun = builder(&server)
        .http_client(shared)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    assert_eq!(
        tiun.verify_session("fast").await.unwrap(),
        SessionStatus::Valid
    );
    fast.assert_calls_async(1).await;
    let error = tiun.verify_session("slow").await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
}

#[tokio::test]
async fn a_slow_tiun_is_a_timeout_error() {
    let server = MockServer::start_async().await;
    let slow = server
        .mock_async(|when, then| {
            when.method(PATCH).path(s2s_path("s1"));
            then.status(200).delay(Duration::from_secs(5));
        })
        .await;
    let tiun = builder(&server)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let error = tiun.verify_session("s1").await.unwrap_err();

    assert!(error.is_timeout(), "{error:?}");
    assert!(!error.is_connect());
    assert_eq!(error.status(), None);
    slow.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_server_error_is_sent_exactly_once() {
    let server = MockServer::start_async().await;
    let failing = server
        .mock_async(|when, then| {
            when.method(PATCH).path(s2s_path("s1"));
            then.status(500).body("internal error");
        })
        .await;

    let error = client(&server).verify_session("s1").await.unwrap_err();

    assert_eq!(
        error.status(),
        Some(reqwest::StatusCode::INTERNAL_SERVER_ERROR)
    );
    assert!(error.problem().is_none());
    failing.assert_calls_async(1).await;
}

#[tokio::test]
async fn an_unreachable_host_is_a_connect_error() {
    // Bind a port, then free it: nothing listens there any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let tiun = TiunClient::builder()
        .base_url(format!("http://127.0.0.1:{port}/").parse().unwrap())
        .api_key(KEY)
        .build()
        .unwrap();

    let error = tiun.verify_session("sess-4c1d9e").await.unwrap_err();

    assert!(error.is_connect(), "{error:?}");
    assert!(!error.is_timeout());
    assert_eq!(error.status(), None);
    // The transport error drops the request URL, so the session id is nowhere in it.
    let printed = everything_printed(&error);
    assert!(!printed.contains("sess-4c1d9e"), "{printed}");
    assert!(!printed.contains(KEY), "{printed}");
}

#[tokio::test]
async fn a_huge_error_body_is_not_buffered() {
    let server = MockServer::start_async().await;
    let huge = format!(r#"{{"title":"{}"}}"#, "x".repeat(4 * MAX_BODY_BYTES));
    let gone = server
        .mock_async(|when, then| {
            when.method(PATCH).path(s2s_path("s1"));
            then.status(404).body(huge);
        })
        .await;

    let status = client(&server).verify_session("s1").await.unwrap();

    // Read and parsed, the body would have given problem details with a title.
    assert_eq!(status, SessionStatus::Invalid { problem: None });
    gone.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_huge_body_without_a_length_is_cut_off() {
    let small = chunked_server(404, 16).await;
    let huge = chunked_server(404, 4 * MAX_BODY_BYTES).await;
    let tiun = |base: &str| {
        TiunClient::builder()
            .base_url(base.parse().unwrap())
            .api_key(KEY)
            .build()
            .unwrap()
    };

    // Under the cap, the chunked body is read and parsed...
    let status = tiun(&small).verify_session("s1").await.unwrap();
    assert_eq!(
        status.problem().and_then(|p| p.expose_title()),
        Some("x".repeat(16).as_str())
    );
    // ...over it, reading stops at the cap and the status alone answers.
    let status = tiun(&huge).verify_session("s1").await.unwrap();
    assert_eq!(status, SessionStatus::Invalid { problem: None });
}

#[tokio::test]
async fn a_body_just_under_the_cap_is_read() {
    let server = MockServer::start_async().await;
    let prefix = r#"{"title":""#;
    let suffix = r#""}"#;
    let title = "t".repeat(MAX_BODY_BYTES - prefix.len() - suffix.len());
    let body = format!("{prefix}{title}{suffix}");
    assert_eq!(body.len(), MAX_BODY_BYTES);
    server
        .mock_async(|when, then| {
            when.method(PATCH).path(s2s_path("s1"));
            then.status(404).body(body);
        })
        .await;

    let status = client(&server).verify_session("s1").await.unwrap();

    assert_eq!(
        status.problem().and_then(|p| p.expose_title()),
        Some(title.as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_concurrent_checks_share_one_client() {
    let server = MockServer::start_async().await;
    let valid = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path_prefix("/live_api/s2s/v1/sessions/paid-");
            then.status(200);
        })
        .await;
    let invalid = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path_prefix("/live_api/s2s/v1/sessions/unpaid-");
            then.status(404);
        })
        .await;
    let tiun = client(&server);

    let checks: Vec<_> = (0..64)
        .map(|i| {
            let tiun = tiun.clone();
            tokio::spawn(async move {
                let id = if i % 2 == 0 {
                    format!("paid-{i}")
                } else {
                    format!("unpaid-{i}")
                };
                tiun.verify_session(&id).await.unwrap()
            })
        })
        .collect();

    for (i, check) in checks.into_iter().enumerate() {
        assert_eq!(check.await.unwrap().is_valid(), i % 2 == 0, "check {i}");
    }
    valid.assert_calls_async(32).await;
    invalid.assert_calls_async(32).await;
}

#[test]
fn the_client_is_send_sync_clone_and_static() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<TiunClient>();
    fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<Error>();
    assert_error::<tiun_client::BuildError>();
}
