//! tiun's two environments and their hosts.

use std::fmt;
use std::str::FromStr;

use url::Url;

/// The tiun environment a client talks to.
///
/// API keys belong to one environment: a sandbox key is answered `401` by live, and the other
/// way round. Use the environment your frontend snippet runs in (`sandbox: true` in the tiun
/// SDK means [`Environment::Sandbox`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Environment {
    /// Real readers and real money: `https://api.tiun.live`.
    Live,
    /// Test payments: `https://api-sandbox.tiun.live`.
    Sandbox,
}

impl Environment {
    /// The host root of this environment's API, e.g. `https://api.tiun.live/`.
    ///
    /// Every API path lives under it and starts with `/live_api/`, on both hosts.
    ///
    /// ```
    /// use tiun_client::Environment;
    ///
    /// assert_eq!(Environment::Sandbox.base_url().as_str(), "https://api-sandbox.tiun.live/");
    /// ```
    #[must_use]
    pub fn base_url(self) -> Url {
        let root = match self {
            Self::Live => "https://api.tiun.live/",
            Self::Sandbox => "https://api-sandbox.tiun.live/",
        };
        #[allow(clippy::expect_used)] // both literals are valid absolute URLs, checked by a test
        Url::parse(root).expect("environment base URLs are valid")
    }

    /// The lowercase name used in configuration: `"live"` or `"sandbox"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::Sandbox => "sandbox",
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error returned when a string names no tiun environment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown tiun environment (expected `live` or `sandbox`)")]
pub struct ParseEnvironmentError(());

impl FromStr for Environment {
    type Err = ParseEnvironmentError;

    /// Parses `live` or `sandbox`, ignoring ASCII case and surrounding whitespace.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("live") {
            Ok(Self::Live)
        } else if s.eq_ignore_ascii_case("sandbox") {
            Ok(Self::Sandbox)
        } else {
            Err(ParseEnvironmentError(()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_the_documented_ones() {
        assert_eq!(
            Environment::Live.base_url().as_str(),
            "https://api.tiun.live/"
        );
        assert_eq!(
            Environment::Sandbox.base_url().as_str(),
            "https://api-sandbox.tiun.live/"
        );
    }

    #[test]
    fn parses_names_case_insensitively() {
        assert_eq!(" Live ".parse(), Ok(Environment::Live));
        assert_eq!("SANDBOX".parse(), Ok(Environment::Sandbox));
        assert!("prod".parse::<Environment>().is_err());
        assert_eq!(Environment::Sandbox.to_string(), "sandbox");
    }
}
