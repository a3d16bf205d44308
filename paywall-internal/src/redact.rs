//! Cutting a request's secrets (an API key, a client secret, a session id, a token, a ticket)
//! out of what a provider sends back, in every spelling it could echo them: the family's one
//! algorithm.
//!
//! A text is read several ways: as it is; with its JSON escapes decoded (`\"`, PHP's `\/`,
//! .NET's `\u002B`, surrogate pairs, either hex case), level after level for JSON quoted inside
//! JSON; and percent-decoded, with `+` read as a space or as itself; in any order, up to
//! [`MAX_STEPS`] decodings deep. Each reading knows which bytes of the text every one of its
//! bytes came from, so a secret found in any reading is cut from the text itself. A reading
//! decodes escapes and keeps everything else, so a secret spelled partly raw and partly escaped
//! reads as the secret too. Each secret is searched for in linear time, whatever the text
//! holds (Knuth–Morris–Pratt).
//!
//! An echo is read from where it starts: text right before it that leaves an escape
//! unfinished (a stray backslash, a `%` or `%4`, an incomplete `\u00`) can take its first
//! characters as its own and hide an escaped spelling; an encoder's output never ends that
//! way. The raw secret is cut whatever precedes it.
//!
//! A client prepares its own secrets once ([`Redactor::new`], at build time); each call adds
//! the secret it sent ([`Redactor::with`]) when its answer reaches an error.

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

/// What replaces a secret.
pub const MARK: &str = "[redacted]";

/// The most decodings applied one after another: JSON quoted four levels deep, or a
/// percent-encoded echo inside JSON quoted three levels deep.
pub const MAX_STEPS: usize = 4;

/// The most readings of one text; a text with more layers of escapes than that is hidden whole
/// rather than read further (no provider's answer has them).
const MAX_READINGS: usize = 48;

/// A client's own secrets, prepared once. Its `Debug` shows how many, never what.
#[derive(Clone, Default)]
pub struct Redactor {
    patterns: Vec<Pattern>,
}

impl Redactor {
    /// Prepares `secrets`; empty ones are ignored, every other one is cut however short it is.
    #[must_use]
    pub fn new(secrets: &[&str]) -> Self {
        Self {
            patterns: prepare(secrets),
        }
    }

    /// The client's secrets and `more` (what one request sent).
    #[must_use]
    pub fn with(&self, more: &[&str]) -> Redaction<'_> {
        Redaction {
            prepared: &self.patterns,
            more: prepare(more),
        }
    }
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("secrets", &self.patterns.len())
            .finish()
    }
}

/// The secrets of one request, ready to cut out of what its answer holds.
pub struct Redaction<'a> {
    prepared: &'a [Pattern],
    more: Vec<Pattern>,
}

impl fmt::Debug for Redaction<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redaction")
            .field("secrets", &(self.prepared.len() + self.more.len()))
            .finish()
    }
}

