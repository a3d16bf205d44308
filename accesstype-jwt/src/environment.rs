//! Accesstype's hosts and the URLs built on them.

use std::fmt;
use std::str::FromStr;

use url::Url;

use crate::error::Error;
use crate::reader::ReaderId;
use crate::story_url::{ACCESS, StoryQuery, encoded_story_url, story_segment};

/// An Accesstype environment, in Accesstype's own words.
///
/// ```
/// use accesstype_jwt::{Environment, ReaderId};
///
/// let reader = ReaderId::parse("0123456789abcdef0123456789abcdef")?;
/// let url = Environment::Staging.story_access_url("story/../1", "acct-key", &reader, None)?;
/// assert_eq!(
///     url.as_str(),
///     "https://staging.accesstype.com/api/access/v1/stories/story%2F..%2F1/access\
///      ?key=acct-key&readerId=0123456789abcdef0123456789abcdef",
/// );
/// assert_eq!("staging".parse::<Environment>().unwrap(), Environment::Staging);
/// # Ok::<(), accesstype_jwt::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Environment {
    /// `https://www.accesstype.com`.
    Production,
    /// `https://staging.accesstype.com`.
    Staging,
}

impl Environment {
    /// The host's URL: `https://www.accesstype.com/` or `https://staging.accesstype.com/`.
    #[must_use]
    pub fn base_url(self) -> Url {
        let base = match self {
            Self::Production => "https://www.accesstype.com/",
            Self::Staging => "https://staging.accesstype.com/",
        };
        #[allow(
            clippy::expect_used,
            reason = "two constant URLs, each parsed by the integration tests"
        )]
        Url::parse(base).expect("constant base URL parses")
    }

    /// The browser script for an account: `{host}/frontend/v2/accesstype.js?key={account_key}`.
    #[must_use]
    pub fn script_url(self, account_key: &str) -> Url {
        let mut url = self.base_url();
        url.set_path("/frontend/v2/accesstype.js");
        url.query_pairs_mut().append_pair("key", account_key);
        url
    }

    /// The browser script with `&env=sandbox` added, so that it uses the payment gateways'
    /// test modes.
    #[must_use]
    pub fn sandbox_script_url(self, account_key: &str) -> Url {
        let mut url = self.script_url(account_key);
        url.query_pairs_mut().append_pair("env", "sandbox");
        url
    }

    /// The access check for one reader and story:
    /// `{host}/api/access/v1/stories/{story_id}/access?key=&readerId=&accesstype_jwt=`.
    ///
    /// The story id is one path segment that this crate percent-encodes itself: every byte
    /// but `A-Z a-z 0-9 - . _ ~` becomes `%XX`, so `/`, `?`, `#`, `%`, `;`, `=` and `\`
    /// cannot change the path (`..;`, which servlet containers read as `..`, is sent as
    /// `..%3B`). `accesstype_jwt` is added only when a user JWT is given (it enables metering
    /// for logged-in readers). For a story behind a hard paywall, append `disable-meter=true`
    /// with [`Url::query_pairs_mut`]. The answer is an [`AccessGrant`](crate::AccessGrant).
    ///
    /// With the `client` feature, `AccesstypeClient` builds this URL, sends it with the API
    /// key, reads the answer and pings back a metered read for you.
    ///
    /// The URL holds the reader's JWT: do not log it.
    ///
    /// # Why a `Result`
    ///
    /// A WHATWG URL (what [`url::Url`] and browsers implement) reads a segment `.` or `..` as
    /// a step in the path, so `stories/../access` would ask for another resource. Such an id
    /// is an error rather than that request or a panic. Story ids you get from your CMS
    /// (UUIDs, slugs, numbers) always succeed.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an empty story id, `.` or `..`, one longer than
    /// [`MAX_STORY_ID_BYTES`](crate::MAX_STORY_ID_BYTES) or one with control characters;
    /// [`Error::InvalidAccountKey`] for an empty key or one with control or whitespace
    /// characters (the client's builder refuses the same keys).
    pub fn story_access_url(
        self,
        story_id: &str,
        account_key: &str,
        reader_id: &ReaderId,
        accesstype_jwt: Option<&str>,
    ) -> Result<Url, Error> {
        if !is_valid_account_key(account_key) {
            return Err(Error::InvalidAccountKey);
        }
        let query = StoryQuery {
            account_key,
            reader: reader_id,
            jwt: accesstype_jwt,
            disable_meter: false,
        };
        let segment = story_segment(story_id)?;
        Ok(encoded_story_url(&self.base_url(), &segment, ACCESS, query))
    }

    /// `production` or `staging`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::Staging => "staging",
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Environment {
    type Err = ParseEnvironmentError;

    /// `production` or `staging`, ignoring ASCII case and surrounding whitespace.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let name = name.trim();
        if name.eq_ignore_ascii_case("production") {
            Ok(Self::Production)
        } else if name.eq_ignore_ascii_case("staging") {
            Ok(Self::Staging)
        } else {
            Err(ParseEnvironmentError)
        }
    }
}

/// A string that names no [`Environment`]: expected `production` or `staging`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("unknown accesstype environment; expected `production` or `staging`")]
#[non_exhaustive]
pub struct ParseEnvironmentError;

/// Whether `key` can be an account key: not empty, and no control or whitespace character
/// anywhere (a stray space or line break is a copy-paste slip Accesstype would refuse).
pub(crate) fn is_valid_account_key(key: &str) -> bool {
    !key.is_empty() && !key.chars().any(|c| c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::is_valid_account_key;

    #[test]
    fn printable_keys_without_spaces_pass() {
        for key in ["acct-7f3e", "Acct_7F3E.x", "ключ"] {
            assert!(is_valid_account_key(key), "{key:?}");
        }
        for key in [
            "",
            "a b",
            " a",
            "a\t",
            "a\u{a0}",
            "a\u{2028}",
            "a\r\nb",
            "\u{0}",
            "a\u{7f}",
        ] {
            assert!(!is_valid_account_key(key), "{key:?}");
        }
    }
}
