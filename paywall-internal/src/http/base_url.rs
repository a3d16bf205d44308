//! The base URL every request goes below: a host, no userinfo, no query, no fragment;
//! `https`, or `http` to a loopback host; a path prefix (a proxy's) kept.

use std::net::IpAddr;

use url::{Host, Url};

/// Why a base URL cannot be used. Each crate maps it to its own `BuildError`
/// (`MissingEnvironment`, `InsecureBaseUrl`, `InvalidBaseUrl { reason }`) with the function
/// [`http_error_fns!`](crate::http_error_fns) writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseUrlError {
    /// Neither a base URL nor an environment was given.
    Missing,
    /// Plain `http` to a host that is not loopback: keys would cross the network in clear.
    Insecure,
    /// Anything else, in a few words.
    Invalid(&'static str),
}

/// The caller's base URL, else the environment's (asked for only then), checked by
/// [`check_base_url`].
///
/// # Errors
///
/// [`BaseUrlError::Missing`] when neither is given; as [`check_base_url`].
pub fn choose_base_url(
    given: Option<Url>,
    environment: impl FnOnce() -> Option<Url>,
) -> Result<Url, BaseUrlError> {
    let url = given.or_else(environment).ok_or(BaseUrlError::Missing)?;
    check_base_url(&url)?;
    Ok(url)
}

/// A host, no userinfo, no query, no fragment; `https`, or `http` to a loopback host.
///
/// # Errors
///
/// [`BaseUrlError::Insecure`] for `http` to any other host, [`BaseUrlError::Invalid`] with
/// the reason otherwise.
pub fn check_base_url(url: &Url) -> Result<(), BaseUrlError> {
    let Some(host) = url.host() else {
        return Err(BaseUrlError::Invalid("it has no host"));
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(BaseUrlError::Invalid("it must not contain credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(BaseUrlError::Invalid(
            "it must not have a query or fragment",
        ));
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&host) => Ok(()),
        "http" => Err(BaseUrlError::Insecure),
        _ => Err(BaseUrlError::Invalid("the scheme must be https")),
    }
}

/// `127.0.0.0/8`, `::1` or `localhost`: traffic that never leaves the machine.
#[must_use]
pub fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str) -> Result<(), BaseUrlError> {
        check_base_url(&Url::parse(url).unwrap())
    }

    #[test]
    fn https_anywhere_plain_http_only_to_loopback() {
        for ok in [
            "https://api.example/",
            "https://proxy.example/prefix/",
            "http://127.0.0.1:8080",
            "http://127.1.2.3/",
            "http://[::1]:1/",
            "http://localhost:9/",
            "http://LocalHost/",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        for insecure in [
            "http://api.example/",
            "http://10.0.0.1/",
            "http://localhost.evil.example/",
            "http://[::2]/",
        ] {
            assert_eq!(check(insecure), Err(BaseUrlError::Insecure), "{insecure}");
        }
    }

    #[test]
    fn every_other_refusal_gives_its_reason() {
        for (url, reason) in [
            ("https://u:p@x.example/", "it must not contain credentials"),
            ("https://u@x.example/", "it must not contain credentials"),
            (
                "https://x.example/?a=1",
                "it must not have a query or fragment",
            ),
            (
                "https://x.example/#f",
                "it must not have a query or fragment",
            ),
            ("ftp://x.example/", "the scheme must be https"),
            ("file:///etc/passwd", "it has no host"),
            ("unix:/run/sock", "it has no host"),
            ("data:text/plain,x", "it has no host"),
        ] {
            assert_eq!(check(url), Err(BaseUrlError::Invalid(reason)), "{url}");
        }
    }

    #[test]
    fn the_callers_url_wins_and_one_is_needed() {
        let given = Url::parse("http://127.0.0.1:9/p/").unwrap();
        let environment = Url::parse("https://api.example/").unwrap();
        let unasked = || -> Option<Url> { panic!("the environment is not asked for") };
        assert_eq!(choose_base_url(Some(given.clone()), unasked), Ok(given));
        assert_eq!(
            choose_base_url(None, || Some(environment.clone())),
            Ok(environment)
        );
        assert_eq!(choose_base_url(None, || None), Err(BaseUrlError::Missing));
        let insecure = Url::parse("http://api.example/").unwrap();
        assert_eq!(
            choose_base_url(Some(insecure), || None),
            Err(BaseUrlError::Insecure)
        );
    }
}
