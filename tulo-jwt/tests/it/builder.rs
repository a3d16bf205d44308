//! The builder refuses every misconfiguration at start-up.

use std::time::Duration;

use tulo_jwt::{
    BuildError, DEFAULT_LEEWAY, MAX_LEEWAY, MIN_SECRET_BYTES, TuloVerifier, TuloVerifierBuilder,
};

use crate::fixtures::{CLIENT_ID, NOW, REDIRECT_URI, SECRET, active_claims, at, sign_with};

fn complete() -> TuloVerifierBuilder {
    TuloVerifier::builder()
        .client_id(CLIENT_ID)
        .client_secret(SECRET)
        .redirect_uri(REDIRECT_URI)
}

#[test]
fn defaults() {
    let verifier = complete().build().unwrap();
    assert_eq!(verifier.leeway(), DEFAULT_LEEWAY);
    assert_eq!(DEFAULT_LEEWAY, Duration::from_secs(30));
    assert_eq!(verifier.max_age(), None);
    assert_eq!(verifier.client_id(), CLIENT_ID);
    assert_eq!(verifier.redirect_uri(), REDIRECT_URI);
}

#[test]
fn each_required_value_is_required() {
    let no_id = TuloVerifier::builder()
        .client_secret(SECRET)
        .redirect_uri(REDIRECT_URI);
    assert!(matches!(no_id.build(), Err(BuildError::MissingClientId)));
    let no_secret = TuloVerifier::builder()
        .client_id(CLIENT_ID)
        .redirect_uri(REDIRECT_URI);
    assert!(matches!(
        no_secret.build(),
        Err(BuildError::MissingClientSecret)
    ));
    let no_uri = TuloVerifier::builder()
        .client_id(CLIENT_ID)
        .client_secret(SECRET);
    assert!(matches!(
        no_uri.build(),
        Err(BuildError::MissingRedirectUri)
    ));
}

#[test]
fn an_empty_secret_is_always_refused() {
    assert!(matches!(
        complete().client_secret("").build(),
        Err(BuildError::EmptyClientSecret)
    ));
    assert!(matches!(
        complete()
            .client_secret("")
            .insecure_allow_short_secret()
            .build(),
        Err(BuildError::EmptyClientSecret)
    ));
}

#[test]
fn a_short_secret_needs_the_explicit_opt_in() {
    let short = "s".repeat(MIN_SECRET_BYTES - 1);
    assert!(matches!(
        complete().client_secret(short.as_str()).build(),
        Err(BuildError::ShortSecret { len: 31, min: 32 })
    ));
    let verifier = complete()
        .client_secret(short.as_str())
        .insecure_allow_short_secret()
        .build()
        .unwrap();
    // The short key really is the key.
    let token = sign_with(&active_claims(NOW), jsonwebtoken::Algorithm::HS256, &short);
    assert!(
        verifier
            .verify_token_at(&token, at(NOW))
            .unwrap()
            .is_active()
    );
    let exactly = "s".repeat(MIN_SECRET_BYTES);
    assert!(complete().client_secret(exactly).build().is_ok());
}

#[test]
fn a_secret_with_surrounding_whitespace_is_refused() {
    for secret in [
        format!("{SECRET}\n"),
        format!(" {SECRET}"),
        format!("{SECRET}\r\n"),
    ] {
        assert!(matches!(
            complete().client_secret(secret).build(),
            Err(BuildError::ClientSecretWhitespace)
        ));
    }
}

#[test]
fn leeway_is_capped_by_refusing_more() {
    let verifier = complete().leeway(MAX_LEEWAY).build().unwrap();
    assert_eq!(verifier.leeway(), Duration::from_secs(300));
    let too_much = MAX_LEEWAY + Duration::from_millis(1);
    let error = complete().leeway(too_much).build().unwrap_err();
    assert!(
        matches!(error, BuildError::LeewayTooLarge { leeway, max } if leeway == too_much && max == MAX_LEEWAY),
        "{error:?}"
    );
    assert!(complete().leeway(Duration::ZERO).build().is_ok());
}

#[test]
fn max_age_must_be_positive() {
    assert!(matches!(
        complete().max_age(Duration::ZERO).build(),
        Err(BuildError::ZeroDuration { what: "max_age" })
    ));
    let verifier = complete()
        .max_age(Duration::from_secs(600))
        .build()
        .unwrap();
    assert_eq!(verifier.max_age(), Some(Duration::from_secs(600)));
}

#[test]
fn client_id_is_checked() {
    for id in ["", "has space", "tab\there", "new\nline", &"x".repeat(257)] {
        assert!(
            matches!(
                complete().client_id(id).build(),
                Err(BuildError::InvalidClientId { .. })
            ),
            "{id:?}"
        );
    }
}

#[test]
fn redirect_uri_is_checked() {
    for uri in [
        "",
        "news.example.com/forward",
        "/forward",
        "ftp://news.example.com/",
        "javascript:alert(1)",
        "https://news.example.com/ forward",
        "https://news.example.com/\r\nX: y",
    ] {
        assert!(
            matches!(
                complete().redirect_uri(uri).build(),
                Err(BuildError::InvalidRedirectUri { .. })
            ),
            "{uri:?}"
        );
    }
    for uri in [
        "http://localhost:9292/forward",
        "HTTPS://News.Example.com/forward",
    ] {
        assert!(complete().redirect_uri(uri).build().is_ok(), "{uri}");
    }
}

#[test]
fn build_error_messages_are_lowercase_without_a_period() {
    let errors = [
        TuloVerifier::builder().build().unwrap_err(),
        complete().client_secret("").build().unwrap_err(),
        complete().client_secret("short").build().unwrap_err(),
        complete()
            .leeway(Duration::from_secs(301))
            .build()
            .unwrap_err(),
        complete().redirect_uri("x").build().unwrap_err(),
    ];
    for error in errors {
        let message = error.to_string();
        assert!(message.starts_with(|c: char| c.is_lowercase()), "{message}");
        assert!(!message.ends_with('.'), "{message}");
    }
}
