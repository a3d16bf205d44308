//! Host names as cookie domains and email domains hold them: ASCII letters, digits and
//! hyphens.

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
