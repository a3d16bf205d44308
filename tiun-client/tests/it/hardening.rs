//! Answers that decide access or identity: no body text in errors, no repeated members, no
//! empty user id.

use httpmock::prelude::*;
use tiun_client::{Error, SessionStatus, UserLookup, UserVerification};

use crate::support::{client, everything_printed, s2s_path};

const VERIFY_PATH: &str = "/live_api/s2s/v1/users/verification";
const EMAIL: &str = "erika.mustermann@example.com";
const PERSONAL: &str = "Erika Mustermann, Heidestrasse 17, 51147 Koeln";

/// A server answering `verify_user` and `user_info("u-1")` with `200` and `body`.
async fn answering(body: &str) -> MockServer {
    let server = MockServer::start_async().await;
    for path in [VERIFY_PATH, "/live_api/s2s/v1/users/u-1/info"] {
        server
            .mock_async(|when, then| {
                when.path(path);
                then.status(200)
                    .header("content-type", "application/json; charset=utf-8")
                    .body(body);
            })
            .await;
    }
    server
}

#[tokio::test]
async fn parse_errors_never_print_the_body() {
    const VERIFY: &str = "verify_user";
    const INFO: &str = "user_info";
    let both = [VERIFY, INFO];
    let cases = [
        // Wrong types: serde_json's own messages quote the offending value.
        (
            &[VERIFY][..],
            format!(r#"{{"isAuthenticated":"{EMAIL} {PERSONAL}"}}"#),
        ),
        (
            &[VERIFY][..],
            format!(
                r#"{{"isAuthenticated":true,"userInfo":{{"userId":"u","email":["{EMAIL}"],"n":"{PERSONAL}"}}}}"#
            ),
        ),
        (
            &[INFO][..],
            format!(r#"{{"userId":"u","productAccess":"{EMAIL} {PERSONAL}"}}"#),
        ),
        (
            &[INFO][..],
            format!(r#"{{"userId":{{"{EMAIL}":"{PERSONAL}"}}}}"#),
        ),
        // Not JSON, cut short, an unknown escape right after personal text, trailing text.
        (&both[..], format!("{EMAIL} {PERSONAL}")),
        (
            &both[..],
            format!(
                r#"{{"isAuthenticated":true,"userInfo":{{"email":"{EMAIL}","name":"{PERSONAL}"#
            ),
        ),
        (&both[..], format!(r#"{{"{EMAIL}\q":"{PERSONAL}"}}"#)),
        (&both[..], format!(r#"{{"userId":"u"}} {EMAIL} {PERSONAL}"#)),
        // A repeated member whose name is personal.
        (
            &both[..],
            format!(r#"{{"{EMAIL}":1,"{EMAIL}":2,"userId":"u","isAuthenticated":false}}"#),
        ),
    ];
    for (calls, body) in &cases {
        // Held to the end: a dropped server goes back to httpmock's pool, where another test
        // may take it and reset its mocks.
        let server = answering(body).await;
        let tiun = client(&server);
        for call in *calls {
            let error = if *call == VERIFY {
                tiun.verify_user("token").await.unwrap_err()
            } else {
                tiun.user_info("u-1").await.unwrap_err()
            };
            assert_eq!(error.status().map(|s| s.as_u16()), Some(200), "{body}");
            let printed = everything_printed(&error);
            for secret in [EMAIL, "erika", "Mustermann", "Heidestrasse", "Koeln"] {
                assert!(
                    !printed.contains(secret),
                    "{call}: `{secret}` of the body printed: {printed}"
                );
            }
        }
    }
}

#[tokio::test]
async fn an_empty_user_id_is_not_authenticated() {
    for user_id in [r#""""#, r#""   ""#, "null"] {
        let body = format!(r#"{{"isAuthenticated":true,"userInfo":{{"userId":{user_id}}}}}"#);
        let server = answering(&body).await;
        let tiun = client(&server);

        let outcome = tiun.verify_user("token").await;

        assert!(
            matches!(outcome, Err(Error::Parse { .. })),
            "{user_id}: {outcome:?}"
        );
        let lookup = client(&answering(&format!(r#"{{"userId":{user_id}}}"#)).await)
            .user_info("u-1")
            .await;
        assert!(
            matches!(lookup, Err(Error::Parse { .. })),
            "{user_id}: {lookup:?}"
        );
    }
}

#[tokio::test]
async fn repeated_members_are_refused_where_they_decide_identity() {
    for body in [
        r#"{"isAuthenticated":false,"isAuthenticated":true,"userInfo":{"userId":"u"}}"#,
        r#"{"isAuthenticated":true,"userInfo":{"userId":"reader","userId":"admin"}}"#,
        r#"{"isAuthenticated":true,"userInfo":{"userId":"u","productAccess":[{"p":"a","p":"b"}]}}"#,
        r#"{"isAuthenticated":true,"userInfo":{"userId":"u"},"userInfo":{"userId":"admin"}}"#,
    ] {
        let outcome = client(&answering(body).await).verify_user("token").await;
        assert!(
            matches!(outcome, Err(Error::Parse { .. })),
            "{body}: {outcome:?}"
        );
    }
    let lookup = client(&answering(r#"{"userId":"reader","userId":"admin"}"#).await)
        .user_info("u-1")
        .await;
    assert!(matches!(lookup, Err(Error::Parse { .. })), "{lookup:?}");

    // The same members, once each, are fine.
    let fine = r#"{"isAuthenticated":true,"userInfo":{"userId":"reader"}}"#;
    let outcome = client(&answering(fine).await).verify_user("t").await;
    assert!(
        matches!(&outcome, Ok(UserVerification::Authenticated(user)) if user.user_id == "reader"),
        "{outcome:?}"
    );
    let fine = client(&answering(r#"{"userId":"reader"}"#).await)
        .user_info("u-1")
        .await;
    assert!(matches!(fine, Ok(UserLookup::Found(_))), "{fine:?}");
}

#[tokio::test]
async fn problem_details_with_repeated_members_are_not_read() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path(s2s_path("s1"));
            then.status(404)
                .body(r#"{"title":"Not Found","detail":"ended","detail":"still paid"}"#);
        })
        .await;

    let status = client(&server).verify_session("s1").await.unwrap();

    assert_eq!(status, SessionStatus::Invalid { problem: None });
}
