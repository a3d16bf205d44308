//! Where a reader may be sent back to: a place on this site, and nothing else.
//!
//! Every redirect whose target comes from the request (a `return` parameter, the `r` an SSO2
//! landing carries, the page a login started on) goes through [`resolve`]. The raw value is
//! resolved against the site's own URL, as a browser would resolve it, and the result must
//! have the site's origin: the same scheme, host and port. Checking the raw text instead
//! (`starts_with('/')`) is not enough: browsers drop tabs and newlines from a URL and read
//! `\` as `/`, so `/\t/evil.example` arrives as `//evil.example`, another site.

use url::Url;

/// The longest return value read, in bytes (the cap of Payway's `ReturnPolicy`); anything
/// longer goes to the home page.
const MAX_RETURN_BYTES: usize = 4096;

/// The place on `site` that `raw` names, or the site's home page when `raw` is missing,
/// holds a control character or `\`, does not resolve, or resolves to another origin.
///
/// The answer is a full URL on the site's origin, safe to put in `Location` as it is.
pub(crate) fn resolve(site: &Url, raw: Option<&str>) -> Url {
    raw.and_then(|raw| same_origin(site, raw))
        .unwrap_or_else(|| home(site))
}

/// The site's home page.
pub(crate) fn home(site: &Url) -> Url {
    site.join("/").unwrap_or_else(|_| site.clone())
}

/// `url` without its scheme and host (`/path?query#fragment`), for a link or a form on a page
/// of the site.
pub(crate) fn local_part(url: &Url) -> &str {
    &url[url::Position::BeforePath..]
}

/// `raw` resolved against `site`, when that stays on the site's origin; `None` for anything
/// [`resolve`] sends home.
pub(crate) fn same_origin(site: &Url, raw: &str) -> Option<Url> {
    // A browser strips tabs and newlines and treats `\` as `/` before it resolves a URL: refuse
    // them in the raw value, so no reading of it can differ from ours.
    if raw.len() > MAX_RETURN_BYTES || raw.chars().any(|c| c.is_control() || c == '\\') {
        return None;
    }
    let resolved = site.join(raw).ok()?;
    let same = resolved.origin() == site.origin()
        && resolved.username().is_empty()
        && resolved.password().is_none();
    same.then_some(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Url {
        Url::parse("http://127.0.0.1:3000/").unwrap()
    }

    fn to(raw: &str) -> String {
        resolve(&site(), Some(raw)).to_string()
    }

    #[test]
    fn a_path_on_the_site_is_kept_with_its_query_and_fragment() {
        assert_eq!(
            to("/tulo/articles/harbour-market?x=1#top"),
            "http://127.0.0.1:3000/tulo/articles/harbour-market?x=1#top"
        );
        assert_eq!(
            to("tulo/articles/a"),
            "http://127.0.0.1:3000/tulo/articles/a"
        );
        assert_eq!(
            to("http://127.0.0.1:3000/shop/articles/council-budget"),
            "http://127.0.0.1:3000/shop/articles/council-budget"
        );
        // Same scheme, no authority: a relative path, as a browser reads it.
        assert_eq!(
            to("http:evil.example"),
            "http://127.0.0.1:3000/evil.example"
        );
        // An escaped tab is a path on the site, not a tab.
        assert_eq!(
            to("/%09/evil.example/phish"),
            "http://127.0.0.1:3000/%09/evil.example/phish"
        );
    }

    #[test]
    fn control_bytes_and_backslashes_anywhere_go_home() {
        for raw in [
            "/\t/evil.example/phish",
            "/\n/evil.example/phish",
            "/\r/evil.example",
            "/ok\u{0}",
            "/ok\u{7f}",
            "/ok\u{85}",
            "/\\evil.example",
            "\\\\evil.example",
            "/tulo/articles/x?a=\\",
        ] {
            assert_eq!(to(raw), "http://127.0.0.1:3000/", "{raw:?}");
        }
    }

    #[test]
    fn another_origin_goes_home() {
        for raw in [
            "//evil.example/phish",
            "///evil.example",
            "https://evil.example/",
            "http://127.0.0.1:3001/",
            "http://127.0.0.1/",
            "https://127.0.0.1:3000/",
            "http://localhost:3000/",
            "http://evil.example@127.0.0.1:3000/",
            "http://127.0.0.1:3000@evil.example/",
            "javascript:alert(1)",
            "data:text/html,hi",
        ] {
            assert_eq!(to(raw), "http://127.0.0.1:3000/", "{raw:?}");
        }
    }

    #[test]
    fn nothing_or_too_much_goes_home() {
        assert_eq!(resolve(&site(), None).as_str(), "http://127.0.0.1:3000/");
        let long = format!("/{}", "a".repeat(MAX_RETURN_BYTES));
        assert_eq!(to(&long), "http://127.0.0.1:3000/");
    }

    #[test]
    fn the_local_part_resolves_to_the_same_place_again() {
        for raw in ["/a?b=c#d", "/%09/x", "/a b", "/%2F%2Fevil.example"] {
            let once = resolve(&site(), Some(raw));
            let again = resolve(&site(), Some(local_part(&once)));
            assert_eq!(once, again, "{raw:?}");
        }
    }
}
