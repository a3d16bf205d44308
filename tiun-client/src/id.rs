//! Untrusted identifiers (session ids from the browser, user ids, provider ids): checked, then
//! percent-encoded by the family's one rule so that no value can leave its path segment. A
//! refusal is the family's reason text, for `Error::InvalidInput { what, reason }`.

use std::borrow::Cow;

use paywall_internal::http::{InvalidInput, encode_segment};

/// The longest identifier accepted, in bytes.
pub const MAX_ID_BYTES: usize = paywall_internal::http::MAX_SEGMENT_BYTES;

/// Checks an identifier and returns it percent-encoded for use as one path segment (borrowed
/// when nothing needed encoding, as for the usual UUID-like ids), or why it was refused.
pub(crate) fn encode_id(id: &str) -> Result<Cow<'_, str>, &'static str> {
    encode_segment(id, MAX_ID_BYTES).map_err(InvalidInput::reason)
}