impl Redaction<'_> {
    /// `secrets` alone, without a prepared [`Redactor`] (for one-off uses and tests).
    #[must_use]
    pub fn of(secrets: &[&str]) -> Self {
        Redaction {
            prepared: &[],
            more: prepare(secrets),
        }
    }

    /// `text` with every spelling of every secret replaced by [`MARK`]; borrowed when it held
    /// none. A text with too many layers of escapes to read them all is [`MARK`] whole.
    #[must_use]
    pub fn text<'t>(&self, text: &'t str) -> Cow<'t, str> {
        match self.find(text.as_bytes()) {
            None => Cow::Borrowed(MARK),
            Some(ranges) if ranges.is_empty() => Cow::Borrowed(text),
            Some(ranges) => {
                let cut = cut(text.as_bytes(), ranges, |at| text.is_char_boundary(at));
                // Cuts fall on character boundaries, so the text stays UTF-8.
                Cow::Owned(String::from_utf8(cut).unwrap_or_else(|_| MARK.to_owned()))
            }
        }
    }

    /// `bytes` (UTF-8 or not) with every spelling of every secret replaced by [`MARK`].
    #[must_use]
    pub fn bytes<'t>(&self, bytes: &'t [u8]) -> Cow<'t, [u8]> {
        match self.find(bytes) {
            None => Cow::Borrowed(MARK.as_bytes()),
            Some(ranges) if ranges.is_empty() => Cow::Borrowed(bytes),
            Some(ranges) => Cow::Owned(cut(bytes, ranges, |_| true)),
        }
    }

    /// `text`, owned, as [`text`](Self::text) cuts it (the same allocation when it held no
    /// secret).
    #[must_use]
    pub fn string(&self, text: String) -> String {
        match self.text(&text) {
            Cow::Borrowed(same) if same == text => text,
            cut => cut.into_owned(),
        }
    }

    /// `media_type` (lowercased, as [`media_type`](crate::http::media_type) keeps it) with
    /// every secret cut out whatever its case: a secret echoed into `Content-Type` is only
    /// seen after lowercasing, so every reading of it (an escape may decode to a capital)
    /// is searched for the secrets without regard to ASCII case.
    #[must_use]
    pub fn media_type(&self, media_type: String) -> String {
        let folded = Redaction {
            prepared: &[],
            more: self
                .prepared
                .iter()
                .chain(&self.more)
                .map(|pattern| Pattern::new(pattern.bytes.to_ascii_lowercase(), true))
                .collect(),
        };
        folded.string(media_type)
    }

    /// `value` with every secret cut out of its strings, member names included. A number or a
    /// boolean whose text spells a secret becomes the cut text, as a string. Members whose
    /// names cut to the same text become one, holding the value of the one whose name sorts
    /// last: a suffix to keep them apart could itself spell a secret.
    #[must_use]
    pub fn value(&self, value: Value) -> Value {
        if self.is_empty() {
            return value;
        }
        match value {
            Value::String(text) => Value::String(self.string(text)),
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|item| self.value(item)).collect())
            }
            Value::Object(members) => Value::Object(
                members
                    .into_iter()
                    .map(|(name, value)| (self.string(name), self.value(value)))
                    .collect(),
            ),
            Value::Number(_) | Value::Bool(_) => {
                let text = value.to_string();
                match self.text(&text) {
                    Cow::Borrowed(same) if same == text => value,
                    cut => Value::String(cut.into_owned()),
                }
            }
            Value::Null => Value::Null,
        }
    }

    fn is_empty(&self) -> bool {
        self.prepared.is_empty() && self.more.is_empty()
    }

    /// The ranges of `text` that spell a secret; `None` when the text has too many layers of
    /// escapes to read them all.
    fn find(&self, text: &[u8]) -> Option<Vec<(usize, usize)>> {
        let (mut ranges, mut budget) = (Vec::new(), MAX_READINGS);
        if !self.is_empty() {
            let text = Reading {
                bytes: Cow::Borrowed(text),
                origin: None,
            };
            self.search(&text, 0, &mut budget, &mut ranges)?;
        }
        Some(ranges)
    }

    /// Searches `reading`, then every reading one decoding further.
    fn search(
        &self,
        reading: &Reading<'_>,
        steps: usize,
        budget: &mut usize,
        ranges: &mut Vec<(usize, usize)>,
    ) -> Option<()> {
        *budget = budget.checked_sub(1)?;
        for pattern in self.prepared.iter().chain(&self.more) {
            pattern.find_all(&reading.bytes, |start, end| {
                ranges.push(reading.origin_of(start, end));
            });
        }
        if steps == MAX_STEPS {
            return Some(());
        }
        // One decoding at a time, so only one reading per level is held.
        for step in [Step::Json, Step::Percent, Step::PercentKeepingPlus] {
            if let Some(next) = step.apply(reading) {
                self.search(&next, steps + 1, budget, ranges)?;
            }
        }
        Some(())
    }
}

