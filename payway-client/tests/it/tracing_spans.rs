//! The `tracing` feature: one `payway` span per call with its operation, environment and
//! outcome, and nothing secret in any span or event.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use payway_client::test_util::FakePayway;
use payway_client::{MemoryTicketStore, Ticket, TicketLogin};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

type Fields = BTreeMap<String, String>;

/// Every span's name and fields, and every event's fields, as text.
#[derive(Default, Clone)]
struct Recorder {
    next: Arc<AtomicU64>,
    spans: Arc<Mutex<BTreeMap<u64, (String, Fields)>>>,
    events: Arc<Mutex<Vec<Fields>>>,
}

struct Fill<'a>(&'a mut Fields);

impl Visit for Fill<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let mut fields = Fields::new();
        attributes.record(&mut Fill(&mut fields));
        let name = attributes.metadata().name().to_owned();
        self.spans.lock().unwrap().insert(id, (name, fields));
        Id::from_u64(id)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Some((_, fields)) = self.spans.lock().unwrap().get_mut(&span.into_u64()) {
            values.record(&mut Fill(fields));
        }
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::new();
        event.record(&mut Fill(&mut fields));
        self.events.lock().unwrap().push(fields);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn one_span_per_call_with_operation_environment_and_outcome() {
    let fake = FakePayway::start().await;
    fake.add_account("acc-1", ["premium"]);
    let ticket = fake.issue_ticket("acc-1");
    let payway = fake.client();
    let store = MemoryTicketStore::new();
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());

    let login = payway
        .login_with_ticket(&Ticket::new(ticket.clone()), &store)
        .await
        .unwrap();
    let TicketLogin::LoggedIn { token, .. } = login else {
        panic!("{login:?}")
    };
    let again = payway
        .login_with_ticket(&Ticket::new(ticket.clone()), &store)
        .await
        .unwrap();
    assert!(matches!(again, TicketLogin::AlreadyUsed));
    let refused = payway
        .login_with_ticket(&Ticket::new("made-up-ticket-1"), &store)
        .await
        .unwrap();
    assert!(matches!(refused, TicketLogin::Rejected { .. }));
    fake.fail_next(1, 503);
    assert!(payway.active_products(&token.access_token).await.is_err());

    let spans: Vec<(String, Fields)> = recorder.spans.lock().unwrap().values().cloned().collect();
    let outer: Vec<(&str, &str)> = spans
        .iter()
        .filter(|(name, fields)| {
            name == "payway" && fields.get("operation").is_some_and(|o| o != "me")
        })
        .map(|(_, fields)| {
            assert_eq!(
                fields.get("environment").map(String::as_str),
                Some("custom")
            );
            (
                fields["operation"].as_str(),
                fields.get("outcome").map_or("", String::as_str),
            )
        })
        .collect();
    assert_eq!(
        outer,
        [
            ("login_with_ticket", "logged_in"),
            ("login_with_ticket", "already_used"),
            ("login_with_ticket", "rejected"),
            ("active_products", "error:unexpected_status"),
        ]
    );
    // Inside the first login: `/me`, recorded as its own span.
    assert!(spans.iter().any(
        |(_, f)| f.get("operation").map(String::as_str) == Some("me")
            && f.get("outcome").map(String::as_str) == Some("ok")
    ));
    let everything = format!("{spans:?} {:?}", recorder.events.lock().unwrap());
    for secret in [
        ticket.as_str(),
        "made-up-ticket-1",
        token.access_token.expose_secret(),
        fake.client_secret(),
    ] {
        assert!(
            !everything.contains(secret),
            "a span or event shows a secret"
        );
    }
}
