//! The HTTP policy: no redirect followed, timeouts, body caps, strict JSON, errors that carry
//! no URL, key or token.

use std::time::Duration;

use accesstype_jwt::{AccesstypeClient, Error, MAX_BODY_BYTES, ReaderId, User};
use httpmock::prelude::*;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::{
    ACCOUNT_KEY, API_KEY, READER, client, client_builder, everything_printed, reader, signer,
    story_path,
};

#[tokio::test]
async fn redirects_are_never_followed() {
    let elsewhere = MockServer::start_async().await;
    let stolen = elsewhere
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .json_body(json!({"granted": true, "grantReason": "SUBSCRIBER"}));
        })
        .await;
    let server = MockServer::start_async().await;
    for code in [301_u16, 302, 303, 307, 308] {
        let location = elsewhere.url(story_path("s1", "access"));
        let redirect = server
            .mock_async(|when, then| {
                when.method(GET).path(story_path("s1", "access"));
                then.status(code).header("location", location);
            })
            .await;

        let error = client(&server)
            .read_story("s1", &reader(), None)
            .await
            .unwrap_err();

        assert!(error.is_redirect(), "{code}: {error:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(code));
        redirect.assert_calls_async(1).await;
        redirect.delete_async().await;
    }
    // The pingback is never redirected either.
    server
        .mock_async(|when, then| {
            when.method(GET).path(story_path("s2", "access"));
            then.status(200)
                .json_body(json!({"granted": true, "grantReason": "METERING"}));
        })
        .await;
    let location = elsewhere.url(story_path("s2", "pingback"));
    server
        .mock_async(|when, then| {
            when.method(POST).path(story_path("s2", "pingback"));
            then.status(307).header("location", location);
        })
        .await;
    let error = client(&server)
        .read_story("s2", &reader(), None)
        .await
        .unwrap_err();
    assert!(
        error.is_pingback_failure() && error.is_redirect(),
        "{error:?}"
    );

    stolen.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_caller_client_that_follows_redirects_fails_closed() {
    let elsewhere = MockServer::start_async().await;
    elsewhere
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .json_body(json!({"granted": true, "grantReason": "SUBSCRIBER"}));
        })
        .await;
    let server = MockServer::start_async().await;
    let location = elsewhere.url(story_path("s1", "access"));
    server
        .mock_async(|when, then| {
            when.method(GET).path(story_path("s1", "access"));
            then.status(307).header("location", location);
        })
        .await;
    let following = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(3))
        .build()
        .unwrap();
    let accesstype = client_builder(&server)
        .http_client(following)
        .build()
        .unwrap();

    let error = accesstype
        .read_story("s1", &reader(), None)
        .await
        .unwrap_err();

    assert!(matches!(error, Error::RedirectFollowed), "{error:?}");
    assert!(error.is_redirect());
}

#[tokio::test]
async fn a_slow_accesstype_is_a_timeout_and_a_caller_client_gets_the_timeout_too() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(story_path("slow", "access"));
            then.status(200)
                .json_body(json!({"granted": true}))
                .delay(Duration::from_secs(5));
        })
        .await;
    let shared = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for accesstype in [
        client_builder(&server).timeout(Duration::from_millis(200)),
        client_builder(&server)
            .http_client(shared.clone())
            .timeout(Duration::from_millis(200)),
    ] {
        let error = accesstype
            .build()
            .unwrap()
            .read_story("slow", &reader(), None)
            .await
            .unwrap_err();
        assert!(error.is_timeout(), "{error:?}");
        assert!(!error.is_connect());
        assert_eq!(error.status(), None);
    }
}

