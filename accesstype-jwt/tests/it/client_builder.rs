//! `AccesstypeClientBuilder::build`: every misconfiguration found at start-up.

use std::time::Duration;

use accesstype_jwt::{
    AccesstypeClient, AccesstypeClientBuilder, BuildError, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TIMEOUT, Environment, Error, MAX_CACHE_GRANTS_FOR,
};

use crate::{ACCOUNT_KEY, API_KEY};

fn builder() -> AccesstypeClientBuilder {
    AccesstypeClient::builder()
        .environment(Environment::Staging)
        .account_key(ACCOUNT_KEY)
        .api_key(API_KEY)
}

#[test]
fn a_minimal_configuration_builds_with_the_documented_defaults() {
    let client = builder().build().unwrap();
    assert_eq!(client.environment(), Some(Environment::Staging));
    assert_eq!(
        client.base_url().as_str(),
        "https://staging.accesstype.com/"
    );
    assert_eq!(client.account_key(), ACCOUNT_KEY);
    assert_eq!(client.cache_grants_for(), None);
    assert_eq!(DEFAULT_TIMEOUT, Duration::from_secs(10));
    assert_eq!(DEFAULT_CONNECT_TIMEOUT, Duration::from_secs(5));
    let debug = format!("{client:?}");
    assert!(debug.contains("coalesce: true"), "{debug}");
    assert!(
        debug.contains("serve_when_pingback_fails: false"),
        "{debug}"
    );
}

#[test]
fn both_keys_are_required_and_checked() {
    let no_account = AccesstypeClient::builder()
        .environment(Environment::Production)
        .api_key(API_KEY);
    assert!(matches!(
        no_account.build(),
        Err(BuildError::MissingAccountKey)
    ));
    let no_api = AccesstypeClient::builder()
        .environment(Environment::Production)
        .account_key(ACCOUNT_KEY);
    assert!(matches!(no_api.build(), Err(BuildError::MissingApiKey)));
    assert!(matches!(
        builder().api_key("").build(),
        Err(BuildError::MissingApiKey)
    ));
    for bad in ["key with space", "key\n", "ключ", "\tkey"] {
        assert!(
            matches!(
                builder().api_key(bad).build(),
                Err(BuildError::InvalidApiKey)
            ),
            "{bad:?}"
        );
    }
    for bad in ["acct 1", "acct\r\n", "\u{0}"] {
        assert!(
            matches!(
                builder().account_key(bad).build(),
                Err(BuildError::InvalidAccountKey)
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn the_account_key_follows_one_rule_offline_and_in_the_client() {
    let reader = crate::reader();
    for (key, valid) in [
        ("acct-7f3e", true),
        ("Acct_7F3E.x", true),
        ("acct key", false),
        (" acct", false),
        ("acct\t", false),
        ("acct\u{a0}", false),
        ("acct\u{2028}", false),
        ("a\r\nb", false),
        ("\u{0}", false),
        ("", false),
    ] {
        let offline = Environment::Production.story_access_url("42", key, &reader, None);
        let client = builder().account_key(key).build();
        assert_eq!(offline.is_ok(), valid, "{key:?}: {offline:?}");
        assert_eq!(client.is_ok(), valid, "{key:?}");
        if !valid {
            assert!(matches!(offline, Err(Error::InvalidAccountKey)), "{key:?}");
            assert!(
                matches!(
                    client,
                    Err(BuildError::InvalidAccountKey | BuildError::MissingAccountKey)
                ),
                "{key:?}"
            );
        }
    }
}

#[test]
fn an_environment_or_a_base_url_and_only_https_or_loopback() {
    let none = AccesstypeClient::builder()
        .account_key(ACCOUNT_KEY)
        .api_key(API_KEY);
    assert!(matches!(none.build(), Err(BuildError::MissingEnvironment)));
    let url = |text: &str| text.parse().unwrap();
    for ok in [
        "https://proxy.example/accesstype/",
        "http://127.0.0.1:8080/",
        "http://[::1]:9/",
        "http://localhost:3000/",
    ] {
        builder()
            .base_url(url(ok))
            .build()
            .unwrap_or_else(|error| panic!("{ok}: {error}"));
    }
    for insecure in [
        "http://www.accesstype.com/",
        "http://10.1.2.3/",
        "http://localhost.evil.example/",
    ] {
        assert!(
            matches!(
                builder().base_url(url(insecure)).build(),
                Err(BuildError::InsecureBaseUrl)
            ),
            "{insecure}"
        );
    }
    for invalid in [
        "https://user:pass@www.accesstype.com/",
        "https://www.accesstype.com/?key=1",
        "https://www.accesstype.com/#x",
        "ftp://www.accesstype.com/",
        "unix:/run/accesstype.sock",
    ] {
        assert!(
            matches!(
                builder().base_url(url(invalid)).build(),
                Err(BuildError::InvalidBaseUrl { .. })
            ),
            "{invalid}"
        );
    }
}

#[test]
fn durations_and_the_cache_are_checked() {
    for (configured, what) in [
        (builder().timeout(Duration::ZERO), "timeout"),
        (builder().connect_timeout(Duration::ZERO), "connect_timeout"),
        (
            builder().cache_grants_for(Duration::ZERO),
            "cache_grants_for",
        ),
    ] {
        assert!(
            matches!(configured.build(), Err(BuildError::ZeroDuration { what: w }) if w == what),
            "{what}"
        );
    }
    assert_eq!(MAX_CACHE_GRANTS_FOR, Duration::from_secs(180));
    let client = builder()
        .cache_grants_for(MAX_CACHE_GRANTS_FOR)
        .build()
        .unwrap();
    assert_eq!(client.cache_grants_for(), Some(MAX_CACHE_GRANTS_FOR));
    assert!(matches!(
        builder()
            .cache_grants_for(MAX_CACHE_GRANTS_FOR + Duration::from_millis(1))
            .build(),
        Err(BuildError::CacheTooLong { max }) if max == MAX_CACHE_GRANTS_FOR
    ));
}

#[test]
fn a_caller_client_owns_its_connect_timeout() {
    let shared = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    assert!(matches!(
        builder()
            .http_client(shared.clone())
            .connect_timeout(Duration::from_secs(1))
            .build(),
        Err(BuildError::ConnectTimeoutWithHttpClient)
    ));
    let client = builder()
        .http_client(shared)
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    assert!(format!("{client:?}").contains("timeout: 1s"));
}

#[test]
fn no_build_error_or_debug_output_shows_a_key() {
    let configured = builder()
        .coalesce(false)
        .insecure_serve_when_pingback_fails();
    let debug = format!("{configured:?}");
    assert!(
        !debug.contains(API_KEY) && debug.contains("[redacted]"),
        "{debug}"
    );
    let client = configured.build().unwrap();
    let debug = format!("{client:?} {client:#?}");
    assert!(
        !debug.contains(API_KEY) && debug.contains("[redacted]"),
        "{debug}"
    );
    assert!(debug.contains("coalesce: false") && debug.contains("serve_when_pingback_fails: true"));
    for error in [
        builder()
            .api_key(format!("{API_KEY} "))
            .build()
            .unwrap_err(),
        builder()
            .base_url("http://accesstype.example/".parse().unwrap())
            .build()
            .unwrap_err(),
        AccesstypeClient::builder()
            .api_key(API_KEY)
            .build()
            .unwrap_err(),
    ] {
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(API_KEY), "{shown}");
    }
}
