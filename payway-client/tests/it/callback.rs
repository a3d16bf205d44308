//! Returning from the shop: the ticket read, the return URL held to the policy.

use payway_client::{CallbackError, ReturnPolicy, TicketCallback};
use url::Url;

fn policy() -> ReturnPolicy {
    ReturnPolicy::allow_hosts(["news.example.com", "www.news.example.com"])
}

fn parse(url: &str) -> Result<TicketCallback, CallbackError> {
    TicketCallback::parse(&Url::parse(url).unwrap(), &policy())
}

#[test]
fn return_url_mode() {
    let callback = parse("https://news.example.com/welcome-back?ticket=abc789").unwrap();
    assert_eq!(callback.ticket().expose_secret(), "abc789");
    assert!(callback.return_url().is_none());
}

#[test]
fn separate_ticket_auth_mode_with_any_spelling() {
    for url in [
        "https://auth.example.com/ticket-login?ticket=t1&returnUrl=https://news.example.com/welcome-back",
        "https://auth.example.com/ticket-login?Ticket=t1&ReturnUrl=https%3A%2F%2Fnews.example.com%2Fwelcome-back",
        "https://auth.example.com/ticket-login?TICKET=t1&return_url=https%3A%2F%2Fnews.example.com%2Fwelcome-back",
        "https://auth.example.com/ticket-login?RETURNURL=https%3A%2F%2Fnews.example.com%2Fwelcome-back&utm=x&ticket=t1",
    ] {
        let callback = parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(callback.ticket().expose_secret(), "t1");
        assert_eq!(
            callback.return_url().unwrap().as_str(),
            "https://news.example.com/welcome-back"
        );
    }
}

#[test]
fn open_redirect_attempts_are_refused() {
    let attempts = [
        "https://evil.example/",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "https:evil.example",
        "https://news.example.com@evil.example/",
        "https://news.example.com:secret@evil.example/",
        "https://user@news.example.com/",
        "https://news.example.com.evil.example/",
        "https://evil.example/news.example.com",
        "https://evil.example/?https://news.example.com",
        "https://evil.example#news.example.com",
        "https://newsexample.com/",
        "https://xn--nws-8cd.example.com/",
        "https://nеws.example.com/",
        "https://news.example.com./",
        "https://news.example.com:8443/",
        "http://news.example.com/",
        "javascript:alert(document.cookie)//news.example.com",
        "data:text/html,<script>alert(1)</script>",
        "/welcome-back",
        "welcome-back",
        "",
        "https://",
        "https://[::1]/",
        "https://127.0.0.1/",
        // Backslashes, encoded delimiters and stray whitespace.
        "https:\\\\evil.example",
        "https:/\\evil.example/",
        "https://evil.example\\.news.example.com/",
        "https://news.example.com%40evil.example/",
        "https://news.example.com%2F@evil.example/",
        "https://evil.example%23.news.example.com/",
        "https://news.example.com:443@evil.example/",
        " https://evil.example/",
        // Look-alikes: Unicode, punycode, trailing dots, ports, near misses.
        "https://news.example.com../",
        "https://news.examp1e.com/",
        "https://news-example.com/",
        "https://news.example.co/",
        "https://ｎｅｗｓ.example.evil/",
        "https://news.example.com:0/",
        "https://news.example.com:80/",
        "wss://news.example.com/",
        "ftp://news.example.com/",
    ];
    for attempt in attempts {
        let encoded: String = url::form_urlencoded::byte_serialize(attempt.as_bytes()).collect();
        let url = format!("https://auth.example.com/cb?ticket=t&returnUrl={encoded}");
        assert_eq!(
            parse(&url).err(),
            Some(CallbackError::ReturnUrlRefused),
            "{attempt} was not refused"
        );
        assert!(policy().check(attempt).is_err(), "{attempt}");
    }
}

