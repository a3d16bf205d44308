//! One span per call (feature `tracing`): the crate makes the span with its own name and its
//! fields (the operation, the environment, and an empty `outcome`), [`traced`] runs the call
//! in it and records the outcome; [`traced_fn!`](crate::traced_fn) writes that for a crate.
//! Never a secret, a session id or a token.

use std::future::Future;

use tracing::{Instrument, Span};

/// Runs `call` inside `span` and records `outcome(&result)` in the span's `outcome` field
/// (the span declares it `Empty`); `outcome` runs in the span, so an event it logs belongs
/// to the call.
pub async fn traced<T, E>(
    span: Span,
    call: impl Future<Output = Result<T, E>>,
    outcome: impl FnOnce(&Result<T, E>) -> &'static str,
) -> Result<T, E> {
    let result = call.instrument(span.clone()).await;
    let label = span.in_scope(|| outcome(&result));
    span.record("outcome", label);
    result
}

/// Writes a crate's `traced(operation, environment, call, label)`: `call` run in a span named
/// `$name` (a literal, as `tracing` needs) with the `operation`, the `environment` and the
/// outcome, `label` of the answer or `$error_label` of the crate's `$error`.
#[macro_export]
macro_rules! traced_fn {
    ($name:literal, $error:ty, $error_label:path) => {
        /// Runs `call` inside the crate's span and records its outcome on the span.
        pub(crate) async fn traced<T>(
            operation: &'static str,
            environment: &'static str,
            call: impl ::std::future::Future<Output = ::std::result::Result<T, $error>>,
            label: fn(&T) -> &'static str,
        ) -> ::std::result::Result<T, $error> {
            let span = ::tracing::info_span!(
                $name,
                operation,
                environment,
                outcome = ::tracing::field::Empty
            );
            $crate::http::traced(span, call, |result| match result {
                Ok(answer) => label(answer),
                Err(error) => $error_label(error),
            })
            .await
        }
    };
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing::field::{Empty, Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    use super::*;

    /// Keeps, in order, the `outcome` recorded on any span and each entry to and exit from one.
    #[derive(Default, Clone)]
    struct Outcomes(Arc<Mutex<Vec<String>>>);

    impl Visit for Outcomes {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            if field.name() == "outcome" {
                self.0.lock().unwrap().push(format!("{value:?}"));
            }
        }
        fn record_str(&mut self, field: &Field, value: &str) {
            if field.name() == "outcome" {
                self.0.lock().unwrap().push(value.to_owned());
            }
        }
    }

    impl Subscriber for Outcomes {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, values: &Record<'_>) {
            values.record(&mut self.clone());
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, _: &Event<'_>) {}
        fn enter(&self, _: &Id) {
            self.0.lock().unwrap().push("enter".to_owned());
        }
        fn exit(&self, _: &Id) {
            self.0.lock().unwrap().push("exit".to_owned());
        }
    }

    #[tokio::test]
    async fn the_outcome_is_recorded_on_the_span() {
        let outcomes = Outcomes::default();
        let _guard = tracing::subscriber::set_default(outcomes.clone());
        for (result, expected) in [(Ok(1), "ok"), (Err(()), "error:x")] {
            let span = tracing::info_span!("family", operation = "op", outcome = Empty);
            let seen = outcomes.clone();
            let got = traced(span, async { result }, |r: &Result<i32, ()>| {
                seen.0.lock().unwrap().push("labelled".to_owned());
                if r.is_ok() { "ok" } else { "error:x" }
            })
            .await;
            assert_eq!(got, result);
            let seen = outcomes.0.lock().unwrap();
            assert_eq!(
                seen.get(seen.len().saturating_sub(4)..),
                Some(&["enter", "labelled", "exit", expected].map(String::from)[..]),
                "an event the label logs belongs to the call's span"
            );
        }
    }
}
