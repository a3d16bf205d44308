//! What the fake's server task and the test share: the state, and the faults to inject.

use paywall_internal::fake::Faults;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::state::State;

/// What the server task and the test share.
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    pub(crate) faults: Faults,
}

impl Shared {
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