#[tokio::test]
async fn an_unreachable_accesstype_is_a_connect_error_that_shows_no_url() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let accesstype = AccesstypeClient::builder()
        .base_url(format!("http://127.0.0.1:{port}/").parse().unwrap())
        .account_key(ACCOUNT_KEY)
        .api_key(API_KEY)
        .build()
        .unwrap();
    let jwt = signer().sign(&User::new("john@example.com", 42)).unwrap();

    let error = accesstype
        .read_story("story-7c1d", &reader(), Some(&jwt))
        .await
        .unwrap_err();

    assert!(error.is_connect(), "{error:?}");
    // The URL carries the JWT, the reader id and the account key: none of it is printed.
    let printed = everything_printed(&error);
    for secret in [
        jwt.as_str(),
        &jwt[jwt.len() - 20..],
        API_KEY,
        READER,
        "story-7c1d",
        ACCOUNT_KEY,
    ] {
        assert!(!printed.contains(secret), "{printed}");
    }
}

#[tokio::test]
async fn unexpected_statuses_are_errors_with_the_content_type_only() {
    let server = MockServer::start_async().await;
    for (code, path) in [
        (500_u16, "e500"),
        (401, "e401"),
        (404, "e404"),
        (204, "e204"),
    ] {
        server
            .mock_async(|when, then| {
                when.method(GET).path(story_path(path, "access"));
                then.status(code)
                    .header("content-type", "text/html; charset=utf-8")
                    .body("<h1>reader john@example.com, key at_api_9f8e7d6c5b4a3921</h1>");
            })
            .await;
    }
    let accesstype = client(&server);
    for (code, path) in [(500_u16, "e500"), (401, "e401"), (404, "e404")] {
        let error = accesstype
            .read_story(path, &reader(), None)
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(code));
        assert!(
            matches!(&error, Error::UnexpectedStatus { content_type: Some(t), .. } if t == "text/html"),
            "{error:?}"
        );
        let printed = everything_printed(&error);
        assert!(
            !printed.contains("john@") && !printed.contains(API_KEY),
            "{printed}"
        );
    }
    // A success without a grant is not a grant.
    let error = accesstype
        .read_story("e204", &reader(), None)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Parse { .. }), "{error:?}");
}

#[tokio::test]
async fn garbage_and_repeated_members_are_never_a_grant() {
    let server = MockServer::start_async().await;
    for (path, body) in [
        ("twice", r#"{"granted":false,"granted":true}"#),
        (
            "deep",
            r#"{"granted":true,"grantReason":"SUBSCRIBER","data":{"a":1,"a":2}}"#,
        ),
        ("html", "<html>502 Bad Gateway</html>"),
        ("string", r#"{"granted":"true"}"#),
        ("empty", ""),
    ] {
        server
            .mock_async(|when, then| {
                when.method(GET).path(story_path(path, "access"));
                then.status(200).body(body);
            })
            .await;
    }
    let accesstype = client(&server);
    for path in ["twice", "deep", "html", "string", "empty"] {
        let error = accesstype
            .read_story(path, &reader(), None)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Parse { .. }), "{path}: {error:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(200), "{path}");
    }
}

#[tokio::test]
async fn an_announced_body_over_the_cap_is_not_read() {
    let server = MockServer::start_async().await;
    let padding = "x".repeat(MAX_BODY_BYTES);
    server
        .mock_async(|when, then| {
            when.method(GET).path(story_path("huge", "access"));
            then.status(200)
                .body(format!(r#"{{"granted":true,"pad":"{padding}"}}"#));
        })
        .await;
    let fits = format!(
        r#"{{"granted":true,"pad":"{}"}}"#,
        "x".repeat(MAX_BODY_BYTES - r#"{"granted":true,"pad":""}"#.len())
    );
    assert_eq!(fits.len(), MAX_BODY_BYTES);
    server
        .mock_async(|when, then| {
            when.method(GET).path(story_path("fits", "access"));
            then.status(200).body(fits);
        })
        .await;
    let accesstype = client(&server);

    let error = accesstype
        .check_access("huge", &reader(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::BodyTooLarge {
                limit: MAX_BODY_BYTES
            }
        ),
        "{error:?}"
    );
    assert!(
        accesstype
            .check_access("fits", &reader(), None)
            .await
            .unwrap()
            .granted()
    );
}

/// A server that answers every request with `status` (`"200 OK"`) and a grant padded to
/// `padding` bytes, sent chunked with no `Content-Length` (what httpmock cannot send).
/// Returns its base URL.
async fn chunked_server(status: &'static str, padding: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0_u8; 2048];
                while !request.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let head = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n\
                     transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
                );
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                // Written as it goes, so that a padding of any size costs no memory.
                let padding_chunk = [b'x'; 4096];
                let mut left = padding;
                let mut chunk: &[u8] = br#"{"granted":true,"pad":""#;
                loop {
                    let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                    framed.extend_from_slice(chunk);
                    framed.extend_from_slice(b"\r\n");
                    // The client hangs up once it has read enough.
                    if stream.write_all(&framed).await.is_err() {
                        return;
                    }
                    if chunk == br#""}"# {
                        break;
                    }
                    let n = left.min(padding_chunk.len());
                    left -= n;
                    chunk = if n == 0 {
                        br#""}"#
                    } else {
                        &padding_chunk[..n]
                    };
                }
                let _ = stream.write_all(b"0\r\n\r\n").await;
            });
        }
    });
    base
}

