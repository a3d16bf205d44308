//! SSO2's answers to server calls: every `sts` and `err` value mapped (unknown ones too), an
//! answer that does not verify is an `Err` (never anonymous), and the HTTP policy holds.

use httpmock::prelude::*;
use payway_client::Error;
use payway_client::sso2::{Sso2Error, Sso2Status, TokenError};
use serde_json::json;

use crate::sso2_support::{
    SSO_SECRET, answer_claims, answer_token, reader, recording_mock, sign_with, sso2_at,
};

async fn status_with(answer: serde_json::Value) -> Result<payway_client::sso2::Sso2Session, Error> {
    let server = MockServer::start_async().await;
    let (_mock, _) = recording_mock(
        &server,
        "sessionstatus",
        json!({"t": answer_token(&answer)}),
    )
    .await;
    sso2_at(&server.base_url())
        .session_status("sid-1", Sso2Status::LoggedIn, &reader())
        .await
}

#[tokio::test]
async fn every_status_maps_and_an_unknown_one_is_an_error() {
    for (sts, status) in [
        ("loggedin", Sso2Status::LoggedIn),
        ("anon", Sso2Status::Anonymous),
        ("terminated", Sso2Status::Terminated),
    ] {
        let session = status_with(answer_claims("sid-1", sts)).await.unwrap();
        assert_eq!(session.status(), status);
        assert_eq!(session.is_gone(), status == Sso2Status::Terminated);
    }
    for unknown in ["LOGGEDIN", "suspended", ""] {
        let error = status_with(answer_claims("sid-1", unknown))
            .await
            .unwrap_err();
        assert!(
            matches!(
                error,
                Error::Sso2Token(TokenError::InvalidClaim { claim: "sts", .. })
            ),
            "{unknown}: {error:?}"
        );
    }
}

#[tokio::test]
async fn every_error_code_maps_with_its_details() {
    for (extra, expected) in [
        (
            json!({"err": "session_not_found"}),
            Sso2Error::SessionNotFound,
        ),
        (
            json!({"err": "invalid_credentials", "raa": 2}),
            Sso2Error::InvalidCredentials {
                remaining_attempts: Some(2),
            },
        ),
        (
            json!({"err": "invalid_credentials"}),
            Sso2Error::InvalidCredentials {
                remaining_attempts: None,
            },
        ),
        (
            json!({"err": "account_frozen", "frf": 600}),
            Sso2Error::AccountFrozen {
                retry_after: Some(std::time::Duration::from_secs(600)),
            },
        ),
        (
            json!({"err": "account_frozen"}),
            Sso2Error::AccountFrozen { retry_after: None },
        ),
        (
            json!({"err": "account_not_active"}),
            Sso2Error::AccountNotActive,
        ),
        (
            json!({"err": "captcha_required"}),
            Sso2Error::Other("captcha_required".to_owned()),
        ),
    ] {
        let mut claims = answer_claims("sid-1", "anon");
        for (name, value) in extra.as_object().unwrap() {
            claims[name] = value.clone();
        }
        let session = status_with(claims).await.unwrap();
        assert_eq!(session.error(), Some(&expected), "{extra}");
        assert_eq!(session.is_gone(), expected == Sso2Error::SessionNotFound);
    }
}

#[tokio::test]
async fn an_answer_that_does_not_verify_is_an_error_never_anonymous() {
    let server = MockServer::start_async().await;
    let claims = answer_claims("sid-1", "anon");
    let forged = sign_with(
        jsonwebtoken::Algorithm::HS256,
        "not-the-secret-0123456789",
        &claims,
    );
    let hs384 = sign_with(jsonwebtoken::Algorithm::HS384, SSO_SECRET, &claims);
    for (path, body) in [
        ("forged", json!({"t": forged})),
        ("hs384", json!({"t": hs384})),
        ("garbage", json!({"t": "x.y.z"})),
        ("number", json!({"t": 5})),
        ("missing", json!({"token": answer_token(&claims)})),
    ] {
        server
            .mock_async(|when, then| {
                when.path(format!("/{path}/sessionstatus"));
                then.status(200).json_body(body);
            })
            .await;
        let sso2 = sso2_at(&format!("{}/{path}/", server.base_url()));
        let error = sso2
            .session_status("sid-1", Sso2Status::Anonymous, &reader())
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Sso2Token(_) | Error::Parse(_)),
            "{path}: {error:?}"
        );
    }
}

