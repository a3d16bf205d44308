//! The fake follows the docs: it serves seeded subscriptions per subscriber identity, grants
//! their holders as subscribers, and signs the webhooks it sends.

use std::sync::{Arc, Mutex};

use accesstype_jwt::axum::SignedWebhook;
use accesstype_jwt::test_util::FakeAccesstype;
use accesstype_jwt::{
    Error, GrantReason, ReaderId, SubscriberIdentity, Subscription, User, WebhookEvent,
    WebhookEventKind, WebhookSigningKey,
};
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::Value;

use crate::payloads::{self, EMAIL, QUINTYPE_ID};
use crate::{READER, at_signature_hex};

#[tokio::test]
async fn seeded_subscriptions_are_served_per_identity() {
    let fake = FakeAccesstype::start().await;
    let email = SubscriberIdentity::email("john+news@example.com").unwrap();
    let monthly = fake.add_subscription(&email, "Monthly Digital");
    let yearly = fake.add_subscription(&email, "Yearly Digital");
    let other = fake.add_subscription(
        &SubscriberIdentity::email("mary@example.com").unwrap(),
        "Monthly Digital",
    );
    assert_eq!(monthly.subscriber_id(), yearly.subscriber_id());
    assert_ne!(monthly.subscriber_id(), other.subscriber_id());
    assert_ne!(monthly.id(), yearly.id());
    for subscription in [&monthly, &yearly] {
        assert_eq!(subscription.status(), Some("active"));
        assert_eq!(subscription.active(), Some(true));
        assert!(subscription.ends_at() > subscription.starts_at());
        assert_eq!(
            subscription.assets().next().unwrap().access_level(),
            Some(1000)
        );
        assert_eq!(
            subscription.subscriber_identities(),
            std::slice::from_ref(&email)
        );
        assert_eq!(subscription.preferred_identity().as_ref(), Some(&email));
    }

    let client = fake.client();
    let all = client.subscriptions(&email, true).await.unwrap();
    assert_eq!(all, [monthly.clone(), yearly.clone()]);

    let cancelled = fake
        .set_subscription_status(monthly.id().unwrap(), "cancelled", false)
        .unwrap();
    assert_eq!(
        (cancelled.status(), cancelled.active()),
        (Some("cancelled"), Some(false))
    );
    assert_eq!(
        client.subscriptions(&email, true).await.unwrap(),
        std::slice::from_ref(&yearly)
    );
    assert_eq!(
        client.subscriptions(&email, false).await.unwrap(),
        [cancelled, yearly]
    );
    assert!(fake.set_subscription_status(1, "expired", false).is_none());

    let nobody = SubscriberIdentity::email("nobody@example.com").unwrap();
    assert!(
        client
            .subscriptions(&nobody, false)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(fake.subscription_lookups(), 4);

    // Seeded as written, served to every identity it names.
    let written: Subscription = serde_json::from_value(payloads::subscription()).unwrap();
    fake.insert_subscription(written.clone());
    for identity in [
        SubscriberIdentity::email(EMAIL).unwrap(),
        SubscriberIdentity::new("quintype", QUINTYPE_ID).unwrap(),
    ] {
        assert_eq!(
            client.subscriptions(&identity, true).await.unwrap(),
            std::slice::from_ref(&written)
        );
    }

    // The API key is required, as Accesstype requires it.
    let wrong_key = fake.client_builder().api_key("wrong").build().unwrap();
    let error = wrong_key.subscriptions(&email, false).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error:?}");
}

#[tokio::test]
async fn an_active_subscription_makes_its_holder_a_subscriber() {
    let fake = FakeAccesstype::start().await;
    fake.set_free_stories(0);
    let reader = ReaderId::parse(READER).unwrap();
    let jwt = fake
        .signer()
        .sign(&User::new("asha@example.com", 5567))
        .unwrap();
    let client = fake.client();

    let walled = client.read_story("one", &reader, Some(&jwt)).await.unwrap();
    assert!(!walled.granted());

    let subscription = fake.add_subscription(
        &SubscriberIdentity::email("asha@example.com").unwrap(),
        "Monthly",
    );
    let granted = client.read_story("one", &reader, Some(&jwt)).await.unwrap();
    assert!(granted.granted());
    assert_eq!(granted.grant_reason(), Some(&GrantReason::Subscriber));

    fake.set_subscription_status(subscription.id().unwrap(), "expired", false);
    let walled = client.read_story("one", &reader, Some(&jwt)).await.unwrap();
    assert!(!walled.granted());

    // Known by id with the JWT's provider too.
    fake.add_subscription(
        &SubscriberIdentity::new("quintype", "5567").unwrap(),
        "Monthly",
    );
    assert!(
        client
            .read_story("one", &reader, Some(&jwt))
            .await
            .unwrap()
            .granted()
    );
    // Anonymous readers are not subscribers.
    assert!(
        !client
            .read_story("one", &reader, None)
            .await
            .unwrap()
            .granted()
    );
}

