//! Reader ids: generation, the `at-meter` cookie in hostile `Cookie` headers, `Set-Cookie`.

use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use accesstype_jwt::{
    CookieDomain, Error, MAX_COOKIE_HEADER_BYTES, READER_ID_COOKIE, READER_ID_COOKIE_LIFETIME,
    ReaderCookie, ReaderId,
};

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
            matches!(
                ReaderId::parse(bad),
                Err(Error::InvalidInput {
                    what: "reader id",
                    ..
                })
            ),
            "{bad:?}"
        );
        assert!(bad.parse::<ReaderId>().is_err());
    }
    assert_eq!(
        ReaderId::parse("short").unwrap_err().to_string(),
        "invalid reader id: it is not 16 to 128 ASCII letters, digits, `-` or `_`",
        "the family's spelling of refused input"
    );
}

fn found(header: &str) -> Option<String> {
    ReaderId::from_cookie_header(header)
        .unwrap()
        .map(|id| id.as_str().to_owned())
}

#[test]
fn the_cookie_is_found_among_others() {
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
fn a_repeated_at_meter_cookie_yields_no_id() {
    // Browsers send one cookie per matching domain and path; a second one may have been
    // planted by a sibling subdomain. Whichever copy is first, the header is ambiguous.
    let other = "fedcba9876543210fedcba9876543210";
    for header in [
        format!("at-meter={ID}; at-meter={other}"),
        format!("at-meter={ID}; at-meter={ID}"),
        format!("at-meter=<script>; at-meter={ID}"),
        format!("at-meter={ID}; theme=dark; at-meter="),
        format!("at-meter={ID};at-meter =\"{other}\""),
    ] {
        assert!(
            matches!(
                ReaderId::from_cookie_header(&header),
                Err(Error::DuplicateCookie)
            ),
            "{header}"
        );
    }
}

#[test]
fn hostile_cookie_headers_yield_no_id() {
    for hostile in [
        "",
        ";;;;",
        "=",
        "at-meter",
        "at-meter=",
        "at-meter=\"\"",
        "at-meter=\"",
        "at-meter=short",
        "at-meter=<script>",
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
}

#[test]
fn large_cookie_headers_are_scanned_up_to_64_kib() {
    assert_eq!(MAX_COOKIE_HEADER_BYTES, 64 * 1024);
    // A news site's 16 KiB of ad and analytics cookies, the reader id last.
    let news_site = format!("{}at-meter={ID}", "_ga=GA1.2.3456789; ".repeat(900));
    assert!(news_site.len() > 16 * 1024);
    assert_eq!(found(&news_site), Some(ID.to_owned()));

    let at_limit = format!(
        "{}; at-meter={ID}",
        "j".repeat(MAX_COOKIE_HEADER_BYTES - 43)
    );
    assert_eq!(at_limit.len(), MAX_COOKIE_HEADER_BYTES);
    assert_eq!(found(&at_limit), Some(ID.to_owned()));
    let over = format!("j{at_limit}");
    assert!(matches!(
        ReaderId::from_cookie_header(&over),
        Err(Error::CookieHeaderTooLarge { len, limit })
            if len == MAX_COOKIE_HEADER_BYTES + 1 && limit == MAX_COOKIE_HEADER_BYTES
    ));
}

#[test]
fn set_cookie_has_the_documented_format() {
    let reader = ReaderId::parse(ID).unwrap();
    let domain = ReaderCookie::for_domain(CookieDomain::new("news.example.com").unwrap());
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
    // Host-only: the same without `Domain`, for a site on one host or on an IP address.
    assert_eq!(
        reader.set_cookie_expiring(&ReaderCookie::host_only(), documented_date),
        format!(
            "at-meter={ID}; Path=/; Expires=Mon, 21 Oct 2075 07:28:00 GMT; SameSite=None; Secure"
        )
    );
    // `SameSite=Lax` when asked, for a site that meters no story inside another site's frame.
    assert_eq!(
        reader.set_cookie_expiring(&ReaderCookie::host_only().same_site_lax(), documented_date),
        format!(
            "at-meter={ID}; Path=/; Expires=Mon, 21 Oct 2075 07:28:00 GMT; SameSite=Lax; Secure"
        )
    );
    assert_eq!(ReaderCookie::default(), ReaderCookie::host_only());
    assert_eq!(ReaderCookie::host_only().domain(), None);
    assert_eq!(
        ReaderCookie::from(CookieDomain::new("example.com").unwrap())
            .domain()
            .map(CookieDomain::as_str),
        Some("example.com")
    );
}

#[test]
fn set_cookie_expires_after_the_documented_lifetime() {
    assert_eq!(READER_ID_COOKIE_LIFETIME, Duration::from_secs(400 * 86_400));
    let reader = ReaderId::generate().unwrap();
    let domain = ReaderCookie::for_domain(CookieDomain::new("example.com").unwrap());
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
fn cookie_domains_are_canonical_host_names() {
    for good in [
        "news.example.com",
        "example.com",
        "xn--bcher-kva.de",
        "a-b.c-d.example",
        "123.example.com",
        "a.b",
        &format!("{}.com", "a".repeat(63)),
    ] {
        assert_eq!(CookieDomain::new(good).unwrap().as_str(), good, "{good}");
    }
    for bad in [
        "",
        ".",
        // Single labels: a public suffix, or a name only this machine knows.
        "com",
        "localhost",
        "intranet",
        // IP addresses and what the URL parser would read as one (`1.2.3` is 1.2.0.3).
        "127.0.0.1",
        "1.2.3",
        "0x7f.1",
        "10.0.0.256",
        "example.123",
        "example.0x7f",
        "[::1]",
        "::1",
        // Not canonical: upper case, leading or trailing dot, Unicode, bad punycode.
        "News.Example.com",
        "EXAMPLE.COM",
        ".example.com",
        "example.com.",
        "..example.com",
        "bücher.de",
        "xn--a.com",
        "xn--zz.example",
        "ｅｘａｍｐｌｅ.com",
        "exa\u{AD}mple.com",
        // What could change the header or name another host.
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
        "user@example.com",
        &format!("{}.com", "a".repeat(64)),
        &"a.".repeat(130),
    ] {
        assert!(
            matches!(
                CookieDomain::new(bad),
                Err(Error::InvalidInput {
                    what: "cookie domain",
                    ..
                })
            ),
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
