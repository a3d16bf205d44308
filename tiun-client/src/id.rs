//! Untrusted identifiers (session ids from the browser, user ids, provider ids): checked, then
//! percent-encoded so that no value can leave its path segment.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// The longest identifier accepted, in bytes.
pub const MAX_ID_BYTES: usize = 256;

/// Everything but RFC 3986's unreserved characters is escaped (`/`, `?`, `#`, `%`, `;`, `\\`
/// included), so the server sees exactly one segment whose decoded value is the caller's string.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Why an identifier was refused before any request was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidId {
    /// It was empty.
    #[error("it is empty")]
    Empty,
    /// It was longer than [`MAX_ID_BYTES`].
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

/// Checks an identifier and returns it percent-encoded for use as one path segment (borrowed
/// when nothing needed encoding, as for the usual UUID-like ids).
pub(crate) fn encode_segment(id: &str) -> Result<Cow<'_, str>, InvalidId> {
    check(id, MAX_ID_BYTES)?;
    if id == "." || id == ".." {
        return Err(InvalidId::DotSegment);
    }
    Ok(utf8_percent_encode(id, SEGMENT).into())
}

/// The checks shared by every untrusted string: not empty, not too long, no control character.
pub(crate) fn check(value: &str, max: usize) -> Result<(), InvalidId> {
    if value.is_empty() {
        return Err(InvalidId::Empty);
    }
    if value.len() > max {
        return Err(InvalidId::TooLong {
            len: value.len(),
            max,
        });
    }
    if value.chars().any(char::is_control) {
        return Err(InvalidId::ControlCharacter);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_ids_pass_unchanged_and_unallocated() {
        let id = "a1B2-c3_d4.e5~f6";
        assert!(matches!(encode_segment(id), Ok(Cow::Borrowed(s)) if s == id));
    }

    #[test]
    fn path_query_fragment_and_escape_characters_are_encoded() {
        assert_eq!(encode_segment("../x").unwrap(), "..%2Fx");
        assert_eq!(encode_segment("a?b#c").unwrap(), "a%3Fb%23c");
        assert_eq!(encode_segment("%2e%2e").unwrap(), "%252e%252e");
        assert_eq!(encode_segment("a b\\c").unwrap(), "a%20b%5Cc");
        assert_eq!(encode_segment("..;").unwrap(), "..%3B");
        assert_eq!(encode_segment("x;a=b&c+d").unwrap(), "x%3Ba%3Db%26c%2Bd");
        assert_eq!(encode_segment("é").unwrap(), "%C3%A9");
    }

    #[test]
    fn refused_ids() {
        assert_eq!(encode_segment(""), Err(InvalidId::Empty));
        assert_eq!(encode_segment("."), Err(InvalidId::DotSegment));
        assert_eq!(encode_segment(".."), Err(InvalidId::DotSegment));
        assert_eq!(encode_segment("a\nb"), Err(InvalidId::ControlCharacter));
        assert_eq!(encode_segment("a\u{0}"), Err(InvalidId::ControlCharacter));
        assert_eq!(encode_segment("a\u{85}"), Err(InvalidId::ControlCharacter));
        let long = "x".repeat(MAX_ID_BYTES + 1);
        assert_eq!(
            encode_segment(&long),
            Err(InvalidId::TooLong {
                len: MAX_ID_BYTES + 1,
                max: MAX_ID_BYTES
            })
        );
        assert!(encode_segment(&"x".repeat(MAX_ID_BYTES)).is_ok());
    }
}
