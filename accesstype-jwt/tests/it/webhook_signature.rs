//! Signed webhooks: `X-AT-Signature` computed here by aws-lc's HMAC, checked by the crate
//! before it parses anything; the key rule of the family.

use accesstype_jwt::{BuildError, Error, MAX_WEBHOOK_BODY_BYTES, WebhookEvent, WebhookSigningKey};

use crate::payloads::{bytes, webhook, wrapped_webhook};
use crate::{at_signature_base64, at_signature_hex, everything_printed};

/// The webhook's `Secret`, as set in the dashboard.
const SECRET: &str = "at-whsec-2f9c81d07be64a53a1c4e6f0d8b7a9c3";

fn key() -> WebhookSigningKey {
    WebhookSigningKey::new(SECRET).unwrap()
}

#[test]
fn every_documented_spelling_of_the_signature_is_accepted() {
    for value in [
        webhook("subscription.renewal"),
        wrapped_webhook("subscription.created"),
    ] {
        let body = bytes(&value);
        let unsigned = WebhookEvent::from_slice(&body).unwrap();
        let hex = at_signature_hex(SECRET, &body);
        for signature in [
            hex.clone(),
            hex.to_uppercase(),
            at_signature_base64(SECRET, &body),
        ] {
            let event = WebhookEvent::from_signed_slice(&body, Some(&signature), &key()).unwrap();
            assert_eq!(event, unsigned, "{signature}");
            assert_eq!(event.subscription().unwrap().id(), Some(88213));
        }
    }
}

#[test]
fn a_missing_or_wrong_signature_is_refused_and_never_repeated() {
    let body = bytes(&webhook("subscription.activated"));
    let right = at_signature_hex(SECRET, &body);
    assert!(matches!(
        WebhookEvent::from_signed_slice(&body, None, &key()),
        Err(Error::MissingWebhookSignature)
    ));
    let mut altered = body.clone();
    altered.push(b' ');
    let other_secret = at_signature_hex("at-whsec-0000000000000000000000000000000000", &body);
    let base64url = at_signature_base64(SECRET, &body)
        .replace('+', "-")
        .replace('/', "_");
    let mut flipped = right.clone().into_bytes();
    flipped[63] = if flipped[63] == b'0' { b'1' } else { b'0' };
    let flipped = String::from_utf8(flipped).unwrap();
    let cases: Vec<(Vec<u8>, String)> = vec![
        (body.clone(), other_secret),
        (body.clone(), flipped),
        (body.clone(), right[..63].to_owned()),
        (body.clone(), format!("{right}0")),
        (body.clone(), format!("sha256={right}")),
        (body.clone(), format!(" {right}")),
        (body.clone(), format!("{right}\t")),
        (body.clone(), base64url),
        (
            body.clone(),
            at_signature_base64(SECRET, &body)
                .trim_end_matches('=')
                .to_owned(),
        ),
        (body.clone(), String::new()),
        (
            body.clone(),
            "ünïcødé-ünïcødé-ünïcødé-ünïcødé-ünïcødé-ünïcø".to_owned(),
        ),
        (altered.clone(), right.clone()),
        (body[..body.len() - 1].to_vec(), right.clone()),
    ];
    for (body, signature) in cases {
        let error = WebhookEvent::from_signed_slice(&body, Some(&signature), &key()).unwrap_err();
        assert!(
            matches!(error, Error::BadWebhookSignature),
            "{signature:?}: {error:?}"
        );
        let printed = everything_printed(&error);
        assert_eq!(
            printed,
            "the webhook call's signature does not match BadWebhookSignature"
        );
        if !signature.is_empty() {
            assert!(!printed.contains(signature.trim()), "{printed}");
        }
    }
}

#[test]
fn the_signature_is_checked_before_anything_is_parsed() {
    // Not JSON: with a wrong signature the answer is the signature, never the parse.
    let garbage = b"{\"event\":\"subscription.activated\",\"data\":{\"id\":1,\"id\":2}}";
    let forged = WebhookEvent::from_signed_slice(garbage, Some(&"0".repeat(64)), &key());
    assert!(
        matches!(forged, Err(Error::BadWebhookSignature)),
        "{forged:?}"
    );
    let missing = WebhookEvent::from_signed_slice(b"not json", None, &key());
    assert!(
        matches!(missing, Err(Error::MissingWebhookSignature)),
        "{missing:?}"
    );
    // Signed, it is read, and refused for what it is.
    let signed =
        WebhookEvent::from_signed_slice(garbage, Some(&at_signature_hex(SECRET, garbage)), &key());
    assert!(
        matches!(
            signed,
            Err(Error::Parse(ref parsed)) if parsed.what() == "webhook"
        ),
        "{signed:?}"
    );
}

#[test]
fn the_body_cap_comes_before_the_hmac() {
    let body = format!(
        r#"{{"event":"subscription.renewal","data":{{"pad":"{}"}}}}"#,
        "x".repeat(MAX_WEBHOOK_BODY_BYTES)
    );
    let signature = at_signature_hex(SECRET, body.as_bytes());
    for signature in [Some(signature.as_str()), None] {
        let error =
            WebhookEvent::from_signed_slice(body.as_bytes(), signature, &key()).unwrap_err();
        assert!(
            matches!(error, Error::BodyTooLarge { limit } if limit == MAX_WEBHOOK_BODY_BYTES),
            "{error:?}"
        );
    }
}

#[test]
fn the_key_follows_the_family_rule_and_never_prints() {
    assert!(matches!(
        WebhookSigningKey::new(""),
        Err(BuildError::EmptySecret)
    ));
    assert!(matches!(
        WebhookSigningKey::new("at-whsec-short"),
        Err(BuildError::ShortSecret { len: 14, min: 32 })
    ));
    assert!(WebhookSigningKey::new("x".repeat(32)).is_ok());
    assert!(matches!(
        WebhookSigningKey::insecure_allow_short_secret(""),
        Err(BuildError::EmptySecret)
    ));
    // Opted in, a short secret works, with the same HMAC.
    let short = WebhookSigningKey::insecure_allow_short_secret("at-whsec-short").unwrap();
    let body = bytes(&webhook("subscription.expiry"));
    let signature = at_signature_hex("at-whsec-short", &body);
    assert!(WebhookEvent::from_signed_slice(&body, Some(&signature), &short).is_ok());
    assert!(WebhookEvent::from_signed_slice(&body, Some(&signature), &key()).is_err());

    for debug in [format!("{:?}", key()), format!("{short:#?}")] {
        assert_eq!(debug, "WebhookSigningKey([redacted])");
    }
    let error = WebhookSigningKey::new("at-whsec-short").unwrap_err();
    assert!(!everything_printed(&error).contains("whsec"));
}
