//! Helpers shared by the runnable examples and the demo of the paywall SDK crates.

use std::ffi::OsString;

use url::Url;

/// The environment variable `name`: `None` when it is not set, and an error naming it (never
/// its value) when it is set but is not Unicode, so that a configured secret can never read
/// as "not configured".
///
/// # Errors
///
/// `"{name} is set but is not valid Unicode"`.
pub fn setting(name: &str) -> Result<Option<String>, String> {
    setting_from(name, |name| std::env::var_os(name))
}

/// [`setting`], with a variable set to the empty text read as not set.
///
/// # Errors
///
/// As [`setting`].
pub fn non_empty_setting(name: &str) -> Result<Option<String>, String> {
    Ok(setting(name)?.filter(|value| !value.is_empty()))
}

/// [`setting`], with `lookup` in place of `std::env::var_os`.
fn setting_from(
    name: &str,
    lookup: impl Fn(&str) -> Option<OsString>,
) -> Result<Option<String>, String> {
    lookup(name)
        .map(|value| {
            value
                .into_string()
                .map_err(|_| format!("{name} is set but is not valid Unicode"))
        })
        .transpose()
}

/// `url` with the value of the query parameter `param` replaced by `TICKET`, for printing.
///
/// Tickets are credentials: a URL that carries one (a shop link's `at`, a callback's
/// `ticket`) is shown only with the ticket masked, as any log line should.
///
/// ```
/// let url = url::Url::parse("https://shop.example/m?at=secret-ticket&returnUrl=x").unwrap();
/// assert_eq!(
///     paywall_examples::mask_query_param(&url, "at"),
///     "https://shop.example/m?at=TICKET&returnUrl=x"
/// );
/// ```
#[must_use]
pub fn mask_query_param(url: &Url, param: &str) -> String {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(name, value)| {
            let shown = if name == param {
                "TICKET".to_owned()
            } else {
                value.into_owned()
            };
            (name.into_owned(), shown)
        })
        .collect();
    let mut shown = url.clone();
    shown.query_pairs_mut().clear().extend_pairs(pairs);
    shown.to_string()
}

pub mod news_site;

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::setting_from;

    #[cfg(unix)]
    #[test]
    fn a_setting_that_is_not_unicode_is_an_error_not_unset() {
        use std::os::unix::ffi::OsStringExt;
        let lookup = |_: &str| Some(OsString::from_vec(b"secret-\xff".to_vec()));
        let error = setting_from("ACCESSTYPE_WEBHOOK_SECRET", lookup).unwrap_err();
        assert!(error.contains("ACCESSTYPE_WEBHOOK_SECRET"), "{error}");
        assert!(!error.contains("secret-"), "{error}");
        assert_eq!(setting_from("X", |_| None).unwrap(), None);
        let set = setting_from("X", |_| Some(OsString::from("v"))).unwrap();
        assert_eq!(set.as_deref(), Some("v"));
    }
}