#[tokio::test]
async fn an_unannounced_body_is_cut_off_at_the_cap() {
    let accesstype = |base: String| {
        AccesstypeClient::builder()
            .base_url(base.parse().unwrap())
            .account_key(ACCOUNT_KEY)
            .api_key(API_KEY)
            .build()
            .unwrap()
    };
    let small = accesstype(chunked_server("200 OK", 100).await);
    assert!(
        small
            .check_access("s", &reader(), None)
            .await
            .unwrap()
            .granted()
    );
    let endless = accesstype(chunked_server("200 OK", 16 * MAX_BODY_BYTES).await);
    let error = endless
        .check_access("s", &reader(), None)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::BodyTooLarge { .. }), "{error:?}");
}

#[tokio::test]
async fn an_error_answer_keeps_its_status_whatever_the_size_of_its_body() {
    // A proxy's or a framework's error page: far over the cap, which applies to answers
    // that are read, not to refusals.
    let page = "<p>Access refused by the upstream proxy.</p>\n".repeat(2_500);
    assert!(page.len() > MAX_BODY_BYTES);
    let server = MockServer::start_async().await;
    let cases = [
        ("refused", 401_u16),
        ("forbidden", 403),
        ("moved", 302),
        ("gone", 410),
        ("down", 503),
    ];
    for (story, code) in cases {
        let page = page.clone();
        server
            .mock_async(|when, then| {
                when.method(GET).path(story_path(story, "access"));
                then.status(code)
                    .header("content-type", "text/html; charset=utf-8")
                    .body(page);
            })
            .await;
    }
    let accesstype = client(&server);
    for (story, code) in cases {
        let error = accesstype
            .read_story(story, &reader(), None)
            .await
            .unwrap_err();
        assert!(
            matches!(
                &error,
                Error::UnexpectedStatus { status, content_type }
                    if status.as_u16() == code && content_type.as_deref() == Some("text/html")
            ),
            "{code}: {error:?}"
        );
        assert_eq!(error.status().map(|s| s.as_u16()), Some(code));
        assert_eq!(error.is_redirect(), (300..400).contains(&code), "{code}");
        assert!(!everything_printed(&error).contains("upstream proxy"));
    }

    // The pingback's refusal keeps its status too, inside `PingbackFailed`.
    server
        .mock_async(|when, then| {
            when.method(GET).path(story_path("metered", "access"));
            then.status(200)
                .json_body(json!({"granted": true, "grantReason": "METERING"}));
        })
        .await;
    let pingback_page = page.clone();
    server
        .mock_async(|when, then| {
            when.method(POST).path(story_path("metered", "pingback"));
            then.status(403).body(pingback_page);
        })
        .await;
    let error = accesstype
        .read_story("metered", &reader(), None)
        .await
        .unwrap_err();
    assert!(error.is_pingback_failure(), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));

    // An unannounced, never-ending error body: the status, at once.
    let endless = AccesstypeClient::builder()
        .base_url(
            chunked_server("401 Unauthorized", usize::MAX / 2)
                .await
                .parse()
                .unwrap(),
        )
        .account_key(ACCOUNT_KEY)
        .api_key(API_KEY)
        .build()
        .unwrap();
    let error = endless
        .check_access("s", &reader(), None)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_concurrent_reads_share_one_client() {
    let server = MockServer::start_async().await;
    let open = server
        .mock_async(|when, then| {
            when.method(GET).path_prefix("/api/access/v1/stories/open-");
            then.status(200)
                .json_body(json!({"granted": true, "grantReason": "SUBSCRIBER"}));
        })
        .await;
    let closed = server
        .mock_async(|when, then| {
            when.method(GET)
                .path_prefix("/api/access/v1/stories/closed-");
            then.status(200)
                .json_body(json!({"granted": false, "wallType": "pay_wall"}));
        })
        .await;
    let accesstype = client(&server);
    let reads: Vec<_> = (0..48)
        .map(|i| {
            let accesstype = accesstype.clone();
            tokio::spawn(async move {
                let story = if i % 2 == 0 {
                    format!("open-{i}")
                } else {
                    format!("closed-{i}")
                };
                let reader = ReaderId::generate().unwrap();
                accesstype.read_story(&story, &reader, None).await.unwrap()
            })
        })
        .collect();
    for (i, read) in reads.into_iter().enumerate() {
        assert_eq!(read.await.unwrap().granted(), i % 2 == 0, "read {i}");
    }
    open.assert_calls_async(24).await;
    closed.assert_calls_async(24).await;
}

