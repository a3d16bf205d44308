//! Shop URLs: every piece percent-encoded, no path piece adds a segment.

use payway_client::{ShopUrl, ShopUrlError, Ticket};
use url::Url;

fn shop() -> Url {
    Url::parse("https://shop.example.com/").unwrap()
}

#[test]
fn the_documented_shape() {
    let url = ShopUrl::builder(shop())
        .path(["marketplace", "group1", "market1"])
        .ticket(&Ticket::new("xyz123"))
        .return_url("https://yoursite.com/welcome-back")
        .campaign("spring-24")
        .period("P1M")
        .param("utm_source", "newsletter")
        .build()
        .unwrap();
    assert_eq!(
        url.as_str(),
        "https://shop.example.com/marketplace/group1/market1?at=xyz123\
         &returnUrl=https%3A%2F%2Fyoursite.com%2Fwelcome-back&campaign=spring-24&period=P1M\
         &utm_source=newsletter"
    );
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(
        pairs[1],
        (
            "returnUrl".into(),
            "https://yoursite.com/welcome-back".into()
        )
    );
}

#[test]
fn path_pieces_stay_one_segment_each() {
    let url = ShopUrl::builder(Url::parse("https://shop.example.com/prefix/").unwrap())
        .path([
            "a/b", "c?d=1", "e#f", "%2e%2e", ".%2E", "g h", "å", "i\\j", " ..", "..;", "x;y=z",
            "／", "\u{2028}",
        ])
        .build()
        .unwrap();
    assert_eq!(
        url.path(),
        "/prefix/a%2Fb/c%3Fd%3D1/e%23f/%252e%252e/.%252E/g%20h/%C3%A5/i%5Cj/%20../..%3B/x%3By%3Dz\
         /%EF%BC%8F/%E2%80%A8"
    );
    assert_eq!(url.query(), None);
    assert_eq!(url.fragment(), None);
    assert_eq!(url.path_segments().unwrap().count(), 14);
    // URL parsing drops tabs and newlines: ".\n." would become "..", and pop "prefix".
    let long = "x".repeat(257);
    for bad in [
        "",
        ".",
        "..",
        ".\n.",
        "\t..",
        ".\r",
        "a\tb",
        "nul\0",
        "a\r\nb",
        long.as_str(),
    ] {
        let err = ShopUrl::builder(shop())
            .path(["ok", bad])
            .build()
            .unwrap_err();
        assert_eq!(err, ShopUrlError::InvalidPathPiece);
    }
}

#[test]
fn a_servlet_parent_segment_never_reaches_the_url_as_is() {
    let url = ShopUrl::builder(Url::parse("https://shop.example.com/marketplace/").unwrap())
        .path(["..;", "admin"])
        .build()
        .unwrap();
    assert_eq!(
        url.as_str(),
        "https://shop.example.com/marketplace/..%3B/admin"
    );
    assert!(!url.as_str().contains("..;"));
}

#[test]
fn query_values_are_encoded_and_cannot_add_parameters() {
    let url = ShopUrl::builder(shop())
        .ticket(&Ticket::new("t&returnUrl=https://evil.example"))
        .campaign("a b+c&d=e")
        .param("tc", "#frag?")
        .build()
        .unwrap();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(
        pairs,
        vec![
            ("at".into(), "t&returnUrl=https://evil.example".into()),
            ("campaign".into(), "a b+c&d=e".into()),
            ("tc".into(), "#frag?".into()),
        ]
    );
    assert_eq!(url.fragment(), None);
}

#[test]
fn typed_parameters_cannot_be_set_twice() {
    for name in [
        "at",
        "AT",
        "returnUrl",
        "return_url",
        "campaign",
        "Period",
        "",
    ] {
        let err = ShopUrl::builder(shop())
            .param(name, "x")
            .build()
            .unwrap_err();
        assert_eq!(err, ShopUrlError::InvalidParam, "{name}");
    }
}

#[test]
fn bases_and_return_urls_are_checked() {
    for base in [
        "http://shop.example.com/",
        "ftp://shop.example.com/",
        "mailto:shop@example.com",
        // The reader's browser would get the credentials.
        "https://user:password@shop.example.com/",
        "https://user@shop.example.com/",
        "https://shop.example.com/#top",
        "http://localhost.evil.example/",
    ] {
        let err = ShopUrl::builder(Url::parse(base).unwrap())
            .build()
            .unwrap_err();
        assert_eq!(err, ShopUrlError::InvalidBase, "{base}");
    }
    assert!(
        ShopUrl::builder(Url::parse("http://127.0.0.1:8080/").unwrap())
            .build()
            .is_ok()
    );
    // The shop sends the reader back with a ticket: never over plain http.
    assert!(
        ShopUrl::builder(shop())
            .return_url("http://localhost:3000/back")
            .build()
            .is_ok()
    );
    for return_url in [
        "/relative",
        "//evil.example/",
        "javascript:alert(1)",
        "not a url",
        "http://news.example.com/welcome-back",
        "ftp://news.example.com/",
    ] {
        let err = ShopUrl::builder(shop())
            .return_url(return_url)
            .build()
            .unwrap_err();
        assert_eq!(err, ShopUrlError::InvalidReturnUrl, "{return_url}");
    }
}

#[test]
fn an_existing_query_on_the_base_is_kept() {
    let url = ShopUrl::builder(Url::parse("https://shop.example.com/m?lang=sv").unwrap())
        .path(["x"])
        .ticket(&Ticket::new("t1"))
        .build()
        .unwrap();
    assert_eq!(url.as_str(), "https://shop.example.com/m/x?lang=sv&at=t1");
}
