//! Session ids come from the browser: none may steer the request anywhere but its own segment.

use httpmock::prelude::*;
use tiun_client::{Error, MAX_ID_BYTES, SessionStatus};

use crate::support::{client, s2s_path};

/// Hostile ids that are sent, each with the one segment the server must see.
const ENCODED: &[(&str, &str)] = &[
    ("a/b", "a%2Fb"),
    ("../../admin", "..%2F..%2Fadmin"),
    (
        "x/../../../users/1/info",
        "x%2F..%2F..%2F..%2Fusers%2F1%2Finfo",
    ),
    ("x?admin=1", "x%3Fadmin%3D1"),
    ("x#fragment", "x%23fragment"),
    ("%2e%2e", "%252e%252e"),
    ("..%2F..%2F", "..%252F..%252F"),
    (".%2e", ".%252e"),
    ("%00", "%2500"),
    ("..;", "..%3B"),
    ("x;jsessionid=1", "x%3Bjsessionid%3D1"),
    ("..;/x", "..%3B%2Fx"),
    ("a\\..\\b", "a%5C..%5Cb"),
    ("with space", "with%20space"),
    ("@evil.example", "%40evil.example"),
    ("https://evil.example/", "https%3A%2F%2Fevil.example%2F"),
    ("...", "..."),
    ("sess\u{2028}ion", "sess%E2%80%A8ion"),
    ("\u{2028}", "%E2%80%A8"),
    ("..\u{ff0f}..\u{ff0f}admin", "..%EF%BC%8F..%EF%BC%8Fadmin"),
    ("\u{ff0e}\u{ff0e}", "%EF%BC%8E%EF%BC%8E"),
    ("\\", "%5C"),
    (";", "%3B"),
    ("?", "%3F"),
    ("#", "%23"),
    ("über", "%C3%BCber"),
];

#[tokio::test]
async fn hostile_ids_stay_in_their_segment() {
    for (id, segment) in ENCODED {
        let server = MockServer::start_async().await;
        let expected_path = s2s_path(segment);
        let own_segment = server
            .mock_async(|when, then| {
                when.method(PATCH).path(expected_path.clone());
                then.status(404);
            })
            .await;
        // Any request that lands anywhere else would be answered "paid for".
        let elsewhere = server
            .mock_async(|when, then| {
                when.path_not(expected_path.clone());
                then.status(200);
            })
            .await;

        let status = client(&server).verify_session(id).await.unwrap();

        assert_eq!(status, SessionStatus::Invalid { problem: None }, "{id:?}");
        own_segment.assert_calls_async(1).await;
        elsewhere.assert_calls_async(0).await;
    }
}

#[tokio::test]
async fn unusable_ids_are_refused_before_any_request() {
    let too_long = "s".repeat(MAX_ID_BYTES + 1);
    const CONTROL: &str = "it contains a control character";
    let cases: &[(&str, &str)] = &[
        ("", "it is empty"),
        (".", "it is a dot segment"),
        ("..", "it is a dot segment"),
        ("sess\r\nX-Injected: 1", CONTROL),
        ("sess\n", CONTROL),
        ("\tsess", CONTROL),
        ("sess\u{0}", CONTROL),
        ("\u{0}", CONTROL),
        ("\r\n", CONTROL),
        ("sess\u{1b}[31m", CONTROL),
        (&too_long, "it is longer than allowed"),
    ];
    let server = MockServer::start_async().await;
    let anything = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let tiun = client(&server);

    for (id, reason) in cases {
        let error = tiun.verify_session(id).await.unwrap_err();
        assert!(
            matches!(&error, Error::InvalidInput { what: "session id", reason: r } if r == reason),
            "{id:?}: {error:?}"
        );
        assert_eq!(error.status(), None);
        assert_eq!(
            error.to_string(),
            format!("invalid session id: {reason}"),
            "{id:?}: the message gives the reason"
        );
    }
    anything.assert_calls_async(0).await;
}

#[tokio::test]
async fn the_longest_allowed_id_is_sent() {
    let server = MockServer::start_async().await;
    let id = "s".repeat(MAX_ID_BYTES);
    let check = server
        .mock_async(|when, then| {
            when.method(PATCH).path(s2s_path(&id));
            then.status(200);
        })
        .await;

    assert_eq!(
        client(&server).verify_session(&id).await.unwrap(),
        SessionStatus::Valid
    );
    check.assert_calls_async(1).await;
}
