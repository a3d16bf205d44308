//! [`SetCookies`]: the `Set-Cookie` header values a login step asks you to send.

use std::fmt;
use std::ops::Deref;

/// The `Set-Cookie` header values to send with a response, in order: one header each.
///
/// A login step may set several cookies at once (the sealed session cookie, and the clearing
/// of the login's state cookie). Send every one: iterate, or with the `axum` feature return
/// it as a response part (it implements `IntoResponseParts`, and marks an answer that sets a
/// cookie `Cache-Control: private, no-store` unless it has its own). Derefs to `[String]`.
///
/// Whatever you send them with, keep such an answer out of shared caches: a CDN that stored
/// it would give this reader's cookie to the next. Put it after any header array in the
/// response tuple (`([(SET_COOKIE, ..)], set_cookies, body)`): such an array replaces the
/// headers of its name, while `SetCookies` adds its own.
///
/// `{:?}` prints the cookie names only: the values carry sealed sessions and login states.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SetCookies(Vec<String>);

impl SetCookies {
    /// No cookie to set.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// Adds one `Set-Cookie` header value.
    pub(crate) fn push(&mut self, set_cookie: String) {
        self.0.push(set_cookie);
    }

    /// The values, in order.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// The value that sets or clears the cookie `name`, if there is one.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|value| cookie_name(value) == name)
            .map(String::as_str)
    }

    /// The values, by value.
    pub fn into_vec(self) -> Vec<String> {
        self.0
    }
}

/// The name a `Set-Cookie` value sets.
fn cookie_name(set_cookie: &str) -> &str {
    set_cookie
        .split_once('=')
        .map_or(set_cookie, |(name, _)| name)
        .trim()
}

impl From<Vec<String>> for SetCookies {
    fn from(values: Vec<String>) -> Self {
        Self(values)
    }
}

impl Deref for SetCookies {
    type Target = [String];

    fn deref(&self) -> &[String] {
        &self.0
    }
}

impl IntoIterator for SetCookies {
    type Item = String;
    type IntoIter = std::vec::IntoIter<String>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a SetCookies {
    type Item = &'a String;
    type IntoIter = std::slice::Iter<'a, String>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Debug for SetCookies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|value| cookie_name(value)))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_names_only() {
        let cookies = SetCookies::from(vec![
            "__Host-a=secret-value; Path=/".to_owned(),
            "__Host-b=; Max-Age=0".to_owned(),
        ]);
        assert_eq!(format!("{cookies:?}"), r#"["__Host-a", "__Host-b"]"#);
        assert_eq!(cookies.get("__Host-b"), Some("__Host-b=; Max-Age=0"));
        assert_eq!(cookies.get("__Host-c"), None);
        assert_eq!(cookies.len(), 2);
    }
}
