//! Properties over arbitrary input: no panic, no access, confinement holds.
//!
//! Where random text would almost never reach the code under test (a cookie named
//! `at-meter`, a valid domain, JSON of the right shape), the input is built from the parts
//! such input is made of, and each property counts how many cases reached the path it is
//! about: a property that stops exercising that path fails.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Debug;
use std::sync::Mutex;

use accesstype_jwt::{
    AccessGrant, ContentTaxonomy, CookieDomain, Environment, Error, RESERVED_ATTRIBUTE_NAMES,
    ReaderCookie, ReaderId, SearchQuery, StoryAttributesQuery, User,
};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};

use crate::{percent_decode, signer};

/// Runs `test` on 256 inputs from `strategy` and returns how many cases took each path, as
/// `test` names it.
fn paths_taken<S: Strategy>(
    strategy: S,
    test: impl Fn(S::Value) -> Result<&'static str, TestCaseError>,
) -> BTreeMap<&'static str, u32>
where
    S::Value: Debug,
{
    let taken = Mutex::new(BTreeMap::new());
    let config = Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new(config)
        .run(&strategy, |input| {
            let path = test(input)?;
            *taken.lock().unwrap().entry(path).or_insert(0) += 1;
            Ok(())
        })
        .unwrap();
    taken.into_inner().unwrap()
}

/// Fails unless at least `percent` of the cases in `taken` took `path`.
fn assert_share(taken: &BTreeMap<&'static str, u32>, path: &str, percent: u32) {
    let total: u32 = taken.values().sum();
    let reached = taken.get(path).copied().unwrap_or(0);
    assert!(
        reached * 100 >= total * percent,
        "only {reached} of {total} cases reached `{path}` (want {percent}%): {taken:?}"
    );
}

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
}

/// A cookie pair that is not `at-meter`, near misses of the name included.
fn other_cookie_pair() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        4 => "[a-z_]{1,8}",
        1 => Just("At-Meter".to_owned()),
        1 => Just("at_meter".to_owned()),
        1 => Just("xat-meter".to_owned()),
        1 => Just("at-meter2".to_owned()),
    ];
    (name, cookie_value()).prop_map(|(name, value)| format!("{name}={value}"))
}

/// An `at-meter` pair: spaces around the name, and sometimes no `=` or two.
fn at_meter_pair() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        6 => Just("at-meter"),
        1 => Just(" at-meter"),
        1 => Just("at-meter\t"),
    ];
    let equals = prop_oneof![8 => Just("="), 1 => Just(""), 1 => Just("==")];
    (name, equals, cookie_value())
        .prop_map(|(name, equals, value)| format!("{name}{equals}{value}"))
}

/// Cookie values: well-formed ids (bare, quoted, with spaces), too short, with junk, or any
/// printable text but `;`.
fn cookie_value() -> impl Strategy<Value = String> {
    prop_oneof![
        5 => "[A-Za-z0-9_-]{16,40}",
        1 => "\"[0-9a-f]{32}\"",
        1 => " [0-9a-f]{32}\t",
        1 => "[A-Za-z0-9_-]{1,15}",
        1 => "[A-Za-z0-9_-]{8,20}[=%,\" é]{1,2}[a-z]{0,8}",
        1 => "[ -:<-~]{0,20}",
    ]
}

/// `Cookie` headers of a few pairs, one or two of them `at-meter`, in any order.
fn cookie_header() -> impl Strategy<Value = String> {
    let separator = prop_oneof![Just(";"), Just("; "), Just(";;"), Just(" ;\t")];
    (
        proptest::collection::vec(other_cookie_pair(), 0..4),
        at_meter_pair(),
        proptest::option::weighted(0.2, at_meter_pair()),
        any::<Index>(),
        any::<Index>(),
        proptest::collection::vec(separator, 6),
    )
        .prop_map(|(mut pairs, first, second, at, again, separators)| {
            pairs.insert(at.index(pairs.len() + 1), first);
            if let Some(second) = second {
                pairs.insert(again.index(pairs.len() + 1), second);
            }
            let mut header = String::new();
            for (i, pair) in pairs.iter().enumerate() {
                if i > 0 {
                    header.push_str(separators[i % separators.len()]);
                }
                header.push_str(pair);
            }
            header
        })
}

