//! The SSO2 part of the payway section: a reader is identified through Payway's single
//! sign-on, logs in on SSO2's page, and reads a premium article on the strength of a sealed
//! session cookie; every login is bound to the browser that started it, so a landing URL
//! opened elsewhere or with a swapped `r` does nothing; forgeries, replays, bots and a logout
//! on another site are shown too.
//!
//! It runs against the SSO2 of `FakePayway` (127.0.0.1), with the crate's real `Sso2Flow`.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use payway_client::reqwest;
use payway_client::sso2::{PageVisit, Reader, SessionCookieKey, Sso2Flow, Sso2Landed, Sso2Page};
use payway_client::test_util::FakePayway;
use payway_client::{LoginState, ReturnPolicy, STATE_COOKIE_PREFIX, STATE_PARAM, TicketLogin};
use url::Url;

use crate::DemoResult;
use crate::jar::{Jar, describe};
use crate::narrate::{denied, detail, granted, step};

const LANDING: &str = "https://news.example.com/sso2/landing";
const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";

/// Runs the SSO2 part of the payway section.
pub(crate) async fn run() -> DemoResult {
    step("SSO2, Payway's single sign-on: FakePayway also plays SSO2, with one subscriber");
    let fake = FakePayway::start().await;
    fake.add_account("acc-sso2", ["premium"]);
    fake.add_login(EMAIL, PASSWORD, "acc-sso2");
    fake.set_sso2_landing_url(Url::parse(LANDING)?);
    detail("SSO2", fake.sso_base_url());
    detail("our landing page (configured in Payway)", LANDING);
    let sso2 = fake.sso2_client();
    let key = SessionCookieKey::new(b"the news site's own 32-byte secret key")?.bound_to(&sso2);
    let flow = Sso2Flow::new(
        sso2,
        fake.client(),
        key,
        ReturnPolicy::allow_hosts(["news.example.com"]),
    );
    let reader = Reader::new(
        "203.0.113.7".parse()?,
        "Mozilla/5.0 (X11; Linux x86_64) Firefox/126.0",
    );
    let article = Url::parse("https://news.example.com/articles/42")?;
    // The reader's browser: its cookies for our site, and a client that shows redirects.
    let mut jar = Jar::default();
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;

    step("A reader opens a premium article without a session cookie");
    let Sso2Page::Identify { url, set_cookies } = flow
        .page(&PageVisit::new(&article, &reader, std::iter::empty()))
        .await?
    else {
        return Err("a reader without a cookie was not identified".into());
    };
    detail("303 to", shorten_token(&url));
    let token = url
        .query_pairs()
        .find(|(name, _)| name == "t")
        .map(|(_, value)| value.into_owned())
        .ok_or("no t")?;
    let claims = verified_by_jsonwebtoken(&fake, &token)?;
    detail(
        "its token, checked by jsonwebtoken",
        format!(
            "HS256, aud {}, exp - iat = {} s",
            claims["aud"],
            claims["exp"].as_u64().unwrap_or(0) - claims["iat"].as_u64().unwrap_or(0)
        ),
    );
    for set_cookie in &set_cookies {
        detail("Set-Cookie", describe(set_cookie));
    }
    detail(
        "the login is bound to this browser",
        format!(
            "the continue URL r carries {STATE_PARAM} (an HMAC under the cookie's 32 random \
             bytes); only this browser's {STATE_COOKIE_PREFIX}... cookie matches it"
        ),
    );
    jar.apply(&set_cookies);

    step("SSO2 has no session for this browser yet: it starts one and sends it to our landing");
    let answer = browser.get(url).send().await?;
    let sso_cookie = answer
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_owned();
    let arrived = location(&answer, &fake.base_url())?;
    let landed = land(&flow, &arrived, &mut jar).await?;
    let anonymous = landed
        .cookie
        .clone()
        .ok_or("the landing sealed no cookie")?;
    detail(
        "landing",
        format!(
            "t verified, r allowed, the state cookie matched: back to {}",
            landed.redirect_to
        ),
    );
    detail("status", anonymous.status());
    for set_cookie in &landed.set_cookies {
        detail(
            "Set-Cookie",
            format!("{} ({} bytes)", describe(set_cookie), set_cookie.len()),
        );
    }
    detail(
        "the sealed cookie",
        "XChaCha20-Poly1305: the reader can neither read nor change it; the state cookie is cleared",
    );
    denied("the article shows its paywall");

    step("The reader logs in on SSO2's login page; SSO2 sends them through identify again");
    // The site's login link: the continue URL bound to this browser, as identify's is.
    let login_state = LoginState::new()?;
    jar.apply(&[login_state.set_cookie()]);
    let login = browser
        .post(fake.base_url().join("sso/login")?)
        .header("cookie", &sso_cookie)
        .form(&[
            ("email", EMAIL),
            ("password", PASSWORD),
            ("r", login_state.bind(&article).as_str()),
        ])
        .send()
        .await?;
    let identify = location(&login, &fake.base_url())?;
    let answer = browser
        .get(identify)
        .header("cookie", &sso_cookie)
        .send()
        .await?;
    let arrived = location(&answer, &fake.base_url())?;
    // What the leaked copy of this landing URL is tried with further down, and the browser's
    // cookies as a second request sent at the same moment carries them.
    let leaked = arrived.clone();
    let at_the_same_moment = jar.clone();
    let landed = land(&flow, &arrived, &mut jar).await?;
    match &landed.login {
        Some(TicketLogin::LoggedIn { account, .. }) => detail(
            "SSO2's ticket",
            format!(
                "exchanged once with login_with_ticket: account {}",
                account.id
            ),
        ),
        other => return Err(format!("the SSO2 login did not log in: {other:?}").into()),
    }
    let cookie = landed.cookie.clone().ok_or("no cookie")?;
    detail("sealed", format!("{cookie:?}"));
    if cookie.has_product("premium") {
        granted("active products [\"premium\"]: the whole article");
    } else {
        return Err("the subscriber has no premium product".into());
    }

    step("The reader edits the cookie in devtools (one character)");
    let set_cookie = landed
        .set_cookies
        .get(flow.key().cookie_name())
        .ok_or("the landing set no session cookie")?;
    let sealed = set_cookie_value(set_cookie);
    let edited = edit_one_character(&sealed);
    match flow.key().open(&edited) {
        Err(error) => denied(&format!(
            "{error} ({}): treated as no cookie, identified again",
            source_of(&error)
        )),
        Ok(_) => return Err("an edited cookie opened".into()),
    }

    step("The landing URL leaks (history, a proxy log, Referer) and is opened in another browser");
    let mut elsewhere = Jar::default();
    let refused = land(&flow, &leaked, &mut elsewhere).await?;
    match refused.not_bound {
        Some(why) if refused.cookie.is_none() => denied(&format!(
            "{why}: nothing set, the landing not taken; that browser goes through identify \
             again, as itself ({})",
            refused.redirect_to.host_str().unwrap_or_default()
        )),
        _ => return Err("a landing from another browser was taken".into()),
    }
    // SSO2 has no session for that browser: back at our landing, anonymous.
    let back = fake.sso2_identify(&refused.redirect_to)?;
    // Had it kept no cookies, this second landing would be unbound too: a page, not a loop.
    match land(&flow, &back, &mut Jar::default()).await {
        Err(error) => denied(&format!(
            "a browser that keeps no cookies lands unbound twice: {error} ({}): a page, no redirect loop",
            source_of(&error)
        )),
        Ok(_) => return Err("a second unbound landing redirected again".into()),
    }
    let its_own = land(&flow, &back, &mut elsewhere).await?;
    match its_own.cookie {
        Some(cookie) if cookie.account_id().is_none() => {
            denied("back from identify: SSO2 does not know that browser, an anonymous session")
        }
        _ => return Err("the other browser was logged in".into()),
    }

    step("Someone swaps the landing's r for one bound to another login (theirs)");
    let mut swapped = arrived.clone();
    let t = arrived
        .query_pairs()
        .find(|(n, _)| n == "t")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    swapped
        .query_pairs_mut()
        .clear()
        .append_pair("t", &t)
        .append_pair("r", LoginState::new()?.bind(&article).as_str());
    let refused = land(&flow, &swapped, &mut jar.clone()).await?;
    match refused.not_bound {
        Some(why) => denied(&format!("{why}: nothing set, identify again")),
        None => return Err("a landing with a swapped r was taken".into()),
    }

    step("The reader's own landing URL, sent twice at once (a double request)");
    let replay = flow
        .landing(&arrived, [at_the_same_moment.header().as_bytes()])
        .await?;
    if replay.is_replay() {
        denied("taken once already: no cookie, no login, just a redirect");
    } else {
        return Err("a replayed landing was taken twice".into());
    }
    let policy = ReturnPolicy::allow_hosts(["news.example.com"]);
    let session = flow.sso2().landing(&arrived, &policy)?.into_parts().0;
    let ticket = session.ticket().ok_or("the landing carried no ticket")?;
    match flow
        .payway()
        .login_with_ticket(ticket, &**flow.ticket_store())
        .await?
    {
        TicketLogin::AlreadyUsed => {
            denied("its SSO2 ticket, tried again: already used, Payway not asked")
        }
        other => return Err(format!("a replayed SSO2 ticket was not refused: {other:?}").into()),
    }

    step("A landing URL whose r points to another site, and one whose t says alg: none");
    let mut phishing = arrived.clone();
    phishing
        .query_pairs_mut()
        .clear()
        .append_pair("t", &t)
        .append_pair("r", "https://news.example.com.evil.example/login");
    match flow.sso2().landing(&phishing, &policy) {
        Err(error) => denied(&format!(
            "{error} ({}): no open redirect",
            source_of(&error)
        )),
        Ok(_) => return Err("a foreign return URL was accepted".into()),
    }
    let none = format!(
        "{LANDING}?t=eyJhbGciOiJub25lIn0.eyJzaWQiOiJ4Iiwic3RzIjoibG9nZ2VkaW4ifQ.&r=https%3A%2F%2Fnews.example.com%2F"
    );
    match flow
        .landing(&Url::parse(&none)?, [jar.header().as_bytes()])
        .await
    {
        Err(error) => denied(&format!("{error} ({})", source_of(&error))),
        Ok(_) => return Err("an unsigned token was accepted".into()),
    }

    step("A crawler and a browser prefetch, without a cookie");
    let crawler = Reader::new(
        "66.249.66.1".parse()?,
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    );
    let bot_page = flow
        .page(&PageVisit::new(&article, &crawler, std::iter::empty()))
        .await?;
    let prefetch = flow
        .page(&PageVisit::new(&article, &reader, std::iter::empty()).prefetch(true))
        .await?;
    if matches!(bot_page, Sso2Page::Anonymous { .. })
        && matches!(prefetch, Sso2Page::Anonymous { .. })
    {
        denied("served the public page, never sent to SSO2 (no redirect loop)");
    } else {
        return Err("a bot or a prefetch was sent to identify".into());
    }

    step("The reader logs out on another site; a minute later they open the next page");
    browser
        .post(fake.base_url().join("sso/logout-elsewhere")?)
        .header("cookie", &sso_cookie)
        .send()
        .await?;
    let a_minute_later = flow.clone().with_refresh_after(Duration::ZERO);
    let visit = PageVisit::new(&article, &reader, std::iter::empty()).session(Some(cookie));
    match a_minute_later.page(&visit).await? {
        Sso2Page::Identify { set_cookies, .. } => {
            denied("SSO2 says terminated: identified again");
            for set_cookie in &set_cookies {
                detail("Set-Cookie", describe(set_cookie));
            }
        }
        other => {
            return Err(format!("a session ended elsewhere was still served: {other:?}").into());
        }
    }
    detail("SSO2 server calls", fake.sso2_calls());
    detail("ticket exchanges Payway saw", fake.exchanges());
    Ok(())
}

