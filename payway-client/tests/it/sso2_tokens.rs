//! Our request tokens, decoded by plain jsonwebtoken with the secret: HS256, the exact claim
//! set of each operation, `exp - iat`.

use httpmock::prelude::*;
use payway_client::Ticket;
use payway_client::sso2::Sso2Status;
use secrecy::SecretString;
use serde_json::{Value, json};
use url::Url;

use crate::sso2_support::{
    ORGANISATION, SSO_CLIENT_ID, answer_claims, answer_token, decode_request_token, last_token,
    names, now, reader, recording_mock, sso2_at,
};

const BASE: [&str; 6] = ["aud", "cid", "exp", "iat", "iss", "nbf"];

fn expect_names(claims: &Value, extra: &[&str]) {
    let mut expected: Vec<String> = BASE.iter().chain(extra).map(|s| (*s).to_owned()).collect();
    expected.sort();
    assert_eq!(names(claims), expected, "{claims}");
}

fn check_base(claims: &Value, lifetime: u64) {
    assert_eq!(claims["cid"], SSO_CLIENT_ID);
    assert_eq!(claims["iss"], ORGANISATION);
    assert_eq!(claims["aud"], "pw-sso");
    let iat = claims["iat"].as_u64().unwrap();
    assert_eq!(claims["exp"].as_u64().unwrap() - iat, lifetime);
    assert_eq!(claims["nbf"].as_u64().unwrap(), iat);
    assert!(iat.abs_diff(now()) <= 2, "iat {iat} is now");
}

#[test]
fn identify_urls_carry_an_identify_token_and_the_continue_url() {
    let sso2 = sso2_at("https://sso.example.com/prefix/");
    let page = Url::parse("https://news.example.com/articles/42?ref=home&x=a b#top").unwrap();
    let url = sso2.identify_url(&page).unwrap();
    assert_eq!(
        url.as_str().split('?').next().unwrap(),
        "https://sso.example.com/prefix/identify"
    );
    let query = url.query().unwrap();
    // Every reserved character of the continue URL is percent-encoded.
    assert!(
        query.ends_with(
            "&r=https%3A%2F%2Fnews.example.com%2Farticles%2F42%3Fref%3Dhome%26x%3Da%2520b%23top"
        ),
        "{query}"
    );
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(pairs.len(), 2);
    assert_eq!(pairs[0].0, "t");
    assert_eq!(pairs[1], ("r".to_owned(), page.to_string()));
    let claims = decode_request_token(&pairs[0].1);
    expect_names(&claims, &[]);
    check_base(&claims, 60);
}

#[test]
fn identify_refuses_continue_urls_it_cannot_send() {
    let sso2 = sso2_at("https://sso.example.com/");
    for bad in [
        "javascript:alert(1)",
        "ftp://news.example.com/",
        "https://user:pw@news.example.com/",
    ] {
        let err = sso2.identify_url(&Url::parse(bad).unwrap()).unwrap_err();
        assert!(
            matches!(err, payway_client::Error::InvalidInput { .. }),
            "{bad}: {err:?}"
        );
    }
    let long = Url::parse(&format!("https://news.example.com/{}", "a".repeat(5000))).unwrap();
    assert!(sso2.identify_url(&long).is_err());
}

#[tokio::test]
async fn every_server_call_sends_its_exact_claims() {
    let server = MockServer::start_async().await;
    let sso2 = sso2_at(&server.base_url());
    let reader = reader();
    let mut logged_in = answer_claims("sid-1", "loggedin");
    logged_in["at"] = json!("tkt-from-sso2");
    let answer = json!({"t": answer_token(&logged_in)});

    let (_status, seen) = recording_mock(&server, "sessionstatus", answer.clone()).await;
    let session = sso2
        .session_status("sid-1", Sso2Status::Terminated, &reader)
        .await
        .unwrap();
    assert_eq!(session.status(), Sso2Status::LoggedIn);
    assert_eq!(session.ticket().unwrap().expose_secret(), "tkt-from-sso2");
    let claims = decode_request_token(&last_token(&seen));
    expect_names(&claims, &["sid", "ipa", "uas", "lks"]);
    check_base(&claims, 10);
    assert_eq!(claims["sid"], "sid-1");
    assert_eq!(claims["ipa"], "203.0.113.7");
    assert_eq!(
        claims["uas"],
        "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0"
    );
    assert_eq!(claims["lks"], "terminated");

    let (_auth, seen) = recording_mock(&server, "authenticate", answer.clone()).await;
    let _session = sso2
        .authenticate(
            "sid-1",
            "ada@example.com",
            SecretString::from("pässword \"1\""),
            &reader,
        )
        .await
        .unwrap();
    let claims = decode_request_token(&last_token(&seen));
    expect_names(&claims, &["sid", "ipa", "uas", "usr", "pwd"]);
    check_base(&claims, 10);
    assert_eq!(claims["usr"], "ada@example.com");
    assert_eq!(claims["pwd"], "pässword \"1\"");

    let (_ticket, seen) = recording_mock(&server, "authenticatewithticket", answer.clone()).await;
    let _session = sso2
        .authenticate_with_ticket("sid-1", &Ticket::new("dtid-123"), &reader)
        .await
        .unwrap();
    let claims = decode_request_token(&last_token(&seen));
    expect_names(&claims, &["sid", "ipa", "uas", "at"]);
    check_base(&claims, 10);
    assert_eq!(claims["at"], "dtid-123");

    let anon = json!({"t": answer_token(&answer_claims("sid-1", "anon"))});
    let (_logout, seen) = recording_mock(&server, "logout", anon).await;
    let out = sso2.logout("sid-1", &reader).await.unwrap();
    assert_eq!(out.status(), Sso2Status::Anonymous);
    let claims = decode_request_token(&last_token(&seen));
    expect_names(&claims, &["sid", "ipa", "uas"]);
    check_base(&claims, 10);
}

#[tokio::test]
async fn the_last_known_status_is_sent_in_its_wire_spelling() {
    let server = MockServer::start_async().await;
    let sso2 = sso2_at(&server.base_url());
    let answer = json!({"t": answer_token(&answer_claims("s", "anon"))});
    let (_mock, seen) = recording_mock(&server, "sessionstatus", answer).await;
    for (status, wire) in [
        (Sso2Status::LoggedIn, "loggedin"),
        (Sso2Status::Anonymous, "anon"),
        (Sso2Status::Terminated, "terminated"),
    ] {
        let _session = sso2.session_status("s", status, &reader()).await.unwrap();
        assert_eq!(decode_request_token(&last_token(&seen))["lks"], wire);
    }
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let server = MockServer::start_async().await;
    let sso2 = sso2_at(&server.base_url());
    let (mock, _) = recording_mock(&server, "sessionstatus", json!({})).await;
    for sid in ["", "a b", "a\nb", &"s".repeat(257)] {
        let err = sso2
            .session_status(sid, Sso2Status::Anonymous, &reader())
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            payway_client::Error::InvalidInput { what: "sid", .. }
        ));
    }
    for (email, password) in [("", "pw"), ("ada@example.com", ""), ("a\u{0}b", "pw")] {
        let err = sso2
            .authenticate("s", email, SecretString::from(password), &reader())
            .await
            .unwrap_err();
        assert!(matches!(err, payway_client::Error::InvalidInput { .. }));
    }
    let err = sso2
        .authenticate_with_ticket("s", &Ticket::new("\u{200B}"), &reader())
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        payway_client::Error::InvalidInput { what: "ticket", .. }
    ));
    assert_eq!(mock.calls_async().await, 0);
}
