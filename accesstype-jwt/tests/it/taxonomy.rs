//! Every rule of the content taxonomy, each with a case that breaks it.

use accesstype_jwt::{
    AttributeValue, ContentTaxonomy, Error, MAX_TAXONOMY_ATTRIBUTES, TaxonomyAttribute,
    TaxonomyEntry, TaxonomyViolation, ValidatedTaxonomy,
};
use serde_json::json;

fn value(slug: &str) -> AttributeValue {
    AttributeValue::new(slug.to_uppercase(), slug)
}

fn attribute(name: &str) -> TaxonomyAttribute {
    TaxonomyAttribute::new(name, [value("a"), value("b")])
}

fn violation(taxonomy: &ContentTaxonomy) -> TaxonomyViolation {
    let violation = taxonomy.validate().unwrap_err();
    let error = Error::from(violation.clone());
    assert_eq!(error.taxonomy_violation(), Some(&violation));
    violation
}

#[test]
fn a_well_formed_taxonomy_passes() {
    let taxonomy = ContentTaxonomy::new([
        TaxonomyEntry::story((0..MAX_TAXONOMY_ATTRIBUTES).map(|i| attribute(&format!("attr-{i}")))),
        // Another content type has its own ten.
        TaxonomyEntry::new("video", [attribute("attr-0"), attribute("channel")]),
    ]);
    taxonomy.validate().unwrap();
    ContentTaxonomy::default().validate().unwrap();
}

#[test]
fn at_most_ten_distinct_attributes_per_content_type() {
    let eleven = ContentTaxonomy::stories(
        (0..=MAX_TAXONOMY_ATTRIBUTES).map(|i| attribute(&format!("attr-{i}"))),
    );
    assert_eq!(
        violation(&eleven),
        TaxonomyViolation::TooManyAttributes {
            content_type: "story".to_owned(),
            max: 10
        }
    );

    // Split over two entries of the same type, they still count together.
    let split = ContentTaxonomy::new([
        TaxonomyEntry::story((0..6).map(|i| attribute(&format!("attr-{i}")))),
        TaxonomyEntry::story((6..11).map(|i| attribute(&format!("attr-{i}")))),
    ]);
    assert!(matches!(
        violation(&split),
        TaxonomyViolation::TooManyAttributes { .. }
    ));
}

#[test]
fn a_name_may_appear_once_per_content_type() {
    let twice = ContentTaxonomy::stories([attribute("section"), attribute("section")]);
    assert_eq!(
        violation(&twice),
        TaxonomyViolation::DuplicateAttribute {
            content_type: "story".to_owned(),
            name: "section".to_owned()
        }
    );
    let padded = ContentTaxonomy::stories([attribute("section"), attribute(" section ")]);
    assert!(matches!(
        violation(&padded),
        TaxonomyViolation::DuplicateAttribute { .. }
    ));
}

#[test]
fn reserved_names_are_refused() {
    for name in [
        "visibility",
        "published-at",
        "access-level",
        "Visibility",
        " ACCESS-LEVEL ",
    ] {
        let taxonomy = ContentTaxonomy::stories([attribute("section"), attribute(name)]);
        assert_eq!(
            violation(&taxonomy),
            TaxonomyViolation::ReservedAttribute {
                name: name.trim().to_lowercase()
            },
            "{name:?}"
        );
    }
    // Near misses are ordinary names.
    ContentTaxonomy::stories([attribute("published_at"), attribute("visibility-level")])
        .validate()
        .unwrap();
}

#[test]
fn every_attribute_needs_a_name() {
    for name in ["", "   "] {
        let taxonomy = ContentTaxonomy::stories([attribute(name)]);
        assert_eq!(
            violation(&taxonomy),
            TaxonomyViolation::EmptyAttributeName {
                content_type: "story".to_owned()
            }
        );
    }
    // On the wire, a missing name or values does not even parse.
    for body in [
        json!([{"attributes": [{"values": [{"label": "A", "value": "a"}]}]}]),
        json!([{"attributes": [{"name": "section"}]}]),
        json!([{"attributes": [{"name": "section", "values": [{"label": "A"}]}]}]),
        json!([{"attributes": [{"name": "section", "values": [{"value": "a"}]}]}]),
        json!([{"attributes": [{"name": "section", "values": ["a"]}]}]),
        json!([{"type": "story"}]),
        json!({"type": "story", "attributes": []}),
    ] {
        assert!(
            serde_json::from_value::<ContentTaxonomy>(body.clone()).is_err(),
            "{body}"
        );
    }
}

#[test]
fn every_attribute_needs_values_even_with_a_search_url() {
    let empty = ContentTaxonomy::stories([TaxonomyAttribute::new("section", [])]);
    assert_eq!(
        violation(&empty),
        TaxonomyViolation::NoValues {
            attribute: "section".to_owned()
        }
    );
    let searchable = ContentTaxonomy::stories([TaxonomyAttribute::new("section", [])
        .search_url("https://pub.example/api/taxonomy/section".parse().unwrap())]);
    assert_eq!(
        violation(&searchable),
        TaxonomyViolation::NoValues {
            attribute: "section".to_owned()
        }
    );
}

