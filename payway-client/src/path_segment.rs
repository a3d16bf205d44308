//! Path segments built from caller input: checked, then percent-encoded by this crate, so a
//! piece can never leave its segment (`url`'s `path_segments_mut` leaves `;` and `=` as they
//! are, and servlet containers read `..;` as `..`).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// The longest path piece accepted, in bytes.
pub(crate) const MAX_SEGMENT_BYTES: usize = 256;

/// Every byte but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) is escaped.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Why a path piece was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SegmentError {
    Empty,
    DotSegment,
    ControlCharacter,
    TooLong,
}

/// `piece` as one percent-encoded path segment.
pub(crate) fn encode_segment(piece: &str) -> Result<String, SegmentError> {
    if piece.is_empty() {
        return Err(SegmentError::Empty);
    }
    if piece.len() > MAX_SEGMENT_BYTES {
        return Err(SegmentError::TooLong);
    }
    // URL parsing drops tabs and newlines, so ".\n." would turn into ".." later.
    if piece.chars().any(char::is_control) {
        return Err(SegmentError::ControlCharacter);
    }
    if piece == "." || piece == ".." {
        return Err(SegmentError::DotSegment);
    }
    Ok(utf8_percent_encode(piece, SEGMENT).to_string())
}

/// The path of `base` with `segments` (already encoded) appended, one `/` between each.
pub(crate) fn append_path(base: &str, segments: &[String]) -> String {
    let mut path = base.strip_suffix('/').unwrap_or(base).to_owned();
    for segment in segments {
        path.push('/');
        path.push_str(segment);
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_but_unreserved_is_encoded() {
        assert_eq!(encode_segment("a1-._~Z").unwrap(), "a1-._~Z");
        assert_eq!(encode_segment("..;").unwrap(), "..%3B");
        assert_eq!(encode_segment("x;a=b&c+d").unwrap(), "x%3Ba%3Db%26c%2Bd");
        assert_eq!(encode_segment("../x").unwrap(), "..%2Fx");
        assert_eq!(encode_segment("%2e%2e").unwrap(), "%252e%252e");
        assert_eq!(encode_segment("a?b#c\\d").unwrap(), "a%3Fb%23c%5Cd");
        assert_eq!(encode_segment("／").unwrap(), "%EF%BC%8F");
        assert_eq!(encode_segment("\u{2028}").unwrap(), "%E2%80%A8");
    }

    #[test]
    fn refused_pieces() {
        assert_eq!(encode_segment(""), Err(SegmentError::Empty));
        assert_eq!(encode_segment("."), Err(SegmentError::DotSegment));
        assert_eq!(encode_segment(".."), Err(SegmentError::DotSegment));
        assert_eq!(encode_segment(".\n."), Err(SegmentError::ControlCharacter));
        assert_eq!(encode_segment("a\0"), Err(SegmentError::ControlCharacter));
        assert_eq!(
            encode_segment("a\r\nb"),
            Err(SegmentError::ControlCharacter)
        );
        assert!(encode_segment(&"x".repeat(MAX_SEGMENT_BYTES)).is_ok());
        assert_eq!(
            encode_segment(&"x".repeat(MAX_SEGMENT_BYTES + 1)),
            Err(SegmentError::TooLong)
        );
    }

    #[test]
    fn paths_join_with_one_slash() {
        let segs = vec!["a".to_owned(), "b%3B".to_owned()];
        assert_eq!(append_path("/", &segs), "/a/b%3B");
        assert_eq!(append_path("/prefix/", &segs), "/prefix/a/b%3B");
        assert_eq!(append_path("/prefix", &segs), "/prefix/a/b%3B");
    }
}
