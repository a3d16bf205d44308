//! The site's own login after a shop round trip: a random session id in a `__Host-` cookie,
//! and what Payway said about the account, kept on the server.
//!
//! Payway's ticket proves who came back from the shop once; from then on the site keeps its
//! own session, as seed 003 says ("create session").
//!
//! A session ends on the server when its cookie ends in the browser: after [`MAX_AGE`]. A
//! copy of the cookie kept past that (from a log, a backup of the profile, a browser that
//! ignores `Max-Age`) names no session.
//!
//! A browser holds one login. The cookie is `__Host-`: `Secure`, `Path=/`, no `Domain`, so
//! neither a sibling subdomain nor a page over plain `http` can set one beside ours. A
//! request that carries the cookie twice is ambiguous and has no login at all (neither copy
//! is picked). A login for another account while one is live is refused: the reader logs out
//! first, so a ticket link someone else sends cannot switch the reader's account.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, header};

/// The cookie that carries the site's session id.
pub(crate) const COOKIE: &str = "__Host-daily_login";
/// How long a session lasts: the cookie's `Max-Age` in the browser, and the session's life
/// on the server.
const MAX_AGE: Duration = Duration::from_secs(3600);

/// What the site knows about a logged-in reader.
#[derive(Debug, Clone)]
pub(crate) struct Login {
    pub(crate) account_id: String,
    pub(crate) products: Vec<String>,
}

/// Why a login was not started.
#[derive(Debug)]
pub(crate) enum LoginRefused {
    /// The request carried the session cookie more than once.
    Repeated,
    /// The browser is logged in as another account already.
    OtherAccountLive,
    /// No random session id could be drawn.
    Random,
}

/// The session cookies a request carries.
enum Presented<'a> {
    None,
    One(&'a [u8]),
    Repeated,
}

/// A session and when it ends.
#[derive(Debug)]
struct Live {
    login: Login,
    ends: Instant,
}

/// The site's sessions, by id, each ending [`MAX_AGE`] after it started.
#[derive(Debug, Clone)]
pub(crate) struct Logins {
    sessions: Arc<Mutex<HashMap<String, Live>>>,
    max_age: Duration,
}

impl Default for Logins {
    fn default() -> Self {
        Self::with_max_age(MAX_AGE)
    }
}

impl Logins {
    /// Sessions that last `max_age` (the cookie's `Max-Age` is written in whole seconds).
    fn with_max_age(max_age: Duration) -> Self {
        Self {
            sessions: Arc::default(),
            max_age,
        }
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Live>> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a session for the browser that sent `headers` and returns the `Set-Cookie`
    /// value that hands it over. A live session of the same account is replaced (a new id,
    /// the products read now); one of another account stays, and this login is refused.
    pub(crate) fn start(&self, login: Login, headers: &HeaderMap) -> Result<String, LoginRefused> {
        let mut bytes = [0_u8; 16];
        getrandom::fill(&mut bytes).map_err(|_| LoginRefused::Random)?;
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let now = Instant::now();
        let mut sessions = self.sessions();
        // Ended sessions leave the table as new ones start, so it holds live ones only.
        sessions.retain(|_, live| live.ends > now);
        match presented(headers) {
            Presented::Repeated => return Err(LoginRefused::Repeated),
            Presented::One(old) => {
                let old = String::from_utf8_lossy(old);
                match sessions.get(old.as_ref()) {
                    Some(live) if live.login.account_id != login.account_id => {
                        return Err(LoginRefused::OtherAccountLive);
                    }
                    Some(_) => {
                        sessions.remove(old.as_ref());
                    }
                    None => {}
                }
            }
            Presented::None => {}
        }
        let ends = now + self.max_age;
        sessions.insert(id.clone(), Live { login, ends });
        Ok(format!(
            "{COOKIE}={id}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={}",
            self.max_age.as_secs()
        ))
    }

    /// The session the request's cookie names, if it names exactly one and it has not ended.
    pub(crate) fn find(&self, headers: &HeaderMap) -> Option<Login> {
        let Presented::One(id) = presented(headers) else {
            return None;
        };
        let id = std::str::from_utf8(id).ok()?;
        let mut sessions = self.sessions();
        let live = sessions.get(id)?;
        if live.ends > Instant::now() {
            return Some(live.login.clone());
        }
        sessions.remove(id);
        None
    }

    /// Ends the session the request's cookie names (every one, when it names several).
    pub(crate) fn end(&self, headers: &HeaderMap) {
        let mut sessions = self.sessions();
        for id in cookie_values(headers) {
            sessions.remove(String::from_utf8_lossy(id).as_ref());
        }
    }
}

/// The `Set-Cookie` value that removes the session cookie from the browser.
pub(crate) fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// Every value of the session cookie in the request, read from the raw bytes, so that a
/// header that is not valid text cannot hide a copy.
fn cookie_values(headers: &HeaderMap) -> impl Iterator<Item = &[u8]> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .flat_map(|v| v.as_bytes().split(|b| *b == b';'))
        .filter_map(|pair| pair.trim_ascii().strip_prefix(COOKIE.as_bytes()))
        .filter_map(|rest| rest.strip_prefix(b"="))
}