#[test]
fn the_client_is_send_sync_clone_and_static() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<AccesstypeClient>();
    fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
    assert_error::<Error>();
    assert_error::<accesstype_jwt::BuildError>();
}

#[tokio::test]
async fn an_api_key_echoed_in_the_media_type_of_an_error_is_cut_in_any_case() {
    let server = MockServer::start_async().await;
    let echoed = format!("application/x-{}", API_KEY.to_ascii_uppercase());
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(502)
                .header("content-type", echoed.as_str())
                .body("");
        })
        .await;
    let error = client(&server)
        .read_story("story-1", &reader(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::UnexpectedStatus { content_type: Some(t), .. } if t == "application/x-[redacted]"),
        "{error:?}"
    );
    let printed = everything_printed(&error).to_ascii_lowercase();
    assert!(
        !printed.contains(&API_KEY.to_ascii_lowercase()),
        "{printed}"
    );
}

/// Whatever of the request Accesstype echoes into the media type of an answer the client
/// cannot use (an error status, or a `2xx` that does not parse) is cut from it: the account
/// key, the reader id, the user JWT, as well as the API key.
#[tokio::test]
async fn every_secret_of_a_story_request_echoed_in_a_media_type_is_cut() {
    let jwt = signer().sign(&User::new("john@example.com", 42)).unwrap();
    for planted in [READER, jwt.as_str(), ACCOUNT_KEY] {
        for status in [200, 502] {
            let server = MockServer::start_async().await;
            let echoed = format!("application/x-{planted}");
            server
                .mock_async(|when, then| {
                    when.any_request();
                    then.status(status)
                        .header("content-type", echoed.as_str())
                        .body("{");
                })
                .await;
            let error = client(&server)
                .check_access("story-1", &reader(), Some(&jwt))
                .await
                .unwrap_err();
            let shown = match &error {
                Error::Parse(parsed) => parsed.content_type(),
                Error::UnexpectedStatus { content_type, .. } => content_type.as_deref(),
                other => panic!("{status}: {other:?}"),
            };
            // A media type over 100 bytes (one holding a JWT) is not kept at all.
            let cut = (echoed.len() <= 100).then_some("application/x-[redacted]");
            assert_eq!(shown, cut, "{status}: {error:?}");
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
            let printed = everything_printed(&error).to_ascii_lowercase();
            assert!(
                !printed.contains(&planted.to_ascii_lowercase()),
                "{status}: {printed}"
            );
        }
    }
}
