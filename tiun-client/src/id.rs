//! Untrusted identifiers (session ids from the browser, user ids, provider ids): checked, then
//! percent-encoded so that no value can leave its path segment.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use url::Url;

/// The longest identifier accepted, in bytes.
pub const MAX_ID_BYTES: usize = 256;

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) is escaped, every
/// byte of a multi-byte character included, so the server sees exactly one segment whose
/// decoded value is the caller's string.
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

/// `base` with `segments` appended below its path, each already encoded by [`encode_segment`]
/// or a literal of unreserved characters.
///
/// The path is set from encoded segments rather than pushed through
/// `Url::path_segments_mut`, whose encoder leaves sub-delimiters such as `;` as they are
/// (servlet containers read `;` as a path-parameter delimiter, so an id like `..;` would climb a
/// level there) and silently drops `.` and `..` segments. Encoded segments contain only
/// unreserved characters and `%XX` with `%` itself escaped, so `set_path` finds no delimiter
/// and no dot segment (`.`/`..` ids are refused) to act on.
pub(crate) fn append_segments(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    let base_path = url.path().trim_end_matches('/');
    let mut path = String::with_capacity(
        base_path.len() + segments.iter().map(|s| s.len() + 1).sum::<usize>(),
    );
    path.push_str(base_path);
    for segment in segments {
        path.push('/');
        path.push_str(segment);
    }
    url.set_path(&path);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_ids_pass_unchanged_and_unallocated() {
        let id = "a1B2-c3_d4.e5~f6";
        assert!(matches!(encode_segment(id), Ok(Cow::Borrowed(s)) if s == id));
    }

    /// The hostile path pieces of the family's policy: each is one segment, or refused.
    #[test]
    fn hostile_pieces_are_encoded_into_one_segment() {
        for (id, encoded) in [
            ("../x", "..%2Fx"),
            ("a?b#c", "a%3Fb%23c"),
            ("%2e%2e", "%252e%252e"),
            ("%2E%2E%2F", "%252E%252E%252F"),
            ("a b\\c", "a%20b%5Cc"),
            ("\\", "%5C"),
            ("..;", "..%3B"),
            (";", "%3B"),
            ("x;a=b&c+d", "x%3Ba%3Db%26c%2Bd"),
            ("é", "%C3%A9"),
            ("sess\u{2028}ion", "sess%E2%80%A8ion"),
            ("..\u{ff0f}..\u{ff0f}admin", "..%EF%BC%8F..%EF%BC%8Fadmin"),
            ("\u{ff0e}\u{ff0e}", "%EF%BC%8E%EF%BC%8E"),
            ("...", "..."),
        ] {
            assert_eq!(encode_segment(id).unwrap(), encoded, "{id:?}");
        }
    }

    #[test]
    fn refused_ids() {
        assert_eq!(encode_segment(""), Err(InvalidId::Empty));
        assert_eq!(encode_segment("."), Err(InvalidId::DotSegment));
        assert_eq!(encode_segment(".."), Err(InvalidId::DotSegment));
        assert_eq!(encode_segment("a\nb"), Err(InvalidId::ControlCharacter));
        assert_eq!(encode_segment("a\r\nb"), Err(InvalidId::ControlCharacter));
        assert_eq!(encode_segment("a\u{0}"), Err(InvalidId::ControlCharacter));
        assert_eq!(encode_segment("\u{0}"), Err(InvalidId::ControlCharacter));
        assert_eq!(encode_segment("a\u{85}"), Err(InvalidId::ControlCharacter));
        assert_eq!(encode_segment("a\u{7f}"), Err(InvalidId::ControlCharacter));
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

    #[test]
    fn segments_are_appended_verbatim_below_the_base_path() {
        let base = Url::parse("https://proxy.example/tiun/").unwrap();
        let url = append_segments(&base, &["live_api", "..%3B", "..."]);
        assert_eq!(
            url.as_str(),
            "https://proxy.example/tiun/live_api/..%3B/..."
        );
        let base = Url::parse("http://127.0.0.1:9").unwrap();
        let url = append_segments(&base, &["a%2F..%2Fb", "status"]);
        assert_eq!(url.as_str(), "http://127.0.0.1:9/a%2F..%2Fb/status");
    }

    /// Why `append_segments` does not use `path_segments_mut`: if `url` ever changes this, the
    /// reasoning above needs another look.
    #[test]
    fn url_segment_encoder_keeps_semicolons_and_drops_dot_segments() {
        let mut url = Url::parse("https://x.example/").unwrap();
        url.path_segments_mut()
            .unwrap()
            .extend(["..;", "..", ".", "s"]);
        assert_eq!(url.path(), "/..;/s");
    }
}