/// The non-empty `secrets`, each ready to be searched for.
fn prepare(secrets: &[&str]) -> Vec<Pattern> {
    secrets
        .iter()
        .filter(|secret| !secret.is_empty())
        .map(|secret| Pattern::new(secret.as_bytes().to_vec(), false))
        .collect()
}

/// One way to decode a reading further.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    /// JSON escapes.
    Json,
    /// `%XX`, and `+` as a space (form encoding).
    Percent,
    /// `%XX` only (path-style encoding, which leaves `+` as it is).
    PercentKeepingPlus,
}

/// What one escape stands for.
enum Unit {
    Byte(u8),
    Char(char),
}

impl Step {
    /// The decoded reading; `None` when this step decodes nothing in it.
    fn apply(self, reading: &Reading<'_>) -> Option<Reading<'static>> {
        let from = &reading.bytes;
        if self == Self::PercentKeepingPlus && !from.contains(&b'+') {
            // The same reading as `Percent`.
            return None;
        }
        let mut bytes = Vec::with_capacity(from.len());
        let mut origin = Vec::with_capacity(from.len());
        let mut changed = false;
        let mut at = 0;
        while let Some(&byte) = from.get(at) {
            let escape = match (self, byte) {
                (Self::Json, b'\\') => json_escape(from, at),
                (Self::Percent | Self::PercentKeepingPlus, b'%') => {
                    hex(from, at + 1, 2).map(|value| (Unit::Byte(value), 3))
                }
                (Self::Percent, b'+') => Some((Unit::Byte(b' '), 1)),
                _ => None,
            };
            changed |= escape.is_some();
            // A byte that starts no escape is kept as it is.
            let (unit, len) = escape.unwrap_or((Unit::Byte(byte), 1));
            match unit {
                Unit::Byte(value) => bytes.push(value),
                Unit::Char(c) => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
            }
            origin.resize(bytes.len(), reading.origin_of(at, at + len));
            at += len;
        }
        changed.then_some(Reading {
            bytes: Cow::Owned(bytes),
            origin: Some(origin),
        })
    }
}

/// A text as one step read it: its bytes, and where each came from in the original text.
struct Reading<'t> {
    bytes: Cow<'t, [u8]>,
    /// For each byte, the range of the original it was read from; `None` for the original.
    origin: Option<Vec<(usize, usize)>>,
}

impl Reading<'_> {
    /// The range of the original that bytes `start..end` of this reading came from.
    fn origin_of(&self, start: usize, end: usize) -> (usize, usize) {
        match &self.origin {
            None => (start, end),
            Some(origin) => {
                let first = origin.get(start).map_or(start, |range| range.0);
                let last = end
                    .checked_sub(1)
                    .and_then(|last| origin.get(last))
                    .map_or(end, |range| range.1);
                (first, last)
            }
        }
    }
}

/// The character of the JSON escape at `at` (a backslash), and the escape's length.
fn json_escape(bytes: &[u8], at: usize) -> Option<(Unit, usize)> {
    let short = match bytes.get(at + 1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let unit = u32::from(hex::<u16>(bytes, at + 2, 4)?);
            if let Some(c) = char::from_u32(unit) {
                return Some((Unit::Char(c), 6));
            }
            // A high surrogate stands for a character only with its low half right after.
            let low = match (bytes.get(at + 6), bytes.get(at + 7)) {
                (Some(b'\\'), Some(b'u')) => u32::from(hex::<u16>(bytes, at + 8, 4)?),
                _ => return None,
            };
            if !(0xD800..0xDC00).contains(&unit) || !(0xDC00..0xE000).contains(&low) {
                return None;
            }
            let c = char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))?;
            return Some((Unit::Char(c), 12));
        }
        _ => return None,
    };
    Some((Unit::Char(short), 2))
}

