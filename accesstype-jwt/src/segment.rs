//! Caller input as one URL path segment, encoded by the crate itself: every byte but RFC 3986's
//! unreserved characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`. `url`'s `path_segments_mut`
//! is not used for it: it leaves `;` and `=` as they are, and servlet containers read `..;`
//! as `..`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::Error;

/// The longest story id accepted, in bytes.
pub const MAX_STORY_ID_BYTES: usize = 256;

/// Everything but the unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A story id as one encoded path segment.
///
/// # Errors
///
/// [`Error::InvalidStoryId`] for an empty id, `.` or `..` (no URL can hold them as a
/// segment), one longer than [`MAX_STORY_ID_BYTES`], or one with control characters.
pub(crate) fn story_segment(story_id: &str) -> Result<String, Error> {
    path_segment(story_id, MAX_STORY_ID_BYTES).ok_or(Error::InvalidStoryId)
}

/// Caller input of at most `max` bytes as one encoded path segment; `None` for an empty
/// input, `.` or `..`, a longer one, or one with control characters.
pub(crate) fn path_segment(text: &str, max: usize) -> Option<String> {
    if text.is_empty()
        || text == "."
        || text == ".."
        || text.len() > max
        || text.chars().any(char::is_control)
    {
        return None;
    }
    Some(utf8_percent_encode(text, SEGMENT).to_string())
}

#[cfg(test)]
mod tests {
    use super::story_segment;

    #[test]
    fn only_unreserved_characters_stay_as_they_are() {
        assert_eq!(story_segment("aZ09-._~").unwrap(), "aZ09-._~");
        assert_eq!(story_segment("..;").unwrap(), "..%3B");
        assert_eq!(story_segment("a;b=c").unwrap(), "a%3Bb%3Dc");
        assert_eq!(story_segment("%2e%2e").unwrap(), "%252e%252e");
        assert_eq!(story_segment("a/b?c#d").unwrap(), "a%2Fb%3Fc%23d");
        assert_eq!(story_segment("a\\b").unwrap(), "a%5Cb");
        assert_eq!(story_segment("／").unwrap(), "%EF%BC%8F");
        assert_eq!(story_segment("a\u{2028}b").unwrap(), "a%E2%80%A8b");
        assert_eq!(
            story_segment("john+news@example.com").unwrap(),
            "john%2Bnews%40example.com"
        );
        for bad in ["", ".", "..", "a\0b", "a\r\nb"] {
            assert!(story_segment(bad).is_err(), "{bad:?}");
        }
    }
}
