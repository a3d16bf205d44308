//! What the fake's server task and the test share: the state, and the faults to inject.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use http::StatusCode;

use super::state::State;

/// The faults to inject, set by the test.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    pub(crate) fail: Option<(usize, StatusCode)>,
    pub(crate) delay: Duration,
    pub(crate) drop: usize,
}

/// What the server task and the test share.
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    pub(crate) faults: Mutex<Faults>,
}

impl Shared {
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
