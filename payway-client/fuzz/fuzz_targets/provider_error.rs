//! `ProviderError`. Invariant: a secret planted in the body, in any spelling Payway could
//! echo (raw; form-encoded with `+`; percent-encoded with `%20`, either hex case; JSON-escaped
//! as serde_json, PHP or .NET write it), never survives in any accessor or format.
//!
//! Input: a spelling selector byte, a secret length byte, the secret, then the body around it.

#![no_main]

use libfuzzer_sys::fuzz_target;

const MARK: &str = "[redacted]";

fn percent(secret: &str, plus: bool, lower: bool) -> String {
    let mut out = String::new();
    for byte in secret.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(byte))
            }
            b' ' if plus => out.push('+'),
            _ if lower => out.push_str(&format!("%{byte:02x}")),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn unicode_escapes(secret: &str, all: bool, lower: bool) -> String {
    let mut out = String::new();
    for c in secret.chars() {
        if !all && c.is_ascii_alphanumeric() {
            out.push(c);
            continue;
        }
        let mut units = [0_u16; 2];
        for unit in c.encode_utf16(&mut units) {
            if lower {
                out.push_str(&format!("\\u{unit:04x}"));
            } else {
                out.push_str(&format!("\\u{unit:04X}"));
            }
        }
    }
    out
}

fn spelling(secret: &str, how: u8) -> String {
    let serde = serde_json::Value::from(secret).to_string();
    let serde = serde[1..serde.len() - 1].to_owned();
    match how % 8 {
        0 => secret.to_owned(),
        1 => percent(secret, true, false),
        2 => percent(secret, false, false),
        3 => percent(secret, false, true),
        4 => serde,
        5 => serde.replace('/', "\\/"),
        6 => unicode_escapes(secret, false, false),
        _ => unicode_escapes(secret, true, true),
    }
}

/// The raw secret never survives; nor does its spelling, when the text around it holds no
/// escape of its own (`\\` or `%`) that could join the spelling's first character.
fn assert_cut(what: &str, text: &str, secret: &str, spelled: &str, plain_around: bool) {
    for piece in text.split(MARK) {
        assert!(
            !piece.contains(secret) && !(plain_around && piece.contains(spelled)),
            "{what} keeps the secret {secret:?} (spelled {spelled:?}): {text:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let [how, len, rest @ ..] = data else {
        return;
    };
    let len = usize::from(*len % 64) + 1;
    if rest.len() < len {
        return;
    }
    let (secret, around) = rest.split_at(len);
    let Ok(secret) = std::str::from_utf8(secret) else {
        return;
    };
    let around = String::from_utf8_lossy(around);
    let middle = around.len() / 2;
    let middle = (0..=middle)
        .rev()
        .find(|i| around.is_char_boundary(*i))
        .unwrap_or(0);
    let (before, after) = around.split_at(middle);
    let spelled = spelling(secret, *how);
    let plain_around = !around.contains(['\\', '%']);
    // Planted as it would be echoed: inside a JSON string, and as plain text.
    let bodies = [
        format!("{before}{spelled}{after}"),
        format!(
            r#"{{"error":"invalid_grant","error_description":"{before}{spelled}{after}","message":"{spelled}"}}"#
        ),
    ];
    for body in bodies {
        let error = payway_client::fuzzing::provider_error(401, body.as_bytes(), &[secret]);
        assert_cut(
            "expose_body",
            error.expose_body(),
            secret,
            &spelled,
            plain_around,
        );
        for (what, field) in [
            ("error", error.error()),
            ("error_description", error.error_description()),
            ("code", error.code()),
            ("field", error.field()),
            ("message", error.message()),
        ] {
            if let Some(field) = field {
                assert_cut(what, field, secret, &spelled, plain_around);
            }
        }
        // `{:?}` shows the status, `error`, `code` and `field` (checked above) and the body's
        // length and content type, never the body.
        let shown = format!("{error:?}");
        assert!(!shown.contains("error_description") && !shown.contains("message"));
    }
});
