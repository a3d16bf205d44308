//! The e-mail address rules of [`User::email`](crate::User::email): the address is the
//! reader's identity at Accesstype, so two addresses that look alike must not both pass.

use paywall_internal::text::is_hidden;

use crate::host_name::is_ldh_name;

/// The longest address accepted, in bytes (RFC 5321's path limit less the angle brackets).
const MAX_EMAIL_BYTES: usize = 254;

/// Whether `email` is `local@domain.tld` as [`User::email`](crate::User::email) describes.
pub(crate) fn is_valid_email(email: &str) -> bool {
    if email.len() > MAX_EMAIL_BYTES {
        return false;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    // An ASCII address holds no invisible character, and its controls and spaces fail the
    // local part's and the domain's own rules.
    if !email.is_ascii() && email.chars().any(|c| is_hidden(c) || c.is_whitespace()) {
        return false;
    }
    is_valid_local_part(local) && is_valid_domain(domain)
}

const ATEXT_SYMBOLS: &[u8] = b"!#$%&'*+/=?^_`{|}~-";

/// At most 64 bytes of letters, digits, `ATEXT_SYMBOLS` and (RFC 6531) non-ASCII characters
/// in non-empty dot-separated parts. Controls, spaces, `@` and quotes are none of these.
fn is_valid_local_part(local: &str) -> bool {
    local.len() <= 64
        // No empty dot-separated part: no leading, trailing or doubled dot, and not empty.
        && local.split('.').all(|part| {
            !part.is_empty()
                && part.chars().all(|c| {
                    c.is_ascii_alphanumeric()
                        || u8::try_from(c).is_ok_and(|b| ATEXT_SYMBOLS.contains(&b))
                        // Internationalised (RFC 6531): any other visible character; hidden
                        // ones and whitespace were refused above.
                        || !c.is_ascii()
                })
        })
}

/// A domain of two or more labels, as its IDNA ASCII form (A-labels): letters, digits and
/// inner hyphens only, `xn--` labels that decode, a top-level label that is not all digits,
/// and given in its canonical form (Unicode labels exactly as IDNA maps them, up to case).
fn is_valid_domain(domain: &str) -> bool {
    // Every label as written, Unicode ones included, is non-empty and has no outer hyphen.
    let outer_hyphen = domain
        .split('.')
        .any(|label| label.is_empty() || label.starts_with('-') || label.ends_with('-'));
    if domain.len() > 253 || outer_hyphen {
        return false;
    }
    // Plain ASCII names need no IDNA mapping: checked as they are, which is most addresses.
    let punycode = domain.split('.').any(|label| {
        label
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("xn--"))
    });
    if domain.is_ascii() && !punycode {
        return is_ldh_name(domain);
    }
    // Host parsing applies IDNA (UTS 46) and refuses `xn--` labels that do not decode; an
    // all-numeric domain parses as an IPv4 address and is refused with the other non-names.
    let Ok(url::Host::Domain(ascii)) = url::Host::parse(domain) else {
        return false;
    };
    is_ldh_name(&ascii) && is_canonical(domain, &ascii)
}

/// Whether IDNA mapping changed nothing but letter case: refuses full-width letters,
/// decomposed accents, ignorable characters and other spellings that map onto another domain.
fn is_canonical(given: &str, ascii: &str) -> bool {
    if given.is_ascii() {
        return given.eq_ignore_ascii_case(ascii);
    }
    let unicode = url::quirks::domain_to_unicode(ascii);
    let lowered = given.to_lowercase();
    unicode.split('.').count() == lowered.split('.').count()
        && unicode
            .split('.')
            .zip(lowered.split('.'))
            .zip(ascii.split('.'))
            .all(|((mapped, given), ascii)| mapped == given || given == ascii)
}

#[cfg(test)]
mod tests {
    use super::is_valid_email;

    #[test]
    fn accepts_ordinary_and_international_addresses() {
        for ok in [
            "john@example.com",
            "John.Doe+news@Mail.Example.co.uk",
            "o'brien@example.ie",
            "jörg@bücher.de",
            "jörg+news@bücher-verlag.de",
            "jörg@xn--bcher-kva.de",
            "a@b.co",
            "x_y-z@sub-domain.example",
            "user@123.example.com",
            "straße@straße.de",
            "用户@例子.中国",
        ] {
            assert!(is_valid_email(ok), "{ok} should be accepted");
        }
    }

    #[test]
    fn refuses_malformed_addresses() {
        let too_long_local = format!("{}@example.com", "a".repeat(65));
        let too_long = format!("a@{}.com", "b".repeat(250));
        for bad in [
            "",
            "@",
            "john",
            "john@",
            "@example.com",
            "john@example",
            "john@@example.com",
            "jo@hn@example.com",
            " john@example.com",
            "john@example.com ",
            "jo hn@example.com",
            "john@exa mple.com",
            "john\n@example.com",
            "john@example.com\r\n",
            ".john@example.com",
            "john.@example.com",
            "jo..hn@example.com",
            "john@.example.com",
            "john@example..com",
            "john@example.com.",
            "john@-example.com",
            "john@example-.com",
            "john@exa_mple.com",
            "john@[127.0.0.1]",
            "\"john\"@example.com",
            "john\u{0}@example.com",
            "jö rg@example.com",
            "jö\u{2003}rg@example.com",
            "jö\u{85}rg@example.com",
            "jörg..x@example.com",
            "jörg@bü_cher.de",
            "jörg@bücher.de-",
            "jörg@-bücher.de",
            too_long_local.as_str(),
            too_long.as_str(),
        ] {
            assert!(!is_valid_email(bad), "{bad:?} should be refused");
        }
    }

    #[test]
    fn refuses_look_alikes_of_another_address() {
        for bad in [
            // Invisible and bidirectional-control characters.
            "jo\u{200B}hn@example.com",
            "john@exa\u{200B}mple.com",
            "\u{FEFF}john@example.com",
            "john@example.com\u{FEFF}",
            "jo\u{AD}hn@example.com",
            "john@exa\u{AD}mple.com",
            "john\u{202E}moc.elpmaxe@evil.com",
            "john@example\u{2066}.com",
            "jo\u{200D}hn@example.com",
            "jo\u{2060}hn@example.com",
            "john@ex\u{E0041}ample.com",
            // Invalid punycode.
            "john@xn--.com",
            "john@xn--a.com",
            "john@xn--zz.com",
            "john@xn--bcher-kva-.de",
            // All-numeric domains, IP-ish and numeric top-level labels.
            "john@123.456",
            "john@1.2.3.4",
            "john@0x7f.1",
            "john@example.123",
            "john@example.0x7f",
            "john@example.0X1F",
            // Full-width letters and other spellings IDNA maps onto another domain.
            "john@ｅｘａｍｐｌｅ.com",
            "john@bu\u{308}cher.de",
            "john@example\u{3002}com",
        ] {
            assert!(!is_valid_email(bad), "{bad:?} should be refused");
        }
    }
}
