//! Search-url endpoints: the query Accesstype sends and the answer.

use accesstype_jwt::{AttributeValue, SearchQuery, SearchResponse};
use serde_json::json;
use url::Url;

fn sections() -> Vec<AttributeValue> {
    vec![
        AttributeValue::new("Sports", "sports"),
        AttributeValue::new("Science and Tech", "science"),
        AttributeValue::new("Politics", "politics"),
        AttributeValue::new("Économie", "economie"),
    ]
}

#[test]
fn the_query_string_is_read_like_accesstype_sends_it() {
    assert_eq!(
        SearchQuery::from_query("q=sci&limit=10"),
        Some(SearchQuery::new("sci").limit(10))
    );
    assert_eq!(
        SearchQuery::from_query("limit=3"),
        Some(SearchQuery::new("").limit(3))
    );
    assert_eq!(SearchQuery::from_query(""), Some(SearchQuery::default()));
    assert_eq!(
        SearchQuery::from_query("q=science+and%20tech&q=second"),
        Some(SearchQuery::new("science and tech"))
    );
    for bad in ["limit=ten", "limit=-1", "limit=99999999999", "limit="] {
        assert_eq!(SearchQuery::from_query(bad), None, "{bad}");
    }
    let parsed: SearchQuery = serde_json::from_value(json!({"q": "x", "limit": 5})).unwrap();
    assert_eq!(parsed, SearchQuery::new("x").limit(5));
}

#[test]
fn matching_ignores_case_and_blank_queries_match_everything() {
    let found = |q: &str| -> Vec<String> {
        let query = SearchQuery::new(q);
        sections()
            .into_iter()
            .filter(|value| query.matches(value))
            .map(|value| value.value)
            .collect()
    };
    assert_eq!(found("SCI"), ["science"]);
    assert_eq!(found("tech"), ["science"]);
    assert_eq!(found("po"), ["sports", "politics"]);
    assert_eq!(found("éCO"), ["economie"]);
    assert_eq!(found("  "), ["sports", "science", "politics", "economie"]);
    assert!(found("zzz").is_empty());
}

#[test]
fn limits_are_capped() {
    assert_eq!(SearchQuery::new("").limit_or(20, 100), 20);
    assert_eq!(SearchQuery::new("").limit(5).limit_or(20, 100), 5);
    assert_eq!(SearchQuery::new("").limit(u32::MAX).limit_or(20, 100), 100);
    assert_eq!(SearchQuery::new("").limit_or(500, 100), 100);
    assert_eq!(SearchQuery::new("").limit(0).limit_or(20, 100), 0);
}

#[test]
fn to_url_appends_the_encoded_query() {
    let base = Url::parse("https://pub.example/api/taxonomy/section").unwrap();
    assert_eq!(
        SearchQuery::new("science & tech")
            .limit(5)
            .to_url(&base)
            .as_str(),
        "https://pub.example/api/taxonomy/section?q=science+%26+tech&limit=5"
    );
    assert_eq!(
        SearchQuery::new("x").to_url(&base).as_str(),
        "https://pub.example/api/taxonomy/section?q=x"
    );
}

#[test]
fn the_response_serialises_as_the_spec_shows() {
    let response = SearchResponse::new("section", sections().into_iter().take(1));
    assert_eq!(
        serde_json::to_value(&response).unwrap(),
        json!({"name": "section", "values": [{"label": "Sports", "value": "sports"}]})
    );
}
