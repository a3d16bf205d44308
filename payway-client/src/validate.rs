//! Small predicates on configuration values, shared by the builder, the server-token cache
//! and the shop links.

use std::net::IpAddr;

use url::{Host, Url};

/// Why a base URL (of the API, of SSO2, of the shop) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BaseUrlProblem {
    /// Plain `http` to a host that is not loopback.
    Insecure,
    /// Anything else, in words.
    Invalid(&'static str),
}

/// A base URL has a host, no credentials, no query or fragment, and is `https`, or `http` to
/// a loopback host. A path prefix (a proxy) is fine.
pub(crate) fn check_base_url(url: &Url) -> Result<(), BaseUrlProblem> {
    let Some(host) = url.host() else {
        return Err(BaseUrlProblem::Invalid("it has no host"));
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(BaseUrlProblem::Invalid("it must not contain credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(BaseUrlProblem::Invalid(
            "it must not have a query or fragment",
        ));
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&host) => Ok(()),
        "http" => Err(BaseUrlProblem::Insecure),
        _ => Err(BaseUrlProblem::Invalid("the scheme must be https")),
    }
}

/// `true` for a loopback host: `127.0.0.0/8`, `::1` or `localhost`.
pub(crate) fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
    }
}

/// A scope is a non-empty token without whitespace or control characters (scopes are
/// joined with spaces on the wire).
pub(crate) fn is_valid_scope(scope: &str) -> bool {
    !scope.is_empty() && !scope.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for (host, expected) in [
            ("127.0.0.1", true),
            ("127.9.9.9", true),
            ("[::1]", true),
            ("LOCALHOST", true),
            ("10.0.0.1", false),
            ("[::2]", false),
            ("localhost.evil.example", false),
        ] {
            let url = url::Url::parse(&format!("http://{host}/")).unwrap();
            assert_eq!(is_loopback(&url.host().unwrap()), expected, "{host}");
        }
    }

    #[test]
    fn scopes_are_single_tokens() {
        assert!(is_valid_scope("/external/me/w"));
        assert!(!is_valid_scope(""));
        assert!(!is_valid_scope("/a /b"));
        assert!(!is_valid_scope("/a\n"));
    }
}
