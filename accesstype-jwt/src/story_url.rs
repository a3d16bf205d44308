//! The URLs of a story's access check and pingback, on any base: the story id as one segment
//! encoded by the crate ([`story_segment`]), the query set through
//! [`Url::query_pairs_mut`].

use paywall_internal::segment::{append_segments, encode_segment};
use url::Url;

use crate::error::Error;
use crate::reader::ReaderId;

/// The longest story id accepted, in bytes.
pub const MAX_STORY_ID_BYTES: usize = 256;

// The family's limit for an id put in a URL path segment, which `encode_segment` is given.
const _: () = assert!(MAX_STORY_ID_BYTES == paywall_internal::segment::MAX_SEGMENT_BYTES);

/// A story id as one encoded path segment (the family's `encode_segment`: every byte but
/// RFC 3986's unreserved characters becomes `%XX`).
///
/// # Errors
///
/// [`Error::InvalidInput`] (`story id`) for an empty id, `.` or `..` (no URL can hold them as a
/// segment), one longer than [`MAX_STORY_ID_BYTES`], or one with control characters.
pub(crate) fn story_segment(story_id: &str) -> Result<String, Error> {
    encode_segment(story_id, MAX_STORY_ID_BYTES)
        .map(std::borrow::Cow::into_owned)
        .map_err(|refused| Error::InvalidInput {
            what: "story id",
            reason: refused.reason(),
        })
}

/// `GET .../stories/{id}/access`: the access check, the last segment of its URL.
pub(crate) const ACCESS: &str = "access";

/// `POST .../stories/{id}/pingback`: counts a metered read (sent by the client only).
#[cfg(any(feature = "__client", test))]
pub(crate) const PINGBACK: &str = "pingback";

/// The query both endpoints take. No `Debug`: it holds the reader's JWT.
#[derive(Clone, Copy)]
pub(crate) struct StoryQuery<'a> {
    pub(crate) account_key: &'a str,
    pub(crate) reader: &'a ReaderId,
    pub(crate) jwt: Option<&'a str>,
    pub(crate) disable_meter: bool,
}

/// `{base}/api/access/v1/stories/{segment}/{access|pingback}?key=&readerId=
/// [&accesstype_jwt=][&disable-meter=true]` for a story id already encoded by
/// [`story_segment`]: the path appended to `base` by the family's `append_segments` (a proxy's
/// prefix kept; `base` has no query or fragment: both callers check), then the query through
/// [`Url::query_pairs_mut`], which form-encodes each value.
pub(crate) fn encoded_story_url(
    base: &Url,
    segment: &str,
    endpoint: &str,
    query: StoryQuery<'_>,
) -> Url {
    let path = ["api", "access", "v1", "stories", segment, endpoint];
    let mut url = append_segments(base, &path);
    let mut pairs = url.query_pairs_mut();
    pairs
        .append_pair("key", query.account_key)
        .append_pair("readerId", query.reader.as_str());
    if let Some(jwt) = query.jwt {
        pairs.append_pair("accesstype_jwt", jwt);
    }
    if query.disable_meter {
        pairs.append_pair("disable-meter", "true");
    }
    drop(pairs);
    url
}

/// The pingback URL for the same story, reader and query as `access`, an access-check URL
/// that [`encoded_story_url`] built: its last path segment replaced, nothing else parsed or
/// encoded again (a metered read builds its URL once). `None` for a URL that does not end in
/// the access segment, which the caller then builds in full.
#[cfg(any(feature = "__client", test))]
pub(crate) fn pingback_of(access: &Url) -> Option<Url> {
    let stem = access.path().strip_suffix(ACCESS)?;
    let mut url = access.clone();
    url.set_path(&[stem, PINGBACK].concat());
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unreserved_characters_stay_as_they_are() {
        assert_eq!(story_segment("aZ09-._~").unwrap(), "aZ09-._~");
        assert_eq!(story_segment("..;").unwrap(), "..%3B");
        assert_eq!(story_segment("a;b=c").unwrap(), "a%3Bb%3Dc");
        assert_eq!(story_segment("%2e%2e").unwrap(), "%252e%252e");
        assert_eq!(story_segment("a/b?c#d").unwrap(), "a%2Fb%3Fc%23d");
        assert_eq!(story_segment("a\\b").unwrap(), "a%5Cb");
        assert_eq!(story_segment("／").unwrap(), "%EF%BC%8F");
        assert_eq!(story_segment("a\u{2028}b").unwrap(), "a%E2%80%A8b");
        assert_eq!(
            story_segment("john+news@example.com").unwrap(),
            "john%2Bnews%40example.com"
        );
        for bad in ["", ".", "..", "a\0b", "a\r\nb"] {
            assert!(story_segment(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_pingback_url_is_the_access_url_with_its_last_segment_replaced() {
        let reader = ReaderId::parse("0123456789abcdef0123456789abcdef").unwrap();
        let base = Url::parse("https://proxy.example/accesstype/").unwrap();
        for (segment, jwt, disable_meter) in [
            ("a%2Fb", Some("a.b+c"), true),
            ("access", None, false),
            ("%E2%80%AEaccess", Some("x/access?y"), false),
        ] {
            let query = StoryQuery {
                account_key: "k&y=",
                reader: &reader,
                jwt,
                disable_meter,
            };
            let access = encoded_story_url(&base, segment, ACCESS, query);
            let pingback = encoded_story_url(&base, segment, PINGBACK, query);
            assert_eq!(pingback_of(&access), Some(pingback), "{segment}");
        }
    }

    #[test]
    fn a_url_that_is_not_an_access_check_gives_no_pingback_url() {
        for url in ["https://x.example/api/other", "https://x.example/"] {
            assert_eq!(pingback_of(&Url::parse(url).unwrap()), None, "{url}");
        }
    }

    #[test]
    fn a_path_prefix_is_kept_and_the_meter_switch_appended() {
        let reader = ReaderId::parse("0123456789abcdef0123456789abcdef").unwrap();
        let query = StoryQuery {
            account_key: "k&y=",
            reader: &reader,
            jwt: Some("a.b+c"),
            disable_meter: true,
        };
        let base = Url::parse("https://proxy.example/accesstype/").unwrap();
        let url = encoded_story_url(&base, &story_segment("a/b").unwrap(), PINGBACK, query);
        assert_eq!(
            url.as_str(),
            "https://proxy.example/accesstype/api/access/v1/stories/a%2Fb/pingback\
             ?key=k%26y%3D&readerId=0123456789abcdef0123456789abcdef&accesstype_jwt=a.b%2Bc\
             &disable-meter=true"
        );
        let root = Url::parse("http://127.0.0.1:8080").unwrap();
        let url = encoded_story_url(&root, &story_segment("s").unwrap(), ACCESS, query);
        assert!(
            url.as_str()
                .starts_with("http://127.0.0.1:8080/api/access/v1/stories/s/access?key=")
        );
        // The same URL as one built step by step with `url`'s own setters.
        let mut expected = root.clone();
        expected.set_path("/api/access/v1/stories/s/access");
        expected
            .query_pairs_mut()
            .append_pair("key", "k&y=")
            .append_pair("readerId", reader.as_str())
            .append_pair("accesstype_jwt", "a.b+c")
            .append_pair("disable-meter", "true");
        assert_eq!(url, expected);
    }
}
