//! [`Faults`]: the failures every fake injects on request, `fail_next(n, status)`,
//! `delay(duration)` and `drop_next(n)`.

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use http::StatusCode;

use super::Reply;
use crate::sync::lock;

/// The faults a fake injects into the requests it answers next.
#[derive(Default)]
pub struct Faults(Mutex<State>);

/// What one request gets instead of an answer.
enum Fault {
    HangUp,
    Fail(StatusCode),
}

#[derive(Default)]
struct State {
    fail_next: usize,
    fail_status: u16,
    drop_next: usize,
    delay: Duration,
}

impl Faults {
    /// Answers the next `n` requests with `status` (a `500` when it is not a status).
    pub fn fail_next(&self, n: usize, status: u16) {
        let mut state = lock(&self.0);
        state.fail_next = n;
        state.fail_status = status;
    }

    /// Waits `delay` before answering each request, from now on (`Duration::ZERO` to stop).
    pub fn delay(&self, delay: Duration) {
        lock(&self.0).delay = delay;
    }

    /// Closes the connection of the next `n` requests without answering.
    pub fn drop_next(&self, n: usize) {
        lock(&self.0).drop_next = n;
    }

    /// For one request: waits the delay, then gives the reply to send instead of an answer,
    /// if any: a hang-up, or else `fail(status)` (the fake's own error body).
    pub async fn intercept(&self, fail: impl FnOnce(StatusCode) -> Reply) -> Option<Reply> {
        let (delay, fault) = {
            let mut state = lock(&self.0);
            let fault = if state.drop_next > 0 {
                state.drop_next -= 1;
                Some(Fault::HangUp)
            } else if state.fail_next > 0 {
                state.fail_next -= 1;
                let status = StatusCode::from_u16(state.fail_status)
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                Some(Fault::Fail(status))
            } else {
                None
            };
            (state.delay, fault)
        };
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        // `fail` runs with the lock released: it may read the fake's state, faults included.
        fault.map(|fault| match fault {
            Fault::HangUp => Reply::hang_up(),
            Fault::Fail(status) => fail(status),
        })
    }
}

impl fmt::Debug for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.0);
        f.debug_struct("Faults")
            .field("fail_next", &state.fail_next)
            .field("drop_next", &state.drop_next)
            .field("delay", &state.delay)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The status of the reply `faults` gives instead of an answer: `Some(None)` for a
    /// hang-up, `None` for no fault.
    async fn next(faults: &Faults) -> Option<Option<StatusCode>> {
        let reply = faults.intercept(Reply::empty).await?;
        Some(reply.status())
    }

    #[tokio::test]
    async fn faults_are_taken_in_order_and_counted_down() {
        let faults = Faults::default();
        assert_eq!(next(&faults).await, None);
        faults.fail_next(2, 503);
        faults.drop_next(1);
        assert_eq!(next(&faults).await, Some(None));
        let unavailable = Some(Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(next(&faults).await, unavailable);
        assert_eq!(next(&faults).await, unavailable);
        assert_eq!(next(&faults).await, None);
        faults.fail_next(1, 42);
        let internal = Some(Some(StatusCode::INTERNAL_SERVER_ERROR));
        assert_eq!(next(&faults).await, internal);
        faults.drop_next(1);
        faults.fail_next(1, 418);
        let fail = |status| Reply::json(status, &serde_json::json!({"error": "teapot"}));
        assert_eq!(faults.intercept(fail).await.unwrap().status(), None);
        let failed = faults
            .intercept(fail)
            .await
            .unwrap()
            .into_response()
            .unwrap();
        assert_eq!(failed.status(), StatusCode::IM_A_TEAPOT);
        assert_eq!(failed.headers()["content-type"], "application/json");
        assert!(faults.intercept(fail).await.is_none());
        assert_eq!(
            format!("{faults:?}"),
            "Faults { fail_next: 0, drop_next: 0, delay: 0ns }"
        );
    }

    #[test]
    fn a_failure_is_built_with_the_lock_released() {
        let (sent, received) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let faults = Faults::default();
            faults.fail_next(1, 503);
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .unwrap();
            // The failure reads the faults again, as a fake's error page listing them would.
            let reply = runtime.block_on(faults.intercept(|status| {
                let _ = format!("{faults:?}");
                Reply::empty(status)
            }));
            let _ = sent.send(reply.and_then(|reply| reply.status()));
        });
        // Held across `fail`, the lock would be taken twice on one thread: no answer at all.
        let status = received.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(status, Some(StatusCode::SERVICE_UNAVAILABLE));
    }

    #[tokio::test]
    async fn a_delay_is_waited_before_each_answer() {
        let faults = Faults::default();
        faults.delay(Duration::from_millis(30));
        let started = std::time::Instant::now();
        assert_eq!(next(&faults).await, None);
        assert!(started.elapsed() >= Duration::from_millis(30));
        faults.delay(Duration::ZERO);
        let started = std::time::Instant::now();
        next(&faults).await;
        assert!(started.elapsed() < Duration::from_millis(30));
    }
}
