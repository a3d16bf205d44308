//! `{:?}` of every public type: no secret, no token, no whole reader id.

use std::time::Duration;

use accesstype_jwt::{
    AccessGrant, AccesstypeSigner, AssetVisibility, AttributeValue, BuildError, ContentTaxonomy,
    CookieDomain, Environment, Error, GrantReason, JwtError, Provider, ReaderCookie, ReaderId,
    SearchQuery, SearchResponse, StoryAttribute, StoryAttributes, StoryAttributesQuery,
    TaxonomyAttribute, TaxonomyEntry, TaxonomyViolation, User, UserId, Visibility, WallType,
};
use jsonwebtoken::Algorithm;

use crate::{HS256_HEADER, SECRET, craft, signer};

fn assert_hidden(debug: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!debug.contains(secret), "{debug} shows {secret}");
    }
}

#[test]
fn signer_and_builder_never_show_the_secret() {
    let builder = AccesstypeSigner::builder()
        .secret(SECRET)
        .ttl(Duration::from_secs(60));
    let debug = format!("{builder:?}");
    assert!(debug.contains("[redacted]"), "{debug}");
    assert_hidden(
        &debug,
        &[SECRET, &SECRET[..12], &SECRET[SECRET.len() - 12..]],
    );

    let signer = builder.build().unwrap();
    let debug = format!("{signer:?} {signer:#?}");
    assert!(debug.contains("[redacted]"), "{debug}");
    assert!(debug.contains("HS256"), "{debug}");
    assert_hidden(
        &debug,
        &[SECRET, &SECRET[..12], &SECRET[SECRET.len() - 12..]],
    );

    let short = AccesstypeSigner::builder()
        .secret("tiny-secret")
        .build()
        .unwrap_err();
    assert_hidden(&format!("{short:?} {short}"), &["tiny-secret"]);
}

#[test]
fn verification_errors_never_show_the_token() {
    let token = signer().sign(&User::new("john@example.com", 42)).unwrap();
    let segments: Vec<&str> = token.split('.').collect();
    let other = AccesstypeSigner::builder()
        .secret("another-secret-that-is-long-enough-to-use")
        .build()
        .unwrap();
    let mut errors: Vec<JwtError> = vec![other.verify(&token).unwrap_err()];
    errors.push(
        other
            .verify(&format!("{}.{}", segments[0], segments[1]))
            .unwrap_err(),
    );
    errors.push(
        other
            .verify(&craft(
                HS256_HEADER,
                "{not json",
                SECRET.as_bytes(),
                Algorithm::HS256,
            ))
            .unwrap_err(),
    );
    for error in errors {
        let shown = format!("{error:?} {error}");
        assert_hidden(
            &shown,
            &[&token, segments[1], segments[2], SECRET, "john@example.com"],
        );
    }
}

#[test]
fn users_debug_without_personal_data() {
    // A reader's e-mail address and name are personal data; the id and provider print.
    let user = User::new("john.smith@example.com", 42).name("John Smith");
    for shown in [format!("{user:?}"), format!("{user:#?}")] {
        assert_hidden(&shown, &["john.smith", "example.com", "John Smith"]);
        assert!(
            shown.contains("[redacted]") && shown.contains("42"),
            "{shown}"
        );
    }
    let verified = signer().verify(&signer().sign(&user).unwrap()).unwrap();
    assert_hidden(&format!("{verified:?}"), &["john.smith", "John Smith"]);
    assert_eq!(
        format!("{:?}", User::new("a@b.co", "u-1")),
        r#"User { email: Some("[redacted]"), id: Text("u-1"), login_phone_number: None, provider: Quintype, name: None }"#
    );
    // A phone number is personal data too.
    let caller = User::with_phone_number("+919876543210", 7).email("ravi@example.in");
    let shown = format!("{caller:?} {caller:#?}");
    assert_hidden(&shown, &["9876543210", "+91", "ravi@example.in"]);
    assert!(
        shown.contains(r#"login_phone_number: Some("[redacted]")"#),
        "{shown}"
    );
}

#[test]
fn every_public_type_debugs_without_secrets() {
    let reader = ReaderId::parse("0123456789abcdef0123456789abcdef").unwrap();
    let reader_debug = format!("{reader:?}");
    assert_eq!(reader_debug, "ReaderId(\"01234567…\")");

    let jwt = signer().sign(&User::new("john@example.com", 42)).unwrap();
    let url = Environment::Production
        .story_access_url("42", "acct", &reader, Some(&jwt))
        .unwrap();
    let grant: AccessGrant = serde_json::from_str(r#"{"granted":true}"#).unwrap();
    let everything = format!(
        "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
        signer(),
        AccesstypeSigner::builder().secret(SECRET),
        User::new("john@example.com", UserId::from("u-1")).provider(Provider::Wordpress),
        reader,
        CookieDomain::new("example.com").unwrap(),
        Environment::Staging,
        StoryAttributes::new(Visibility::Login),
        StoryAttributesQuery {
            story_id: "1".to_owned()
        },
        ContentTaxonomy::stories([TaxonomyAttribute::new("a", [AttributeValue::new("A", "a")])]),
        SearchQuery::new("q"),
        SearchResponse::new("a", []),
        grant,
        BuildError::MissingSecret,
        JwtError::BadSignature,
    );
    let the_rest = format!(
        "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
        ReaderCookie::for_domain(CookieDomain::new("example.com").unwrap()),
        StoryAttribute::new("section", ["sports"]),
        TaxonomyEntry::story([]),
        TaxonomyViolation::EmptyContentType { entry: 0 },
        GrantReason::Subscriber,
        AssetVisibility::Login,
        WallType::PayWall,
        Visibility::Public,
        Error::InvalidTaxonomy(TaxonomyViolation::NoValues {
            attribute: "a".to_owned()
        }),
    );
    assert_hidden(
        &format!("{everything} {the_rest}"),
        &[
            SECRET,
            &jwt,
            "0123456789abcdef0123456789abcdef",
            "john@example.com",
        ],
    );
    // The URL is the caller's to keep private: it must carry the token, that is its job.
    assert!(url.as_str().contains(&jwt));
}