#[tokio::test]
async fn webhooks_are_signed_as_accesstype_signs_them() {
    let fake = FakeAccesstype::start().await;
    let identity = SubscriberIdentity::email("john+news@example.com").unwrap();
    let subscription = fake.add_subscription(&identity, "Monthly Digital");

    let call = fake.webhook(WebhookEventKind::SubscriptionActivated, &subscription);
    assert_eq!(call.kind(), &WebhookEventKind::SubscriptionActivated);
    // An HMAC of our own agrees with the signature, so a real Accesstype's would too.
    assert_eq!(
        call.signature(),
        at_signature_hex(fake.webhook_secret(), call.body())
    );
    let event = WebhookEvent::from_signed_slice(
        call.body(),
        Some(call.signature()),
        &fake.webhook_signing_key(),
    )
    .unwrap();
    assert_eq!(event.kind(), &WebhookEventKind::SubscriptionActivated);
    assert_eq!(event.subscription(), Some(&subscription));
    assert!(event.occurred_at().is_some());
    // Today's shape: `data` is the subscription itself.
    let raw: Value = serde_json::from_slice(call.body()).unwrap();
    assert_eq!(raw["data"]["id"], subscription.id().unwrap());
    assert!(raw["data"].get("subscription").is_none());

    let wrapped = fake.wrapped_webhook(WebhookEventKind::SubscriptionCreated, &subscription);
    let raw: Value = serde_json::from_slice(wrapped.body()).unwrap();
    assert_eq!(raw["event"], "subscription.created");
    assert_eq!(
        raw["data"]["subscription"]["id"],
        subscription.id().unwrap()
    );
    let event = WebhookEvent::from_signed_slice(
        wrapped.body(),
        Some(wrapped.signature()),
        &fake.webhook_signing_key(),
    )
    .unwrap();
    assert_eq!(event.subscription(), Some(&subscription));

    let created = fake.webhook(WebhookEventKind::SubscriberCreation, &subscription);
    let event = WebhookEvent::from_signed_slice(
        created.body(),
        Some(created.signature()),
        &fake.webhook_signing_key(),
    )
    .unwrap();
    assert!(event.subscription().is_none());
    assert_eq!(event.subscriber_identities(), [identity]);

    let debug = format!("{call:?}");
    assert!(
        !debug.contains("john") && !debug.contains(call.signature()),
        "{debug}"
    );
}

#[derive(Clone)]
struct Receiver {
    key: WebhookSigningKey,
    seen: Arc<Mutex<Vec<WebhookEvent>>>,
}

impl FromRef<Receiver> for WebhookSigningKey {
    fn from_ref(receiver: &Receiver) -> Self {
        receiver.key.clone()
    }
}

async fn receive(
    State(receiver): State<Receiver>,
    SignedWebhook(event): SignedWebhook,
) -> StatusCode {
    receiver.seen.lock().unwrap().push(event);
    StatusCode::NO_CONTENT
}

#[tokio::test]
async fn a_webhook_is_posted_to_an_application_on_loopback() {
    let fake = FakeAccesstype::start().await;
    let subscription = fake.add_subscription(
        &SubscriberIdentity::email("john@example.com").unwrap(),
        "Monthly Digital",
    );

    let seen: Arc<Mutex<Vec<WebhookEvent>>> = Arc::default();
    let app = axum::Router::new()
        .route("/webhooks/accesstype", post(receive))
        .with_state(Receiver {
            key: fake.webhook_signing_key(),
            seen: Arc::clone(&seen),
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url: accesstype_jwt::url::Url = format!(
        "http://{}/webhooks/accesstype",
        listener.local_addr().unwrap()
    )
    .parse()
    .unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let renewal = fake.webhook(WebhookEventKind::SubscriptionRenewal, &subscription);
    assert_eq!(renewal.post(&url).await.unwrap(), StatusCode::NO_CONTENT);
    let older = fake.wrapped_webhook(WebhookEventKind::SubscriptionCreated, &subscription);
    assert_eq!(older.post(&url).await.unwrap(), StatusCode::NO_CONTENT);
    {
        let seen = seen.lock().unwrap();
        let kinds: Vec<_> = seen.iter().map(|e| e.kind().clone()).collect();
        assert_eq!(
            kinds,
            [
                WebhookEventKind::SubscriptionRenewal,
                WebhookEventKind::SubscriptionCreated
            ]
        );
        assert!(seen.iter().all(|e| e.subscription() == Some(&subscription)));
    }

    // Nothing listening: a transport error, not a panic.
    drop(fake);
    let closed: accesstype_jwt::url::Url = "http://127.0.0.1:9/webhooks".parse().unwrap();
    let error = renewal.post(&closed).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport(_)) && error.is_connect(),
        "{error:?}"
    );
}
