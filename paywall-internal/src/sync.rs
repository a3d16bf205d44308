//! [`lock`]: the family's one way to take a `Mutex`.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `mutex`, whatever a panic elsewhere left: every map, table and fault list of the
/// family is consistent after each statement, so a poisoned one is still whole.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::lock;

    #[test]
    fn a_poisoned_mutex_still_opens_with_what_it_held() {
        let mutex = Mutex::new(vec![1]);
        let poisoned = std::panic::catch_unwind(|| {
            let mut held = lock(&mutex);
            held.push(2);
            panic!("while holding the lock");
        });
        assert!(poisoned.is_err() && mutex.is_poisoned());
        assert_eq!(*lock(&mutex), [1, 2]);
    }
}
