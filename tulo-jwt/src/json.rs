//! A strict JSON reader (RFC 8259) for the token's header and claims and the cookie's object.
//!
//! It validates the whole text in one pass and hands out only the members its caller asks
//! for, borrowed from the input when they have no escapes; everything else is checked and
//! skipped without building a value. It refuses what serde would quietly accept:
//!
//! - a repeated member name in any object at any depth, compared after unescaping
//!   (`serde_json::Value` keeps the last one), so two readers of a token never disagree.
//!   The reader remembers the names of the members it skips; a caller that keeps a member
//!   stores it where a second one is refused ([`Member`]);
//! - a member of the wrong JSON type is recorded as [`Field::WrongType`], never skipped and
//!   never a silent default; the caller decides which error it is.
//!
//! Skipping is iterative, so deep nesting costs memory proportional to the (already
//! bounded) input, never stack.
//!
//! A reader built with [`Reader::url_encoded`] reads the JSON text that a URL-encoded text
//! decodes to (`decodeURIComponent`, once), without decoding it first: each byte of the JSON
//! text may be spelled `%XX`. Strings come out decoded; those the text spells without any
//! escape are borrowed from it.

use std::borrow::Cow;

use crate::percent;
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
    pub(crate) fn set(&mut self, value: Field<T>) -> Result<Member, JsonError> {
        if !matches!(self, Field::Absent) {
            return Err(JsonError::Repeated);
        }
        *self = value;
        Ok(Member::Kept)
    }
}

/// What a member callback of [`Reader::object`] did with a member. The answer must depend
/// on the member's name only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Member {
    /// Stored it where a second member of the same name is refused ([`Field::set`], or a map
    /// whose insert reports the earlier one), so the reader need not remember the name.
    Kept,
    /// Skipped it: the reader remembers the name and refuses a second member of that name.
    Skipped,
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
    /// [`name_hash`] of the name's text: equal names have equal hashes.
    hash: u64,
    start: usize,
    end: usize,
    /// Whether the name has escapes, so that its text is not `text[start..end]`.
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

/// Reads one JSON text; with `PERCENT`, the JSON text a URL-encoded text decodes to.
pub(crate) struct Reader<'a, const PERCENT: bool = false> {
    /// The text as given: JSON, or with `PERCENT` URL-encoded JSON.
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
            names: Vec::new(),
        }
    }

    /// Reads a number value and returns its text, checked against the JSON grammar.
    pub(crate) fn number(&mut self) -> Result<&'a str, JsonError> {
        self.skip_whitespace();
        let start = self.pos;
        self.number_span()?;
        self.text.get(start..self.pos).ok_or(JsonError::Syntax)
    }

    /// Checks and skips one value of any type, and returns its text.
    pub(crate) fn skip_raw(&mut self) -> Result<&'a str, JsonError> {
        self.skip_whitespace();
        let start = self.pos;
        self.skip()?;
        self.text.get(start..self.pos).ok_or(JsonError::Syntax)
    }
}

impl<'a> Reader<'a, true> {
    /// A reader over the JSON text that `text` decodes to, as `decodeURIComponent` decodes
    /// it. The decoded text is checked to be UTF-8 where it may hold other than ASCII: in
    /// strings.
    pub(crate) fn url_encoded(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            names: Vec::new(),
        }
    }
}

