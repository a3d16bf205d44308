//! `Sso2ClientBuilder`: every setting checked at start-up.

use std::time::Duration;

use payway_client::sso2::{MAX_LEEWAY, Sso2Client, Sso2ClientBuilder};
use payway_client::{BuildError, Environment, MIN_CLIENT_SECRET_BYTES, MIN_SECRET_BYTES};
use url::Url;

/// 32 bytes: SSO2 signs with the client secret, an HS256 key.
const SECRET: &str = "0123456789abcdef0123456789abcdef";

fn complete() -> Sso2ClientBuilder {
    Sso2Client::builder()
        .environment(Environment::Production)
        .client_id("cid")
        .client_secret(SECRET)
        .organisation_id("org")
}

#[test]
fn a_complete_configuration_builds() {
    let sso2 = complete().build().unwrap();
    assert_eq!(sso2.base_url().as_str(), "https://sso.worldoftulo.com/");
    assert_eq!(sso2.environment(), Some(Environment::Production));
    assert_eq!(sso2.leeway(), Duration::from_secs(60));
    let proxied = complete()
        .base_url(Url::parse("http://127.0.0.1:8080/sso/").unwrap())
        .leeway(MAX_LEEWAY)
        .build()
        .unwrap();
    assert_eq!(proxied.base_url().as_str(), "http://127.0.0.1:8080/sso/");
    let identify = proxied
        .identify_url(&Url::parse("https://news.example.com/").unwrap())
        .unwrap();
    assert!(
        identify
            .as_str()
            .starts_with("http://127.0.0.1:8080/sso/identify?t=")
    );
}

/// Whether a build error is the one a case expects.
type Expected = fn(&BuildError) -> bool;

#[test]
fn every_missing_or_bad_setting_is_refused() {
    let cases: Vec<(Sso2ClientBuilder, Expected)> = vec![
        (
            Sso2Client::builder()
                .environment(Environment::Stage)
                .client_secret(SECRET)
                .organisation_id("org"),
            |e| matches!(e, BuildError::MissingClientId),
        ),
        (complete().client_id("a b"), |e| {
            matches!(e, BuildError::InvalidClientId)
        }),
        (
            Sso2Client::builder()
                .environment(Environment::Stage)
                .client_id("cid")
                .organisation_id("org"),
            |e| matches!(e, BuildError::MissingClientSecret),
        ),
        (complete().client_secret("   "), |e| {
            matches!(e, BuildError::EmptyClientSecret)
        }),
        (complete().client_secret("short"), |e| {
            matches!(e, BuildError::ShortSecret { len: 5, min: 32 })
        }),
        // The 16 bytes the Payway API client takes are not enough for an HS256 key.
        (complete().client_secret("0123456789abcdef"), |e| {
            matches!(e, BuildError::ShortSecret { len: 16, min: 32 })
        }),
        (complete().client_secret(&SECRET[..31]), |e| {
            matches!(e, BuildError::ShortSecret { len: 31, min: 32 })
        }),
        (
            Sso2Client::builder()
                .environment(Environment::Stage)
                .client_id("cid")
                .client_secret(SECRET),
            |e| matches!(e, BuildError::MissingOrganisationId),
        ),
        (complete().organisation_id(""), |e| {
            matches!(e, BuildError::InvalidOrganisationId)
        }),
        (
            Sso2Client::builder()
                .client_id("cid")
                .client_secret(SECRET)
                .organisation_id("org"),
            |e| matches!(e, BuildError::MissingEnvironment),
        ),
        (
            complete().base_url(Url::parse("http://sso.example.com/").unwrap()),
            |e| matches!(e, BuildError::InsecureBaseUrl),
        ),
        (
            complete().base_url(Url::parse("https://sso.example.com/?x=1").unwrap()),
            |e| matches!(e, BuildError::InvalidBaseUrl { .. }),
        ),
        (complete().timeout(Duration::ZERO), |e| {
            matches!(e, BuildError::ZeroDuration { what: "timeout" })
        }),
        (complete().connect_timeout(Duration::ZERO), |e| {
            matches!(
                e,
                BuildError::ZeroDuration {
                    what: "connect_timeout"
                }
            )
        }),
        (
            complete().leeway(MAX_LEEWAY + Duration::from_secs(1)),
            |e| matches!(e, BuildError::LeewayTooLarge { .. }),
        ),
        (
            complete()
                .http_client(reqwest::Client::new())
                .connect_timeout(Duration::from_secs(1)),
            |e| matches!(e, BuildError::ConnectTimeoutWithHttpClient),
        ),
    ];
    for (builder, expected) in cases {
        let shown = format!("{builder:?}");
        let error = builder.build().unwrap_err();
        assert!(expected(&error), "{shown}: {error:?}");
    }
    assert_eq!((MIN_CLIENT_SECRET_BYTES, MIN_SECRET_BYTES), (16, 32));
    assert!(complete().client_secret(&SECRET[..32]).build().is_ok());
    for short in ["short", "0123456789abcdef"] {
        assert!(
            complete()
                .client_secret(short)
                .insecure_allow_short_secret()
                .build()
                .is_ok()
        );
    }
}
