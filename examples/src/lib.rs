//! Helpers shared by the runnable examples and the demo of the paywall SDK crates.

use url::Url;

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
