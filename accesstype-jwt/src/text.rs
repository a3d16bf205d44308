//! Characters that must not hide in identities and identifiers: controls, and the invisible
//! or direction-changing ones that make two strings look alike.

/// Whether `c` is invisible when shown, or changes how the text around it is shown: the
/// Unicode default-ignorable code points (zero-width space and joiners, soft hyphen, byte
/// order mark, variation selectors, tag characters, Hangul fillers, ...), the bidirectional
/// controls (marks, embeddings, overrides, isolates) and the other format characters.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x034F
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1345F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

/// Whether `c` changes the direction of the text around it: the bidirectional marks,
/// embeddings, overrides and isolates.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(
        u32::from(c),
        0x061C | 0x200E..=0x200F | 0x202A..=0x202E | 0x2066..=0x2069
    )
}

/// Whether `c` is a control character or [invisible](is_invisible).
pub(crate) fn is_hidden(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control();
    }
    c.is_control() || is_invisible(c)
}

/// 1 to 63 ASCII letters, digits and hyphens, not starting or ending with a hyphen: a host
/// name label in its ASCII form.
pub(crate) fn is_ldh_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Two or more [LDH labels](is_ldh_label) whose last one is not a number (decimal, or
/// hexadecimal with `0x`, which URL parsers read as part of an IPv4 address).
pub(crate) fn is_ldh_name(name: &str) -> bool {
    let Some((_, tld)) = name.rsplit_once('.') else {
        return false;
    };
    let numeric = tld.bytes().all(|b| b.is_ascii_digit())
        || tld.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("0x"))
            && tld.bytes().skip(2).all(|b| b.is_ascii_hexdigit());
    !numeric && name.split('.').all(is_ldh_label)
}

#[cfg(test)]
mod tests {
    use super::{is_hidden, is_invisible};

    #[test]
    fn the_usual_suspects_are_invisible() {
        for c in [
            '\u{AD}',
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{200E}',
            '\u{200F}',
            '\u{202A}',
            '\u{202E}',
            '\u{2060}',
            '\u{2066}',
            '\u{2069}',
            '\u{FEFF}',
            '\u{180E}',
            '\u{3164}',
            '\u{FE0F}',
            '\u{E0041}',
            '\u{61C}',
        ] {
            assert!(is_invisible(c), "{:04X}", u32::from(c));
        }
        for c in ['a', 'é', 'ß', 'ж', '中', '-', '.', '@', ' ', '🙂'] {
            assert!(!is_invisible(c), "{c}");
        }
        assert!(is_hidden('\n') && is_hidden('\u{7F}') && is_hidden('\u{85}'));
        assert!(!is_hidden('x'));
    }
}
