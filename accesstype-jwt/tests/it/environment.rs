//! Accesstype's hosts and the URLs built on them; hostile story ids stay in their segment.

use accesstype_jwt::{Environment, Error, MAX_STORY_ID_BYTES, ParseEnvironmentError, ReaderId};

use crate::percent_decode;

const READER: &str = "0123456789abcdef0123456789abcdef";

fn reader() -> ReaderId {
    ReaderId::parse(READER).unwrap()
}

#[test]
fn hosts_and_script_urls() {
    assert_eq!(
        Environment::Production.base_url().as_str(),
        "https://www.accesstype.com/"
    );
    assert_eq!(
        Environment::Staging.base_url().as_str(),
        "https://staging.accesstype.com/"
    );
    assert_eq!(
        Environment::Production.script_url("acc key&x=1").as_str(),
        "https://www.accesstype.com/frontend/v2/accesstype.js?key=acc+key%26x%3D1"
    );
    assert_eq!(
        Environment::Staging.sandbox_script_url("k1").as_str(),
        "https://staging.accesstype.com/frontend/v2/accesstype.js?key=k1&env=sandbox"
    );
}

#[test]
fn access_url_carries_key_reader_and_optional_jwt() {
    let url = Environment::Production
        .story_access_url("0c9b7b8e-story", "acct", &reader(), Some("aaa.bbb.ccc"))
        .unwrap();
    assert_eq!(
        url.as_str(),
        format!(
            "https://www.accesstype.com/api/access/v1/stories/0c9b7b8e-story/access?key=acct&readerId={READER}&accesstype_jwt=aaa.bbb.ccc"
        )
    );
    let anonymous = Environment::Staging
        .story_access_url("42", "acct", &reader(), None)
        .unwrap();
    assert_eq!(
        anonymous.as_str(),
        format!(
            "https://staging.accesstype.com/api/access/v1/stories/42/access?key=acct&readerId={READER}"
        )
    );
    // Query values are encoded, so a key cannot smuggle in parameters.
    let url = Environment::Production
        .story_access_url("42", "k&readerId=evil", &reader(), Some("a+b/c="))
        .unwrap();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(
        pairs,
        [
            ("key".to_owned(), "k&readerId=evil".to_owned()),
            ("readerId".to_owned(), READER.to_owned()),
            ("accesstype_jwt".to_owned(), "a+b/c=".to_owned()),
        ]
    );
}

#[test]
fn hostile_story_ids_stay_in_their_segment() {
    for story_id in [
        "a/b",
        "../../admin",
        "../",
        "...",
        "%2e%2e",
        "%2F",
        "a?key=evil",
        "a#fragment",
        "a b",
        "ü-story",
        "\\..\\",
        "a;b=c",
        "https://evil.example/x",
        "..;",
        "..;/admin",
        ";jsessionid=1",
        "a=b",
        "%2e%2e;",
        "..\u{2028}",
        "a／b",
        "a:b",
        "@evil",
        "~user",
    ] {
        let url = Environment::Production
            .story_access_url(story_id, "acct", &reader(), None)
            .unwrap();
        assert_eq!(url.host_str(), Some("www.accesstype.com"), "{story_id:?}");
        let segments: Vec<&str> = url.path_segments().unwrap().collect();
        assert_eq!(segments.len(), 6, "{story_id:?}: {url}");
        assert_eq!(segments[..4], ["api", "access", "v1", "stories"]);
        assert_eq!(segments[5], "access");
        let decoded = percent_decode(segments[4]);
        assert_eq!(decoded, story_id, "{url}");
        // Every byte but the unreserved characters is percent-encoded by the crate itself.
        assert!(
            segments[4]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
            "{url}"
        );
        assert_eq!(url.fragment(), None);
        assert_eq!(url.query_pairs().count(), 2, "{url}");
    }
}

#[test]
fn semicolons_and_equals_signs_never_reach_the_path() {
    // Servlet containers read `..;` as `..`; `url`'s own segment encoder leaves `;` and `=`.
    let url = Environment::Production
        .story_access_url("..;", "acct", &reader(), None)
        .unwrap();
    assert_eq!(
        url.as_str(),
        format!(
            "https://www.accesstype.com/api/access/v1/stories/..%3B/access?key=acct&readerId={READER}"
        )
    );
    let url = Environment::Production
        .story_access_url("a;b=c", "acct", &reader(), None)
        .unwrap();
    assert_eq!(url.path(), "/api/access/v1/stories/a%3Bb%3Dc/access");
}

#[test]
fn unusable_story_ids_and_keys_are_refused() {
    for story_id in [
        "",
        ".",
        "..",
        "a\nb",
        "a\u{7f}",
        &"s".repeat(MAX_STORY_ID_BYTES + 1),
    ] {
        assert!(
            matches!(
                Environment::Production.story_access_url(story_id, "acct", &reader(), None),
                Err(Error::InvalidInput {
                    what: "story id",
                    ..
                })
            ),
            "{story_id:?}"
        );
    }
    assert!(
        Environment::Production
            .story_access_url(&"s".repeat(MAX_STORY_ID_BYTES), "acct", &reader(), None)
            .is_ok()
    );
    for key in ["", "a\r\nb"] {
        assert!(matches!(
            Environment::Production.story_access_url("42", key, &reader(), None),
            Err(Error::InvalidAccountKey)
        ));
    }
}

#[test]
fn environments_parse_from_their_names() {
    assert_eq!(
        "production".parse::<Environment>().unwrap(),
        Environment::Production
    );
    assert_eq!(
        " Staging ".parse::<Environment>().unwrap(),
        Environment::Staging
    );
    assert!(matches!(
        "sandbox".parse::<Environment>(),
        Err(ParseEnvironmentError { .. })
    ));
    assert_eq!(
        "sandbox".parse::<Environment>().unwrap_err().to_string(),
        "unknown accesstype environment; expected `production` or `staging`"
    );
    assert_eq!(Environment::Production.as_str(), "production");
    assert_eq!(Environment::Staging.to_string(), "staging");
}
