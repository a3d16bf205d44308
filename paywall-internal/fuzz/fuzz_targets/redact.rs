//! The secret redaction: a secret echoed inside arbitrary text, in any of the spellings a
//! provider could use (raw; percent-encoded with `+` or `%20`, either hex case; JSON-escaped
//! by serde_json, with `\/`, with every character `\uXXXX` in either case; JSON quoted inside
//! JSON; a percent-encoded echo JSON-escaped).
//!
//! Invariants: the secret never survives as it is (for a secret that shares no character with
//! `[redacted]`, which a cut could otherwise spell by accident); nor does its spelling, put in
//! once, when that shares none either and the text before it leaves no escape unfinished, in
//! itself or in any of its decodings (as an encoder's output never does: `\u0025` then `66` is
//! the JSON escape of the percent-encoding of `f`, not a stray `%`); a text holding no
//! character of the secret and no escape comes back as it was; a client's prepared secret cuts
//! exactly what the same secret given per call cuts; text and bytes are cut alike; and no
//! string of a JSON value keeps the secret.

#![no_main]

use libfuzzer_sys::fuzz_target;
use paywall_internal::redact::{MARK, Redaction, Redactor};
use serde_json::{Value, json};

fuzz_target!(|input: (u8, String, String, String)| {
    let (style, secret, before, after) = input;
    if secret.is_empty() || secret.len() > 64 || before.len() + after.len() > 4096 {
        return;
    }
    let redaction = Redaction::of(&[&secret]);
    let spelling = spell(&secret, style);
    let text = format!("{before}{spelling}{after}");
    let cut = redaction.text(&text);

    let shares_mark = |s: &str| s.chars().any(|c| MARK.contains(c));
    if !shares_mark(&secret) {
        assert!(
            !cut.contains(&secret),
            "{secret:?} as {spelling:?} in {text:?}: {cut:?}"
        );
        // Only the echo put in is judged: the same characters elsewhere in the text may be
        // part of another escape (`\u0066` then `66…` is an `f`), not a spelling of the secret.
        let put_in_once = !before.contains(&spelling) && !after.contains(&spelling);
        if put_in_once && !shares_mark(&spelling) && !unfinished_at_any_depth(&before) {
            assert!(
                !cut.contains(&spelling),
                "{spelling:?} in {text:?}: {cut:?}"
            );
        }
    }

    let prepared = Redactor::new(&[&secret]);
    assert_eq!(prepared.with(&[]).text(&text), cut, "prepared");
    assert_eq!(prepared.with(&[&secret]).text(&text), cut, "twice");
    assert_eq!(&*redaction.bytes(text.as_bytes()), cut.as_bytes(), "bytes");

    let untouched =
        |s: &str| !s.contains(['%', '\\', '+']) && !secret.chars().any(|c| s.contains(c));
    if untouched(&before) {
        assert_eq!(redaction.text(&before), before.as_str(), "kept as it was");
    }

    if !shares_mark(&secret) {
        let value = json!({ text.clone(): [text.clone(), {"k": text}] });
        let mut strings = Vec::new();
        collect(&redaction.value(value), &mut strings);
        for string in strings {
            assert!(!string.contains(&secret), "{string:?}");
        }
    }
});

/// Whether the end of `text`, or of a reading of it decoded up to four times (JSON escapes,
/// percent escapes, in any order, as the redaction reads), is inside an escape.
fn unfinished_at_any_depth(text: &str) -> bool {
    // The last 64 characters hold any escape the end can be inside, however deep.
    let tail = text
        .char_indices()
        .rev()
        .nth(63)
        .map_or(text, |(at, _)| &text[at..]);
    let mut readings = vec![tail.to_owned()];
    for _ in 0..=4 {
        if readings.iter().any(|reading| unfinished_escape(reading)) {
            return true;
        }
        readings = readings
            .iter()
            .flat_map(|reading| [json_decoded(reading), percent_decoded(reading)])
            .flatten()
            .collect();
    }
    false
}

/// `text` with its JSON escapes decoded (each `\uXXXX` standing for a character, and the
/// short ones); `None` when it has none.
fn json_decoded(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let escape = &rest[at..];
        let short = match escape.as_bytes().get(1) {
            Some(b'"') => Some('"'),
            Some(b'\\') => Some('\\'),
            Some(b'/') => Some('/'),
            Some(b'n') => Some('\n'),
            Some(b't') => Some('\t'),
            Some(b'r') => Some('\r'),
            Some(b'b') => Some('\u{8}'),
            Some(b'f') => Some('\u{c}'),
            _ => None,
        };
        let unit = escape
            .get(2..6)
            .filter(|_| escape.as_bytes().get(1) == Some(&b'u'))
            .and_then(|digits| u32::from_str_radix(digits, 16).ok())
            .and_then(char::from_u32);
        match (short, unit) {
            (Some(c), _) => {
                out.push(c);
                rest = &escape[2..];
                changed = true;
            }
            (None, Some(c)) => {
                out.push(c);
                rest = &escape[6..];
                changed = true;
            }
            (None, None) => {
                out.push('\\');
                rest = &escape[1..];
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// `text` with its percent escapes decoded; `None` when it has none.
fn percent_decoded(text: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(text).decode_utf8_lossy();
    (decoded != text).then(|| decoded.into_owned())
}

/// Whether `text` ends inside an escape (a backslash, `%` or `%X`, `\u` with fewer than four
/// hex digits), which would take the first characters of what follows as its own.
fn unfinished_escape(text: &str) -> bool {
    let hex_tail = text
        .chars()
        .rev()
        .take_while(char::is_ascii_hexdigit)
        .count();
    let head = &text[..text.len() - hex_tail];
    text.ends_with('\\')
        || (hex_tail <= 1 && head.ends_with('%'))
        || (hex_tail <= 3 && head.ends_with("\\u"))
}

/// `secret` as a provider could echo it, by `style`.
fn spell(secret: &str, style: u8) -> String {
    let form = |space: &str, lower: bool| {
        secret
            .bytes()
            .map(|b| match b {
                b' ' => space.to_owned(),
                b if b.is_ascii_alphanumeric() || b"-._~".contains(&b) => char::from(b).to_string(),
                b if lower => format!("%{b:02x}"),
                b => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    let escaped_all: String = secret
        .encode_utf16()
        .map(|unit| format!("\\u{unit:04X}"))
        .collect();
    let quoted = |text: &str| {
        let json = serde_json::to_string(text).unwrap_or_default();
        json.get(1..json.len().saturating_sub(1))
            .unwrap_or_default()
            .to_owned()
    };
    match style % 11 {
        0 => secret.to_owned(),
        1 => form("+", false),
        2 => form("%20", false),
        3 => form("%20", true),
        4 => quoted(secret),
        5 => quoted(secret).replace('/', "\\/"),
        6 => escaped_all,
        7 => escaped_all.to_lowercase(),
        8 => quoted(&quoted(secret)),
        9 => quoted(&escaped_all),
        _ => form("+", false).replace('%', "\\u0025"),
    }
}

fn collect(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|item| collect(item, out)),
        Value::Object(members) => {
            for (name, value) in members {
                out.push(name.clone());
                collect(value, out);
            }
        }
        _ => {}
    }
}