#[test]
fn cookie_headers_only_ever_yield_well_formed_ids() {
    let taken = paths_taken(cookie_header(), |header| {
        // Pairs whose name, without surrounding spaces and tabs, is exactly `at-meter`.
        let pairs = header
            .split(';')
            .filter(|pair| {
                pair.split_once('=')
                    .is_some_and(|(name, _)| name.trim_matches([' ', '\t']) == "at-meter")
            })
            .count();
        match ReaderId::from_cookie_header(&header) {
            Ok(Some(id)) => {
                prop_assert_eq!(pairs, 1, "{:?}", header);
                prop_assert!(ReaderId::parse(id.as_str()).is_ok());
                prop_assert!(header.contains(id.as_str()));
                Ok("found")
            }
            Ok(None) => {
                prop_assert!(pairs <= 1, "{:?}", header);
                Ok("none")
            }
            Err(Error::DuplicateCookie) => {
                prop_assert!(pairs >= 2, "{:?}", header);
                Ok("duplicate")
            }
            Err(other) => Err(TestCaseError::fail(format!("{other:?} for {header:?}"))),
        }
    });
    assert_share(&taken, "found", 30);
    assert_share(&taken, "duplicate", 5);
    assert_share(&taken, "none", 10);
}

/// Domain labels: mostly letters, digits and inner hyphens; sometimes digits only, `xn--`,
/// hyphens at an end, or hostile characters.
fn domain_label() -> impl Strategy<Value = String> {
    prop_oneof![
        24 => "[a-z]([a-z0-9-]{0,10}[a-z0-9])?",
        2 => "[0-9]{1,3}",
        1 => "xn--[a-z0-9]{2,8}",
        1 => "-[a-z]{1,4}|[a-z]{1,4}-",
        1 => "[A-Za-z0-9;,= :/_\\x00-\\x1f]{0,6}",
    ]
}

/// Domains from labels, sometimes with a dot, a port, a path or an attribute around them.
fn cookie_domain() -> impl Strategy<Value = String> {
    let labels = prop_oneof![
        1 => proptest::collection::vec(domain_label(), 1..2),
        6 => proptest::collection::vec(domain_label(), 2..5),
    ];
    let before = prop_oneof![20 => Just(""), 1 => Just("."), 1 => Just(" ")];
    let after = prop_oneof![
        25 => Just(""),
        1 => Just("."),
        1 => Just(":8080"),
        1 => Just("/path"),
        1 => Just("; HttpOnly"),
        1 => Just("\r\nSet-Cookie: x=y"),
    ];
    (before, labels, after)
        .prop_map(|(before, labels, after)| format!("{before}{}{after}", labels.join(".")))
}

#[test]
fn cookie_domains_never_let_header_syntax_through() {
    let reader = ReaderId::parse("0123456789abcdef0123456789abcdef").unwrap();
    let taken = paths_taken(cookie_domain(), |text| {
        let Ok(domain) = CookieDomain::new(&text) else {
            return Ok("refused");
        };
        let name = domain.as_str();
        prop_assert_eq!(name, text.as_str());
        prop_assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        );
        let labels: Vec<&str> = name.split('.').collect();
        prop_assert!(labels.len() >= 2, "{:?}", name);
        for label in &labels {
            prop_assert!((1..=63).contains(&label.len()), "{:?}", name);
            prop_assert!(
                !label.starts_with('-') && !label.ends_with('-'),
                "{:?}",
                name
            );
        }
        prop_assert!(
            !labels[labels.len() - 1].bytes().all(|b| b.is_ascii_digit()),
            "{:?}",
            name
        );
        // The `Set-Cookie` value gains exactly one attribute, `Domain={name}`.
        let host_only = reader.set_cookie(&ReaderCookie::host_only());
        let shared = reader.set_cookie(&ReaderCookie::for_domain(domain.clone()));
        prop_assert_eq!(
            shared.matches(';').count(),
            host_only.matches(';').count() + 1
        );
        let attribute = format!("; Domain={name}; ");
        prop_assert!(shared.contains(&attribute), "{}", shared);
        Ok("accepted")
    });
    assert_share(&taken, "accepted", 20);
    assert_share(&taken, "refused", 20);
}

