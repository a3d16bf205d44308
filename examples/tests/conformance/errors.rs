//! Every error type of the four crates clones, and crosses threads: an app can keep a copy
//! for its metrics and hand the original on, and a shared call can give each waiter its own.
//! The axum rejections are errors too. (accesstype-jwt's `axum::StoryWall` is left out: it is
//! an answer, carrying the reader's cookie, that also names its error as a source.)

use std::error::Error as StdError;

/// Compiles only for an error that clones and can be sent, shared and kept.
fn clones<E: StdError + Clone + Send + Sync + 'static>() {}

#[test]
fn every_error_type_clones() {
    clones::<tiun_client::Error>();
    clones::<tiun_client::BuildError>();
    clones::<tiun_client::ParseEnvironmentError>();
    clones::<tiun_client::axum::PaidSessionRejection>();

    clones::<payway_client::Error>();
    clones::<payway_client::BuildError>();
    clones::<payway_client::ParseEnvironmentError>();
    clones::<payway_client::ShopUrlError>();
    clones::<payway_client::CallbackError>();
    clones::<payway_client::LoginStateError>();
    clones::<payway_client::StoreError>();
    clones::<payway_client::sso2::Sso2Error>();
    clones::<payway_client::sso2::TokenError>();
    clones::<payway_client::sso2::LandingError>();
    clones::<payway_client::sso2::SessionCookieError>();
    clones::<payway_client::axum::TicketReturnRejection>();
    clones::<payway_client::axum::Sso2CookieRejection>();

    clones::<tulo_jwt::Error>();
    clones::<tulo_jwt::BuildError>();
    clones::<tulo_jwt::ParseEnvironmentError>();
    clones::<tulo_jwt::axum::TuloRejection>();

    clones::<accesstype_jwt::Error>();
    clones::<accesstype_jwt::BuildError>();
    clones::<accesstype_jwt::JwtError>();
    clones::<accesstype_jwt::ParseEnvironmentError>();
    clones::<accesstype_jwt::ParseError>();
    clones::<accesstype_jwt::TaxonomyViolation>();
    clones::<accesstype_jwt::axum::ReaderRejection>();
    clones::<accesstype_jwt::axum::WebhookRejection>();
}

/// A clone keeps the original's source: shared, not copied into words.
#[test]
fn a_cloned_error_keeps_its_source() {
    use std::time::SystemTime;

    let fake = tulo_jwt::test_util::FakeTulo::new(
        "0123456789abcdef0123456789abcdef",
        "https://news.example.com/",
    );
    // A member without an accessor nested deeper than serde_json builds a value: a genuine
    // token the claims reader refuses with serde_json's report as the source.
    let mut deep = serde_json::json!(0);
    for _ in 0..200 {
        deep = serde_json::json!([deep]);
    }
    let mut claims = fake.active_claims("5f0e9a7b3c2d1e0f9a8b7c6d", SystemTime::now());
    claims["deep"] = deep;
    let verifier = fake.verifier().expect("the fake's verifier builds");
    let error = verifier
        .verify_token(&fake.sign(&claims))
        .expect_err("a member nested past the limit is refused");
    let copy = error.clone();
    assert_eq!(copy.to_string(), error.to_string());
    let source = copy.source().expect("the clone keeps serde_json's report");
    assert_eq!(
        Some(source.to_string()),
        error.source().map(ToString::to_string)
    );
}
