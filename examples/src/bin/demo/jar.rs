//! A browser's cookies for one site, as the demo's stand-in browsers keep them: what each
//! `Set-Cookie` sets or clears, and the `Cookie` header sent back.

use std::collections::BTreeMap;

/// One browser's cookies for the news site, by name.
#[derive(Debug, Clone, Default)]
pub(crate) struct Jar(BTreeMap<String, String>);

impl Jar {
    /// Applies `Set-Cookie` header values: each sets its cookie, or removes it
    /// (`Max-Age=0`, an empty value).
    pub(crate) fn apply<'a>(&mut self, set_cookies: impl IntoIterator<Item = &'a String>) {
        for set_cookie in set_cookies {
            let pair = set_cookie.split(';').next().unwrap_or_default();
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let cleared = value.is_empty()
                || set_cookie
                    .split(';')
                    .any(|attribute| attribute.trim().eq_ignore_ascii_case("Max-Age=0"));
            if cleared {
                self.0.remove(name.trim());
            } else {
                self.0.insert(name.trim().to_owned(), value.to_owned());
            }
        }
    }

    /// The `Cookie` header this browser sends the site.
    pub(crate) fn header(&self) -> String {
        self.0
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The cookie a `Set-Cookie` value sets, and its attributes, without the value (which may
/// carry a sealed session or a login's state).
pub(crate) fn describe(set_cookie: &str) -> String {
    let mut parts = set_cookie.split(';');
    let name = parts
        .next()
        .and_then(|pair| pair.split_once('='))
        .map_or("", |(name, _)| name.trim());
    let attributes: Vec<&str> = parts.map(str::trim).collect();
    format!("{name}=...; {}", attributes.join("; "))
}
