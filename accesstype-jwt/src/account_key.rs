//! The account key (the public `key` parameter of every Accesstype request): one rule, for
//! the offline access-check URL and for the client alike.

/// Whether `key` can be an account key: not empty, and no control or whitespace character
/// anywhere (a stray space or line break is a copy-paste slip Accesstype would refuse).
pub(crate) fn is_valid_account_key(key: &str) -> bool {
    !key.is_empty() && !key.chars().any(|c| c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::is_valid_account_key;

    #[test]
    fn printable_keys_without_spaces_pass() {
        for key in ["acct-7f3e", "Acct_7F3E.x", "ключ"] {
            assert!(is_valid_account_key(key), "{key:?}");
        }
        for key in [
            "",
            "a b",
            " a",
            "a\t",
            "a\u{a0}",
            "a\u{2028}",
            "a\r\nb",
            "\u{0}",
            "a\u{7f}",
        ] {
            assert!(!is_valid_account_key(key), "{key:?}");
        }
    }
}
