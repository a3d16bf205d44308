//! The access grant Accesstype answers the access check with.

use accesstype_jwt::{
    AccessGrant, AssetVisibility, Error, GrantReason, MAX_BODY_BYTES, ParseFault, WallType,
};
use serde_json::json;

#[test]
fn the_documented_example_parses_and_round_trips() {
    let body = json!({
      "granted": true,
      "grantReason": "METERING",
      "data": {
        "numberRemaining": 6,
        "isLoggedIn": true
      }
    });
    let grant = AccessGrant::from_slice(body.to_string().as_bytes()).unwrap();
    assert!(grant.granted());
    assert!(grant.is_metered());
    assert_eq!(grant.grant_reason(), Some(&GrantReason::Metering));
    assert_eq!(grant.number_remaining(), Some(6));
    assert_eq!(grant.is_logged_in(), Some(true));
    assert_eq!(grant.asset_visibility(), None);
    assert_eq!(serde_json::to_value(&grant).unwrap(), body);
}

#[test]
fn every_documented_field_and_unknown_ones_are_kept() {
    let body = json!({
        "granted": false,
        "grantReason": "SUBSCRIBER",
        "assetVisibility": "subscription",
        "wallType": "registration_wall",
        "data": {"numberRemaining": 0, "isLoggedIn": false, "plan": "gold"},
        "meterId": 7,
        "debug": {"node": "a"}
    });
    let grant: AccessGrant = serde_json::from_value(body.clone()).unwrap();
    assert!(!grant.granted());
    assert!(!grant.is_metered());
    assert_eq!(grant.grant_reason(), Some(&GrantReason::Subscriber));
    assert_eq!(
        grant.asset_visibility(),
        Some(&AssetVisibility::Subscription)
    );
    assert_eq!(grant.wall_type(), Some(&WallType::RegistrationWall));
    assert_eq!(grant.extra().get("meterId"), Some(&json!(7)));
    assert_eq!(grant.extra().get("debug"), Some(&json!({"node": "a"})));
    assert_eq!(grant.data().unwrap().get("plan"), Some(&json!("gold")));
    assert_eq!(serde_json::to_value(&grant).unwrap(), body);
}

#[test]
fn new_enum_values_are_kept_instead_of_failing() {
    let body = json!({
        "granted": true,
        "grantReason": "TRIAL",
        "assetVisibility": "premium",
        "wallType": "survey_wall"
    });
    let grant: AccessGrant = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(
        grant.grant_reason(),
        Some(&GrantReason::Other("TRIAL".to_owned()))
    );
    assert_eq!(
        grant.asset_visibility().as_ref().unwrap().as_str(),
        "premium"
    );
    assert_eq!(
        grant.wall_type().as_ref().unwrap().to_string(),
        "survey_wall"
    );
    assert_eq!(serde_json::to_value(&grant).unwrap(), body);
    assert_eq!(WallType::PayWall.as_str(), "pay_wall");
    assert_eq!(AssetVisibility::Login.as_str(), "login");
}

#[test]
fn garbage_is_an_error_never_a_grant() {
    for body in [
        &b""[..],
        b"null",
        b"[]",
        b"{}",
        b"{\"granted\":\"true\"}",
        b"{\"granted\":1}",
        b"{\"granted\":null}",
        b"{\"granted\":true,\"grantReason\":5}",
        b"{\"granted\":true,\"data\":\"free\"}",
        b"<html>502 Bad Gateway</html>",
        b"{\"granted\":true",
    ] {
        let error = AccessGrant::from_slice(body).unwrap_err();
        assert!(
            matches!(&error, Error::Parse(parsed) if parsed.what() == "access grant" && parsed.len() == body.len()),
            "{:?}",
            String::from_utf8_lossy(body)
        );
    }
    assert_eq!(MAX_BODY_BYTES, 64 * 1024);
    let huge = format!(
        "{{\"granted\":true,\"pad\":\"{}\"}}",
        "x".repeat(MAX_BODY_BYTES)
    );
    assert!(matches!(
        AccessGrant::from_slice(huge.as_bytes()),
        Err(Error::BodyTooLarge {
            limit: MAX_BODY_BYTES
        })
    ));
}

#[test]
fn data_accessors_tolerate_odd_data() {
    let grant: AccessGrant =
        serde_json::from_value(json!({"granted": true, "data": {"numberRemaining": "6"}})).unwrap();
    assert_eq!(grant.number_remaining(), None);
    assert_eq!(grant.is_logged_in(), None);
    let bare: AccessGrant = serde_json::from_value(json!({"granted": false})).unwrap();
    assert_eq!(bare.number_remaining(), None);
    assert_eq!(
        serde_json::to_value(&bare).unwrap(),
        json!({"granted": false})
    );
}

