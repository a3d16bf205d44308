//! Cutting secrets out of text Payway sends back, in every spelling it could echo them:
//! raw, percent-encoded (`+` or `%20` for a space, either hex case), and JSON-escaped in any
//! style (`\/`, `\u002B`, surrogate pairs, escapes quoted inside quoted JSON), mixed freely.
//!
//! Each secret is compared with the text decoded from every position: a character of the
//! secret matches any spelling of it, so no encoding context before a secret (an unfinished
//! escape, a stray backslash) can hide it.

/// What replaces a secret.
pub(crate) const MARK: &str = "[redacted]";

/// The backslash runs read as one escape's lead-in, or as one backslash: JSON quoted inside
/// JSON doubles them at each level (four levels deep).
const BACKSLASH_RUNS: [usize; 4] = [1, 2, 4, 8];

/// How many character comparisons one redaction may make before it gives up and hides the
/// whole text (a body built to make matching slow is not worth reading).
const WORK_BUDGET: usize = 2_000_000;

/// The secrets one request carried.
pub(crate) struct Redactor<'a> {
    secrets: Vec<&'a str>,
}

impl<'a> Redactor<'a> {
    /// A redactor for `secrets`; empty ones are ignored (every other one is cut, however short).
    pub(crate) fn new(secrets: &[&'a str]) -> Self {
        Self {
            secrets: secrets.iter().copied().filter(|s| !s.is_empty()).collect(),
        }
    }

    /// `text` with every spelling of every secret replaced by [`MARK`].
    pub(crate) fn redact(&self, text: &str) -> String {
        let bytes = text.as_bytes();
        let mut ranges = Vec::new();
        let mut work = 0_usize;
        for secret in &self.secrets {
            let Some(first) = secret.chars().next() else {
                continue;
            };
            let mut lead = [0_u8; 4];
            let lead = first.encode_utf8(&mut lead).as_bytes().first().copied();
            let mut start = 0;
            while start < bytes.len() {
                let byte = bytes.get(start).copied();
                if byte != lead && !matches!(byte, Some(b'%' | b'+' | b'\\')) {
                    start += 1;
                    continue;
                }
                match match_at(bytes, start, secret, &mut work) {
                    // Whatever starts inside a cut piece is cut with it or leaves a fragment.
                    Found::At(end) => {
                        ranges.push((start, end));
                        start = end.max(start + 1);
                    }
                    Found::No => start += 1,
                    // Too many ways to read the text: hide all of it rather than guess.
                    Found::TooComplex => return MARK.to_owned(),
                }
                if work > WORK_BUDGET {
                    return MARK.to_owned();
                }
            }
        }
        cut(text, ranges)
    }
}

/// What [`match_at`] found.
enum Found {
    At(usize),
    No,
    TooComplex,
}

/// A few text offsets (the ends of the spellings tried so far), without allocating.
struct Offsets {
    buf: [usize; 64],
    len: usize,
    overflowed: bool,
}

impl Offsets {
    fn new() -> Self {
        Self {
            buf: [0; 64],
            len: 0,
            overflowed: false,
        }
    }

    fn one(offset: usize) -> Self {
        let mut offsets = Self::new();
        offsets.push(offset);
        offsets
    }

