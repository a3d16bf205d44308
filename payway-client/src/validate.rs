//! Small predicates on configuration values and on text sent or stored: the builders, the
//! server-token cache, the shop links, SSO2 and the session cookie share them.

/// One word: not empty, no whitespace, no control characters. Client ids, organisation ids,
/// scopes (joined with spaces on the wire) and SSO2 session ids are words.
pub(crate) fn is_identifier(value: &str) -> bool {
    !value.is_empty() && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A line of text of at most `max_bytes`: something besides whitespace, no control
/// characters (inner spaces are fine). Account ids, product codes and e-mail addresses are
/// such text.
pub(crate) fn is_text(value: &str, max_bytes: usize) -> bool {
    value.len() <= max_bytes && !value.trim().is_empty() && !value.chars().any(char::is_control)
}

/// A Payway account id as its accounts API takes one: 24 lowercase hexadecimal digits,
/// Payway's own check (`/^[a-f\d]{24}$/`).
pub(crate) fn is_account_id(value: &str) -> bool {
    value.len() == 24
        && value
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_single_words() {
        assert!(is_identifier("/external/me/w"));
        assert!(is_identifier("fake-client-1ä"));
        for bad in ["", " ", "/a /b", "/a\n", "a\u{85}b", "a\u{3000}b", "\u{7f}"] {
            assert!(!is_identifier(bad), "{bad:?}");
        }
    }

    #[test]
    fn text_is_bounded_printable_and_not_blank() {
        assert!(is_text("premium", 7));
        assert!(is_text("weekend plus", 64));
        assert!(!is_text("premium", 6));
        for bad in ["", "   ", "p\n", "p\u{0}", "\u{9f}"] {
            assert!(!is_text(bad, 64), "{bad:?}");
        }
    }

    #[test]
    fn account_ids_are_24_lowercase_hex_digits() {
        assert!(is_account_id("5f3c9a1b2c4d5e6f7a8b9c0d"));
        assert!(is_account_id("000000000000000000000000"));
        for bad in [
            "",
            "5f3c9a1b2c4d5e6f7a8b9c0",
            "5f3c9a1b2c4d5e6f7a8b9c0d0",
            "5F3C9A1B2C4D5E6F7A8B9C0D",
            "5f3c9a1b2c4d5e6f7a8b9c0g",
            "5f3c9a1b2c4d5e6f7a8b9c0\n",
            "5f3c9a1b2c4d5e6f7a8b9c&d",
            "5f3c9a1b2c4d5e6f7a8b9c٣d",
            "acc-1",
        ] {
            assert!(!is_account_id(bad), "{bad:?}");
        }
    }
}
