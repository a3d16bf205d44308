//! Reader ids: generation, the `at-meter` cookie in hostile `Cookie` headers, `Set-Cookie`.

use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use accesstype_jwt::{CookieDomain, Error, READER_ID_COOKIE, READER_ID_COOKIE_LIFETIME, ReaderId};

const ID: &str = "0123456789abcdef0123456789abcdef";

#[test]
fn generated_ids_are_32_lowercase_hex_and_unique() {
    let mut seen = HashSet::new();
    for _ in 0..1000 {
        let id = ReaderId::generate().unwrap();
        assert_eq!(id.as_str().len(), 32);
        assert!(
            id.as_str()
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{}",
            id.as_str()
        );
        assert_eq!(ReaderId::parse(id.as_str()).unwrap(), id);
        assert!(seen.insert(id), "a generated id repeated");
    }
}

#[test]
fn parse_accepts_hex_uuids_and_device_ids_only() {
    for good in [
        ID,
        "6F9619FF-8B86-D011-B42D-00C04FC964FF",
        "9774d56d682e549c",
        "device_id-42-abcdefgh",
        &"a".repeat(128),
    ] {
        assert_eq!(ReaderId::parse(good).unwrap().as_str(), good);
    }
    for bad in [
        "",
        "short",
        "0123456789abcde",
        &"a".repeat(129),
        "0123456789abcdef 0123456789abcdef",
        "0123456789abcdef;0123456789abcdef",
        "0123456789abcdef\r\nSet-Cookie: x=y",
        "0123456789abcdef/../../admin",
        "0123456789abcdef%2F0123456789abcdef",
        "0123456789abcdéf0123456789abcdef",
        "\"0123456789abcdef0123456789abcdef\"",
    ] {
        assert!(
            matches!(ReaderId::parse(bad), Err(Error::InvalidReaderId)),
            "{bad:?}"
        );
        assert!(bad.parse::<ReaderId>().is_err());
    }
}

#[test]
fn the_cookie_is_found_among_others() {
    let found =
        |header: &str| ReaderId::from_cookie_header(header).map(|id| id.as_str().to_owned());
    assert_eq!(found(&format!("at-meter={ID}")), Some(ID.to_owned()));
    assert_eq!(
        found(&format!("theme=dark; at-meter={ID}; session=xyz")),
        Some(ID.to_owned())
    );
    assert_eq!(
        found(&format!("theme=dark;at-meter={ID};x=1")),
        Some(ID.to_owned())
    );
    assert_eq!(found(&format!("  at-meter = {ID} ;")), Some(ID.to_owned()));
    assert_eq!(found(&format!("\tat-meter=\t{ID}")), Some(ID.to_owned()));
    assert_eq!(found(&format!("at-meter=\"{ID}\"")), Some(ID.to_owned()));
    assert_eq!(READER_ID_COOKIE, "at-meter");
}

#[test]
fn hostile_cookie_headers_yield_no_id_or_the_first_well_formed_one() {
    let found =
        |header: &str| ReaderId::from_cookie_header(header).map(|id| id.as_str().to_owned());
    let other = "fedcba9876543210fedcba9876543210";
    // Malformed values are skipped; the first well-formed `at-meter` wins.
    assert_eq!(
        found(&format!("at-meter=<script>; at-meter={ID}")),
        Some(ID.to_owned())
    );
    assert_eq!(
        found(&format!("at-meter={ID}; at-meter={other}")),
        Some(ID.to_owned())
    );
    for hostile in [
        "",
        ";;;;",
        "=",
        "at-meter",
        "at-meter=",
        "at-meter=\"\"",
        "at-meter=\"",
        "at-meter=short",
        "AT-METER=0123456789abcdef0123456789abcdef",
        "xat-meter=0123456789abcdef0123456789abcdef",
        "at-meter2=0123456789abcdef0123456789abcdef",
        "at-meter=0123456789abcdef0123456789abcdef, other=1",
        "at-meter=0123456789abcdef0123456789abcdef\r\nX-Injected: 1",
        "at-meter=0123456789abcdef0123456789abcdef%0d%0a",
        "at-meter=0123456789abcdef0123456789abcdef=extra",
        "at-meter=\"0123456789abcdef0123456789abcdef",
        "at-meter=ｆｕｌｌｗｉｄｔｈｆｕｌｌｗｉｄｔｈ",
        "session=at-meter=0123456789abcdef0123456789abcdef",
    ] {
        assert_eq!(found(hostile), None, "{hostile:?}");
    }
    // A huge header is scanned without trouble.
    let huge = format!("{}; at-meter={ID}", "junk=1; ".repeat(100_000));
    assert_eq!(found(&huge), Some(ID.to_owned()));
    assert_eq!(found(&"a".repeat(1 << 20)), None);
}

