//! The bounded expiring map, driven by arbitrary operations and clock steps and compared with
//! a plain model (a map of expiries, scanned in full).
//!
//! Invariants: every answer (`get`, `insert`, `insert_evicting_oldest`) and the length agree
//! with the model; a full map refuses a new key and never drops a live one, or, when told to
//! evict, drops exactly the oldest live one; expired entries leave exactly when the model says.

#![no_main]

use std::collections::HashMap;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use paywall_internal::expiring::{ExpiringMap, Full};

const CAPACITY: usize = 8;
const LIFETIME: Duration = Duration::from_millis(700);

/// Each key's expiry, the order its expiry record was filed in, and its value.
type Model = HashMap<u8, (Instant, usize, u32)>;

fuzz_target!(|data: &[u8]| {
    let mut now = Instant::now();
    let mut map = ExpiringMap::new(CAPACITY, LIFETIME);
    let mut model = Model::new();
    for (step, op) in data.chunks_exact(3).enumerate() {
        let (kind, key, arg) = (op[0] % 5, op[1] % 16, op[2]);
        let value = u32::try_from(step).unwrap_or(u32::MAX);
        match kind {
            0 => {
                model.retain(|_, (expires, ..)| *expires > now);
                let expected = if model.contains_key(&key) || model.len() < CAPACITY {
                    store(&mut model, key, value, now, step);
                    Ok(())
                } else {
                    Err(Full { capacity: CAPACITY })
                };
                assert_eq!(map.insert(key, value, now), expected);
            }
            1 => {
                model.retain(|_, (expires, ..)| *expires > now);
                let mut expected = None;
                if !model.contains_key(&key) && model.len() >= CAPACITY {
                    let oldest = model.iter().min_by_key(|(_, (at, order, _))| (*at, *order));
                    if let Some((&old, _)) = oldest {
                        expected = model.remove(&old).map(|(.., v)| (old, v));
                    }
                }
                store(&mut model, key, value, now, step);
                assert_eq!(map.insert_evicting_oldest(key, value, now), expected);
            }
            2 => {
                let expected = model
                    .get(&key)
                    .filter(|(at, ..)| *at > now)
                    .map(|(.., v)| v);
                assert_eq!(map.get(&key, now), expected);
            }
            3 => {
                model.retain(|_, (expires, ..)| *expires > now);
                map.drop_expired(now);
            }
            _ => now += Duration::from_millis(u64::from(arg) * 7),
        }
        assert_eq!(map.len(), model.len(), "step {step}");
        assert!(model.values().filter(|(at, ..)| *at > now).count() <= CAPACITY);
    }
});

/// Stores `key` as the map does: a new expiry files a new record; the same one keeps its place.
fn store(model: &mut Model, key: u8, value: u32, now: Instant, step: usize) {
    let expires = now + LIFETIME;
    let order = match model.get(&key) {
        Some(&(at, order, _)) if at == expires => order,
        _ => step,
    };
    model.insert(key, (expires, order, value));
}