fn presented(headers: &HeaderMap) -> Presented<'_> {
    let mut values = cookie_values(headers);
    match (values.next(), values.next()) {
        (None, _) => Presented::None,
        (Some(id), None) => Presented::One(id),
        (Some(_), Some(_)) => Presented::Repeated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn login(account: &str) -> Login {
        Login {
            account_id: account.to_owned(),
            products: Vec::new(),
        }
    }

    fn cookies(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::COOKIE, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    /// The `name=value` a `Set-Cookie` hands over.
    fn pair(set_cookie: &str) -> &str {
        set_cookie.split(';').next().unwrap()
    }

    #[test]
    fn the_cookie_is_host_only_secure_http_only_and_lax() {
        let set = Logins::default()
            .start(login("a"), &HeaderMap::new())
            .unwrap();
        assert!(set.starts_with("__Host-daily_login="), "{set}");
        for attribute in ["; Path=/;", "; Secure;", "; HttpOnly;", "; SameSite=Lax;"] {
            assert!(set.contains(attribute), "{set} lacks {attribute}");
        }
        assert!(!set.to_ascii_lowercase().contains("domain"), "{set}");
    }

    #[test]
    fn one_cookie_names_its_session() {
        let logins = Logins::default();
        let set = logins.start(login("a"), &HeaderMap::new()).unwrap();
        let found = logins.find(&cookies(&[&format!("other=1; {}", pair(&set))]));
        assert_eq!(found.map(|l| l.account_id).as_deref(), Some("a"));
    }

    #[test]
    fn the_cookie_given_twice_is_no_session_whichever_copy_is_live() {
        let logins = Logins::default();
        let a = logins.start(login("a"), &HeaderMap::new()).unwrap();
        let b = logins.start(login("b"), &HeaderMap::new()).unwrap();
        let forged = "__Host-daily_login=0123456789abcdef0123456789abcdef";
        for header in [
            vec![format!("{}; {}", pair(&a), pair(&b))],
            vec![format!("{}; {}", pair(&a), pair(&a))],
            vec![format!("{forged}; {}", pair(&a))],
            vec![format!("{}; {forged}", pair(&a))],
            vec![pair(&a).to_owned(), pair(&b).to_owned()],
        ] {
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            assert!(logins.find(&cookies(&header)).is_none(), "{header:?}");
            assert!(
                matches!(
                    logins.start(login("a"), &cookies(&header)),
                    Err(LoginRefused::Repeated)
                ),
                "{header:?}"
            );
        }
    }

    #[test]
    fn other_names_are_not_the_session_cookie() {
        let logins = Logins::default();
        let set = logins.start(login("a"), &HeaderMap::new()).unwrap();
        let id = pair(&set).split_once('=').unwrap().1;
        for header in [
            format!("daily_login={id}"),
            format!("__host-daily_login={id}"),
            format!("__Host-daily_login_={id}"),
            format!("x__Host-daily_login={id}"),
        ] {
            assert!(logins.find(&cookies(&[&header])).is_none(), "{header}");
        }
        // And a look-alike beside the real cookie does not make it repeated.
        let beside = format!("daily_login={id}; {}", pair(&set));
        assert!(logins.find(&cookies(&[&beside])).is_some());
    }

    #[test]
    fn a_login_for_another_account_while_one_is_live_is_refused_and_the_live_one_stays() {
        let logins = Logins::default();
        let a = logins.start(login("a"), &HeaderMap::new()).unwrap();
        let browser = cookies(&[pair(&a)]);
        assert!(matches!(
            logins.start(login("b"), &browser),
            Err(LoginRefused::OtherAccountLive)
        ));
        assert_eq!(
            logins.find(&browser).map(|l| l.account_id).as_deref(),
            Some("a")
        );
    }

    #[test]
    fn a_login_for_the_same_account_replaces_the_live_one() {
        let logins = Logins::default();
        let first = logins.start(login("a"), &HeaderMap::new()).unwrap();
        let second = logins.start(login("a"), &cookies(&[pair(&first)])).unwrap();
        assert_ne!(pair(&first), pair(&second));
        assert!(logins.find(&cookies(&[pair(&first)])).is_none());
        assert!(logins.find(&cookies(&[pair(&second)])).is_some());
    }

    #[test]
    fn a_cookie_naming_no_live_session_does_not_block_a_login() {
        let logins = Logins::default();
        let stale = cookies(&["__Host-daily_login=0123456789abcdef0123456789abcdef"]);
        assert!(logins.start(login("b"), &stale).is_ok());
    }

    #[test]
    fn the_cookie_lasts_as_long_as_the_session() {
        let set = Logins::default()
            .start(login("a"), &HeaderMap::new())
            .unwrap();
        assert!(set.ends_with("; Max-Age=3600"), "{set}");
    }

    #[test]
    fn a_session_ends_on_the_server_when_its_cookie_ends() {
        let logins = Logins::with_max_age(Duration::from_millis(200));
        let set = logins.start(login("a"), &HeaderMap::new()).unwrap();
        let browser = cookies(&[pair(&set)]);
        assert!(logins.find(&browser).is_some());
        std::thread::sleep(Duration::from_millis(300));
        // The id kept past the cookie's life names nothing, and is gone from the table.
        assert!(logins.find(&browser).is_none());
        assert!(logins.sessions().is_empty());
        // Nor does it stand in the way of another account's login.
        assert!(logins.start(login("b"), &browser).is_ok());
    }

    #[test]
    fn ended_sessions_leave_the_table_as_new_ones_start() {
        let logins = Logins::with_max_age(Duration::from_millis(100));
        for _ in 0..10 {
            logins.start(login("a"), &HeaderMap::new()).unwrap();
        }
        std::thread::sleep(Duration::from_millis(200));
        logins.start(login("b"), &HeaderMap::new()).unwrap();
        assert_eq!(logins.sessions().len(), 1);
    }

    #[test]
    fn ending_removes_every_session_the_request_names() {
        let logins = Logins::default();
        let a = logins.start(login("a"), &HeaderMap::new()).unwrap();
        let b = logins.start(login("b"), &HeaderMap::new()).unwrap();
        logins.end(&cookies(&[&format!("{}; {}", pair(&a), pair(&b))]));
        assert!(logins.find(&cookies(&[pair(&a)])).is_none());
        assert!(logins.find(&cookies(&[pair(&b)])).is_none());
        assert!(clear_cookie().contains("Max-Age=0"));
    }
}
