//! The Story Attributes endpoint's body and query.

use std::time::{Duration, UNIX_EPOCH};

use accesstype_jwt::{StoryAttributes, StoryAttributesQuery, Visibility};
use serde_json::json;

#[test]
fn only_visibility_is_required_and_absent_fields_are_left_out() {
    let minimal: StoryAttributes = serde_json::from_str(r#"{"visibility":"public"}"#).unwrap();
    assert_eq!(minimal, StoryAttributes::new(Visibility::Public));
    assert_eq!(
        serde_json::to_string(&minimal).unwrap(),
        r#"{"visibility":"public"}"#
    );
    assert!(serde_json::from_str::<StoryAttributes>(r#"{"published-at":1}"#).is_err());
}

#[test]
fn visibility_is_lowercase_and_nothing_else() {
    for (wire, visibility) in [
        ("subscription", Visibility::Subscription),
        ("login", Visibility::Login),
        ("public", Visibility::Public),
    ] {
        let body = json!({ "visibility": wire });
        let parsed: StoryAttributes = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(parsed.visibility, visibility);
        assert_eq!(visibility.as_str(), wire);
        assert_eq!(serde_json::to_value(&parsed).unwrap(), body);
    }
    for bad in ["Subscription", "LOGIN", "free", "", "public "] {
        assert!(
            serde_json::from_value::<StoryAttributes>(json!({ "visibility": bad })).is_err(),
            "{bad:?}"
        );
    }
    assert!(serde_json::from_value::<StoryAttributes>(json!({ "visibility": 1 })).is_err());
}

#[test]
fn numbers_must_be_whole_and_non_negative() {
    for bad in [
        json!({"visibility": "public", "published-at": -1}),
        json!({"visibility": "public", "published-at": 1.5}),
        json!({"visibility": "public", "published-at": "1571716286097"}),
        json!({"visibility": "public", "access-level": -999}),
        json!({"visibility": "public", "access-level": 0.5}),
    ] {
        assert!(
            serde_json::from_value::<StoryAttributes>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn published_at_is_in_milliseconds() {
    let body = StoryAttributes::new(Visibility::Login)
        .published_at(UNIX_EPOCH + Duration::from_millis(1_571_716_286_097));
    assert_eq!(body.published_at, Some(1_571_716_286_097));
    let before_1970 =
        StoryAttributes::new(Visibility::Login).published_at(UNIX_EPOCH - Duration::from_secs(1));
    assert_eq!(before_1970.published_at, Some(0));
}

#[test]
fn the_story_id_query_is_read_from_the_query_string() {
    assert_eq!(
        StoryAttributesQuery::from_query("story-id=2d1f5c0e-8d3b-4d2a&x=1"),
        Some(StoryAttributesQuery {
            story_id: "2d1f5c0e-8d3b-4d2a".to_owned()
        })
    );
    assert_eq!(
        StoryAttributesQuery::from_query("story-id=a%2Fb%20c&story-id=second")
            .unwrap()
            .story_id,
        "a/b c"
    );
    assert_eq!(StoryAttributesQuery::from_query("story_id=1"), None);
    assert_eq!(StoryAttributesQuery::from_query(""), None);
    let parsed: StoryAttributesQuery = serde_json::from_value(json!({"story-id": "42"})).unwrap();
    assert_eq!(parsed.story_id, "42");
}