#[test]
fn the_cap_counts_content_types_and_names_after_normalising() {
    // Ten attributes for `story`, then one more under spellings of the same type. (A tab is a
    // control character, refused on its own.)
    for spelling in ["story ", "Story", "  STORY  "] {
        let taxonomy = ContentTaxonomy::new([
            TaxonomyEntry::story((0..10).map(|i| attribute(&format!("attr-{i}")))),
            TaxonomyEntry::new(spelling, [attribute("attr-10")]),
        ]);
        assert_eq!(
            violation(&taxonomy),
            TaxonomyViolation::TooManyAttributes {
                content_type: "story".to_owned(),
                max: 10
            },
            "{spelling:?}"
        );
    }
    // An entry without `type` on the wire is `story` too.
    let body = serde_json::json!([
        {"type": "story", "attributes": (0..10).map(|i| serde_json::json!({"name": format!("a{i}"), "values": [{"label": "A", "value": "a"}]})).collect::<Vec<_>>()},
        {"attributes": [{"name": "a10", "values": [{"label": "A", "value": "a"}]}]}
    ]);
    let taxonomy: ContentTaxonomy = serde_json::from_value(body).unwrap();
    assert!(matches!(
        violation(&taxonomy),
        TaxonomyViolation::TooManyAttributes { .. }
    ));
}

#[test]
fn names_and_values_are_compared_after_normalising() {
    for (first, second) in [
        ("section", "Section"),
        ("section", "section "),
        ("Autor", "AUTOR"),
    ] {
        let taxonomy = ContentTaxonomy::stories([attribute(first), attribute(second)]);
        assert_eq!(
            violation(&taxonomy),
            TaxonomyViolation::DuplicateAttribute {
                content_type: "story".to_owned(),
                name: first.to_lowercase()
            },
            "{first:?} {second:?}"
        );
    }
    for (first, second) in [
        ("sports", "sports "),
        ("sports", "Sports"),
        ("sports", " SPORTS"),
    ] {
        let taxonomy = ContentTaxonomy::stories([TaxonomyAttribute::new(
            "section",
            [
                AttributeValue::new("Sports", first),
                AttributeValue::new("Sport", second),
            ],
        )]);
        assert_eq!(
            violation(&taxonomy),
            TaxonomyViolation::DuplicateValue {
                attribute: "section".to_owned(),
                value: "sports".to_owned()
            },
            "{first:?} {second:?}"
        );
    }
}

#[test]
fn control_and_invisible_characters_are_refused() {
    for (field, taxonomy) in [
        (
            "type",
            ContentTaxonomy::new([TaxonomyEntry::new("story\n", [attribute("a")])]),
        ),
        (
            "type",
            ContentTaxonomy::new([TaxonomyEntry::new("sto\u{200B}ry", [attribute("a")])]),
        ),
        (
            "name",
            ContentTaxonomy::stories([attribute("sec\u{0}tion")]),
        ),
        (
            "name",
            ContentTaxonomy::stories([attribute("section\u{AD}")]),
        ),
        (
            "name",
            ContentTaxonomy::stories([attribute("visi\u{200D}bility")]),
        ),
        (
            "name",
            ContentTaxonomy::stories([attribute("\u{202E}section")]),
        ),
        (
            "value",
            ContentTaxonomy::stories([TaxonomyAttribute::new(
                "section",
                [AttributeValue::new("Sports", "sports\r\n")],
            )]),
        ),
        (
            "value",
            ContentTaxonomy::stories([TaxonomyAttribute::new(
                "section",
                [AttributeValue::new("Sports", "\u{FEFF}sports")],
            )]),
        ),
        (
            "label",
            ContentTaxonomy::stories([TaxonomyAttribute::new(
                "section",
                [AttributeValue::new("Sports\u{7}", "sports")],
            )]),
        ),
        (
            "label",
            ContentTaxonomy::stories([TaxonomyAttribute::new(
                "section",
                [AttributeValue::new("\u{202E}stropS", "sports")],
            )]),
        ),
    ] {
        assert_eq!(
            violation(&taxonomy),
            TaxonomyViolation::HiddenCharacter { field },
            "{taxonomy:?}"
        );
    }
    // Labels are shown, not compared: emoji and joined scripts stay possible.
    ContentTaxonomy::stories([TaxonomyAttribute::new(
        "section",
        [
            AttributeValue::new("Love ❤\u{FE0F}", "love"),
            AttributeValue::new("Family 👨\u{200D}👩\u{200D}👧", "family"),
        ],
    )])
    .validate()
    .unwrap();
}