/// The landing `arrived`, in the browser whose cookies are `jar`; the jar takes what it sets.
async fn land(
    flow: &Sso2Flow,
    arrived: &Url,
    jar: &mut Jar,
) -> Result<Sso2Landed, payway_client::Error> {
    let header = jar.header();
    let landed = flow.landing(arrived, [header.as_bytes()]).await?;
    jar.apply(&landed.set_cookies);
    Ok(landed)
}

/// The identify token's claims, verified by jsonwebtoken (an independent implementation)
/// with the fake's secret.
fn verified_by_jsonwebtoken(
    fake: &FakePayway,
    token: &str,
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&["pw-sso"]);
    validation.set_issuer(&[fake.organisation_id()]);
    let key = DecodingKey::from_secret(fake.client_secret().as_bytes());
    Ok(jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation)?.claims)
}

/// `url` with its `t` cut to a few characters, for printing.
fn shorten_token(url: &Url) -> String {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(name, value)| {
            let shown = if name == "t" {
                format!("{}...", value.get(..12).unwrap_or_default())
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

/// Where a redirect answer points, resolved against `base`.
fn location(answer: &reqwest::Response, base: &Url) -> Result<Url, Box<dyn std::error::Error>> {
    let to = answer
        .headers()
        .get("location")
        .ok_or("the answer is not a redirect")?
        .to_str()?;
    Ok(base.join(to)?)
}

/// The sealed value in a `Set-Cookie` header value.
fn set_cookie_value(set_cookie: &str) -> String {
    let pair = set_cookie.split(';').next().unwrap_or_default();
    pair.split_once('=')
        .map(|(_, v)| v)
        .unwrap_or_default()
        .to_owned()
}

/// `value` with one character in its middle changed.
fn edit_one_character(value: &str) -> String {
    let at = value.len() / 2;
    let changed = if value.get(at..=at) == Some("A") {
        "B"
    } else {
        "A"
    };
    format!("{}{changed}{}", &value[..at], &value[at + 1..])
}

/// The error's source, in words.
fn source_of(error: &payway_client::Error) -> String {
    std::error::Error::source(error).map_or_else(String::new, ToString::to_string)
}
