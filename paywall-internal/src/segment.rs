//! Caller input in a URL path: checked, then percent-encoded by this crate into one segment,
//! so that no value can leave its segment, whatever it holds. Feature `segment`, with no HTTP
//! stack, for the offline crates; `http` enables it and re-exports it.
//!
//! `url`'s `path_segments_mut` is never used for caller input: its encoder leaves
//! sub-delimiters such as `;` and `=` as they are (servlet containers read `;` as a
//! path-parameter delimiter, so `..;` climbs a level there) and silently drops `.` and `..`.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use url::Url;

/// The longest identifier accepted in a path segment, in bytes, unless a crate says otherwise.
pub const MAX_SEGMENT_BYTES: usize = 256;

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) is escaped, every
/// byte of a multi-byte character included, so the server sees exactly one segment whose
/// decoded value is the caller's string.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Why an identifier (a session id, a user id, a token) was refused before any request was
/// sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidInput {
    /// It was empty.
    Empty,
    /// It was longer than the limit.
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// It contained a control character (a line break, a NUL, ...).
    ControlCharacter,
    /// It was `.` or `..`, which URL rules would drop or resolve instead of sending.
    DotSegment,
}

impl InvalidInput {
    /// Why, in the words each crate's `Error::InvalidInput { what, reason }` shows after
    /// "invalid {what}: ", written once for the family.
    #[must_use]
    pub fn reason(self) -> &'static str {
        match self {
            Self::Empty => "it is empty",
            Self::TooLong { .. } => "it is longer than allowed",
            Self::ControlCharacter => "it contains a control character",
            Self::DotSegment => "it is a dot segment",
        }
    }
}

/// The checks every untrusted string passes: not empty, at most `max` bytes, no control
/// character (URL parsing drops tabs and line breaks, so `.\n.` would become `..` later).
///
/// # Errors
///
/// The first check that fails, in that order.
pub fn check_input(value: &str, max: usize) -> Result<(), InvalidInput> {
    if value.is_empty() {
        return Err(InvalidInput::Empty);
    }
    if value.len() > max {
        return Err(InvalidInput::TooLong {
            len: value.len(),
            max,
        });
    }
    if value.chars().any(char::is_control) {
        return Err(InvalidInput::ControlCharacter);
    }
    Ok(())
}

/// `value` checked ([`check_input`], and not `.` or `..`) and percent-encoded into one path
/// segment; borrowed when nothing needed encoding, as for the usual UUID-like ids.
///
/// # Errors
///
/// As [`check_input`], then [`InvalidInput::DotSegment`].
pub fn encode_segment(value: &str, max: usize) -> Result<Cow<'_, str>, InvalidInput> {
    check_input(value, max)?;
    if value == "." || value == ".." {
        return Err(InvalidInput::DotSegment);
    }
    Ok(utf8_percent_encode(value, SEGMENT).into())
}

/// `base` with `segments` appended below its path (a proxy's prefix is kept), each already
/// encoded by [`encode_segment`] or a literal of unreserved characters.
///
/// The path is set whole from encoded segments: they hold only unreserved characters and
/// `%XX` (with `%` itself escaped), so `set_path` finds no delimiter and no dot segment to act
/// on.
#[must_use]
pub fn append_segments(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    let prefix = url.path().trim_end_matches('/');
    // Sized once: this runs for every request.
    let len = prefix.len() + segments.iter().map(|s| s.len() + 1).sum::<usize>();
    let mut path = String::with_capacity(len);
    path.push_str(prefix);
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

    fn encode(value: &str) -> Result<Cow<'_, str>, InvalidInput> {
        encode_segment(value, MAX_SEGMENT_BYTES)
    }

    #[test]
    fn ordinary_ids_pass_unchanged_and_unallocated() {
        let id = "a1B2-c3_d4.e5~f6";
        assert!(matches!(encode(id), Ok(Cow::Borrowed(s)) if s == id));
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
            ("john+news@example.com", "john%2Bnews%40example.com"),
            ("é", "%C3%A9"),
            ("sess\u{2028}ion", "sess%E2%80%A8ion"),
            ("..\u{ff0f}..\u{ff0f}admin", "..%EF%BC%8F..%EF%BC%8Fadmin"),
            ("\u{ff0e}\u{ff0e}", "%EF%BC%8E%EF%BC%8E"),
            ("...", "..."),
        ] {
            assert_eq!(encode(id).unwrap(), encoded, "{id:?}");
        }
    }

    #[test]
    fn refused_ids() {
        assert_eq!(encode(""), Err(InvalidInput::Empty));
        assert_eq!(encode("."), Err(InvalidInput::DotSegment));
        assert_eq!(encode(".."), Err(InvalidInput::DotSegment));
        for control in [
            "a\nb", "a\r\nb", "a\u{0}", "\u{0}", "a\u{85}", "a\u{7f}", ".\n.",
        ] {
            assert_eq!(
                encode(control),
                Err(InvalidInput::ControlCharacter),
                "{control:?}"
            );
        }
        let long = "x".repeat(MAX_SEGMENT_BYTES + 1);
        assert_eq!(
            encode(&long),
            Err(InvalidInput::TooLong {
                len: MAX_SEGMENT_BYTES + 1,
                max: MAX_SEGMENT_BYTES
            })
        );
        assert!(encode(&"x".repeat(MAX_SEGMENT_BYTES)).is_ok());
        assert_eq!(
            check_input("abcd", 3),
            Err(InvalidInput::TooLong { len: 4, max: 3 })
        );
        assert_eq!(check_input("..", 3), Ok(()), "a token may be dots");
        assert_eq!(
            InvalidInput::TooLong { len: 4, max: 3 }.reason(),
            "it is longer than allowed"
        );
    }

    #[test]
    fn segments_are_appended_verbatim_below_the_base_path() {
        let base = Url::parse("https://proxy.example/tiun/").unwrap();
        let url = append_segments(&base, &["live_api", "..%3B", "..."]);
        assert_eq!(
            url.as_str(),
            "https://proxy.example/tiun/live_api/..%3B/..."
        );
        let base = Url::parse("https://proxy.example/prefix").unwrap();
        assert_eq!(
            append_segments(&base, &["a", "b%3B"]).as_str(),
            "https://proxy.example/prefix/a/b%3B"
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
