//! A strict JSON reader (RFC 8259) for the token's header and claims and the cookie's object.
//!
//! It validates the whole text in one pass and hands out only the members its caller asks
//! for, borrowed from the input when they have no escapes; everything else is checked and
//! skipped without building a value. It refuses what serde would quietly accept:
//!
//! - a repeated member name in any object at any depth, compared after unescaping
//!   (`serde_json::Value` keeps the last one), so two readers of a token never disagree;
//! - a member of the wrong JSON type is recorded as [`Field::WrongType`], never skipped and
//!   never a silent default; the caller decides which error it is.
//!
//! Skipping is iterative, so deep nesting costs memory proportional to the (already
//! bounded) input, never stack.

use std::borrow::Cow;

use crate::scan;

/// Why a JSON text was refused.
#[derive(Debug)]
pub(crate) enum JsonError {
    /// Not JSON (RFC 8259), or not UTF-8.
    Syntax,
    /// An object names the same member twice.
    Repeated,
    /// A number a double cannot hold (`1e400`) where a number is read.
    OutOfRange,
    /// A kept member that serde_json could not build (it nests too deeply).
    Value(serde_json::Error),
}

/// One member as read: absent, `null`, a value of the expected kind, or anything else.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) enum Field<T> {
    #[default]
    Absent,
    Null,
    Value(T),
    WrongType,
}

impl<T> Field<T> {
    /// Stores a member, refusing a second member of the same name.
    pub(crate) fn set(&mut self, value: Field<T>) -> Result<(), JsonError> {
        if !matches!(self, Field::Absent) {
            return Err(JsonError::Repeated);
        }
        *self = value;
        Ok(())
    }
}

/// The JSON type of the next value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

/// A member name seen in one of the objects being read.
#[derive(Clone, Copy)]
struct Name {
    /// [`name_hash`] of the unescaped name: equal names have equal hashes.
    hash: u64,
    start: usize,
    end: usize,
    escaped: bool,
}

/// A container the iterative [`Reader::skip`] is inside.
#[derive(Clone, Copy)]
enum Open {
    /// An object: the index of its first name in [`Reader::names`], and its [`Bloom`].
    Object(usize, Bloom),
    Array,
}

/// One bit per name hash seen in an object: a name whose bit is clear is new, so only the
/// others are compared with the object's names.
type Bloom = u64;