#[test]
fn normalised_forms_of_an_allowed_host_pass_and_are_returned_normalised() {
    let p = policy();
    let url = p.check("HTTPS://NEWS.Example.COM:443/Path?q=1#f").unwrap();
    assert_eq!(url.as_str(), "https://news.example.com/Path?q=1#f");
    // Tabs and newlines are removed by URL parsing, exactly as browsers do.
    let url = p.check("https://news.exa\tmple.com/x").unwrap();
    assert_eq!(url.host_str(), Some("news.example.com"));
    // A backslash is a slash in special schemes: the host stays ours.
    let url = p.check("https://news.example.com\\@evil.example/").unwrap();
    assert_eq!(url.host_str(), Some("news.example.com"));
    assert!(p.check("https://www.news.example.com/").is_ok());
    // Full-width letters fold to ASCII under IDNA, exactly as in browsers.
    let url = p.check("https://ｎｅｗｓ.example.com/").unwrap();
    assert_eq!(url.host_str(), Some("news.example.com"));
    // An internationalised allowed host matches in either spelling, and nothing else.
    let idn = ReturnPolicy::allow_hosts(["BÜCHER.example"]);
    for same in ["https://bücher.example/", "https://xn--bcher-kva.example/"] {
        assert_eq!(
            idn.check(same).unwrap().host_str(),
            Some("xn--bcher-kva.example")
        );
    }
    assert!(idn.check("https://bucher.example/").is_err());
}

#[test]
fn ports_and_plain_http_need_opt_in() {
    let dev = ReturnPolicy::allow_hosts(["localhost:3000"]).allow_http_for_local_development();
    assert!(dev.check("http://localhost:3000/back").is_ok());
    assert!(dev.check("https://localhost:3000/back").is_ok());
    assert!(dev.check("http://localhost/back").is_err());
    assert!(dev.check("http://localhost:3001/back").is_err());
    let strict = ReturnPolicy::allow_hosts(["localhost:3000"]);
    assert!(strict.check("http://localhost:3000/back").is_err());
}

#[test]
fn malformed_policy_entries_allow_nothing() {
    let p = ReturnPolicy::allow_hosts([
        "https://news.example.com",
        "news.example.com/path",
        "a@b.example",
        "",
    ]);
    assert!(p.check("https://news.example.com/").is_err());
    assert!(p.check("https://b.example/").is_err());
    assert!(
        ReturnPolicy::deny_all()
            .check("https://news.example.com/")
            .is_err()
    );
}

#[test]
fn missing_duplicate_or_malformed_tickets() {
    assert_eq!(
        parse("https://news.example.com/back").err(),
        Some(CallbackError::MissingTicket)
    );
    assert_eq!(
        parse("https://news.example.com/back?ticket=a&Ticket=b").err(),
        Some(CallbackError::Duplicate)
    );
    assert_eq!(
        parse("https://news.example.com/back?ticket=a&returnUrl=https://news.example.com/&return_url=https://evil.example/").err(),
        Some(CallbackError::Duplicate)
    );
    // Tickets made only of invisible characters: zero-width space, BOM, soft hyphen, bidi.
    for bad in [
        "",
        "a%20b",
        "a%0Ab",
        "%00",
        "%E2%80%8B",
        "%EF%BB%BF",
        "%C2%AD",
        "%E2%80%AE%E2%81%A6",
    ] {
        let url = format!("https://news.example.com/back?ticket={bad}");
        assert_eq!(
            parse(&url).err(),
            Some(CallbackError::MalformedTicket),
            "{bad}"
        );
    }
    let long_query = format!("ticket=t&pad={}", "x".repeat(20_000));
    assert_eq!(
        TicketCallback::from_query(&long_query, &policy()).err(),
        Some(CallbackError::QueryTooLong)
    );
}

#[test]
fn from_query_and_into_parts() {
    let callback = TicketCallback::from_query(
        "returnUrl=https%3A%2F%2Fwww.news.example.com%2Fa&ticket=q-1",
        &policy(),
    )
    .unwrap();
    let (ticket, return_url) = callback.into_parts();
    assert_eq!(ticket.expose_secret(), "q-1");
    assert_eq!(
        return_url.unwrap().as_str(),
        "https://www.news.example.com/a"
    );
}

