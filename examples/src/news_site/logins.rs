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
//!
//! The table is bounded and no login scans it. Ended sessions leave as logins start, from
//! the front of an index kept in the order sessions end. It holds at most [`MAX_SESSIONS`],
//! and at most [`PER_ACCOUNT`] of one account (a reader's browsers and devices): a login
//! beyond that ends the account's oldest session. When the table is full, a login for an
//! account that has a session takes the place of its oldest one, and a login for an account
//! that has none is refused. Ending the site's oldest session to make room instead would let
//! anyone with shop logins log paying readers out; as it is, each session costs a ticket
//! Payway accepted, and filling the table takes `MAX_SESSIONS / PER_ACCOUNT` (20,000)
//! accounts that log in again within every [`MAX_AGE`] to stay in. Even then no stranger can
//! log a reader out or keep a logged-in reader from logging in again; only readers with no
//! session anywhere wait, until sessions end.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, header};

/// The cookie that carries the site's session id.
pub(crate) const COOKIE: &str = "__Host-daily_login";
/// How long a session lasts: the cookie's `Max-Age` in the browser, and the session's life
/// on the server.
const MAX_AGE: Duration = Duration::from_secs(3600);
/// The most live sessions the site keeps.
const MAX_SESSIONS: usize = 100_000;
/// The most live sessions one account keeps.
const PER_ACCOUNT: usize = 5;

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
    /// The table is full and the account has no session whose place this one could take.
    Full,
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

/// The live sessions by id, with two indexes over them kept in step.
#[derive(Debug, Default)]
struct Table {
    by_id: HashMap<String, Live>,
    /// Every id by when it ends, so that ended sessions are found at the front.
    by_end: BTreeSet<(Instant, String)>,
    /// Each account's ids, oldest first (all sessions last as long: first to end).
    by_account: HashMap<String, VecDeque<String>>,
}

impl Table {
    fn insert(&mut self, id: String, login: Login, ends: Instant) {
        self.by_end.insert((ends, id.clone()));
        let account = self.by_account.entry(login.account_id.clone());
        account.or_default().push_back(id.clone());
        self.by_id.insert(id, Live { login, ends });
    }

    fn remove(&mut self, id: &str) {
        let Some(live) = self.by_id.remove(id) else {
            return;
        };
        self.by_end.remove(&(live.ends, id.to_owned()));
        if let Some(ids) = self.by_account.get_mut(&live.login.account_id) {
            ids.retain(|other| other != id);
            if ids.is_empty() {
                self.by_account.remove(&live.login.account_id);
            }
        }
    }

    /// Removes the sessions that ended by `now`, and only those.
    fn purge(&mut self, now: Instant) {
        while let Some((ends, id)) = self.by_end.first()
            && *ends <= now
        {
            let id = id.clone();
            self.remove(&id);
        }
    }
}

