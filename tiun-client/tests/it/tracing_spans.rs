//! The `tracing` feature: one span per call with environment and outcome, and nothing secret.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use httpmock::prelude::*;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use crate::support::{KEY, builder, s2s_path};

type Fields = BTreeMap<String, String>;

/// A subscriber that keeps every span's name and fields.
#[derive(Default, Clone)]
struct Spans {
    next_id: Arc<AtomicU64>,
    spans: Arc<Mutex<BTreeMap<u64, (String, Fields)>>>,
    events: Arc<Mutex<Vec<(tracing::Level, Fields)>>>,
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

impl Subscriber for Spans {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let mut fields = Fields::new();
        attributes.record(&mut Collect(&mut fields));
        self.spans
            .lock()
            .unwrap()
            .insert(id, (attributes.metadata().name().to_owned(), fields));
        Id::from_u64(id)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Some((_, fields)) = self.spans.lock().unwrap().get_mut(&span.into_u64()) {
            values.record(&mut Collect(fields));
        }
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        if !event.metadata().target().starts_with("tiun_client") {
            return;
        }
        let mut fields = Fields::new();
        event.record(&mut Collect(&mut fields));
        self.events
            .lock()
            .unwrap()
            .push((*event.metadata().level(), fields));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn one_span_per_call_with_environment_and_outcome_and_no_secret() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path(s2s_path("secret-session-valid"));
            then.status(200);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path(s2s_path("secret-session-gone"));
            then.status(404);
        })
        .await;
    let tiun = builder(&server).build().unwrap();
    let spans = Spans::default();
    let _guard = tracing::subscriber::set_default(spans.clone());

    assert!(
        tiun.verify_session("secret-session-valid")
            .await
            .unwrap()
            .is_valid()
    );
    assert!(
        !tiun
            .verify_session("secret-session-gone")
            .await
            .unwrap()
            .is_valid()
    );
    assert!(tiun.verify_session("bad\nid").await.is_err());

    let recorded: Vec<(String, Fields)> = spans.spans.lock().unwrap().values().cloned().collect();
    let ours: Vec<&Fields> = recorded
        .iter()
        .filter(|(name, _)| name == "tiun")
        .map(|(_, f)| f)
        .collect();
    let outcomes: Vec<&str> = ours
        .iter()
        .map(|f| f.get("outcome").map_or("", String::as_str))
        .collect();
    assert_eq!(outcomes, ["valid", "invalid", "error:invalid_input"]);
    for fields in &ours {
        assert_eq!(
            fields.get("operation").map(String::as_str),
            Some("verify_session")
        );
        assert_eq!(
            fields.get("environment").map(String::as_str),
            Some("custom")
        );
    }
    let everything = format!("{recorded:?}");
    assert!(!everything.contains(KEY), "{everything}");
    assert!(!everything.contains("secret-session"), "{everything}");
}

#[tokio::test(flavor = "current_thread")]
async fn the_extractor_logs_a_wrong_key_as_an_error() {
    use axum::Router;
    use axum::body::Body;
    use axum::http::Request;
    use axum::routing::get;
    use tiun_client::axum::PaidSession;
    use tiun_client::test_util::FakeTiun;
    use tower::ServiceExt;

    let fake = FakeTiun::start().await;
    fake.paid_session("secret-session-1");
    let misconfigured = fake.client_builder().api_key(KEY).build().unwrap();
    let app = Router::new()
        .route("/", get(|_: PaidSession| async { "article" }))
        .with_state(misconfigured);
    let spans = Spans::default();
    let _guard = tracing::subscriber::set_default(spans.clone());

    let request = Request::get("/")
        .header("x-tiun-session", "secret-session-1")
        .body(Body::empty())
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 503);
    fake.fail_next(1, 500);
    let request = Request::get("/")
        .header("x-tiun-session", "secret-session-1")
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.oneshot(request).await.unwrap().status(), 503);

    let events = spans.events.lock().unwrap().clone();
    let codes: Vec<(tracing::Level, Option<&str>)> = events
        .iter()
        .map(|(level, fields)| (*level, fields.get("code").map(String::as_str)))
        .collect();
    assert_eq!(
        codes,
        [
            (tracing::Level::ERROR, Some("tiun_misconfigured")),
            (tracing::Level::WARN, Some("tiun_unavailable")),
        ]
    );
    let everything = format!("{events:?}");
    assert!(!everything.contains(KEY), "{everything}");
    assert!(!everything.contains("secret-session"), "{everything}");
}
