//! The `tracing` feature: one span per call with its outcome, and nothing secret in any span
//! or event, from this crate or any other, at any level.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};

use accesstype_jwt::User;
use accesstype_jwt::test_util::FakeAccesstype;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

use crate::{READER, reader};

type Fields = BTreeMap<String, String>;

/// Keeps every span and every event, of every target, at every level.
#[derive(Default, Clone)]
struct Everything {
    next_id: Arc<AtomicU64>,
    spans: Arc<Mutex<BTreeMap<u64, (String, Fields)>>>,
    events: Arc<Mutex<Vec<(Level, String, Fields)>>>,
}

struct Collect<'a>(&'a mut Fields);

impl Visit for Collect<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Everything {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let mut fields = Fields::new();
        attributes.record(&mut Collect(&mut fields));
        let name = attributes.metadata().name().to_owned();
        self.spans.lock().unwrap().insert(id, (name, fields));
        Id::from_u64(id)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Some((_, fields)) = self.spans.lock().unwrap().get_mut(&span.into_u64()) {
            values.record(&mut Collect(fields));
        }
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::new();
        event.record(&mut Collect(&mut fields));
        let metadata = event.metadata();
        self.events
            .lock()
            .unwrap()
            .push((*metadata.level(), metadata.target().to_owned(), fields));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

thread_local! {
    /// The subscriber of the test running on this thread, if it listens.
    static LISTENING: RefCell<Option<Everything>> = const { RefCell::new(None) };
}

/// The process's one subscriber: it hands everything to the listening test of the thread it
/// happens on. A test does not install a thread-scoped subscriber of its own: tracing caches
/// whether a callsite is of interest, and while one scoped subscriber is the only one, a
/// callsite first reached on another thread (a test without a subscriber) would be cached as
/// of no interest, for this test too.
struct Router;

impl Router {
    fn with<T>(&self, default: T, f: impl FnOnce(&Everything) -> T) -> T {
        LISTENING.with(|listening| listening.borrow().as_ref().map_or(default, f))
    }
}

impl Subscriber for Router {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::always()
    }
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        self.with(Id::from_u64(u64::MAX), |e| e.new_span(attributes))
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        self.with((), |e| e.record(span, values));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        self.with((), |e| e.event(event));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// Until the guard drops, every span and event on this thread goes to `everything`.
fn listen(everything: &Everything) -> impl Drop {
    static ROUTER: Once = Once::new();
    ROUTER.call_once(|| {
        tracing::subscriber::set_global_default(Router).expect("the only global subscriber");
    });
    struct Listening;
    impl Drop for Listening {
        fn drop(&mut self) {
            LISTENING.with(|listening| listening.borrow_mut().take());
        }
    }
    LISTENING.with(|listening| *listening.borrow_mut() = Some(everything.clone()));
    Listening
}

impl Everything {
    fn printed(&self) -> String {
        format!(
            "{:?} {:?}",
            self.spans.lock().unwrap(),
            self.events.lock().unwrap()
        )
    }

    fn outcomes(&self, operation: &str) -> Vec<String> {
        self.spans
            .lock()
            .unwrap()
            .values()
            .filter(|(name, fields)| {
                name == "accesstype"
                    && fields.get("operation").map(String::as_str) == Some(operation)
            })
            .filter_map(|(_, fields)| fields.get("outcome").cloned())
            .collect()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn one_span_per_call_with_its_outcome_and_no_secret_anywhere() {
    let everything = Everything::default();
    let _listening = listen(&everything);
    let fake = FakeAccesstype::start().await;
    fake.set_free_stories(1);
    fake.hard_paywall("secret-story-name");
    let accesstype = fake.client();
    let jwt = fake
        .signer()
        .sign(&User::new("john.smith@example.com", 4242).name("John Smith"))
        .unwrap();

    let metered = accesstype
        .read_story("story-one", &reader(), Some(&jwt))
        .await;
    let walled = accesstype
        .read_story("secret-story-name", &reader(), Some(&jwt))
        .await;
    let checked = accesstype
        .check_access("story-two", &reader(), Some(&jwt))
        .await;
    let refused = fake
        .client_builder()
        .api_key("a-wrong-api-key-7c6b5a")
        .build()
        .unwrap()
        .read_story("story-one", &reader(), Some(&jwt))
        .await;
    fake.drop_next(1);
    let dropped = accesstype
        .read_story("story-one", &reader(), Some(&jwt))
        .await;

    assert!(metered.unwrap().is_metered());
    assert!(!walled.unwrap().granted());
    assert!(!checked.unwrap().granted());
    assert!(refused.is_err() && dropped.is_err());
    assert_eq!(
        everything.outcomes("read_story"),
        [
            "granted:metered",
            "denied",
            "error:unexpected_status",
            "error:transport"
        ]
    );
    assert_eq!(everything.outcomes("check_access"), ["denied"]);
    // A refused key is a configuration error, logged as one.
    assert!(
        everything.events.lock().unwrap().iter().any(
            |(level, target, _)| *level == Level::ERROR && target.starts_with("accesstype_jwt")
        ),
        "{}",
        everything.printed()
    );
    let printed = everything.printed();
    assert!(printed.contains("environment"), "{printed}");
    for secret in [
        fake.api_key(),
        "a-wrong-api-key-7c6b5a",
        fake.account_key(),
        jwt.as_str(),
        &jwt[jwt.len() - 16..],
        READER,
        &READER[8..],
        "secret-story-name",
        "john.smith",
        "John Smith",
    ] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_story_served_without_its_pingback_is_a_warning() {
    let everything = Everything::default();
    let _listening = listen(&everything);
    let server = httpmock::MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(httpmock::Method::GET);
            then.status(200)
                .json_body(serde_json::json!({"granted": true, "grantReason": "METERING"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(httpmock::Method::POST);
            then.status(502);
        })
        .await;
    let accesstype = crate::client_builder(&server)
        .insecure_serve_when_pingback_fails()
        .build()
        .unwrap();

    assert!(
        accesstype
            .read_story("s", &reader(), None)
            .await
            .unwrap()
            .granted()
    );

    let events = everything.events.lock().unwrap();
    let warning = events
        .iter()
        .find(|(level, target, _)| *level == Level::WARN && target.starts_with("accesstype_jwt"))
        .unwrap_or_else(|| panic!("{events:?}"));
    assert_eq!(warning.2["reason"], "error:unexpected_status");
}

#[tokio::test(flavor = "current_thread")]
async fn a_refused_key_is_logged_whatever_the_size_of_the_refusal() {
    let everything = Everything::default();
    let _listening = listen(&everything);
    let server = httpmock::MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(httpmock::Method::GET);
            then.status(401)
                .header("content-type", "text/html")
                .body("<p>Unauthorized.</p>".repeat(5_000));
        })
        .await;

    let error = crate::client(&server)
        .read_story("s", &reader(), None)
        .await
        .unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error:?}");
    assert_eq!(
        everything.outcomes("read_story"),
        ["error:unexpected_status"],
        "{}",
        everything.printed()
    );
    assert!(
        everything.events.lock().unwrap().iter().any(
            |(level, target, _)| *level == Level::ERROR && target.starts_with("accesstype_jwt")
        ),
        "{}",
        everything.printed()
    );
}
