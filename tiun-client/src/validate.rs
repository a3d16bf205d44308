//! The checks [`build`](crate::TiunClientBuilder::build) runs on the configuration: the API key
//! and the base URL.

use std::net::IpAddr;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use url::{Host, Url};

use crate::error::BuildError;

/// The key as a header value marked sensitive (hyper never logs or prints it).
pub(crate) fn api_key_value(key: Option<&SecretString>) -> Result<HeaderValue, BuildError> {
    let key = key.map(ExposeSecret::expose_secret).unwrap_or_default();
    if key.is_empty() {
        return Err(BuildError::MissingApiKey);
    }
    // Keys are printable ASCII; anything else is a copy-paste slip that tiun would answer 401.
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(BuildError::InvalidApiKey);
    }
    let mut value = HeaderValue::from_str(key).map_err(|_| BuildError::InvalidApiKey)?;
    value.set_sensitive(true);
    Ok(value)
}

/// A host, no userinfo, no query, no fragment; `https`, or `http` to a loopback host.
pub(crate) fn check_base_url(url: &Url) -> Result<(), BuildError> {
    let invalid = |reason| Err(BuildError::InvalidBaseUrl { reason });
    let Some(host) = url.host() else {
        return invalid("it has no host");
    };
    if !url.username().is_empty() || url.password().is_some() {
        return invalid("it must not contain credentials");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return invalid("it must not have a query or fragment");
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&host) => Ok(()),
        "http" => Err(BuildError::InsecureBaseUrl),
        _ => invalid("the scheme must be https"),
    }
}

/// `127.0.0.0/8`, `::1` or `localhost`: traffic that never leaves the machine.
pub(crate) fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str) -> Result<(), BuildError> {
        check_base_url(&Url::parse(url).unwrap())
    }

    #[test]
    fn loopback_hosts() {
        for yes in [
            "http://127.0.0.1/",
            "http://127.9.9.9/",
            "http://[::1]/",
            "http://LocalHost/",
        ] {
            assert!(
                is_loopback(&Url::parse(yes).unwrap().host().unwrap()),
                "{yes}"
            );
        }
        for no in [
            "http://10.0.0.1/",
            "http://[::2]/",
            "http://localhost.evil.example/",
        ] {
            assert!(
                !is_loopback(&Url::parse(no).unwrap().host().unwrap()),
                "{no}"
            );
        }
    }

    #[test]
    fn base_url_reasons() {
        assert!(check("https://api.tiun.live/").is_ok());
        assert!(matches!(
            check("https://u@x.example/"),
            Err(BuildError::InvalidBaseUrl {
                reason: "it must not contain credentials"
            })
        ));
        assert!(matches!(
            check("https://x.example/?q"),
            Err(BuildError::InvalidBaseUrl {
                reason: "it must not have a query or fragment"
            })
        ));
        assert!(matches!(
            check("ftp://x.example/"),
            Err(BuildError::InvalidBaseUrl {
                reason: "the scheme must be https"
            })
        ));
        assert!(matches!(
            check("data:text/plain,x"),
            Err(BuildError::InvalidBaseUrl {
                reason: "it has no host"
            })
        ));
        assert!(matches!(
            check("http://x.example/"),
            Err(BuildError::InsecureBaseUrl)
        ));
    }
}