#[test]
fn a_validated_taxonomy_is_the_one_that_was_checked() {
    let taxonomy = ContentTaxonomy::stories([attribute("section")]);
    let validated = taxonomy.clone().validated().unwrap();
    assert_eq!(*validated, taxonomy);
    assert_eq!(validated.as_taxonomy(), &taxonomy);
    assert_eq!(
        serde_json::to_value(&validated).unwrap(),
        serde_json::to_value(&taxonomy).unwrap()
    );
    assert_eq!(
        ValidatedTaxonomy::try_from(taxonomy.clone()).unwrap(),
        validated
    );
    assert_eq!(ContentTaxonomy::from(validated.clone()), taxonomy);
    assert_eq!(validated.into_inner(), taxonomy);

    let reserved = ContentTaxonomy::stories([attribute("visibility")]);
    assert!(reserved.clone().validated().is_err());
    assert!(ValidatedTaxonomy::try_from(reserved.clone()).is_err());
    // Deserialising validates too.
    let text = serde_json::to_string(&reserved).unwrap();
    assert!(serde_json::from_str::<ValidatedTaxonomy>(&text).is_err());
    let text = serde_json::to_string(&ContentTaxonomy::stories([attribute("a")])).unwrap();
    assert!(serde_json::from_str::<ValidatedTaxonomy>(&text).is_ok());
}

#[test]
fn every_value_needs_a_label_and_a_value() {
    let no_label = ContentTaxonomy::stories([TaxonomyAttribute::new(
        "section",
        [value("a"), AttributeValue::new(" ", "b")],
    )]);
    assert_eq!(
        violation(&no_label),
        TaxonomyViolation::EmptyLabel {
            attribute: "section".to_owned()
        }
    );
    let no_value = ContentTaxonomy::stories([TaxonomyAttribute::new(
        "section",
        [AttributeValue::new("Sports", "")],
    )]);
    assert_eq!(
        violation(&no_value),
        TaxonomyViolation::EmptyValue {
            attribute: "section".to_owned()
        }
    );
}

#[test]
fn values_are_unique_within_an_attribute() {
    let duplicated = ContentTaxonomy::stories([TaxonomyAttribute::new(
        "section",
        [
            AttributeValue::new("Sports", "sports"),
            AttributeValue::new("More sports", "sports"),
        ],
    )]);
    assert_eq!(
        violation(&duplicated),
        TaxonomyViolation::DuplicateValue {
            attribute: "section".to_owned(),
            value: "sports".to_owned()
        }
    );
    // The same value in two attributes is fine; so is the same label twice.
    ContentTaxonomy::stories([
        TaxonomyAttribute::new("section", [AttributeValue::new("John", "john")]),
        TaxonomyAttribute::new(
            "author",
            [
                AttributeValue::new("John", "john"),
                AttributeValue::new("John", "john-2"),
            ],
        ),
    ])
    .validate()
    .unwrap();
}

#[test]
fn search_url_must_be_an_absolute_web_url() {
    for bad in [
        "/api/taxonomy/section",
        "api/taxonomy/section",
        "",
        "javascript:alert(1)",
        "ftp://pub.example/section",
        "file:///etc/passwd",
        "https://",
        "mailto:ops@pub.example",
        // Forms parsers forgive differently (found by fuzzing: `https:/p/ub.com` parsed as
        // the host `p`).
        "https:/pub.example/section",
        "https:pub.example/section",
        "https:///pub.example/section",
        "HTTPS://pub.example/section",
        "https://pub.example/a section",
        "https://pub.example/section\n",
        "\thttps://pub.example/section",
        "https://PUB.example/section",
        "https://user:password@pub.example/section",
    ] {
        let mut attribute = attribute("section");
        attribute.search_url = Some(bad.to_owned());
        let taxonomy = ContentTaxonomy::stories([attribute]);
        assert_eq!(
            violation(&taxonomy),
            TaxonomyViolation::InvalidSearchUrl {
                attribute: "section".to_owned()
            },
            "{bad:?}"
        );
    }
    for good in [
        "https://pub.example/api/taxonomy/section",
        "http://127.0.0.1:3000/search?x=1",
        "https://pub.example",
        "https://pub.example/",
        "https://xn--bcher-kva.example/s%C3%BCche",
    ] {
        let mut attribute = attribute("section");
        attribute.search_url = Some(good.to_owned());
        ContentTaxonomy::stories([attribute]).validate().unwrap();
    }
}

#[test]
fn content_type_must_not_be_blank() {
    let taxonomy = ContentTaxonomy::new([
        TaxonomyEntry::story([attribute("section")]),
        TaxonomyEntry::new("", [attribute("author")]),
    ]);
    assert_eq!(
        violation(&taxonomy),
        TaxonomyViolation::EmptyContentType { entry: 1 }
    );
}

#[test]
fn violations_read_well() {
    let violation = ContentTaxonomy::stories([attribute("visibility")])
        .validate()
        .unwrap_err();
    assert_eq!(
        violation.to_string(),
        "attribute name `visibility` is reserved"
    );
    assert_eq!(
        Error::from(violation).to_string(),
        "invalid content taxonomy: attribute name `visibility` is reserved"
    );
}
