//! Configuration: what `build()` and `from_env()` accept and refuse.

use std::time::Duration;

use payway_client::{BuildError, Environment, PaywayClient, TokenEncoding};
use url::Url;

fn valid() -> payway_client::PaywayClientBuilder {
    PaywayClient::builder()
        .environment(Environment::Stage)
        .client_id("id-1")
        .client_secret("secret-1-0123456789")
}

#[test]
fn client_is_clone_send_sync_and_static() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<PaywayClient>();
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<payway_client::MemoryTicketStore>();
    assert_send_sync::<payway_client::Error>();
    assert_send_sync::<payway_client::TicketLogin>();
}

#[test]
fn environments_choose_the_api_host() {
    let stage = valid().build().unwrap();
    assert_eq!(
        stage.base_url().as_str(),
        "https://payway-api.stage.adeprimo.se/"
    );
    assert_eq!(stage.environment(), Some(Environment::Stage));
    let production = valid()
        .environment(Environment::Production)
        .build()
        .unwrap();
    assert_eq!(
        production.base_url().as_str(),
        "https://backend.worldoftulo.com/"
    );
    // An explicit base URL wins over the environment.
    let proxied = valid()
        .base_url(Url::parse("https://proxy.example/payway/").unwrap())
        .build()
        .unwrap();
    assert_eq!(proxied.base_url().as_str(), "https://proxy.example/payway/");
    assert_eq!(proxied.token_encoding(), TokenEncoding::Form);
    assert_eq!(proxied.client_id(), "id-1");
    assert_eq!(proxied.claim_ttl(), payway_client::DEFAULT_CLAIM_TTL);
}

#[test]
fn missing_and_empty_settings_are_refused() {
    let no_id = PaywayClient::builder()
        .environment(Environment::Stage)
        .client_secret("s-0123456789abcdef")
        .build();
    assert!(matches!(no_id, Err(BuildError::MissingClientId)));
    for bad_id in ["", " id", "id\n", "a b"] {
        assert!(
            matches!(
                valid().client_id(bad_id).build(),
                Err(BuildError::InvalidClientId)
            ),
            "{bad_id:?}"
        );
    }
    let no_secret = PaywayClient::builder()
        .environment(Environment::Stage)
        .client_id("id")
        .build();
    assert!(matches!(no_secret, Err(BuildError::MissingClientSecret)));
    for empty in ["", "   "] {
        assert!(matches!(
            valid().client_secret(empty).build(),
            Err(BuildError::EmptyClientSecret)
        ));
    }
    let nowhere = PaywayClient::builder()
        .client_id("id")
        .client_secret("s-0123456789abcdef")
        .build();
    assert!(matches!(nowhere, Err(BuildError::MissingEnvironment)));
}

#[test]
fn insecure_or_unusable_base_urls_are_refused() {
    let http = valid()
        .base_url(Url::parse("http://backend.worldoftulo.com/").unwrap())
        .build();
    assert!(matches!(http, Err(BuildError::InsecureBaseUrl)));
    for loopback in [
        "http://127.0.0.1:9/",
        "http://localhost:9/",
        "http://[::1]:9/",
    ] {
        assert!(
            valid()
                .base_url(Url::parse(loopback).unwrap())
                .build()
                .is_ok(),
            "{loopback}"
        );
    }
    for unusable in [
        "https://user:pass@payway.example/",
        "https://payway.example/?x=1",
        "https://payway.example/#frag",
        "mailto:ops@example.com",
        "file:///etc/passwd",
    ] {
        let result = valid().base_url(Url::parse(unusable).unwrap()).build();
        assert!(
            matches!(result, Err(BuildError::InvalidBaseUrl { .. })),
            "{unusable}"
        );
    }
}

#[test]
fn zero_durations_and_bad_scopes_are_refused() {
    // Each named as its builder method is.
    for (builder, name) in [
        (valid().timeout(Duration::ZERO), "timeout"),
        (valid().connect_timeout(Duration::ZERO), "connect_timeout"),
        (valid().claim_ttl(Duration::ZERO), "claim_ttl"),
    ] {
        let error = builder.build().unwrap_err();
        assert!(
            matches!(error, BuildError::ZeroDuration { what } if what == name),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            format!("{name} must be greater than zero")
        );
    }
    // A claim must outlive the exchange it guards.
    for (claim_ttl, timeout) in [(10, 10), (5, 30)] {
        let short = valid()
            .claim_ttl(Duration::from_secs(claim_ttl))
            .timeout(Duration::from_secs(timeout))
            .build();
        assert!(matches!(short, Err(BuildError::ClaimTtlTooShort)));
    }
    assert!(
        valid()
            .claim_ttl(Duration::from_secs(11))
            .timeout(Duration::from_secs(10))
            .build()
            .is_ok()
    );
    assert!(matches!(
        valid()
            .ticket_scopes(["/external/me/w", "two words"])
            .build(),
        Err(BuildError::InvalidScope)
    ));
    assert!(valid().ticket_scopes(["/external/me/w"]).build().is_ok());
}

#[test]
fn build_errors_never_show_the_secret() {
    let err = valid()
        .client_id("")
        .client_secret("hunter2-secret")
        .build()
        .unwrap_err();
    assert!(!format!("{err} {err:?}").contains("hunter2"));
}

#[test]
fn short_secrets_need_the_opt_in_and_empty_ones_are_always_refused() {
    let short = valid()
        .client_secret("fifteen-bytes-x")
        .build()
        .unwrap_err();
    assert!(
        matches!(short, BuildError::ShortSecret { len: 15, min: 16 }),
        "{short:?}"
    );
    assert_eq!(payway_client::MIN_CLIENT_SECRET_BYTES, 16);
    assert!(!format!("{short} {short:?}").contains("fifteen"));
    assert!(valid().client_secret("sixteen-bytes-xx").build().is_ok());
    assert!(
        valid()
            .client_secret("short")
            .insecure_allow_short_secret()
            .build()
            .is_ok()
    );
    assert!(matches!(
        valid()
            .client_secret("")
            .insecure_allow_short_secret()
            .build(),
        Err(BuildError::EmptyClientSecret)
    ));
}

#[test]
fn a_connect_timeout_with_a_callers_client_is_refused() {
    let own = reqwest::Client::new();
    let both = valid()
        .http_client(own.clone())
        .connect_timeout(Duration::from_secs(1))
        .build();
    assert!(matches!(
        both,
        Err(BuildError::ConnectTimeoutWithHttpClient)
    ));
    assert!(valid().http_client(own).build().is_ok());
    assert!(
        valid()
            .connect_timeout(Duration::from_secs(1))
            .build()
            .is_ok()
    );
}

#[test]
fn environments_have_stable_names() {
    for (environment, name) in [
        (Environment::Stage, "stage"),
        (Environment::Production, "production"),
    ] {
        assert_eq!(environment.as_str(), name);
        assert_eq!(environment.to_string(), name);
        assert_eq!(name.parse::<Environment>().unwrap(), environment);
    }
    assert_eq!(payway_client::ENV_CLIENT_ID, "PAYWAY_CLIENT_ID");
    assert_eq!(payway_client::ENV_CLIENT_SECRET, "PAYWAY_CLIENT_SECRET");
    assert_eq!(payway_client::ENV_ENVIRONMENT, "PAYWAY_ENVIRONMENT");
    assert_eq!(payway_client::ENV_BASE_URL, "PAYWAY_BASE_URL");
}