/// What a JSON fragment is, for the access grant's rules.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    Bool(bool),
    Text,
    Null,
    Object,
    Other,
    /// Holds a member name twice, at some depth.
    Repeating,
}

fn json_fragment() -> impl Strategy<Value = (&'static str, Shape)> {
    prop_oneof![
        Just(("true", Shape::Bool(true))),
        Just(("false", Shape::Bool(false))),
        Just(("null", Shape::Null)),
        Just(("\"METERING\"", Shape::Text)),
        Just(("\"SUBSCRIBER\"", Shape::Text)),
        Just(("\"pay_wall\"", Shape::Text)),
        Just(("\"\"", Shape::Text)),
        Just((r#"{"numberRemaining":3,"isLoggedIn":false}"#, Shape::Object)),
        Just(("{}", Shape::Object)),
        Just((r#"{"a":{"b":1,"b":2}}"#, Shape::Repeating)),
        Just((r#"[1,"x",null]"#, Shape::Other)),
        Just(("-1.5e3", Shape::Other)),
        Just((r#"[{"k":1,"k":1}]"#, Shape::Repeating)),
    ]
}

/// A member of an access grant other than `granted`: a documented name (mostly) and a
/// fragment, most often of the type that name needs.
fn grant_member() -> impl Strategy<Value = (&'static str, &'static str, Shape)> {
    let text = prop_oneof![
        Just(("\"METERING\"", Shape::Text)),
        Just(("\"SUBSCRIBER\"", Shape::Text)),
        Just(("\"registration_wall\"", Shape::Text)),
        Just(("null", Shape::Null)),
    ];
    let object = prop_oneof![
        Just((r#"{"numberRemaining":3,"isLoggedIn":false}"#, Shape::Object)),
        Just(("{}", Shape::Object)),
        Just(("null", Shape::Null)),
    ];
    let named = |name: &'static str, typed: BoxedStrategy<(&'static str, Shape)>| {
        prop_oneof![3 => typed, 1 => json_fragment()]
            .prop_map(move |(text, shape)| (name, text, shape))
    };
    prop_oneof![
        3 => named("grantReason", text.clone().boxed()),
        1 => named("assetVisibility", text.clone().boxed()),
        1 => named("wallType", text.boxed()),
        2 => named("data", object.boxed()),
        1 => named("numberRemaining", json_fragment().boxed()),
        1 => named("granted", json_fragment().boxed()),
    ]
}

/// The members of an access grant: `granted` (most of the time a boolean) and a few others.
fn grant_members() -> impl Strategy<Value = Vec<(&'static str, &'static str, Shape)>> {
    let granted = prop_oneof![
        4 => Just(("true", Shape::Bool(true))),
        4 => Just(("false", Shape::Bool(false))),
        1 => json_fragment(),
    ];
    (
        proptest::option::weighted(0.9, granted),
        proptest::collection::vec(grant_member(), 0..3),
        any::<Index>(),
    )
        .prop_map(|(granted, mut members, at)| {
            if let Some((text, shape)) = granted {
                members.insert(at.index(members.len() + 1), ("granted", text, shape));
            }
            members
        })
}

/// How a body is spoiled after it is written, if at all.
#[derive(Debug, Clone)]
enum Spoil {
    None,
    Cut(Index),
    Append(&'static str),
}

#[test]
fn grant_bodies_built_from_json_fragments_parse_exactly_when_the_rules_allow() {
    let spoil = prop_oneof![
        8 => Just(Spoil::None),
        1 => any::<Index>().prop_map(Spoil::Cut),
        1 => prop_oneof![Just("x"), Just(","), Just("}"), Just("{}")].prop_map(Spoil::Append),
    ];
    let body = (grant_members(), spoil);
    let taken = paths_taken(body, |(members, spoil)| {
        let mut body = String::from("{");
        for (i, (name, text, _)) in members.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            body.push_str(&format!("\"{name}\":{text}"));
        }
        body.push('}');
        match &spoil {
            Spoil::None => {}
            Spoil::Cut(at) => body.truncate(at.index(body.len())),
            Spoil::Append(tail) => body.push_str(tail),
        }

        let mut names = HashSet::new();
        let unique = members.iter().all(|(name, _, _)| names.insert(*name));
        let granted = members
            .iter()
            .find(|(name, _, _)| *name == "granted")
            .map(|(_, _, shape)| *shape);
        let typed = members.iter().all(|(name, _, shape)| match *name {
            "granted" => matches!(shape, Shape::Bool(_)),
            "grantReason" | "assetVisibility" | "wallType" => {
                matches!(shape, Shape::Text | Shape::Null)
            }
            "data" => matches!(shape, Shape::Object | Shape::Null),
            _ => *shape != Shape::Repeating,
        });
        let expected = matches!(spoil, Spoil::None) && unique && typed && granted.is_some();

        let result = AccessGrant::from_slice(body.as_bytes());
        prop_assert_eq!(result.is_ok(), expected, "{} gave {:?}", body, result);
        let Ok(grant) = result else {
            let parse_error = matches!(result, Err(Error::Parse { .. }));
            prop_assert!(parse_error, "{:?}", result);
            return Ok("refused");
        };
        prop_assert_eq!(Some(Shape::Bool(grant.granted())), granted);
        let metering = members
            .iter()
            .any(|(name, text, _)| *name == "grantReason" && *text == "\"METERING\"");
        prop_assert_eq!(grant.is_metered(), grant.granted() && metering);
        Ok("parsed")
    });
    assert_share(&taken, "parsed", 20);
    assert_share(&taken, "refused", 20);
}

/// A taxonomy body from plausible parts: content types, names and values in several
/// spellings, reserved names, blanks and invisible characters among them.
fn taxonomy_body() -> impl Strategy<Value = Value> {
    let value = (
        prop_oneof![9 => Just("Sports"), 9 => Just("Science"), 1 => Just(" "), 1 => Just("")],
        prop_oneof![
            6 => Just("sports"),
            6 => Just("science"),
            6 => Just("cricket"),
            6 => Just("tennis"),
            6 => Just("golf"),
            6 => Just("chess"),
            6 => Just("rugby"),
            6 => Just("hockey"),
            2 => Just("Sports "),
            1 => Just(""),
            1 => Just("spo\u{200b}rts"),
        ],
    )
        .prop_map(|(label, value)| json!({"label": label, "value": value}));
    let values = prop_oneof![
        1 => proptest::collection::vec(value.clone(), 0..1),
        8 => proptest::collection::vec(value, 1..3),
    ];
    let attribute = (
        prop_oneof![
            4 => Just("section"),
            1 => Just("Section"),
            4 => Just("author"),
            4 => Just("tag"),
            4 => Just("region"),
            1 => Just("visibility"),
            1 => Just(" "),
        ],
        values,
        proptest::option::weighted(
            0.3,
            prop_oneof![4 => Just("https://news.example.com/s"), 1 => Just("ftp://x")],
        ),
        proptest::bool::weighted(0.05),
    )
        .prop_map(|(name, values, search_url, nameless)| {
            let mut attribute = json!({"name": name, "values": values});
            if let Some(url) = search_url {
                attribute["search-url"] = json!(url);
            }
            if nameless {
                attribute.as_object_mut().unwrap().remove("name");
            }
            attribute
        });
    let entry = (
        prop_oneof![6 => Just("story"), 2 => Just("Story"), 2 => Just("video"), 1 => Just("")],
        proptest::collection::vec(attribute, 1..=2),
    )
        .prop_map(|(kind, attributes)| json!({"type": kind, "attributes": attributes}));
    proptest::collection::vec(entry, 1..=2).prop_map(Value::Array)
}

#[test]
fn taxonomies_built_from_parts_validate_only_when_every_rule_holds() {
    let normal = |text: &str| text.trim().to_lowercase();
    let taken = paths_taken(taxonomy_body(), |body| {
        let text = body.to_string();
        let Ok(taxonomy) = serde_json::from_str::<ContentTaxonomy>(&text) else {
            return Ok("not a taxonomy");
        };
        let valid = taxonomy.validate();
        prop_assert_eq!(taxonomy.clone().validated().is_ok(), valid.is_ok());
        if let Err(error) = valid {
            prop_assert!(
                accesstype_jwt::Error::from(error)
                    .taxonomy_violation()
                    .is_some()
            );
            return Ok("violation");
        }
        let mut names_by_type: BTreeMap<String, HashSet<String>> = BTreeMap::new();
        for entry in &taxonomy.entries {
            prop_assert!(!normal(&entry.content_type).is_empty());
            let names = names_by_type
                .entry(normal(&entry.content_type))
                .or_default();
            for attribute in &entry.attributes {
                let name = normal(&attribute.name);
                prop_assert!(
                    !name.is_empty() && !RESERVED_ATTRIBUTE_NAMES.contains(&name.as_str())
                );
                prop_assert!(names.insert(name), "{}", text);
                prop_assert!(!attribute.values.is_empty(), "{}", text);
                let mut values = HashSet::new();
                for value in &attribute.values {
                    prop_assert!(
                        !value.label.trim().is_empty() && !normal(&value.value).is_empty()
                    );
                    let hidden = value.value.contains('\u{200b}');
                    prop_assert!(!hidden, "{}", text);
                    prop_assert!(values.insert(normal(&value.value)), "{}", text);
                }
                if let Some(url) = &attribute.search_url {
                    prop_assert!(url.starts_with("https://"));
                }
            }
        }
        Ok("valid")
    });
    assert_share(&taken, "valid", 10);
    assert_share(&taken, "violation", 15);
}

/// A query string from `name=value` pairs, the names the endpoints read among them.
fn query_string() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        3 => Just("story-id"),
        3 => Just("q"),
        3 => Just("limit"),
        1 => Just("story%2Did"),
        1 => Just("x"),
    ];
    let value = prop_oneof![
        3 => "[a-z0-9-]{0,12}",
        2 => "[0-9]{1,11}",
        1 => Just("-1".to_owned()),
        1 => Just("a%20b+c".to_owned()),
        1 => Just("%ZZ".to_owned()),
    ];
    let pair = prop_oneof![
        8 => (name, value).prop_map(|(name, value)| format!("{name}={value}")),
        1 => Just(String::new()),
        1 => Just("story-id".to_owned()),
    ];
    proptest::collection::vec(pair, 0..5).prop_map(|pairs| pairs.join("&"))
}

#[test]
fn query_strings_built_from_pairs_are_read_as_the_first_of_each_name() {
    let taken = paths_taken(query_string(), |query| {
        let decoded: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let first = |wanted: &str| {
            decoded
                .iter()
                .find(|(name, _)| name == wanted)
                .map(|(_, value)| value.clone())
        };
        let story = StoryAttributesQuery::from_query(&query).map(|q| q.story_id);
        prop_assert_eq!(&story, &first("story-id"), "{}", query);
        let search = SearchQuery::from_query(&query);
        match first("limit") {
            Some(limit) if limit.parse::<u32>().is_err() => prop_assert!(search.is_none()),
            limit => {
                let search = search.unwrap();
                prop_assert_eq!(search.limit, limit.map(|l| l.parse::<u32>().unwrap()));
                prop_assert_eq!(search.q, first("q").unwrap_or_default());
            }
        }
        Ok(if story.is_some() {
            "story-id"
        } else {
            "no story-id"
        })
    });
    assert_share(&taken, "story-id", 30);
}