#[test]
fn a_return_url_that_grows_past_the_cap_when_parsed_is_refused() {
    let policy = ReturnPolicy::allow_hosts(["news.example.com"]);
    // 1,500 spaces: 1.5 KB as written, 4.5 KB once the parser writes each as `%20`.
    let long = format!("https://news.example.com/{}x", " ".repeat(1500));
    assert!(long.len() < 4096);
    assert_eq!(policy.check(&long), Err(CallbackError::ReturnUrlRefused));
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("ticket", "t1")
        .append_pair("returnUrl", &long);
    assert!(TicketCallback::from_query(&query.finish(), &policy).is_err());
    // Whatever is accepted passes the check again, as text.
    let short = "https://news.example.com/a b";
    let accepted = policy.check(short).unwrap();
    assert!(policy.check(accepted.as_str()).is_ok());
}

/// The `Cookie` pair a login state's `Set-Cookie` value stores.
fn cookie_pair(state: &payway_client::LoginState) -> String {
    state.set_cookie().split(';').next().unwrap().to_owned()
}

#[test]
fn a_return_is_accepted_only_in_the_browser_that_started_the_login() {
    use payway_client::{LoginState, LoginStateError};

    let state = LoginState::new().unwrap();
    let back = state.bind(&Url::parse("https://news.example.com/welcome-back").unwrap());
    assert_eq!(back.query_pairs().count(), 1);
    assert!(!back.as_str().contains(&cookie_pair(&state)[30..]));
    let mut arrived = back.clone();
    arrived.query_pairs_mut().append_pair("ticket", "abc789");
    let callback = TicketCallback::parse(&arrived, &policy()).unwrap();
    let pair = cookie_pair(&state);
    let headers: [&[u8]; 2] = [b"city=Ume\xe5", pair.as_bytes()];
    let clear = callback.check_state(headers).unwrap();
    assert!(
        clear.starts_with(&format!("{}=;", state.cookie_name())),
        "{clear}"
    );
    assert!(clear.contains("Max-Age=0"));

    let refused = |why| Err(CallbackError::NotThisBrowser(why));
    // Another browser: no state cookie.
    assert_eq!(
        callback.check_state([&b"theme=dark"[..]]),
        refused(LoginStateError::NoCookie)
    );
    // A cookie of another login planted under this login's name.
    let other = LoginState::new().unwrap();
    let planted = format!(
        "{}={}",
        state.cookie_name(),
        cookie_pair(&other).split_once('=').unwrap().1
    );
    assert_eq!(
        callback.check_state([planted.as_bytes()]),
        refused(LoginStateError::Mismatch)
    );
    // No state at all.
    let unbound = parse("https://news.example.com/welcome-back?ticket=abc789").unwrap();
    assert_eq!(
        unbound.check_state([pair.as_bytes()]),
        refused(LoginStateError::Missing)
    );
    // Two states (one smuggled into the return URL).
    let smuggled = format!(
        "https://auth.example.com/t?ticket=a&returnUrl={}&pw_state={}",
        url::form_urlencoded::byte_serialize(back.as_str().as_bytes()).collect::<String>(),
        other.value()
    );
    assert_eq!(
        parse(&smuggled).unwrap().check_state([pair.as_bytes()]),
        refused(LoginStateError::Duplicate)
    );
}

#[test]
fn the_state_is_taken_off_the_return_url() {
    let state = payway_client::LoginState::new().unwrap();
    let back =
        state.bind(&Url::parse("https://news.example.com/article/7?page=2&q=a%20b").unwrap());
    let arrived = format!(
        "https://auth.example.com/ticket-login?ticket=t1&returnUrl={}",
        url::form_urlencoded::byte_serialize(back.as_str().as_bytes()).collect::<String>()
    );
    let callback = parse(&arrived).unwrap();
    assert_eq!(
        callback.return_url().unwrap().as_str(),
        "https://news.example.com/article/7?page=2&q=a%20b"
    );
    assert!(
        callback
            .check_state([cookie_pair(&state).as_bytes()])
            .is_ok()
    );
}
