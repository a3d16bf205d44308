//! The hostile inputs, once for every crate.

/// What a crate must do with a caller's piece of a URL path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Must {
    /// Refuse it before anything is built or sent.
    Refuse,
    /// Refuse it, or send it as exactly one percent-encoded segment that decodes back to it.
    Contain,
    /// Send it, as exactly one segment: an ordinary id (a crate that refused it would pass
    /// every other row by refusing everything).
    Send,
}

/// Path pieces an attacker (or a careless caller) could hand to a crate.
pub(crate) const HOSTILE_SEGMENTS: &[(&str, Must)] = &[
    ("", Must::Refuse),
    (".", Must::Refuse),
    ("..", Must::Refuse),
    ("\0", Must::Refuse),
    ("a\r\nX-Injected: 1", Must::Refuse),
    ("a\nb", Must::Refuse),
    ("..;", Must::Contain),
    ("..;x=1", Must::Contain),
    ("%2e%2e", Must::Contain),
    ("%2E%2E%2F", Must::Contain),
    (";", Must::Contain),
    ("a;jsessionid=1", Must::Contain),
    ("\\", Must::Contain),
    ("..\\..\\admin", Must::Contain),
    ("?", Must::Contain),
    ("a?admin=1", Must::Contain),
    ("#", Must::Contain),
    ("a#frag", Must::Contain),
    ("/", Must::Contain),
    ("../../admin", Must::Contain),
    ("a/b", Must::Contain),
    ("%", Must::Contain),
    ("%00", Must::Contain),
    (" ", Must::Contain),
    ("a=b&c", Must::Contain),
    ("\u{2028}", Must::Contain),
    ("\u{FF0F}", Must::Contain),
    ("\u{FF0E}\u{FF0E}", Must::Contain),
    ("story-42", Must::Send),
    ("a.b~c_d-E9", Must::Send),
    ("9f1c6f4e-2b1d-4c55-a2e3-44f1c0d2b7aa", Must::Send),
];

/// Base URLs every builder must refuse: (URL, must it be the "insecure" refusal).
pub(crate) const REFUSED_BASE_URLS: &[(&str, bool)] = &[
    ("http://example.com/", true),
    ("http://api.provider.example:8080/", true),
    ("http://10.0.0.1/", true),
    ("http://localhost.evil.example/", true),
    ("http://[::2]/", true),
    ("https://user:password@example.com/", false),
    ("https://user@example.com/", false),
    ("https://example.com/?proxy=1", false),
    ("https://example.com/#fragment", false),
    ("ftp://example.com/", false),
    ("file:///etc/passwd", false),
    ("ws://127.0.0.1/", false),
    ("data:text/plain,hello", false),
];

/// Base URLs every builder must accept.
pub(crate) const ACCEPTED_BASE_URLS: &[&str] = &[
    "https://example.com/",
    "https://proxy.example/provider/",
    "http://127.0.0.1:9/",
    "http://127.8.9.10:9/",
    "http://[::1]:9/",
    "http://localhost:9/",
];

/// Personal data and secrets the printing rule plants in every type.
pub(crate) const EMAIL: &str = "jane.reader@example.com";
pub(crate) const NAME: &str = "Jane Q. Reader";
pub(crate) const STREET: &str = "Secret Street 42";
pub(crate) const PHONE: &str = "+46701234567";
pub(crate) const SECRET: &str = "s3cr3t/+=value-0123456789-abcdefghij";
/// `SECRET` as a form body would echo it.
pub(crate) const SECRET_FORM: &str = "s3cr3t%2F%2B%3Dvalue-0123456789-abcdefghij";
/// `SECRET` as a PHP JSON encoder would echo it.
pub(crate) const SECRET_PHP: &str = "s3cr3t\\/+=value-0123456789-abcdefghij";
/// `SECRET` as a .NET JSON encoder would echo it.
pub(crate) const SECRET_DOTNET: &str = "s3cr3t/\\u002B\\u003Dvalue-0123456789-abcdefghij";

/// Every spelling of the planted data that must never be printed.
pub(crate) const NEVER_PRINTED: &[&str] = &[
    EMAIL,
    NAME,
    STREET,
    PHONE,
    SECRET,
    SECRET_FORM,
    "s3cr3t",
    "jane.reader",
    "Secret Street",
];

/// Fails when `shown` (a `Debug` or `Display` string) holds any planted value.
pub(crate) fn assert_nothing_planted(what: &str, shown: &str) {
    for planted in NEVER_PRINTED {
        assert!(
            !shown.contains(planted),
            "{what} printed {planted:?}: {shown}"
        );
    }
}

/// The checks of one refused-or-contained path piece, on the request target a provider saw
/// (or the URL a crate built). `before` and `after` are the literal path around the piece.
pub(crate) fn assert_contained(input: &str, target: &str, before: &str, after: &str) {
    let path = target.split('?').next().unwrap_or_default();
    let segment = path
        .strip_prefix(before)
        .and_then(|rest| rest.strip_suffix(after))
        .unwrap_or_else(|| panic!("{input:?} changed the path: {target}"));
    assert!(
        segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
        "{input:?} left reserved characters in its segment: {segment}"
    );
    assert!(
        segment != "." && segment != "..",
        "{input:?} became a dot segment"
    );
    assert_eq!(
        decode(segment).as_deref(),
        Some(input),
        "{input:?} as {segment}"
    );
}

/// Percent-decoding, strict: every `%` followed by two hex digits, the result UTF-8.
fn decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
