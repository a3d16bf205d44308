//! Properties over arbitrary input: no panic, no access, confinement holds.

use accesstype_jwt::{
    AccessGrant, ContentTaxonomy, CookieDomain, Environment, ReaderId, SearchQuery,
    StoryAttributesQuery, User,
};
use proptest::prelude::*;

use crate::{percent_decode, signer};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn verify_refuses_arbitrary_strings(token in ".{0,300}") {
        let error = signer().verify(&token).unwrap_err();
        prop_assert!(error.is_token_rejected());
    }

    #[test]
    fn verify_refuses_arbitrary_three_part_tokens(
        header in "[A-Za-z0-9_-]{0,60}",
        payload in "[A-Za-z0-9_-]{0,120}",
        signature in "[A-Za-z0-9_-]{0,60}",
    ) {
        let token = format!("{header}.{payload}.{signature}");
        prop_assert!(signer().verify(&token).unwrap_err().is_token_rejected());
    }

    #[test]
    fn any_signable_user_round_trips(local in "[a-z0-9]{1,20}", id in 0_u64..=accesstype_jwt::MAX_SAFE_INTEGER, name in proptest::option::of(".{0,40}")) {
        let mut user = User::new(format!("{local}@example.com"), id);
        user.name = name;
        let signer = signer();
        let jwt = signer.sign(&user).unwrap();
        prop_assert_eq!(signer.verify(&jwt).unwrap(), user);
    }

    #[test]
    fn cookie_headers_only_ever_yield_well_formed_ids(header in ".{0,200}") {
        if let Ok(Some(id)) = ReaderId::from_cookie_header(&header) {
            prop_assert!(ReaderId::parse(id.as_str()).is_ok());
            prop_assert!(header.contains(id.as_str()));
        }
    }

    #[test]
    fn the_at_meter_cookie_is_found_exactly_when_its_value_is_well_formed(
        before in "[a-z]{1,8}=[ -:<-~]{0,20}",
        space in "[ \t]{0,2}",
        id in "[A-Za-z0-9_-]{12,20}",
        quoted in any::<bool>(),
        junk in "[\"=%,]{0,1}",
    ) {
        // One other cookie (no `;` in it), then an `at-meter` value that is valid only when
        // `id` is long enough and no junk got in; spaces around it and quotes are allowed.
        let quote = if quoted { "\"" } else { "" };
        let value = format!("{quote}{id}{junk}{quote}");
        let header = format!("{before};{space}at-meter={space}{value}{space}");
        let expected = (id.len() >= ReaderId::MIN_LEN && junk.is_empty()).then_some(id);
        prop_assert_eq!(
            ReaderId::from_cookie_header(&header).unwrap().map(|found| found.as_str().to_owned()),
            expected,
            "{:?}",
            header
        );
    }

    #[test]
    fn cookie_domains_never_let_header_syntax_through(domain in ".{0,80}") {
        if let Ok(domain) = CookieDomain::new(&domain) {
            prop_assert!(domain
                .as_str()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'));
        }
    }

    #[test]
    fn story_ids_never_leave_their_segment(
        story_id in prop_oneof![
            Just(".".to_owned()),
            Just("..".to_owned()),
            "[./%?#;=\\\\a-z]{1,6}",
            "[./%?#\\\\a-z\u{0}-\u{1f}\u{7f}\u{80}-\u{10ffff}]{1,60}",
        ],
    ) {
        let reader = ReaderId::parse("0123456789abcdef0123456789abcdef").unwrap();
        let result = Environment::Production.story_access_url(&story_id, "acct", &reader, Some("j.w.t"));
        let refusable = story_id == "." || story_id == ".." || story_id.chars().any(char::is_control);
        prop_assert_eq!(result.is_err(), refusable, "{:?}", story_id);
        if let Ok(url) = result {
            prop_assert_eq!(url.host_str(), Some("www.accesstype.com"));
            let segments: Vec<&str> = url.path_segments().unwrap().collect();
            prop_assert_eq!(segments.len(), 6);
            prop_assert_eq!(&segments[..4], ["api", "access", "v1", "stories"]);
            prop_assert_eq!(percent_decode(segments[4]), story_id);
            prop_assert!(segments[4].bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
            prop_assert_eq!(segments[5], "access");
            prop_assert_eq!(url.query_pairs().count(), 3);
            prop_assert_eq!(url.fragment(), None);
        }
    }

    #[test]
    fn garbage_bodies_are_errors_not_panics(body in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = AccessGrant::from_slice(&body);
        if let Ok(text) = std::str::from_utf8(&body) {
            if let Ok(taxonomy) = serde_json::from_str::<ContentTaxonomy>(text) {
                let _ = taxonomy.validate();
            }
            let _ = SearchQuery::from_query(text);
            let _ = StoryAttributesQuery::from_query(text);
        }
    }
}
