//! URL-decoding as `decodeURIComponent` does it, once: `%` and two hex digits (either case)
//! stand for one byte; a `%` without two hex digits stands for itself.

/// The byte the `%` at `text[at]` stands for, and the length of its spelling: three bytes
/// for a `%` and two hex digits, one for a `%` without them.
#[inline]
pub(crate) fn decoded_at(text: &[u8], at: usize) -> (u8, usize) {
    match text.get(at + 1..at + 3) {
        Some(&[high, low]) => {
            let (high, low) = (hex(high), hex(low));
            if (high | low) & NOT_HEX == 0 {
                (high << 4 | low, 3)
            } else {
                (b'%', 1)
            }
        }
        _ => (b'%', 1),
    }
}

/// Decodes `text` into `out` (cleared first).
pub(crate) fn decode(text: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.reserve(text.len());
    let mut read = 0;
    while let Some(&byte) = text.get(read) {
        let (decoded, used) = if byte == b'%' {
            decoded_at(text, read)
        } else {
            (byte, 1)
        };
        out.push(decoded);
        read += used;
    }
}

/// What [`hex`] returns for a byte that is not a hex digit.
const NOT_HEX: u8 = 0xF0;

/// The value of a hex digit, or [`NOT_HEX`].
#[inline]
fn hex(digit: u8) -> u8 {
    HEX_DIGITS
        .get(usize::from(digit))
        .copied()
        .unwrap_or(NOT_HEX)
}

/// [`hex`] for every byte.
#[allow(
    clippy::indexing_slicing,
    reason = "evaluated at compile time, where an index out of bounds fails the build"
)]
static HEX_DIGITS: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => NOT_HEX,
        };
        byte += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::decode;
    use proptest::prelude::*;

    fn decoded(text: &str) -> Vec<u8> {
        let mut out = b"left over".to_vec();
        decode(text.as_bytes(), &mut out);
        out
    }

    fn reference(text: &str) -> Vec<u8> {
        percent_encoding::percent_decode_str(text).collect()
    }

    #[test]
    fn decodes_as_a_reference_does() {
        let mut inputs = vec![
            String::new(),
            "%".to_owned(),
            "%4".to_owned(),
            "%zz%41%4a%4A%%41".to_owned(),
            "abcdefgh%41bcdefghijklmnop%".to_owned(),
            "%7B%22signature%22%3A%22eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.e30.x%22%7D".to_owned(),
            "%C3%A9%e2%82%ac%25%2525".to_owned(),
        ];
        for len in 0..40 {
            inputs.push("a%2".repeat(len));
            inputs.push(format!("{}%41", "b".repeat(len)));
        }
        for input in inputs {
            assert_eq!(decoded(&input), reference(&input), "{input}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_a_reference(text in "[%0-9a-fA-Fg-z\"{}\u{e9}]{0,80}") {
            prop_assert_eq!(decoded(&text), reference(&text));
        }
    }
}
