//! [`Reader`]: who is asking, as SSO2's server calls name them (`ipa`, `uas`), and whether
//! it is a bot.

use std::fmt;
use std::net::IpAddr;

/// The longest User-Agent kept, in bytes (longer ones are cut at a character boundary).
const MAX_USER_AGENT_BYTES: usize = 512;

/// Marks, in a lower-cased User-Agent, of a crawler, link previewer, monitor or HTTP
/// library: such a client keeps no cookie, so it must not be sent to identify. A bare `bot`
/// is not a mark (phone models such as "CUBOT" carry it); crawlers write `...bot/1.0` or a
/// `+http://` contact address, which browsers never do.
const BOT_MARKS: [&str; 27] = [
    "bot/",
    "slackbot",
    "discordbot",
    "telegrambot",
    "bot;",
    "+http",
    "crawl",
    "spider",
    "slurp",
    "archiver",
    "facebookexternalhit",
    "facebookcatalog",
    "mediapartners-google",
    "embedly",
    "whatsapp",
    "skypeuripreview",
    "lighthouse",
    "pingdom",
    "curl/",
    "wget/",
    "python-requests",
    "python-urllib",
    "go-http-client",
    "okhttp",
    "java/",
    "libwww",
    "httpclient",
];

/// The reader a server call is made for: their IP address and User-Agent, taken from their
/// request (SSO2's `ipa` and `uas` claims).
///
/// Take the IP address your proxy reports for the client (`X-Forwarded-For` as your load
/// balancer writes it), not the proxy's own. `{:?}` hides the IP address.
///
/// ```
/// use payway_client::sso2::Reader;
///
/// let reader = Reader::new("203.0.113.7".parse()?, "Mozilla/5.0 (X11; Linux x86_64)");
/// assert!(!reader.is_bot());
/// assert!(Reader::new("203.0.113.8".parse()?, "Googlebot/2.1").is_bot());
/// # Ok::<(), std::net::AddrParseError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Reader {
    ip: IpAddr,
    user_agent: String,
}

impl Reader {
    /// The reader at `ip` with this User-Agent. Control characters are dropped and the text
    /// is cut to 512 bytes; an IPv4 address mapped into IPv6 (`::ffff:203.0.113.7`, as a
    /// dual-stack listener reports it) is written as IPv4.
    pub fn new(ip: IpAddr, user_agent: &str) -> Self {
        let mut kept = String::with_capacity(user_agent.len().min(MAX_USER_AGENT_BYTES));
        for c in user_agent.chars().filter(|c| !c.is_control()) {
            if kept.len() + c.len_utf8() > MAX_USER_AGENT_BYTES {
                break;
            }
            kept.push(c);
        }
        Self {
            ip: ip.to_canonical(),
            user_agent: kept.trim().to_owned(),
        }
    }

    /// The reader's IP address.
    pub fn ip(&self) -> IpAddr {
        self.ip
    }

    /// The reader's User-Agent, as kept.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// `true` for a client that is not a person's browser: an empty User-Agent, or one that
    /// names a crawler, link previewer, monitor or HTTP library (`Googlebot/2.1`, a
    /// `+http://` contact address, `crawl`, `spider`, `curl/`, `python-requests`, ...). [`Sso2Flow`](crate::sso2::Sso2Flow) never sends
    /// such a client to identify: it keeps no cookie, so every page would send it there again.
    pub fn is_bot(&self) -> bool {
        if self.user_agent.is_empty() {
            return true;
        }
        let lower = self.user_agent.to_ascii_lowercase();
        BOT_MARKS.iter().any(|mark| lower.contains(mark))
    }
}

impl fmt::Debug for Reader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader")
            .field("ip", &"[redacted]")
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// `true` when a `Purpose`, `Sec-Purpose`, `X-Purpose` or `X-Moz` header value marks a
/// prefetch or preview (`prefetch`, `prefetch;prerender`, `preview`): the browser fetches
/// the page before (or without) the reader opening it, and follows no redirect to SSO2.
///
/// ```
/// use payway_client::sso2::is_prefetch;
///
/// assert!(is_prefetch("prefetch"));
/// assert!(is_prefetch("prefetch;prerender"));
/// assert!(!is_prefetch("navigate"));
/// ```
pub fn is_prefetch(header_value: &str) -> bool {
    let first = header_value.split(';').next().unwrap_or_default().trim();
    ["prefetch", "prerender", "preview"]
        .iter()
        .any(|word| first.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(ua: &str) -> Reader {
        Reader::new("198.51.100.1".parse().unwrap(), ua)
    }

    #[test]
    fn browsers_are_not_bots_and_bots_are() {
        for browser in [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
            "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36",
        ] {
            assert!(!reader(browser).is_bot(), "{browser}");
        }
        for bot in [
            "",
            "   ",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "facebookexternalhit/1.1",
            "Slackbot-LinkExpanding 1.0",
            "curl/8.5.0",
            "python-requests/2.31",
            "Mozilla/5.0 (compatible; bingbot/2.0)",
            "WhatsApp/2.23",
            "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
            "Twitterbot/1.0",
        ] {
            assert!(reader(bot).is_bot(), "{bot}");
        }
    }

    #[test]
    fn user_agents_are_cleaned_and_capped() {
        assert_eq!(reader("A\r\nB\tC\0").user_agent(), "ABC");
        let long = "é".repeat(400);
        let kept = reader(&long);
        assert!(kept.user_agent().len() <= MAX_USER_AGENT_BYTES);
        assert!(kept.user_agent().chars().all(|c| c == 'é'));
    }

    #[test]
    fn mapped_addresses_are_written_as_ipv4_and_hidden_in_debug() {
        let mapped = Reader::new("::ffff:203.0.113.7".parse().unwrap(), "x");
        assert_eq!(mapped.ip().to_string(), "203.0.113.7");
        assert!(!format!("{mapped:?}").contains("203.0.113.7"));
    }

    #[test]
    fn prefetch_values() {
        for yes in [
            "prefetch",
            "Prefetch",
            " prefetch;prerender",
            "prefetch;anonymous-client-ip",
            "preview",
        ] {
            assert!(is_prefetch(yes), "{yes}");
        }
        for no in ["", "navigate", "prefetcher", "document"] {
            assert!(!is_prefetch(no), "{no}");
        }
    }
}