/// The site's sessions, each ending [`MAX_AGE`] after it started.
#[derive(Debug, Clone)]
pub(crate) struct Logins {
    table: Arc<Mutex<Table>>,
    max_age: Duration,
    max_sessions: usize,
    per_account: usize,
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
            table: Arc::default(),
            max_age,
            max_sessions: MAX_SESSIONS,
            per_account: PER_ACCOUNT,
        }
    }

    fn table(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a session for the browser that sent `headers` and returns the `Set-Cookie`
    /// value that hands it over. A live session of the same account is replaced (a new id,
    /// the products read now); one of another account stays, and this login is refused.
    pub(crate) fn start(&self, login: Login, headers: &HeaderMap) -> Result<String, LoginRefused> {
        let mut bytes = [0_u8; 16];
        getrandom::fill(&mut bytes).map_err(|_| LoginRefused::Random)?;
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let now = Instant::now();
        let mut table = self.table();
        table.purge(now);
        match presented(headers) {
            Presented::Repeated => return Err(LoginRefused::Repeated),
            Presented::One(old) => {
                let old = String::from_utf8_lossy(old);
                match table.by_id.get(old.as_ref()) {
                    Some(live) if live.login.account_id != login.account_id => {
                        return Err(LoginRefused::OtherAccountLive);
                    }
                    Some(_) => table.remove(&old),
                    None => {}
                }
            }
            Presented::None => {}
        }
        let full = table.by_id.len() >= self.max_sessions;
        let own = table.by_account.get(&login.account_id);
        match own.and_then(|ids| Some((ids.len(), ids.front()?.clone()))) {
            Some((count, oldest)) if full || count >= self.per_account => table.remove(&oldest),
            None if full => return Err(LoginRefused::Full),
            _ => {}
        }
        table.insert(id.clone(), login, now + self.max_age);
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
        let mut table = self.table();
        let live = table.by_id.get(id)?;
        if live.ends > Instant::now() {
            return Some(live.login.clone());
        }
        table.remove(id);
        None
    }

    /// Ends the session the request's cookie names (every one, when it names several).
    pub(crate) fn end(&self, headers: &HeaderMap) {
        let mut table = self.table();
        for id in cookie_values(headers) {
            table.remove(String::from_utf8_lossy(id).as_ref());
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

    /// How many sessions the table holds, once its indexes are seen to agree on them.
    fn held(logins: &Logins) -> usize {
        let table = logins.table();
        let per_account: usize = table.by_account.values().map(VecDeque::len).sum();
        assert_eq!(table.by_end.len(), table.by_id.len());
        assert_eq!(per_account, table.by_id.len());
        table.by_id.len()
    }

    fn found(logins: &Logins, set_cookie: &str) -> bool {
        logins.find(&cookies(&[pair(set_cookie)])).is_some()
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
        assert_eq!(held(&logins), 0);
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
        assert_eq!(held(&logins), 1);
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

    #[test]
    fn a_full_table_refuses_an_account_with_no_session_and_keeps_the_live_ones() {
        let logins = Logins {
            max_sessions: 2,
            ..Logins::default()
        };
        let a = logins.start(login("a"), &HeaderMap::new()).unwrap();
        let b = logins.start(login("b"), &HeaderMap::new()).unwrap();
        assert!(matches!(
            logins.start(login("c"), &HeaderMap::new()),
            Err(LoginRefused::Full)
        ));
        assert!(found(&logins, &a) && found(&logins, &b));
        assert_eq!(held(&logins), 2);
    }

    #[test]
    fn when_full_an_account_with_a_session_logs_in_in_place_of_its_oldest() {
        let logins = Logins {
            max_sessions: 2,
            ..Logins::default()
        };
        let a = logins.start(login("a"), &HeaderMap::new()).unwrap();
        let b = logins.start(login("b"), &HeaderMap::new()).unwrap();
        // Another browser of the same reader, and then this browser again.
        let elsewhere = logins.start(login("a"), &HeaderMap::new()).unwrap();
        assert!(!found(&logins, &a) && found(&logins, &elsewhere) && found(&logins, &b));
        let again = logins
            .start(login("a"), &cookies(&[pair(&elsewhere)]))
            .unwrap();
        assert!(found(&logins, &again) && found(&logins, &b));
        assert_eq!(held(&logins), 2);
    }

    #[test]
    fn an_account_keeps_at_most_per_account_sessions_and_its_oldest_ends_first() {
        let logins = Logins {
            per_account: 2,
            ..Logins::default()
        };
        let first = logins.start(login("a"), &HeaderMap::new()).unwrap();
        let second = logins.start(login("a"), &HeaderMap::new()).unwrap();
        let third = logins.start(login("a"), &HeaderMap::new()).unwrap();
        assert!(!found(&logins, &first));
        assert!(found(&logins, &second) && found(&logins, &third));
        assert!(logins.start(login("b"), &HeaderMap::new()).is_ok());
        assert_eq!(held(&logins), 3);
    }

    #[test]
    fn ended_sessions_make_room_and_live_ones_stay() {
        let logins = Logins {
            max_sessions: 2,
            ..Logins::with_max_age(Duration::from_millis(1000))
        };
        logins.start(login("a"), &HeaderMap::new()).unwrap();
        std::thread::sleep(Duration::from_millis(600));
        let b = logins.start(login("b"), &HeaderMap::new()).unwrap();
        std::thread::sleep(Duration::from_millis(600));
        // a has ended, b has not: c takes a's place, and b is still there.
        let c = logins.start(login("c"), &HeaderMap::new()).unwrap();
        assert!(found(&logins, &b) && found(&logins, &c));
        assert_eq!(held(&logins), 2);
        logins.end(&cookies(&[pair(&b), pair(&c)]));
        assert_eq!(held(&logins), 0);
    }
}