/// `digits` hex digits (either case) at `at`, as a number; `digits` is 2 or 4.
fn hex<T: TryFrom<u32>>(bytes: &[u8], at: usize, digits: usize) -> Option<T> {
    let digits = bytes.get(at..at.checked_add(digits)?)?;
    let value = digits.iter().try_fold(0_u32, |value, &digit| {
        Some(value * 16 + char::from(digit).to_digit(16)?)
    })?;
    T::try_from(value).ok()
}

/// One secret, ready to be searched for (Knuth–Morris–Pratt: linear in the text, whatever it
/// holds).
#[derive(Clone)]
struct Pattern {
    bytes: Vec<u8>,
    /// For each prefix length `n`, the length of its longest proper prefix that is also its
    /// suffix (at index `n - 1`).
    fallback: Vec<usize>,
    /// Whether ASCII case is ignored: `bytes` are then lowercase, and so is each byte read.
    fold: bool,
}

impl Pattern {
    /// The pattern of `bytes`; with `fold`, matched in any ASCII case (`bytes` lowercased).
    fn new(bytes: Vec<u8>, fold: bool) -> Self {
        let mut pattern = Self {
            fallback: Vec::with_capacity(bytes.len()),
            bytes,
            fold,
        };
        // The secret searched for in itself, from its second byte: each step's match is the
        // fallback of the prefix that ends there.
        let mut matched = 0;
        for at in 0..pattern.bytes.len() {
            if at > 0 {
                let byte = pattern.bytes.get(at).copied().unwrap_or_default();
                matched = pattern.step(matched, byte);
            }
            pattern.fallback.push(matched);
        }
        pattern
    }

    /// How much of the secret is matched after `byte`, when `matched` bytes were before it.
    fn step(&self, mut matched: usize, byte: u8) -> usize {
        while matched > 0 && self.bytes.get(matched) != Some(&byte) {
            matched = self.fallback.get(matched - 1).copied().unwrap_or(0);
        }
        matched + usize::from(self.bytes.get(matched) == Some(&byte))
    }

    /// Calls `found(start, end)` for every occurrence in `text`, overlapping ones included.
    fn find_all(&self, text: &[u8], mut found: impl FnMut(usize, usize)) {
        let mut matched = 0;
        for (at, &byte) in text.iter().enumerate() {
            let byte = if self.fold {
                byte.to_ascii_lowercase()
            } else {
                byte
            };
            matched = self.step(matched, byte);
            if matched == self.bytes.len() {
                found(at + 1 - matched, at + 1);
            }
        }
    }
}

