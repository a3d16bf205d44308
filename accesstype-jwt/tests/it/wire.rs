//! The examples of Accesstype's integration documentation, converted from JavaScript object
//! notation to JSON with every field and value kept (the `...` elisions dropped): parsed,
//! serialised back, compared as JSON values.

use accesstype_jwt::{
    AttributeValue, ContentTaxonomy, Provider, SearchResponse, StoryAttribute, StoryAttributes,
    TaxonomyAttribute, TaxonomyEntry, User, UserId, Visibility,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

const DOC_USER: &str = r#"{
  "email": "john@example.com",
  "id": 42,
  "provider": "quintype",
  "name": "John"
}"#;

const DOC_STORY_ATTRIBUTES: &str = r#"{
  "visibility": "subscription",
  "published-at": 1571716286097,
  "access-level": 999,
  "attributes": [{
    "name": "section",
    "values": ["sports", "cricket"]
  }, {
    "name": "author",
    "values": ["menaka"]
  }]
}"#;

const DOC_CONTENT_TAXONOMY: &str = r#"[{
  "type": "story",
  "attributes": [{
    "name": "section",
    "values": [{"label": "Sports", "value": "sports"}, {"label": "Science and Tech", "value": "science"}],
    "search-url": "https://pub.com/api/taxonomy/section"
  }, {
    "name": "author",
    "values": [{"label": "Menaka", "value": "menaka"}, {"label": "John", "value": "john"}]
  }]
}]"#;

const DOC_SEARCH_RESPONSE: &str = r#"{
  "name": "section",
  "values": [{
      "label": "Sports",
      "value": "sports"
    },
    {
      "label": "Science and Tech",
      "value": "science"
    }]
}"#;

/// Parses `json` as `T`, serialises it back and checks nothing was lost or added.
fn round_trip<T: Serialize + DeserializeOwned>(json: &str) -> T {
    let parsed: T = serde_json::from_str(json).unwrap();
    let back = serde_json::to_value(&parsed).unwrap();
    let original: Value = serde_json::from_str(json).unwrap();
    assert_eq!(back, original);
    parsed
}

#[test]
fn documented_user_payload() {
    let user: User = round_trip(DOC_USER);
    assert_eq!(user, User::new("john@example.com", 42).name("John"));
    assert_eq!(user.id, UserId::Number(42));
    assert_eq!(user.provider, Provider::Quintype);
    // The optional fields default as documented.
    let minimal: User = serde_json::from_str(r#"{"email":"john@example.com","id":"42"}"#).unwrap();
    assert_eq!(minimal.provider, Provider::Quintype);
    assert_eq!(minimal.name, None);
    assert_eq!(minimal.id, UserId::Text("42".to_owned()));
    assert_eq!(
        serde_json::to_string(&minimal).unwrap(),
        r#"{"email":"john@example.com","id":"42","provider":"quintype"}"#
    );
}

#[test]
fn user_wire_values_are_refused_when_unknown() {
    for bad in [
        r#"{"email":"john@example.com","id":42,"provider":"drupal"}"#,
        r#"{"email":"john@example.com","id":-4}"#,
        r#"{"email":"john@example.com"}"#,
        r#"{"id":42}"#,
    ] {
        assert!(serde_json::from_str::<User>(bad).is_err(), "{bad}");
    }
    assert_eq!(
        serde_json::to_string(&Provider::Wordpress).unwrap(),
        r#""wordpress""#
    );
    assert_eq!(
        serde_json::to_string(&Provider::Supertokens).unwrap(),
        r#""supertokens""#
    );
}

#[test]
fn documented_story_attributes() {
    let attributes: StoryAttributes = round_trip(DOC_STORY_ATTRIBUTES);
    assert_eq!(
        attributes,
        StoryAttributes::new(Visibility::Subscription)
            .published_at_millis(1_571_716_286_097)
            .access_level(999)
            .attribute("section", ["sports", "cricket"])
            .attribute("author", ["menaka"])
    );
    assert_eq!(
        attributes.attributes.unwrap()[1],
        StoryAttribute::new("author", ["menaka"])
    );
}

#[test]
fn documented_content_taxonomy() {
    let taxonomy: ContentTaxonomy = round_trip(DOC_CONTENT_TAXONOMY);
    taxonomy.validate().unwrap();
    let expected = ContentTaxonomy::new([TaxonomyEntry::new(
        "story",
        [
            TaxonomyAttribute::new(
                "section",
                [
                    AttributeValue::new("Sports", "sports"),
                    AttributeValue::new("Science and Tech", "science"),
                ],
            )
            .search_url("https://pub.com/api/taxonomy/section".parse().unwrap()),
            TaxonomyAttribute::new(
                "author",
                [
                    AttributeValue::new("Menaka", "menaka"),
                    AttributeValue::new("John", "john"),
                ],
            ),
        ],
    )]);
    assert_eq!(taxonomy, expected);
}

#[test]
fn taxonomy_type_defaults_to_story() {
    let taxonomy: ContentTaxonomy = serde_json::from_str(
        r#"[{"attributes":[{"name":"author","values":[{"label":"John","value":"john"}]}]}]"#,
    )
    .unwrap();
    assert_eq!(taxonomy.entries[0].content_type, "story");
    assert_eq!(
        serde_json::to_value(&taxonomy).unwrap(),
        serde_json::json!([{"type":"story","attributes":[{"name":"author","values":[{"label":"John","value":"john"}]}]}])
    );
}

#[test]
fn documented_search_response() {
    let response: SearchResponse = round_trip(DOC_SEARCH_RESPONSE);
    assert_eq!(
        response,
        SearchResponse::new(
            "section",
            [
                AttributeValue::new("Sports", "sports"),
                AttributeValue::new("Science and Tech", "science"),
            ]
        )
    );
}