#[tokio::test]
async fn answers_are_read_with_the_http_policy() {
    let server = MockServer::start_async().await;
    let genuine = answer_token(&answer_claims("sid-1", "anon"));
    let repeated = format!(r#"{{"t":"{genuine}","t":"{genuine}"}}"#);
    server
        .mock_async(|when, then| {
            when.path("/repeated/sessionstatus");
            then.status(200).body(repeated);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/moved/sessionstatus");
            then.status(302).header("location", "https://evil.example/");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/huge/sessionstatus");
            then.status(200).body("x".repeat(70 * 1024));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/down/sessionstatus");
            then.status(503).body("maintenance");
        })
        .await;
    let call = |prefix: &str| {
        let sso2 = sso2_at(&format!("{}/{prefix}/", server.base_url()));
        async move {
            sso2.session_status("sid-1", Sso2Status::Anonymous, &reader())
                .await
                .unwrap_err()
        }
    };
    let repeated = call("repeated").await;
    assert!(
        matches!(&repeated, Error::Parse(error) if error.fault().is_repeated_member()),
        "{repeated:?}"
    );
    assert!(call("moved").await.is_redirect());
    assert!(matches!(call("huge").await, Error::BodyTooLarge { .. }));
    let down = call("down").await;
    assert_eq!(
        down.status(),
        Some(reqwest::StatusCode::SERVICE_UNAVAILABLE)
    );
}

/// A server on 127.0.0.1 that answers every request `400` with an error body quoting the
/// request's own body, the way a careless provider echoes what it was sent.
async fn echo_server() -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut request = Vec::new();
            let mut buf = [0_u8; 4096];
            let body = loop {
                let n = stream.read(&mut buf).await.unwrap_or(0);
                if n == 0 {
                    break String::new();
                }
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request).into_owned();
                let Some((head, body)) = text.split_once("\r\n\r\n") else {
                    continue;
                };
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>().unwrap())
                    })
                    .unwrap_or(0);
                if body.len() >= length {
                    break body.to_owned();
                }
            };
            let echo = serde_json::json!({
                "error": "bad_request",
                "error_description": format!("refused {body}"),
            })
            .to_string();
            let response = format!(
                "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{echo}",
                echo.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        }
    });
    format!("http://{address}/")
}

#[tokio::test]
async fn an_error_body_that_echoes_the_request_never_shows_its_secrets() {
    let sso2 = sso2_at(&echo_server().await);
    let error = sso2
        .authenticate(
            "sid-secret-1",
            "ada@example.com",
            secrecy::SecretString::from("pw-secret-1"),
            &reader(),
        )
        .await
        .unwrap_err();
    let details = error.provider_error().unwrap();
    let description = details.error_description().unwrap();
    assert!(description.starts_with("refused "), "{description}");
    let shown = format!(
        "{error} {error:?} {details:?} {} {description}",
        details.expose_body()
    );
    // The token's constant header is the start of every HS256 token this crate sends.
    for secret in [
        "sid-secret-1",
        "pw-secret-1",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(description.contains("[redacted]"), "{description}");
}

#[tokio::test]
async fn a_session_id_echoed_in_the_media_type_of_an_unreadable_answer_is_cut() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/sessionstatus");
            then.status(200)
                .header("content-type", "application/x-sid-secret-4711")
                .body("not json");
        })
        .await;
    let error = sso2_at(&server.base_url())
        .session_status("sid-secret-4711", Sso2Status::LoggedIn, &reader())
        .await
        .unwrap_err();
    let Error::Parse(parse) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(parse.content_type(), Some("application/x-[redacted]"));
    assert_eq!(
        parse.expose_bytes(),
        None,
        "an SSO2 answer's body is never kept"
    );
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("sid-secret-4711"), "{shown}");
}
