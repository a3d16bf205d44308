//! The bare token: arbitrary text, tokens signed with fuzzer-chosen claims, and genuine
//! tokens with fuzzer-chosen edits.
//!
//! Invariants: whatever the text, it verifies only if its signature is the HMAC of its
//! signing input under the verifier's secret (recomputed here without the crate), so a token
//! the target did not sign is never `Active`; a token signed with chosen claims verifies to
//! exactly those claims; any edit of a genuine token is refused.

#![no_main]

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use tulo_jwt::{Error, MAX_TOKEN_BYTES};
use tulo_jwt_fuzz::{Chosen, now, signed_by_secret, tulo, verifier};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 3 {
        0 => {
            let Ok(text) = std::str::from_utf8(rest) else {
                return;
            };
            let outcome = verifier().verify_token_at(text, now());
            if outcome.is_ok() {
                assert!(signed_by_secret(text), "unsigned token accepted: {text:?}");
            }
        }
        1 => {
            let mut u = Unstructured::new(rest);
            let Ok(chosen) = Chosen::arbitrary(&mut u) else {
                return;
            };
            let token = tulo().sign(&chosen.claims());
            let outcome = verifier().verify_token_at(&token, now());
            if token.len() > MAX_TOKEN_BYTES {
                assert!(
                    matches!(outcome, Err(Error::TokenTooLarge { .. })),
                    "{outcome:?}"
                );
                return;
            }
            chosen.assert_verified_as(&outcome);
        }
        _ => {
            let mut u = Unstructured::new(rest);
            let (Ok(chosen), Ok(edit)) = (Chosen::arbitrary(&mut u), Edit::arbitrary(&mut u))
            else {
                return;
            };
            let token = tulo().sign(&chosen.claims());
            let edited = edit.apply(&token);
            if edited != token {
                let outcome = verifier().verify_token_at(&edited, now());
                assert!(
                    outcome.is_err(),
                    "edited token accepted: {edited:?} {outcome:?}"
                );
            }
        }
    }
});

/// One change to a token: a byte replaced, inserted or removed.
#[derive(Debug)]
struct Edit {
    position: usize,
    kind: u8,
    byte: u8,
}

impl Edit {
    fn arbitrary(u: &mut Unstructured<'_>) -> libfuzzer_sys::arbitrary::Result<Self> {
        Ok(Self {
            position: usize::arbitrary(u)?,
            kind: u8::arbitrary(u)?,
            byte: u8::arbitrary(u)?,
        })
    }

    fn apply(&self, token: &str) -> String {
        let mut bytes = token.as_bytes().to_vec();
        let at = self.position % (bytes.len() + 1);
        match self.kind % 3 {
            0 if at < bytes.len() => bytes[at] = self.byte,
            1 => bytes.insert(at, self.byte),
            _ if at < bytes.len() => {
                bytes.remove(at);
            }
            _ => {}
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }
}