#[test]
fn set_cookie_has_the_documented_format() {
    let reader = ReaderId::parse(ID).unwrap();
    let domain = CookieDomain::new("news.example.com").unwrap();
    // The sample code's fixed date, 21 Oct 2075 07:28:00 GMT: a Monday, not the "Wed" it shows.
    let documented_date = UNIX_EPOCH + Duration::from_secs(3_338_868_480);
    assert_eq!(
        reader.set_cookie_expiring(&domain, documented_date),
        format!(
            "at-meter={ID}; Path=/; Domain=news.example.com; Expires=Mon, 21 Oct 2075 07:28:00 GMT; SameSite=None; Secure"
        )
    );
    assert_eq!(
        reader.set_cookie_expiring(&domain, UNIX_EPOCH - Duration::from_secs(10)),
        format!(
            "at-meter={ID}; Path=/; Domain=news.example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=None; Secure"
        )
    );
}

#[test]
fn set_cookie_expires_after_the_documented_lifetime() {
    assert_eq!(READER_ID_COOKIE_LIFETIME, Duration::from_secs(400 * 86_400));
    let reader = ReaderId::generate().unwrap();
    let domain = CookieDomain::new("example.com").unwrap();
    let before = SystemTime::now();
    let cookie = reader.set_cookie(&domain);
    let after = SystemTime::now();
    // Whatever second the call fell in, the cookie matches one of the seconds in between.
    let first = before.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let last = after.duration_since(UNIX_EPOCH).unwrap().as_secs();
    let matches_one = (first..=last).any(|second| {
        let expires = UNIX_EPOCH + Duration::from_secs(second) + READER_ID_COOKIE_LIFETIME;
        reader.set_cookie_expiring(&domain, expires) == cookie
    });
    assert!(matches_one, "{cookie}");
    assert!(cookie.starts_with(&format!(
        "at-meter={}; Path=/; Domain=example.com; Expires=",
        reader.as_str()
    )));
    assert!(cookie.ends_with(" GMT; SameSite=None; Secure"));
    assert!(!cookie.contains("HttpOnly"));
}

#[test]
fn cookie_domains_are_host_names() {
    for (given, normalised) in [
        ("news.example.com", "news.example.com"),
        ("News.Example.COM", "news.example.com"),
        (".example.com", "example.com"),
        ("localhost", "localhost"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("127.0.0.1", "127.0.0.1"),
        ("a-b.c-d.example", "a-b.c-d.example"),
    ] {
        assert_eq!(
            CookieDomain::new(given).unwrap().as_str(),
            normalised,
            "{given}"
        );
    }
    for bad in [
        "",
        ".",
        "..example.com",
        "example.com; HttpOnly",
        "example.com;",
        "example.com,evil.com",
        "example.com:443",
        "https://example.com",
        "example.com/path",
        "exa mple.com",
        " example.com",
        "example.com\r\nSet-Cookie: x=y",
        "ex%61mple.com",
        "-example.com",
        "example-.com",
        "exa_mple.com",
        "example..com",
        "[::1]",
        "::1",
        "user@example.com",
        &format!("{}.com", "a".repeat(64)),
        &"a.".repeat(130),
    ] {
        assert!(
            matches!(CookieDomain::new(bad), Err(Error::InvalidCookieDomain)),
            "{bad:?}"
        );
    }
    assert_eq!(
        "example.com".parse::<CookieDomain>().unwrap().to_string(),
        "example.com"
    );
}

#[test]
fn reader_ids_serialise_as_strings_and_are_checked_when_read() {
    let id = ReaderId::parse(ID).unwrap();
    assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{ID}\""));
    assert_eq!(
        serde_json::from_str::<ReaderId>(&format!("\"{ID}\"")).unwrap(),
        id
    );
    assert!(serde_json::from_str::<ReaderId>("\"short\"").is_err());
    assert!(serde_json::from_str::<ReaderId>("42").is_err());
}