    fn push(&mut self, offset: usize) {
        if self.iter().any(|o| o == offset) {
            return;
        }
        match self.buf.get_mut(self.len) {
            Some(slot) => {
                *slot = offset;
                self.len += 1;
            }
            None => self.overflowed = true,
        }
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.buf.iter().take(self.len).copied()
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Where a spelling of `secret` that starts at `start` ends (the furthest, if several do).
fn match_at(text: &[u8], start: usize, secret: &str, work: &mut usize) -> Found {
    let mut at = Offsets::one(start);
    for c in secret.chars() {
        let mut next = Offsets::new();
        for offset in at.iter() {
            *work += 1;
            ends_of(text, offset, c, &mut next);
        }
        if next.overflowed {
            return Found::TooComplex;
        }
        if next.is_empty() {
            return Found::No;
        }
        at = next;
    }
    at.iter().max().map_or(Found::No, Found::At)
}

/// Pushes where every spelling of `c` that starts at `at` ends.
fn ends_of(text: &[u8], at: usize, c: char, ends: &mut Offsets) {
    let mut buf = [0_u8; 4];
    let utf8 = c.encode_utf8(&mut buf).as_bytes();
    // Raw or percent-encoded, byte by byte (mixed, either hex case).
    let mut offsets = Offsets::one(at);
    for &byte in utf8 {
        let mut next = Offsets::new();
        for offset in offsets.iter() {
            if text.get(offset) == Some(&byte) {
                next.push(offset + 1);
            }
            if text.get(offset) == Some(&b'%')
                && hex_at(text, offset + 1, 2) == Some(u32::from(byte))
            {
                next.push(offset + 3);
            }
        }
        offsets = next;
    }
    for offset in offsets.iter() {
        ends.push(offset);
    }
    if c == ' ' && text.get(at) == Some(&b'+') {
        ends.push(at + 1);
    }
    if text.get(at) != Some(&b'\\') {
        return;
    }
    // JSON escapes, each behind one or more backslashes.
    let short = match c {
        '"' => Some(b'"'),
        '\\' => Some(b'\\'),
        '/' => Some(b'/'),
        '\u{8}' => Some(b'b'),
        '\u{c}' => Some(b'f'),
        '\n' => Some(b'n'),
        '\r' => Some(b'r'),
        '\t' => Some(b't'),
        _ => None,
    };
    let mut units = [0_u16; 2];
    let units = c.encode_utf16(&mut units);
    let high = units.first().map(|u| u32::from(*u));
    let low = units.get(1).map(|u| u32::from(*u));
    for after_run in backslash_runs(text, at) {
        // A backslash itself may also be spelled as a longer run of backslashes.
        if c == '\\' && after_run > at + 1 {
            ends.push(after_run);
        }
        if short.is_some() && text.get(after_run) == short.as_ref() {
            ends.push(after_run + 1);
        }
        if text.get(after_run) != Some(&b'u') || hex_at(text, after_run + 1, 4) != high {
            continue;
        }
        let end = after_run + 5;
        match low {
            None => ends.push(end),
            Some(low) => {
                for after_low_run in backslash_runs(text, end) {
                    if text.get(after_low_run) == Some(&b'u')
                        && hex_at(text, after_low_run + 1, 4) == Some(low)
                    {
                        ends.push(after_low_run + 5);
                    }
                }
            }
        }
    }
}

/// The offsets right after each run of [`BACKSLASH_RUNS`] backslashes at `at`.
fn backslash_runs(text: &[u8], at: usize) -> impl Iterator<Item = usize> + '_ {
    BACKSLASH_RUNS
        .into_iter()
        .take_while(move |len| {
            text.get(at..at + len)
                .is_some_and(|run| run.iter().all(|&b| b == b'\\'))
        })
        .map(move |len| at + len)
}

/// `digits` hex digits (either case) at `at`, as a number.
fn hex_at(text: &[u8], at: usize, digits: usize) -> Option<u32> {
    let digits = text.get(at..at + digits)?;
    digits
        .iter()
        .try_fold(0, |acc, &b| Some(acc * 16 + char::from(b).to_digit(16)?))
}

/// `text` with the union of `ranges` replaced by [`MARK`], each run once.
fn cut(text: &str, mut ranges: Vec<(usize, usize)>) -> String {
    if ranges.is_empty() {
        return text.to_owned();
    }
    ranges.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut iter = ranges.into_iter().peekable();
    while let Some((mut start, mut end)) = iter.next() {
        while let Some(&(next_start, next_end)) = iter.peek() {
            if next_start > end {
                break;
            }
            end = end.max(next_end);
            iter.next();
        }
        start = start.max(at);
        while start > 0 && !text.is_char_boundary(start) {
            start -= 1;
        }
        while end < text.len() && !text.is_char_boundary(end) {
            end += 1;
        }
        out.push_str(text.get(at..start).unwrap_or_default());
        out.push_str(MARK);
        at = end.max(at);
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(secrets: &[&str], text: &str) -> String {
        Redactor::new(secrets).redact(text)
    }

    #[test]
    fn every_spelling_is_cut() {
        let secret = "cs/9+8=7 x\"é😀";
        for spelling in [
            "cs/9+8=7 x\"é😀",
            // Form-encoded, as a 401 body that echoes the request.
            "cs%2F9%2B8%3D7+x%22%C3%A9%F0%9F%98%80",
            "cs%2f9%2b8%3d7%20x%22%c3%a9%f0%9f%98%80",
            // serde_json, PHP and .NET escapes.
            "cs/9+8=7 x\\\"é😀",
            "cs\\/9+8=7 x\\\"\\u00e9\\ud83d\\ude00",
            "cs\\u002F9\\u002B8\\u003D7\\u0020x\\u0022\\u00E9\\uD83D\\uDE00",
        ] {
            let text = format!("{{\"error_description\":\"client_secret={spelling} refused\"}}");
            let out = redact(&[secret], &text);
            assert_eq!(
                out, "{\"error_description\":\"client_secret=[redacted] refused\"}",
                "{spelling}"
            );
        }
    }

    #[test]
    fn short_values_are_cut_too_and_empty_ones_ignored() {
        assert_eq!(redact(&["tk"], "a tk b"), "a [redacted] b");
        assert_eq!(redact(&["", "zz"], "plain"), "plain");
        assert_eq!(redact(&[], "plain"), "plain");
        // Adjacent matches become one mark.
        assert_eq!(redact(&["aa"], "xaaaay"), "x[redacted]y");
    }

    #[test]
    fn escapes_quoted_inside_quoted_json_are_cut() {
        let out = redact(&["a+b"], r#"{"m":"{\"s\":\"a\\u002Bb\"}"}"#);
        assert_eq!(out, r#"{"m":"{\"s\":\"[redacted]\"}"}"#);
        assert_eq!(redact(&["a\\b"], r#"x a\\b y"#), "x [redacted] y");
    }

    #[test]
    fn a_body_built_to_be_slow_is_hidden_whole() {
        let secret = format!("{}b", "a".repeat(4095));
        let body = "a".repeat(64 * 1024);
        let started = std::time::Instant::now();
        assert_eq!(redact(&[&secret], &body), MARK);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // An ordinary echo of a long ticket is cut, quickly.
        let echo = format!("ticket {secret} is used");
        assert_eq!(redact(&[&secret], &echo), "ticket [redacted] is used");
    }

    #[test]
    fn broken_escapes_pass_through() {
        assert_eq!(redact(&["q"], "\\u12 %4 %zz \\x"), "\\u12 %4 %zz \\x");
        assert_eq!(redact(&["q"], "\\ud800\\u0071"), "\\ud800[redacted]");
    }
}
