//! Every rule of the content taxonomy, each with a case that breaks it.

use accesstype_jwt::{
    AttributeValue, ContentTaxonomy, Error, MAX_TAXONOMY_ATTRIBUTES, TaxonomyAttribute,
    TaxonomyEntry, TaxonomyViolation,
};
use serde_json::json;

fn value(slug: &str) -> AttributeValue {
    AttributeValue::new(slug.to_uppercase(), slug)
}

fn attribute(name: &str) -> TaxonomyAttribute {
    TaxonomyAttribute::new(name, [value("a"), value("b")])
}

fn violation(taxonomy: &ContentTaxonomy) -> TaxonomyViolation {
    let error = taxonomy.validate().unwrap_err();
    assert!(matches!(error, Error::InvalidTaxonomy(_)));
    error.taxonomy_violation().unwrap().clone()
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
                name: name.to_owned()
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
fn every_attribute_needs_values_unless_it_can_be_searched() {
    let empty = ContentTaxonomy::stories([TaxonomyAttribute::new("section", [])]);
    assert_eq!(
        violation(&empty),
        TaxonomyViolation::NoValues {
            attribute: "section".to_owned()
        }
    );
    let searchable = ContentTaxonomy::stories([TaxonomyAttribute::new("section", [])
        .search_url("https://pub.example/api/taxonomy/section".parse().unwrap())]);
    searchable.validate().unwrap();
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
    let error = ContentTaxonomy::stories([attribute("visibility")])
        .validate()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid content taxonomy: attribute name `visibility` is reserved"
    );
}
