//! The strict JSON reader: arbitrary bytes, and arbitrary bytes nested deep inside arrays and
//! objects (past the reader's recursion depth and past serde_json's).
//!
//! Invariants: `check` accepts exactly what a plain recursive reader that refuses repeated
//! names accepts, wherever that reader can judge; `value_from_slice` and
//! `from_slice_strict::<Value>` build exactly that reader's value, and nothing it refuses;
//! whatever `check` accepts, serde_json reads; a refusal is a syntax error or a repeated
//! name.

#![no_main]

use libfuzzer_sys::fuzz_target;
use paywall_internal::json::{self, Refusal};
use paywall_internal_fuzz::{Verdict, reference};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = match mode % 3 {
        0 => rest.to_vec(),
        // The same text at a depth only the set-aside walk reaches.
        1 => nest(rest, b"[", b"]", 70 + usize::from(mode) * 3),
        _ => nest(rest, br#"{"k":"#, b"}", 60 + usize::from(mode)),
    };
    judge(&text);
});

fn nest(inner: &[u8], open: &[u8], close: &[u8], depth: usize) -> Vec<u8> {
    let mut text = open.repeat(depth);
    text.extend_from_slice(inner);
    text.extend_from_slice(&close.repeat(depth));
    text
}

fn judge(text: &[u8]) {
    let checked = json::check(text);
    let built = json::value_from_slice(text);
    let typed = json::from_slice_strict::<Value>(text);
    match reference(text) {
        Ok(value) => {
            assert!(
                checked.is_ok(),
                "refused what the reference accepts: {checked:?}"
            );
            assert_eq!(built.as_ref().ok(), Some(&value));
            assert_eq!(typed.as_ref().ok(), Some(&value));
        }
        Err(Verdict::Refused) => {
            assert!(checked.is_err(), "accepted what the reference refuses");
            assert!(built.is_err() && typed.is_err());
        }
        Err(Verdict::CannotJudge) => {
            // Nested past serde_json's limit: no `Value` is built, but the check still
            // judges, and agrees with itself on a second run.
            assert!(built.is_err());
            assert_eq!(json::check(text).is_ok(), checked.is_ok());
        }
    }
    if checked.is_ok() {
        let plain = serde_json::from_slice::<serde::de::IgnoredAny>(text);
        assert!(plain.is_ok(), "checked, but serde_json refuses it");
    }
    if let Err(error) = &checked {
        // A refusal is a syntax error or a repeated name, never anything else.
        assert!(matches!(
            json::classify(error),
            Refusal::Syntax | Refusal::RepeatedMember
        ));
    }
}
