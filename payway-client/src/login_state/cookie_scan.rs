//! Finding one cookie in a request's `Cookie` headers, read as bytes: the family's scan
//! (`paywall_internal::cookie`), whose value must then be text.

use paywall_internal::cookie::{self, CookieError};

/// The largest whole `Cookie` header scanned for a cookie, in bytes (64 KiB).
pub const MAX_COOKIE_HEADER_BYTES: usize = cookie::MAX_COOKIE_HEADER_BYTES;

/// Why a cookie could not be read from the `Cookie` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScanError {
    /// The headers together are longer than [`MAX_COOKIE_HEADER_BYTES`].
    TooLarge { len: usize },
    /// The cookie appears more than once.
    Duplicate,
    /// The cookie's value is not UTF-8.
    NotText,
}

/// The value of cookie `name` in `headers` (each one `Cookie` header's bytes): at most one in
/// all of them together, which are scanned up to [`MAX_COOKIE_HEADER_BYTES`] in all. Only the
/// value found must be UTF-8: other cookies may hold anything (`city=Umeå` in Latin-1).
pub(crate) fn find_cookie<'a, I>(name: &str, headers: I) -> Result<Option<&'a str>, ScanError>
where
    I: IntoIterator<Item = &'a [u8]>,
{
    let found = cookie::find_in_headers(name, headers).map_err(|error| match error {
        CookieError::HeaderTooLarge { len, .. } => ScanError::TooLarge { len },
        CookieError::Duplicate => ScanError::Duplicate,
    })?;
    found
        .map(|value| std::str::from_utf8(value).map_err(|_| ScanError::NotText))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_cookie_is_found_exactly() {
        let headers: [&[u8]; 2] = [b"a=1; city=Ume\xe5", b" wanted = v1 ;b=2"];
        assert_eq!(find_cookie("wanted", headers), Ok(Some("v1")));
        assert_eq!(find_cookie("want", headers), Ok(None));
        let twice: [&[u8]; 2] = [b"wanted=1", b"wanted=2"];
        assert_eq!(find_cookie("wanted", twice), Err(ScanError::Duplicate));
        let latin: [&[u8]; 1] = [b"wanted=\xe5"];
        assert_eq!(find_cookie("wanted", latin), Err(ScanError::NotText));
        let huge = vec![b'a'; MAX_COOKIE_HEADER_BYTES + 1];
        assert!(matches!(
            find_cookie("wanted", [huge.as_slice()]),
            Err(ScanError::TooLarge { .. })
        ));
    }
}