/// Reads one JSON text.
pub(crate) struct Reader<'a> {
    text: &'a str,
    pos: usize,
    /// The member names of every object being read, innermost last.
    names: Vec<Name>,
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`, which must be UTF-8.
    pub(crate) fn new(bytes: &'a [u8]) -> Result<Self, JsonError> {
        let text = std::str::from_utf8(bytes).map_err(|_| JsonError::Syntax)?;
        Ok(Self::from_str(text))
    }

    /// A reader over `text`.
    pub(crate) fn from_str(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            names: Vec::with_capacity(32),
        }
    }

    /// Reads a whole text that must be one object, handing each member to `member`; `Ok(false)`
    /// when the text is valid JSON but not an object.
    pub(crate) fn whole_object(
        mut self,
        member: impl FnMut(&mut Self, &str) -> Result<(), JsonError>,
    ) -> Result<bool, JsonError> {
        let is_object = self.peek()? == Kind::Object;
        if is_object {
            self.object(member)?;
        } else {
            self.skip()?;
        }
        self.skip_whitespace();
        if self.pos != self.text.len() {
            return Err(JsonError::Syntax);
        }
        Ok(is_object)
    }

    #[inline]
    fn byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    #[inline]
    fn skip_whitespace(&mut self) {
        while matches!(self.byte(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Consumes `expected` after optional whitespace.
    #[inline]
    fn expect(&mut self, expected: u8) -> Result<(), JsonError> {
        self.skip_whitespace();
        if self.byte() != Some(expected) {
            return Err(JsonError::Syntax);
        }
        self.pos += 1;
        Ok(())
    }

    /// The type of the next value, without consuming it.
    #[inline]
    pub(crate) fn peek(&mut self) -> Result<Kind, JsonError> {
        self.skip_whitespace();
        match self.byte() {
            Some(b'{') => Ok(Kind::Object),
            Some(b'[') => Ok(Kind::Array),
            Some(b'"') => Ok(Kind::String),
            Some(b'-' | b'0'..=b'9') => Ok(Kind::Number),
            Some(b't' | b'f') => Ok(Kind::Bool),
            Some(b'n') => Ok(Kind::Null),
            _ => Err(JsonError::Syntax),
        }
    }

    /// Reads the next value as a [`Field`]: `null` is [`Field::Null`]; otherwise `accept`
    /// either reads it and returns `Some`, or returns `None` (having read all of it, or
    /// nothing), and the value is [`Field::WrongType`].
    pub(crate) fn field<T>(
        &mut self,
        accept: impl FnOnce(&mut Self, Kind) -> Result<Option<T>, JsonError>,
    ) -> Result<Field<T>, JsonError> {
        let kind = self.peek()?;
        if kind == Kind::Null {
            self.literal()?;
            return Ok(Field::Null);
        }
        let start = self.pos;
        match accept(self, kind)? {
            Some(value) => Ok(Field::Value(value)),
            None => {
                if self.pos == start {
                    self.skip()?;
                }
                Ok(Field::WrongType)
            }
        }
    }

    /// Reads a string value; borrowed from the input unless it has escapes.
    #[inline]
    pub(crate) fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        self.skip_whitespace();
        let (start, end, escaped) = self.string_span()?;
        unescaped(self.text.get(start..end).ok_or(JsonError::Syntax)?, escaped)
    }

    /// Reads a number value and returns its text, checked against the JSON grammar.
    pub(crate) fn number(&mut self) -> Result<&'a str, JsonError> {
        self.skip_whitespace();
        let start = self.pos;
        if self.byte() == Some(b'-') {
            self.pos += 1;
        }
        match self.byte() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(JsonError::Syntax),
        }
        if self.byte() == Some(b'.') {
            self.pos += 1;
            self.some_digits()?;
        }
        if matches!(self.byte(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.byte(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.some_digits()?;
        }
        self.text.get(start..self.pos).ok_or(JsonError::Syntax)
    }

    fn digits(&mut self) {
        while matches!(self.byte(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn some_digits(&mut self) -> Result<(), JsonError> {
        let start = self.pos;
        self.digits();
        if self.pos == start {
            return Err(JsonError::Syntax);
        }
        Ok(())
    }

    /// Reads `true`, `false` or `null` (`None`).
    pub(crate) fn literal(&mut self) -> Result<Option<bool>, JsonError> {
        self.skip_whitespace();
        let rest = self.text.get(self.pos..).unwrap_or_default();
        let (value, len) = if rest.starts_with("true") {
            (Some(true), 4)
        } else if rest.starts_with("false") {
            (Some(false), 5)
        } else if rest.starts_with("null") {
            (None, 4)
        } else {
            return Err(JsonError::Syntax);
        };
        self.pos += len;
        Ok(value)
    }

    /// Reads an object, handing each member's (unescaped) name to `member`, which must read
    /// exactly one value.
    pub(crate) fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, &str) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        self.expect(b'{')?;
        let base = self.names.len();
        let mut bloom = 0;
        self.skip_whitespace();
        if self.byte() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            let name = self.member_name(base, &mut bloom)?;
            member(self, &name)?;
            self.skip_whitespace();
            match self.byte() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return self.close_object(base);
                }
                _ => return Err(JsonError::Syntax),
            }
        }
    }

    /// Reads an array, calling `element` for each element, which must read exactly one value.
    pub(crate) fn array(
        &mut self,
        mut element: impl FnMut(&mut Self) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        self.expect(b'[')?;
        self.skip_whitespace();
        if self.byte() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            element(self)?;
            self.skip_whitespace();
            match self.byte() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(JsonError::Syntax),
            }
        }
    }

    /// Checks and skips one value of any type, and returns its text.
    pub(crate) fn skip_raw(&mut self) -> Result<&'a str, JsonError> {
        self.skip_whitespace();
        let start = self.pos;
        self.skip()?;
        self.text.get(start..self.pos).ok_or(JsonError::Syntax)
    }

    /// Checks and skips one value of any type, iteratively.
    pub(crate) fn skip(&mut self) -> Result<(), JsonError> {
        let mut open: Vec<Open> = Vec::new();
        loop {
            match self.peek()? {
                Kind::Object => {
                    self.pos += 1;
                    self.skip_whitespace();
                    if self.byte() == Some(b'}') {
                        self.pos += 1;
                    } else {
                        let base = self.names.len();
                        let mut bloom = 0;
                        self.member_name(base, &mut bloom)?;
                        open.push(Open::Object(base, bloom));
                        continue;
                    }
                }
                Kind::Array => {
                    self.pos += 1;
                    self.skip_whitespace();
                    if self.byte() == Some(b']') {
                        self.pos += 1;
                    } else {
                        open.push(Open::Array);
                        continue;
                    }
                }
                Kind::String => {
                    self.string_span()?;
                }
                Kind::Number => {
                    self.number()?;
                }
                Kind::Bool | Kind::Null => {
                    self.literal()?;
                }
            }
            // A value ended: close the containers that end with it, then find the next value.
            loop {
                let Some(inner) = open.last_mut() else {
                    return Ok(());
                };
                self.skip_whitespace();
                let next = self.byte();
                self.pos += 1;
                match (inner, next) {
                    (Open::Object(base, bloom), Some(b',')) => {
                        self.member_name(*base, bloom)?;
                        break;
                    }
                    (Open::Array, Some(b',')) => break,
                    (&mut Open::Object(base, _), Some(b'}')) => {
                        self.close_object(base)?;
                        open.pop();
                    }
                    (Open::Array, Some(b']')) => {
                        open.pop();
                    }
                    _ => return Err(JsonError::Syntax),
                }
            }
        }
    }

    /// Reads `"name":` in the object whose first name is at `base`, and returns the name
    /// unescaped. In a small object, a repeat is refused here; a large one is checked
    /// when it closes.
    #[inline]
    fn member_name(&mut self, base: usize, bloom: &mut Bloom) -> Result<Cow<'a, str>, JsonError> {
        self.skip_whitespace();
        let (start, end, escaped) = self.string_span()?;
        let raw = self.text.get(start..end).ok_or(JsonError::Syntax)?;
        let name = unescaped(raw, escaped)?;
        let new = Name {
            hash: name_hash(name.as_bytes()),
            start,
            end,
            escaped,
        };
        let bit = 1 << (new.hash >> 58);
        if self.names.len() - base < SMALL_OBJECT && *bloom & bit != 0 {
            let earlier = self.names.get(base..).unwrap_or_default();
            for old in earlier.iter().filter(|old| old.hash == new.hash) {
                if same_name(self.text, old, &new)? {
                    return Err(JsonError::Repeated);
                }
            }
        }
        *bloom |= bit;
        self.names.push(new);
        self.expect(b':')?;
        Ok(name)
    }

    /// Forgets the names of the object that just closed; refuses a repeat among them when
    /// it was too large to be checked name by name, sorting them first, so hostile input
    /// costs n log n, not n².
    fn close_object(&mut self, base: usize) -> Result<(), JsonError> {
        let mut repeated = false;
        if let Some(names) = self.names.get_mut(base..)
            && names.len() > SMALL_OBJECT
        {
            names.sort_unstable_by_key(|name| name.hash);
            // Equal names have equal hashes; only those are compared in full.
            for group in names.chunk_by(|a, b| a.hash == b.hash) {
                for (i, a) in group.iter().enumerate() {
                    for b in group.iter().skip(i + 1) {
                        repeated |= same_name(self.text, a, b)?;
                    }
                }
            }
        }
        self.names.truncate(base);
        if repeated {
            return Err(JsonError::Repeated);
        }
        Ok(())
    }

    /// Reads a string whose opening quote is next; returns the span between the quotes and
    /// whether it has escapes. Control characters, bad escapes and lone surrogates are refused.
    #[inline]
    fn string_span(&mut self) -> Result<(usize, usize, bool), JsonError> {
        if self.byte() != Some(b'"') {
            return Err(JsonError::Syntax);
        }
        self.pos += 1;
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let mut escaped = false;
        loop {
            self.pos += scan::find_string_special(bytes.get(self.pos..).unwrap_or_default());
            match bytes.get(self.pos) {
                Some(b'"') => {
                    let end = self.pos;
                    self.pos += 1;
                    return Ok((start, end, escaped));
                }
                Some(b'\\') => {
                    escaped = true;
                    self.pos += 1;
                    self.escape()?;
                }
                _ => return Err(JsonError::Syntax),
            }
        }
    }

    /// Checks the escape after a backslash.
    fn escape(&mut self) -> Result<(), JsonError> {
        let next = self.byte();
        self.pos += 1;
        match next {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(()),
            Some(b'u') => match self.hex4()? {
                0xD800..=0xDBFF => {
                    let rest = self.text.get(self.pos..).unwrap_or_default();
                    if !rest.starts_with("\\u") {
                        return Err(JsonError::Syntax);
                    }
                    self.pos += 2;
                    match self.hex4()? {
                        0xDC00..=0xDFFF => Ok(()),
                        _ => Err(JsonError::Syntax),
                    }
                }
                0xDC00..=0xDFFF => Err(JsonError::Syntax),
                _ => Ok(()),
            },
            _ => Err(JsonError::Syntax),
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or(JsonError::Syntax)?;
        self.pos += 4;
        hex4(digits).ok_or(JsonError::Syntax)
    }
}

/// Four hex digits as a number; `None` for anything else (a sign is not a digit).
fn hex4(digits: &str) -> Option<u32> {
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

/// Whether two recorded names are the same text once unescaped.
fn same_name(text: &str, a: &Name, b: &Name) -> Result<bool, JsonError> {
    let raw_a = text.get(a.start..a.end).ok_or(JsonError::Syntax)?;
    let raw_b = text.get(b.start..b.end).ok_or(JsonError::Syntax)?;
    if !a.escaped && !b.escaped {
        return Ok(raw_a == raw_b);
    }
    Ok(unescaped(raw_a, a.escaped)? == unescaped(raw_b, b.escaped)?)
}

#[inline]
fn unescaped(raw: &str, escaped: bool) -> Result<Cow<'_, str>, JsonError> {
    if escaped {
        unescape(raw).map(Cow::Owned)
    } else {
        Ok(Cow::Borrowed(raw))
    }
}

/// The text of a string whose escapes [`Reader::escape`] has checked.
fn unescape(raw: &str) -> Result<String, JsonError> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('\\') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let escape = rest.get(at + 1..).unwrap_or_default();
        let mut chars = escape.chars();
        let (decoded, len) = match chars.next() {
            Some('"') => ('"', 1),
            Some('\\') => ('\\', 1),
            Some('/') => ('/', 1),
            Some('b') => ('\u{8}', 1),
            Some('f') => ('\u{c}', 1),
            Some('n') => ('\n', 1),
            Some('r') => ('\r', 1),
            Some('t') => ('\t', 1),
            Some('u') => {
                let high = escape.get(1..5).and_then(hex4).ok_or(JsonError::Syntax)?;
                if (0xD800..=0xDBFF).contains(&high) {
                    let low = escape.get(7..11).and_then(hex4).ok_or(JsonError::Syntax)?;
                    let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                    (char::from_u32(code).ok_or(JsonError::Syntax)?, 11)
                } else {
                    (char::from_u32(high).ok_or(JsonError::Syntax)?, 5)
                }
            }
            _ => return Err(JsonError::Syntax),
        };
        out.push(decoded);
        rest = escape.get(len..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

/// Objects with at most this many members are checked for repeats name by name.
const SMALL_OBJECT: usize = 16;

/// A cheap hash of a member name: its length and its first and last eight bytes. Equal
/// names hash equal; names that only differ in the middle of a long name collide, and are
/// then compared in full.
#[inline]
fn name_hash(bytes: &[u8]) -> u64 {
    let word = |part: &[u8]| {
        let mut buffer = [0; 8];
        for (slot, byte) in buffer.iter_mut().zip(part) {
            *slot = *byte;
        }
        u64::from_le_bytes(buffer)
    };
    let head = word(bytes);
    let tail = word(
        bytes
            .get(bytes.len().saturating_sub(8)..)
            .unwrap_or_default(),
    );
    (head ^ tail.rotate_left(29) ^ bytes.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

#[cfg(test)]
mod tests {
    use super::{JsonError, Kind, Reader, unescape};
    use proptest::prelude::*;

    /// Validates `text` as one JSON value, the way the verifier reads kept members.
    fn check(text: &str) -> Result<(), JsonError> {
        let mut reader = Reader::from_str(text);
        reader.skip()?;
        reader.skip_whitespace();
        if reader.pos != text.len() {
            return Err(JsonError::Syntax);
        }
        Ok(())
    }

    #[test]
    fn accepts_what_serde_json_accepts() {
        for text in [
            r#"{"a":1,"b":[true,null,-2,1.5,"x"],"c":{"d":"e\u00e9"}}"#,
            " { } ",
            "[]",
            "[[[]]]",
            "0",
            "-0.0e+0",
            "1E-7",
            r#""\"\\\/\b\f\n\r\t\ud83d\ude00""#,
            "\"é ü\u{7f}\"",
            r#"{"a":{"a":{"a":1}}}"#,
            r#"[{"x":1},{"x":1}]"#,
            "\t\r\n null \n",
        ] {
            assert!(check(text).is_ok(), "{text}");
            assert!(
                serde_json::from_str::<serde_json::Value>(text).is_ok(),
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_json() {
        for text in [
            "",
            " ",
            "{",
            "}",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "[1,]",
            "[1 2]",
            "{a:1}",
            "{'a':1}",
            "01",
            "1.",
            ".5",
            "+1",
            "1e",
            "-",
            "tru",
            "nul",
            "True",
            "\"\t\"",
            "\"\u{1}\"",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\u+123\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"\\ud800\\u0041\"",
            "\"open",
            "1 2",
            "{} {}",
            "[] x",
            "\u{feff}{}",
        ] {
            assert!(check(text).is_err(), "{text:?}");
            assert!(
                serde_json::from_str::<serde_json::Value>(text).is_err(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn refuses_repeated_names_at_every_depth_after_unescaping() {
        for text in [
            r#"{"a":1,"a":1}"#,
            r#"{"a":1,"b":2,"a":3}"#,
            r#"{"s":{"active":false,"active":true}}"#,
            r#"[{"x":1,"x":2}]"#,
            r#"{"l":[[{"y":{"z":0,"z":0}}]]}"#,
            r#"{"a":1,"\u0061":2}"#,
            r#"{"\u00e9":1,"é":2}"#,
        ] {
            assert!(matches!(check(text), Err(JsonError::Repeated)), "{text}");
        }
    }

    #[test]
    fn many_members_are_checked_without_quadratic_work() {
        let members: Vec<String> = (0..1500).map(|i| format!("\"m{i}\":0")).collect();
        let text = format!("{{{}}}", members.join(","));
        assert!(check(&text).is_ok());
        let text = format!("{{{},\"m7\":1}}", members.join(","));
        assert!(matches!(check(&text), Err(JsonError::Repeated)));
    }

    #[test]
    fn deep_nesting_is_skipped_without_recursion() {
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        assert!(check(&deep).is_ok());
        let deep = format!("{}1{}", "{\"a\":".repeat(3000), "}".repeat(3000));
        assert!(check(&deep).is_ok());
        let unbalanced = format!("{}{}", "[".repeat(5000), "]".repeat(4999));
        assert!(check(&unbalanced).is_err());
    }

    #[test]
    fn kinds_and_values() {
        let mut reader = Reader::from_str(r#" [ "a\nb" , 12.5e1 , false , null , {} ] "#);
        assert_eq!(reader.peek().unwrap(), Kind::Array);
        let mut seen = Vec::new();
        reader
            .array(|r| {
                let kind = r.peek()?;
                seen.push(kind);
                match kind {
                    Kind::String => assert_eq!(r.string()?, "a\nb"),
                    Kind::Number => assert_eq!(r.number()?, "12.5e1"),
                    Kind::Bool => assert_eq!(r.literal()?, Some(false)),
                    Kind::Null => assert_eq!(r.literal()?, None),
                    _ => r.skip()?,
                }
                Ok(())
            })
            .unwrap();
        assert_eq!(
            seen,
            [
                Kind::String,
                Kind::Number,
                Kind::Bool,
                Kind::Null,
                Kind::Object
            ]
        );
    }

    #[test]
    fn unescapes_every_escape() {
        assert_eq!(
            unescape(r#"a\"b\\c\/d\be\ff\ng\rh\ti\u00e9\ud83d\ude00"#).unwrap(),
            "a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti\u{e9}\u{1f600}"
        );
    }

    proptest! {
        #[test]
        fn agrees_with_serde_json_on_any_text(text in "[\\[\\]{}\":,0-9a-z\\\\. -]{0,40}") {
            let ours = check(&text);
            let theirs = serde_json::from_str::<serde_json::Value>(&text);
            // Numbers are range-checked only where they are read.
            prop_assume!(!theirs.as_ref().is_err_and(|e| e.to_string().contains("out of range")));
            match theirs {
                // serde_json keeps the last of repeated names; this reader refuses them.
                Ok(_) => prop_assert!(
                    matches!(ours, Ok(()) | Err(JsonError::Repeated)),
                    "{text:?}: {ours:?}"
                ),
                Err(_) => prop_assert!(ours.is_err(), "{text:?}"),
            }
        }

        #[test]
        fn reads_back_any_string(text in any::<String>()) {
            let json = serde_json::to_string(&text).unwrap();
            let mut reader = Reader::from_str(&json);
            prop_assert_eq!(reader.string().unwrap(), text);
        }
    }
}