impl<'a, const PERCENT: bool> Reader<'a, PERCENT> {
    /// Reads a whole text that must be one object, handing each member to `member`; `Ok(false)`
    /// when the text is valid JSON but not an object.
    pub(crate) fn whole_object(
        mut self,
        member: impl FnMut(&mut Self, &str) -> Result<Member, JsonError>,
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

    /// The next byte of the JSON text and the length of its spelling in the text.
    #[inline(always)]
    fn next(&self) -> Option<(u8, usize)> {
        let bytes = self.text.as_bytes();
        let byte = *bytes.get(self.pos)?;
        if PERCENT && byte == b'%' {
            return Some(percent::decoded_at(bytes, self.pos));
        }
        Some((byte, 1))
    }

    /// The next byte of the JSON text.
    #[inline(always)]
    fn byte(&self) -> Option<u8> {
        self.next().map(|(byte, _)| byte)
    }

    /// Moves past the next byte of the JSON text.
    #[inline(always)]
    fn bump(&mut self) {
        self.pos += if PERCENT {
            self.next().map_or(1, |(_, len)| len)
        } else {
            1
        };
    }

    /// Consumes the next byte of the JSON text when it is `expected`.
    #[inline(always)]
    fn eat(&mut self, expected: u8) -> bool {
        match self.next() {
            Some((byte, len)) if byte == expected => {
                self.pos += len;
                true
            }
            _ => false,
        }
    }

    #[inline]
    fn skip_whitespace(&mut self) {
        let bytes = self.text.as_bytes();
        loop {
            match bytes.get(self.pos) {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                // `%20`, `%09`, `%0A` and `%0D`, found without decoding every other `%`.
                Some(b'%') if PERCENT => match bytes.get(self.pos + 1..self.pos + 3) {
                    Some(b"20" | b"09" | b"0a" | b"0A" | b"0d" | b"0D") => self.pos += 3,
                    _ => return,
                },
                _ => return,
            }
        }
    }

    /// Consumes `expected` after optional whitespace.
    #[inline]
    fn expect(&mut self, expected: u8) -> Result<(), JsonError> {
        self.skip_whitespace();
        if !self.eat(expected) {
            return Err(JsonError::Syntax);
        }
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
        self.text_of(start, end, escaped)
    }

    /// Checks a number value against the JSON grammar and moves past it.
    fn number_span(&mut self) -> Result<(), JsonError> {
        self.eat(b'-');
        match self.byte() {
            Some(b'0') => self.bump(),
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(JsonError::Syntax),
        }
        if self.eat(b'.') {
            self.some_digits()?;
        }
        if matches!(self.byte(), Some(b'e' | b'E')) {
            self.bump();
            if matches!(self.byte(), Some(b'+' | b'-')) {
                self.bump();
            }
            self.some_digits()?;
        }
        Ok(())
    }

    fn digits(&mut self) {
        while matches!(self.byte(), Some(b'0'..=b'9')) {
            self.bump();
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
        let (value, word): (_, &[u8]) = match self.byte() {
            Some(b't') => (Some(true), b"true"),
            Some(b'f') => (Some(false), b"false"),
            Some(b'n') => (None, b"null"),
            _ => return Err(JsonError::Syntax),
        };
        if PERCENT {
            for &byte in word {
                if !self.eat(byte) {
                    return Err(JsonError::Syntax);
                }
            }
        } else {
            let rest = self.text.as_bytes().get(self.pos..).unwrap_or_default();
            if !rest.starts_with(word) {
                return Err(JsonError::Syntax);
            }
            self.pos += word.len();
        }
        Ok(value)
    }

    /// Reads an object, handing each member's (unescaped) name to `member`, which must read
    /// exactly one value and say whether it kept it where repeats are refused.
    pub(crate) fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, &str) -> Result<Member, JsonError>,
    ) -> Result<(), JsonError> {
        self.expect(b'{')?;
        let base = self.names.len();
        let mut bloom = 0;
        self.skip_whitespace();
        if self.eat(b'}') {
            return Ok(());
        }
        loop {
            self.skip_whitespace();
            let (start, end, escaped) = self.name_span()?;
            self.expect(b':')?;
            let name = self.text_of(start, end, escaped)?;
            if member(self, &name)? == Member::Skipped {
                let hash = if escaped {
                    name_hash(name.as_bytes())
                } else {
                    self.span_hash(start, end)
                };
                let new = Name {
                    hash,
                    start,
                    end,
                    escaped,
                };
                self.record(base, &mut bloom, new)?;
            }
            self.skip_whitespace();
            if self.eat(b'}') {
                return self.close_object(base);
            }
            if !self.eat(b',') {
                return Err(JsonError::Syntax);
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
        if self.eat(b']') {
            return Ok(());
        }
        loop {
            element(self)?;
            self.skip_whitespace();
            if self.eat(b']') {
                return Ok(());
            }
            if !self.eat(b',') {
                return Err(JsonError::Syntax);
            }
        }
    }

    /// Skips a member's value: [`skip`](Self::skip) for [`object`](Self::object).
    pub(crate) fn skip_member(&mut self) -> Result<Member, JsonError> {
        self.skip().map(|()| Member::Skipped)
    }

    /// Checks and skips one value of any type, iteratively.
    pub(crate) fn skip(&mut self) -> Result<(), JsonError> {
        let mut open: Vec<Open> = Vec::new();
        loop {
            match self.peek()? {
                Kind::Object => {
                    self.bump();
                    self.skip_whitespace();
                    if !self.eat(b'}') {
                        let base = self.names.len();
                        let mut bloom = 0;
                        self.member_name(base, &mut bloom)?;
                        open.push(Open::Object(base, bloom));
                        continue;
                    }
                }
                Kind::Array => {
                    self.bump();
                    self.skip_whitespace();
                    if !self.eat(b']') {
                        open.push(Open::Array);
                        continue;
                    }
                }
                Kind::String => {
                    self.string_span()?;
                }
                Kind::Number => {
                    self.number_span()?;
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
                let next = self.next();
                self.pos += next.map_or(1, |(_, len)| len);
                match (inner, next.map(|(byte, _)| byte)) {
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

    /// Reads `"name":` in the object whose first name is at `base`, checks the name against
    /// the earlier names of its object and records it. In a small object, a repeat is
    /// refused here; a large one is checked when it closes.
    #[inline(always)]
    fn member_name(&mut self, base: usize, bloom: &mut Bloom) -> Result<(), JsonError> {
        self.skip_whitespace();
        let new = match self.next() {
            // Most names are short and plain: their hash comes from the bytes just read.
            Some((b'"', quote)) => {
                let start = self.pos + quote;
                let rest = self.text.as_bytes().get(start..).unwrap_or_default();
                match scan::short_string::<PERCENT>(rest) {
                    Some((len, x, quote)) => {
                        self.pos = start + len + quote;
                        let head = x as u64;
                        let (head, tail) = if len < 8 {
                            (head & ((1 << (8 * len)) - 1), 0)
                        } else {
                            (head, (x >> (8 * (len - 8))) as u64)
                        };
                        Name {
                            hash: mix(head, tail, len),
                            start,
                            end: start + len,
                            escaped: false,
                        }
                    }
                    None => self.long_name()?,
                }
            }
            _ => return Err(JsonError::Syntax),
        };
        self.record(base, bloom, new)?;
        self.expect(b':')
    }

    /// [`name_hash`] of the plain name `text[start..end]`, read in whole words from the text
    /// around it where there is one.
    #[inline]
    fn span_hash(&self, start: usize, end: usize) -> u64 {
        let text = self.text.as_bytes();
        let len = end - start;
        let word = |at: usize| {
            text.get(at..)
                .and_then(<[u8]>::first_chunk)
                .map(|word| u64::from_le_bytes(*word))
        };
        match word(start) {
            Some(head) if len < 8 => mix(head & ((1 << (8 * len)) - 1), 0, len),
            Some(head) => mix(head, word(end - 8).unwrap_or(0), len),
            None => name_hash(text.get(start..end).unwrap_or_default()),
        }
    }

    /// Refuses `new` when its (small) object already has a member of that name, and
    /// records it.
    #[inline(always)]
    fn record(&mut self, base: usize, bloom: &mut Bloom, new: Name) -> Result<(), JsonError> {
        let bit = 1 << (new.hash >> 58);
        if *bloom & bit != 0 {
            self.check_repeat(base, &new)?;
        }
        *bloom |= bit;
        if self.names.capacity() == 0 {
            // Allocated on the first name to remember: a token's claims may need none.
            self.names.reserve(NAMES_CAPACITY);
        }
        self.names.push(new);
        Ok(())
    }

    /// A name that is long or has escapes, hashed as its text.
    fn long_name(&mut self) -> Result<Name, JsonError> {
        let (start, end, escaped) = self.string_span()?;
        Ok(Name {
            hash: name_hash(self.text_of(start, end, escaped)?.as_bytes()),
            start,
            end,
            escaped,
        })
    }

    /// Refuses `new` when a small object already has a member of that name.
    fn check_repeat(&self, base: usize, new: &Name) -> Result<(), JsonError> {
        let earlier = self.names.get(base..).unwrap_or_default();
        if earlier.len() < SMALL_OBJECT {
            for old in earlier.iter().filter(|old| old.hash == new.hash) {
                if same_name::<PERCENT>(self.text, old, new)? {
                    return Err(JsonError::Repeated);
                }
            }
        }
        Ok(())
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
                        repeated |= same_name::<PERCENT>(self.text, a, b)?;
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

    /// The text of the string spelled `text[start..end]` (between its quotes), which
    /// [`string_span`](Self::string_span) has checked: borrowed unless it has escapes.
    #[inline]
    fn text_of(&self, start: usize, end: usize, escaped: bool) -> Result<Cow<'a, str>, JsonError> {
        text_of::<PERCENT>(self.text, start, end, escaped)
    }

    /// [`string_span`](Self::string_span) for a member name, which is most often short.
    #[inline(always)]
    fn name_span(&mut self) -> Result<(usize, usize, bool), JsonError> {
        if let Some((b'"', quote)) = self.next() {
            let start = self.pos + quote;
            let rest = self.text.as_bytes().get(start..).unwrap_or_default();
            if let Some((len, _, quote)) = scan::short_string::<PERCENT>(rest) {
                self.pos = start + len + quote;
                return Ok((start, start + len, false));
            }
        }
        self.string_span()
    }

    /// Reads a string whose opening quote is next; returns the span between the quotes and
    /// whether it has escapes. Control characters, bad escapes, lone surrogates and (in
    /// URL-encoded text) bytes that are not UTF-8 are refused.
    #[inline]
    fn string_span(&mut self) -> Result<(usize, usize, bool), JsonError> {
        let Some((b'"', quote)) = self.next() else {
            return Err(JsonError::Syntax);
        };
        let start = self.pos + quote;
        let rest = self.text.as_bytes().get(start..).unwrap_or_default();
        // Most strings have no escapes.
        match scan::plain_string::<PERCENT>(rest) {
            Ok((len, quote)) => {
                self.pos = start + len + quote;
                Ok((start, start + len, false))
            }
            Err(plain) => {
                self.pos = start + plain;
                self.long_string_span(start)
            }
        }
    }

    /// [`string_span`](Self::string_span) of the string whose text starts at `start`, from
    /// `self.pos`, where its plain start ends.
    fn long_string_span(&mut self, start: usize) -> Result<(usize, usize, bool), JsonError> {
        let bytes = self.text.as_bytes();
        let mut escaped = false;
        // A `%XX` above ASCII: the decoded text must then be checked to be UTF-8.
        let mut high = false;
        loop {
            let rest = bytes.get(self.pos..).unwrap_or_default();
            self.pos += scan::find_string_special::<PERCENT>(rest);
            let Some((byte, len)) = self.next() else {
                return Err(JsonError::Syntax);
            };
            if len > 1 && byte != b'"' {
                escaped = true;
                high |= byte >= 0x80;
            }
            match byte {
                b'"' => {
                    let end = self.pos;
                    self.pos += len;
                    if high {
                        self.text_of(start, end, true)?;
                    }
                    return Ok((start, end, escaped));
                }
                b'\\' => {
                    escaped = true;
                    self.pos += len;
                    self.escape()?;
                }
                0x00..=0x1F => return Err(JsonError::Syntax),
                // A `%` that stands for itself, or for a plain character.
                _ => self.pos += len,
            }
        }
    }

    /// Checks the escape after a backslash.
    fn escape(&mut self) -> Result<(), JsonError> {
        let Some((next, len)) = self.next() else {
            return Err(JsonError::Syntax);
        };
        self.pos += len;
        match next {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Ok(()),
            b'u' => match self.hex4()? {
                0xD800..=0xDBFF => {
                    if !(self.eat(b'\\') && self.eat(b'u')) {
                        return Err(JsonError::Syntax);
                    }
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

    /// Reads four hex digits (a sign is not a digit).
    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut value = 0;
        for _ in 0..4 {
            let digit = self
                .byte()
                .and_then(|byte| char::from(byte).to_digit(16))
                .ok_or(JsonError::Syntax)?;
            self.bump();
            value = value << 4 | digit;
        }
        Ok(value)
    }
}

/// Whether two recorded names have the same text.
fn same_name<const PERCENT: bool>(text: &str, a: &Name, b: &Name) -> Result<bool, JsonError> {
    if !a.escaped && !b.escaped {
        let raw_a = text.get(a.start..a.end).ok_or(JsonError::Syntax)?;
        let raw_b = text.get(b.start..b.end).ok_or(JsonError::Syntax)?;
        return Ok(raw_a == raw_b);
    }
    let text_a = text_of::<PERCENT>(text, a.start, a.end, a.escaped)?;
    Ok(text_a == text_of::<PERCENT>(text, b.start, b.end, b.escaped)?)
}

/// [`Reader::text_of`] in `text`.
#[inline(always)]
fn text_of<const PERCENT: bool>(
    text: &str,
    start: usize,
    end: usize,
    escaped: bool,
) -> Result<Cow<'_, str>, JsonError> {
    let raw = text.get(start..end).ok_or(JsonError::Syntax)?;
    if !escaped {
        return Ok(Cow::Borrowed(raw));
    }
    unescaped_text::<PERCENT>(raw).map(Cow::Owned)
}

/// The text of a string spelled `raw` with escapes.
fn unescaped_text<const PERCENT: bool>(raw: &str) -> Result<String, JsonError> {
    if !PERCENT {
        return unescape(raw);
    }
    // URL-decoded first, then JSON-unescaped, as `JSON.parse(decodeURIComponent(..))`.
    let mut bytes = Vec::new();
    percent::decode(raw.as_bytes(), &mut bytes);
    let decoded = String::from_utf8(bytes).map_err(|_| JsonError::Syntax)?;
    if decoded.contains('\\') {
        return unescape(&decoded);
    }
    Ok(decoded)
}

/// Four hex digits as a number; `None` for anything else (a sign is not a digit).
fn hex4(digits: &str) -> Option<u32> {
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
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

/// The names a reader makes room for at once: more than a session cookie has.
const NAMES_CAPACITY: usize = 32;

/// Objects with at most this many members are checked for repeats name by name.
const SMALL_OBJECT: usize = 16;

/// A cheap hash of a member name: its length and its first and last eight bytes. Equal
/// names hash equal; names that only differ in the middle of a long name collide, and are
/// then compared in full.
fn name_hash(name: &[u8]) -> u64 {
    let word = |bytes: Option<&[u8; 8]>| bytes.map_or(0, |bytes| u64::from_le_bytes(*bytes));
    let head = match name.first_chunk() {
        Some(head) => u64::from_le_bytes(*head),
        None => name
            .iter()
            .rev()
            .fold(0, |word, &b| word << 8 | u64::from(b)),
    };
    let tail = word(name.last_chunk());
    mix(head, tail, name.len())
}

/// [`name_hash`] from a name's first eight bytes (zero-padded when it is shorter), its last
/// eight bytes (zero when it is shorter than eight) and its length.
#[inline]
fn mix(head: u64, tail: u64, len: usize) -> u64 {
    (head ^ tail.rotate_left(29) ^ len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

#[cfg(test)]
mod tests {
    use super::{JsonError, Kind, Reader, unescape};
    use proptest::prelude::*;

    /// Validates `text` as one JSON value, the way the verifier reads kept members; checks
    /// that the URL-encoded reader gives the same verdict on every spelling of `text`.
    fn check(text: &str) -> Result<(), JsonError> {
        let verdict = check_as(Reader::from_str(text));
        for encoded in spellings(text) {
            let theirs = check_as(Reader::url_encoded(&encoded));
            assert_eq!(
                kind(&theirs),
                kind(&verdict),
                "{text:?} spelled {encoded:?}"
            );
        }
        verdict
    }

    fn check_as<const PERCENT: bool>(mut reader: Reader<'_, PERCENT>) -> Result<(), JsonError> {
        reader.skip()?;
        reader.skip_whitespace();
        if reader.pos != reader.text.len() {
            return Err(JsonError::Syntax);
        }
        Ok(())
    }

    fn kind(result: &Result<(), JsonError>) -> &'static str {
        match result {
            Ok(()) => "ok",
            Err(JsonError::Syntax) => "syntax",
            Err(JsonError::Repeated) => "repeated",
            Err(JsonError::OutOfRange) => "out of range",
            Err(JsonError::Value(_)) => "value",
        }
    }

    /// URL-encoded spellings of `text`: every byte escaped (upper- and lower-case hex), as
    /// `encodeURIComponent` escapes, every other byte escaped, and `text` itself when it
    /// has no `%`.
    fn spellings(text: &str) -> Vec<String> {
        let every = |upper: bool| -> String {
            text.bytes()
                .map(|b| {
                    if upper {
                        format!("%{b:02X}")
                    } else {
                        format!("%{b:02x}")
                    }
                })
                .collect()
        };
        let alternate: String = text
            .char_indices()
            .map(|(i, c)| {
                if i % 2 == 0 {
                    c.to_string().bytes().map(|b| format!("%{b:02X}")).collect()
                } else if c == '%' {
                    "%25".to_owned()
                } else {
                    c.to_string()
                }
            })
            .collect();
        let component =
            percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        let mut spellings = vec![every(true), every(false), alternate, component];
        if !text.contains('%') {
            spellings.push(text.to_owned());
        }
        spellings
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

    /// Checks a URL-encoded text as [`check`] does, with the URL-encoded reader only.
    fn check_encoded(encoded: &str) -> Result<(), JsonError> {
        check_as(Reader::url_encoded(encoded))
    }

    #[test]
    fn url_encoded_names_are_compared_once_decoded() {
        for encoded in [
            // `a` and `%61`, `%2561` is `%61` itself.
            r#"{"a":1,"%61":2}"#,
            r#"%7B%22a%22%3A1%2C%22%61%22%3A2%7D"#,
            // A JSON escape spelled with `%` escapes: `\u0061`.
            r#"{"a":1,"%5Cu0061":2}"#,
            // Long names, spelled differently in the middle only.
            r#"{"abcdefghijklmnopq":1,"abcdefgh%69jklmnopq":2}"#,
            r#"[{"%C3%A9":1,"é":2}]"#,
        ] {
            assert!(
                matches!(check_encoded(encoded), Err(JsonError::Repeated)),
                "{encoded}"
            );
        }
        // `%2561` is `%61`, not `a`; a `%` without hex digits is a `%`, as `%25` is.
        assert!(check_encoded(r#"{"a":1,"%2561":2}"#).is_ok());
        assert!(matches!(
            check_encoded(r#"{"%":1,"%25":2}"#),
            Err(JsonError::Repeated)
        ));
    }

    #[test]
    fn url_encoded_text_must_decode_to_utf8_json() {
        for encoded in [
            r#""%C3%A9""#,
            r#""é%E2%82%AC""#,
            "%22%F0%9F%98%80%22",
            "%20%0A%7B%7D%0d%09",
            // A `%` without two hex digits is itself.
            r#""%zz%4%""#,
            r#"{"k":"%25%32%32"}"#,
        ] {
            assert!(check_encoded(encoded).is_ok(), "{encoded}");
        }
        for encoded in [
            // Not UTF-8 once decoded, alone or next to characters given as they are.
            r#""%C3""#,
            r#""%FF""#,
            r#""%C3(""#,
            r#""é%A9""#,
            r#""%ED%A0%80""#,
            // Control characters, however spelled, and a quote that ends the string early.
            r#""a%0Ab""#,
            r#""a%00""#,
            r#""a%22b""#,
            // Outside strings, bytes that are not JSON, and escapes decoded only once.
            "%C3%A9",
            "%257B%257D",
            "%7B%7D%",
            "%7B%7D%2",
        ] {
            assert!(check_encoded(encoded).is_err(), "{encoded}");
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
            prop_assert_eq!(reader.string().unwrap(), text.as_str());
            for encoded in spellings(&json) {
                let mut reader = Reader::url_encoded(&encoded);
                prop_assert_eq!(reader.string().unwrap(), text.as_str());
            }
        }
    }
}
