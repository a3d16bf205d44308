//! No `Debug` or `Display` output of any public type shows the API key.

use httpmock::prelude::*;
use serde_json::json;
use tiun_client::{BuildError, TiunClient};

use crate::support::{KEY, builder, client, everything_printed, s2s_path};

fn assert_no_key(text: &str) {
    assert!(!text.contains(KEY), "the API key leaked into: {text}");
    assert!(
        !text.contains("9f8e7d6c"),
        "part of the API key leaked into: {text}"
    );
}

#[tokio::test]
async fn client_builder_outcomes_and_errors_never_show_the_key() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path(s2s_path("s404"));
            then.status(404).body(r#"{"title":"gone"}"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path(s2s_path("s401"));
            then.status(401).body(r#"{"title":"bad key"}"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path(s2s_path("s500"));
            then.status(500);
        })
        .await;

    let b = builder(&server)
        .provider_id("provider-4711")
        .api_key_header("X-Key");
    assert_no_key(&format!("{b:?}"));
    assert!(format!("{b:?}").contains("[redacted]"));
    // The provider id goes with the key (tiun authenticates the pair): the client hides it,
    // and so does the builder.
    assert!(!format!("{b:?}").contains("provider-4711"), "{b:?}");
    let tiun = client(&server);
    assert_no_key(&format!("{tiun:?}"));
    assert!(format!("{tiun:?}").contains("[redacted]"));

    for id in ["s404", "s401"] {
        let status = tiun.verify_session(id).await.unwrap();
        assert_no_key(&format!("{status:?}"));
    }
    let error = tiun.verify_session("s500").await.unwrap_err();
    assert_no_key(&everything_printed(&error));
    let error = tiun.verify_session("").await.unwrap_err();
    assert_no_key(&everything_printed(&error));
    let unreachable = builder(&server)
        .base_url("http://127.0.0.1:9/".parse().unwrap())
        .build()
        .unwrap()
        .verify_session("s1")
        .await
        .unwrap_err();
    assert_no_key(&everything_printed(&unreachable));
}

#[tokio::test]
async fn user_calls_never_show_the_key_or_the_token() {
    const TOKEN: &str = "uvt_5e4d3c2b1a0f";
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/live_api/s2s/v1/users/verification")
                .json_body(json!({"userVerificationToken": TOKEN}));
            then.status(200).json_body(json!({
                "isAuthenticated": true,
                "userInfo": {"userId": "u-1", "productAccess": []}
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/live_api/s2s/v1/users/verification")
                .json_body(json!({"userVerificationToken": format!("{TOKEN}-garbage")}));
            then.status(200).body("not json");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/live_api/s2s/v1/users/u-1/info");
            then.status(200).json_body(json!({"userId": "u-1"}));
        })
        .await;
    let tiun = client(&server);
    let unreachable = builder(&server)
        .base_url("http://127.0.0.1:9/".parse().unwrap())
        .build()
        .unwrap();

    let verified = tiun.verify_user(TOKEN).await.unwrap();
    assert!(verified.user().is_some());
    let lookup = tiun.user_info("u-1").await.unwrap();
    let mut printed = format!("{verified:?} {lookup:?} {:?}", verified.user());
    for error in [
        tiun.verify_user(&format!("{TOKEN}-garbage"))
            .await
            .unwrap_err(),
        tiun.verify_user(&format!("{TOKEN}\n")).await.unwrap_err(),
        unreachable.verify_user(TOKEN).await.unwrap_err(),
    ] {
        printed.push_str(&everything_printed(&error));
    }
    assert_no_key(&printed);
    assert!(!printed.contains(TOKEN), "the token leaked into: {printed}");
}

#[test]
fn build_errors_never_show_the_key() {
    let cases: Vec<BuildError> = vec![
        TiunClient::builder()
            .api_key(format!("{KEY}\n"))
            .base_url("https://x.example/".parse().unwrap())
            .build()
            .unwrap_err(),
        TiunClient::builder().api_key(KEY).build().unwrap_err(),
        TiunClient::builder()
            .api_key(KEY)
            .base_url("http://x.example/".parse().unwrap())
            .build()
            .unwrap_err(),
    ];
    for error in cases {
        assert_no_key(&format!("{error:?} {error}"));
    }
}
