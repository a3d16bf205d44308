//! `TicketCallback` parsing. Invariants: an accepted return URL is always allowed by the
//! policy (and passes its check again as text); an accepted ticket is never empty, never
//! made only of invisible characters, never holds whitespace or control characters.
//!
//! Input: the allowed hosts (comma-separated) on the first line, the query string after it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use payway_client::{ReturnPolicy, TicketCallback};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (hosts, query) = text.split_once('\n').unwrap_or(("news.example.com", &text));
    let mut policy = ReturnPolicy::allow_hosts(hosts.split(','));
    if hosts.starts_with("dev:") {
        policy = policy.allow_http_for_local_development();
    }
    let Ok(callback) = TicketCallback::from_query(query, &policy) else {
        return;
    };
    let ticket = callback.ticket().expose_secret();
    assert!(!ticket.is_empty());
    assert!(
        payway_client::fuzzing::is_ticket_shaped(ticket),
        "accepted a ticket that is not shaped like one: {ticket:?}"
    );
    assert!(!ticket.chars().any(|c| c.is_whitespace() || c.is_control()));
    if let Some(url) = callback.return_url() {
        assert!(
            policy.allows(url),
            "accepted {url} which the policy does not allow"
        );
        assert!(
            policy.check(url.as_str()).is_ok(),
            "{url} fails its own check"
        );
        assert!(matches!(url.scheme(), "https" | "http"));
        assert!(url.username().is_empty() && url.password().is_none());
    }
    // The same query through a whole URL gives the same answer.
    if let Ok(url) = url::Url::parse(&format!("https://auth.example.com/cb?{query}"))
        && url.query() == Some(query)
    {
        let again = TicketCallback::parse(&url, &policy).unwrap();
        assert_eq!(again.ticket().expose_secret(), ticket);
        assert_eq!(again.return_url(), callback.return_url());
    }
});
