//! The bounded expiring map, driven by arbitrary operations and clock steps and compared with
//! a plain model (a map of expiries, scanned in full).
//!
//! Invariants: every answer (`get`, `insert`, `insert_new`, `remove`) and the length agree
//! with the model; a full map refuses a new key and never drops a live one; expired entries
//! leave exactly when the model says; entries that expire out of order (a shorter lifetime
//! after a longer one) change nothing of that.

#![no_main]

use std::collections::HashMap;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use paywall_internal::expiring::{Claim, ExpiringMap, Full};

const CAPACITY: usize = 8;

fuzz_target!(|data: &[u8]| {
    let start = Instant::now();
    let mut now = start;
    let mut map = ExpiringMap::new(CAPACITY);
    let mut model: HashMap<u8, (Instant, u32)> = HashMap::new();
    for (step, op) in data.chunks_exact(3).enumerate() {
        let (kind, key, arg) = (op[0] % 6, op[1] % 16, op[2]);
        let value = u32::try_from(step).unwrap_or(u32::MAX);
        let expires = now + Duration::from_millis(u64::from(arg) * 10);
        match kind {
            0 => {
                drop_expired(&mut model, now);
                let present = model.contains_key(&key);
                let expected = if present || model.len() < CAPACITY {
                    model.insert(key, (expires, value));
                    Ok(())
                } else {
                    Err(Full { capacity: CAPACITY })
                };
                assert_eq!(map.insert(key, value, expires, now), expected);
            }
            1 => {
                drop_expired(&mut model, now);
                let expected = if model.contains_key(&key) {
                    Claim::Present
                } else if model.len() >= CAPACITY {
                    Claim::Full
                } else {
                    model.insert(key, (expires, value));
                    Claim::Inserted
                };
                assert_eq!(map.insert_new(key, value, expires, now), expected);
            }
            2 => {
                let expected = model.get(&key).filter(|(at, _)| *at > now).map(|(_, v)| v);
                assert_eq!(map.get(&key, now), expected);
            }
            3 => {
                let expected = model.remove(&key).map(|(_, v)| v);
                assert_eq!(map.remove(&key), expected);
            }
            4 => {
                drop_expired(&mut model, now);
                map.drop_expired(now);
            }
            _ => now += Duration::from_millis(u64::from(arg) * 7),
        }
        assert_eq!(map.len(), model.len(), "step {step}");
        assert!(model.values().filter(|(at, _)| *at > now).count() <= CAPACITY);
    }
});

fn drop_expired(model: &mut HashMap<u8, (Instant, u32)>, now: Instant) {
    model.retain(|_, (expires, _)| *expires > now);
}
