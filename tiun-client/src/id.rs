//! Untrusted identifiers (session ids from the browser, user ids, provider ids): checked, then
//! percent-encoded by the family's one rule so that no value can leave its path segment.

use std::borrow::Cow;

use paywall_internal::http::{InvalidInput, check_input, encode_segment};

/// The longest identifier accepted, in bytes.
pub const MAX_ID_BYTES: usize = paywall_internal::http::MAX_SEGMENT_BYTES;

/// Why an identifier was refused before any request was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidId {
    /// It was empty.
    #[error("it is empty")]
    Empty,
    /// It was longer than [`MAX_ID_BYTES`] (or, for a user verification token,
    /// [`MAX_USER_TOKEN_BYTES`](crate::MAX_USER_TOKEN_BYTES)).
    #[error("it is {len} bytes long, more than the {max} allowed")]
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// It contained a control character (a line break, a NUL, ...).
    #[error("it contains a control character")]
    ControlCharacter,
    /// It was `.` or `..`, which URL rules would drop or resolve instead of sending.
    #[error("it is a dot segment")]
    DotSegment,
}

impl InvalidId {
    fn from_input(refused: InvalidInput) -> Self {
        match refused {
            InvalidInput::Empty => Self::Empty,
            InvalidInput::TooLong { len, max } => Self::TooLong { len, max },
            InvalidInput::ControlCharacter => Self::ControlCharacter,
            InvalidInput::DotSegment => Self::DotSegment,
        }
    }
}

/// Checks an identifier and returns it percent-encoded for use as one path segment (borrowed
/// when nothing needed encoding, as for the usual UUID-like ids).
pub(crate) fn encode_id(id: &str) -> Result<Cow<'_, str>, InvalidId> {
    encode_segment(id, MAX_ID_BYTES).map_err(InvalidId::from_input)
}

/// The checks every untrusted string passes: not empty, at most `max` bytes, no control
/// character.
pub(crate) fn check_token(value: &str, max: usize) -> Result<(), InvalidId> {
    check_input(value, max).map_err(InvalidId::from_input)
}