#[test]
fn a_repeated_member_at_any_depth_is_an_error_not_the_last_copy() {
    // Whichever copy another reader would pick, the answer is ambiguous: no access.
    for body in [
        &br#"{"granted":false,"granted":true}"#[..],
        br#"{"granted":true,"grantReason":"METERING","grantReason":"SUBSCRIBER"}"#,
        br#"{"granted":true,"data":{"numberRemaining":0,"numberRemaining":6}}"#,
        br#"{"granted":true,"data":{"isLoggedIn":false,"isLoggedIn":true}}"#,
        br#"{"granted":false,"meter":{"id":1,"id":2}}"#,
        br#"{"granted":false,"meters":[{"n":1},{"n":1,"n":2}]}"#,
        br#"{"granted":false,"wallType":"pay_wall","wallType":"registration_wall"}"#,
    ] {
        let error = AccessGrant::from_slice(body).unwrap_err();
        assert!(
            matches!(
                error,
                Error::Parse(ref parsed) if parsed.fault().is_repeated_member()
            ),
            "{}: {error:?}",
            String::from_utf8_lossy(body)
        );
        // Through any serde deserializer, not only `from_slice`.
        assert!(serde_json::from_slice::<AccessGrant>(body).is_err());
    }
    // Same names at different places are fine.
    let grant = AccessGrant::from_slice(
        br#"{"granted":true,"data":{"granted":1,"numberRemaining":2},"numberRemaining":3}"#,
    )
    .unwrap();
    assert_eq!(grant.number_remaining(), Some(2));
}

#[test]
fn parse_errors_hold_no_body_text() {
    let body = br#"{"granted":"reader john@example.com, card 4111 1111 1111 1111"}"#;
    let error = AccessGrant::from_slice(body).unwrap_err();
    let mut shown = format!("{error} {error:?}");
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        shown.push_str(&format!(" {cause} {cause:?}"));
        source = cause.source();
    }
    for leak in ["john", "example.com", "4111"] {
        assert!(!shown.contains(leak), "{shown}");
    }
    let Error::Parse(parsed) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(
        parsed.to_string(),
        format!(
            "the access grant could not be parsed ({} bytes, no content type)",
            body.len()
        )
    );
    assert_eq!(
        parsed.fault(),
        &ParseFault::Shape {
            reason: "not the documented access grant"
        }
    );
    assert!(matches!(
        AccessGrant::from_slice(b"{\"granted\":tru"),
        Err(Error::Parse(parsed)) if matches!(parsed.fault(), ParseFault::Syntax { .. })
    ));
}

#[test]
fn debug_shows_no_values_of_free_form_members() {
    let grant = AccessGrant::from_slice(
        br#"{"granted":true,"grantReason":"SUBSCRIBER","data":{"numberRemaining":3,"email":"john@example.com"},"subscriber":{"name":"John Smith"}}"#,
    )
    .unwrap();
    let debug = format!("{grant:?}");
    assert!(
        !debug.contains("john@example.com") && !debug.contains("John Smith"),
        "{debug}"
    );
    for shown in [
        "granted: true",
        "Subscriber",
        "number_remaining: Some(3)",
        "\"email\"",
        "\"subscriber\"",
    ] {
        assert!(debug.contains(shown), "{debug} lacks {shown}");
    }
}

#[test]
fn every_member_has_an_accessor() {
    let body = json!({
        "granted": false,
        "grantReason": "SUBSCRIBER",
        "assetVisibility": "login",
        "wallType": "registration_wall",
        "data": {"numberRemaining": 0, "isLoggedIn": false},
        "campaign": {"id": 7}
    });
    let grant = AccessGrant::from_slice(body.to_string().as_bytes()).unwrap();
    assert!(!grant.granted());
    assert_eq!(grant.grant_reason(), Some(&GrantReason::Subscriber));
    assert_eq!(grant.asset_visibility(), Some(&AssetVisibility::Login));
    assert_eq!(grant.wall_type(), Some(&WallType::RegistrationWall));
    assert_eq!(grant.data().unwrap()["numberRemaining"], 0);
    assert_eq!(grant.extra()["campaign"], json!({"id": 7}));
    let bare = AccessGrant::from_slice(br#"{"granted":true}"#).unwrap();
    assert!(bare.granted());
    assert!(bare.grant_reason().is_none() && bare.wall_type().is_none());
    assert!(bare.data().is_none() && bare.extra().is_empty());
}