/// `text` with the union of `ranges` replaced by [`MARK`], once per run, each run widened to
/// the nearest `boundary` on both sides.
fn cut(text: &[u8], mut ranges: Vec<(usize, usize)>, boundary: impl Fn(usize) -> bool) -> Vec<u8> {
    ranges.sort_unstable();
    let mut out = Vec::with_capacity(text.len());
    let mut kept_to = 0;
    let mut ranges = ranges.into_iter().peekable();
    while let Some((mut start, mut end)) = ranges.next() {
        while let Some(&(next_start, next_end)) = ranges.peek() {
            if next_start > end {
                break;
            }
            end = end.max(next_end);
            ranges.next();
        }
        start = start.max(kept_to);
        while start > 0 && !boundary(start) {
            start -= 1;
        }
        end = end.min(text.len());
        while end < text.len() && !boundary(end) {
            end += 1;
        }
        out.extend_from_slice(text.get(kept_to..start).unwrap_or_default());
        out.extend_from_slice(MARK.as_bytes());
        kept_to = kept_to.max(end);
    }
    out.extend_from_slice(text.get(kept_to..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn redact(secrets: &[&str], text: &str) -> String {
        Redaction::of(secrets).text(text).into_owned()
    }

    #[test]
    fn a_media_type_loses_a_secret_in_any_case() {
        let redactor = Redactor::new(&["Client-SeCrEt"]);
        let redaction = redactor.with(&["Tok%2Fen"]);
        for (media_type, expected) in [
            ("application/x-client-secret", "application/x-[redacted]"),
            ("application/x-tok%2fen", "application/x-[redacted]"),
            (
                "application/x-tok%2fen+json",
                "application/x-[redacted]+json",
            ),
            // Escapes that decode to capitals beside lowercased letters.
            ("application/x-%43lient-secret", "application/x-[redacted]"),
            (
                "application/x-c%4cient-%53ecret",
                "application/x-[redacted]",
            ),
            ("application/json", "application/json"),
        ] {
            assert_eq!(redaction.media_type(media_type.to_owned()), expected);
        }
    }

    /// Every way a provider could echo `secret` back, as text in a JSON string's decoded value.
    fn spellings(secret: &str) -> Vec<String> {
        let form = |space: &str| {
            secret
                .bytes()
                .map(|b| match b {
                    b' ' => space.to_owned(),
                    b if b.is_ascii_alphanumeric() || b"-._~".contains(&b) => {
                        char::from(b).to_string()
                    }
                    b => format!("%{b:02X}"),
                })
                .collect::<String>()
        };
        let escaped_all: String = secret
            .encode_utf16()
            .map(|unit| format!("\\u{unit:04X}"))
            .collect();
        let serde = serde_json::to_string(secret).unwrap();
        let serde = serde.trim_matches('"').to_owned();
        vec![
            secret.to_owned(),
            form("+"),
            form("%20"),
            form("%20").to_lowercase(),
            serde.clone(),
            serde.replace('/', "\\/"),
            escaped_all.clone(),
            escaped_all.to_lowercase(),
            // JSON quoted inside JSON.
            serde_json::to_string(&serde)
                .unwrap()
                .trim_matches('"')
                .to_owned(),
            serde_json::to_string(&escaped_all)
                .unwrap()
                .trim_matches('"')
                .to_owned(),
            // A percent-encoded echo, JSON-escaped.
            form("+").replace('%', "\\u0025"),
        ]
    }

    #[test]
    fn every_spelling_is_cut() {
        for secret in ["tk/9f+8e=7d\"6c&5b%4a\\x", "sess/é 1;?#😀", "uvt.a/b+c=d e"] {
            for spelling in spellings(secret) {
                let text = format!("echo <{spelling}> end");
                assert_eq!(
                    redact(&[secret], &text),
                    "echo <[redacted]> end",
                    "{secret:?} as {spelling:?}"
                );
                let bytes = Redaction::of(&[secret]).bytes(text.as_bytes()).into_owned();
                assert_eq!(bytes, b"echo <[redacted]> end", "{spelling:?}");
            }
        }
    }

    #[test]
    fn mixed_spellings_are_cut() {
        assert_eq!(redact(&["a+b/c"], "x a\\u002Bb%2Fc y"), "x [redacted] y");
        assert_eq!(redact(&["a b+c"], "x a+b%2Bc y"), "x [redacted] y");
        assert_eq!(redact(&["a+b"], "x a%2bb y"), "x [redacted] y");
        // Escapes quoted inside quoted JSON, and a backslash spelled as two.
        assert_eq!(
            redact(&["a+b"], r#"{"m":"{\"s\":\"a\\u002Bb\"}"}"#),
            r#"{"m":"{\"s\":\"[redacted]\"}"}"#
        );
        assert_eq!(redact(&["a\\b"], r"x a\\b y"), "x [redacted] y");
    }

    #[test]
    fn short_secrets_are_cut_and_empty_ones_ignored() {
        assert_eq!(redact(&["k"], "a k b"), "a [redacted] b");
        assert_eq!(redact(&["", "zz"], "plain"), "plain");
        assert_eq!(redact(&[], "plain"), "plain");
        // Overlapping and adjacent occurrences become one mark.
        assert_eq!(redact(&["aa"], "xaaaay"), "x[redacted]y");
        assert_eq!(redact(&["ab", "bc"], "xabcy"), "x[redacted]y");
    }

    #[test]
    fn text_without_a_secret_is_returned_as_it_is() {
        let text = "a\\u00e9 %2B+ \\\\ %zz \\x \\ud800 end\\";
        assert!(matches!(
            Redaction::of(&["secret"]).text(text),
            Cow::Borrowed(t) if t == text
        ));
        assert_eq!(redact(&["q"], "\\u12 %4 %zz \\x"), "\\u12 %4 %zz \\x");
        assert_eq!(redact(&["q"], "\\ud800\\u0071"), "\\ud800[redacted]");
    }

    #[test]
    fn echoes_side_by_side_become_one_mark_and_other_bytes_stay() {
        // The raw and the percent-encoded echo, back to back.
        assert_eq!(redact(&["é"], "aé%C3%A9b"), "a[redacted]b");
        let bytes = Redaction::of(&["k"]).bytes(b"\xff k \xfe").into_owned();
        assert_eq!(bytes, b"\xff [redacted] \xfe");
    }

    #[test]
    fn a_text_with_too_many_layers_is_hidden_whole() {
        // Every reading down to the last step still holds a JSON escape, a percent escape and
        // a plus, so each one could be read three ways further.
        let text = format!("{}u0041 %25252525252B %2B +", "\\".repeat(16));
        assert_eq!(redact(&["zz"], &text), MARK);
        assert_eq!(redact(&[], &text), text, "nothing to cut, nothing read");
        // One layer of each reads fine.
        assert_eq!(redact(&["zz"], "\\u0041 %2B +"), "\\u0041 %2B +");
    }

    #[test]
    fn a_long_hostile_text_is_cut_in_linear_time() {
        let secret = format!("{}b", "a".repeat(4095));
        let text = "a".repeat(64 * 1024);
        let started = std::time::Instant::now();
        assert_eq!(redact(&[&secret], &text), text);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        let echo = format!("token {secret} used");
        assert_eq!(redact(&[&secret], &echo), "token [redacted] used");
    }

    #[test]
    fn a_prepared_redactor_adds_each_requests_secret() {
        let client = Redactor::new(&["k3y/+", ""]);
        assert_eq!(format!("{client:?}"), "Redactor { secrets: 1 }");
        let call = client.with(&["sess-1", ""]);
        assert_eq!(format!("{call:?}"), "Redaction { secrets: 2 }");
        assert_eq!(
            call.text("k3y%2F%2B and sess-1"),
            "[redacted] and [redacted]"
        );
        assert_eq!(client.with(&[]).text("sess-1"), "sess-1");
        let owned = String::from("nothing here");
        let pointer = owned.as_ptr();
        let kept = call.string(owned);
        assert_eq!(kept.as_ptr(), pointer, "kept, not copied");
    }

    #[test]
    fn values_are_cut_in_strings_names_numbers_and_booleans() {
        let redaction = Redaction::of(&["k3y/+", "4711", "true"]);
        let value = json!({
            "k3y/+": ["k3y\\/+", 4711, {"n": 47110, "b": true, "f": false}],
            "code": 4711,
            "ok": "plain",
            "none": null
        });
        assert_eq!(
            redaction.value(value),
            json!({
                "[redacted]": ["[redacted]", "[redacted]", {"n": "[redacted]0", "b": "[redacted]", "f": false}],
                "code": "[redacted]",
                "ok": "plain",
                "none": null
            })
        );
        assert_eq!(
            Redaction::of(&["aaa", "bbb"]).value(json!({"aaa": 1, "bbb": 2})),
            json!({"[redacted]": 2}),
            "names that cut alike become one member"
        );
        let untouched = json!({"a": [1, "b"]});
        assert_eq!(Redaction::of(&[]).value(untouched.clone()), untouched);
    }
}
