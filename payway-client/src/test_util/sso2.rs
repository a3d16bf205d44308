//! The fake SSO2: what it remembers (sessions and logins), the four server calls, identify,
//! and the signed answers, with every request token's claims checked exactly as SSO2
//! specifies them.

use std::net::IpAddr;

use http::header::COOKIE;
use http::{HeaderValue, Method, StatusCode};
use paywall_internal::cookie::find_in_headers;
use serde_json::{Map, Value, json};
use url::Url;

use super::sso2_state::{FROZEN_SECS, FakeSession, MAX_ATTEMPTS};
use super::state::{State, body_of, oauth_error, take_one, without_nulls};
use crate::sso2::jws;
use crate::sso2::request_token::{AUDIENCE, CALL_LIFETIME, IDENTIFY_LIFETIME, Signer, unix_now};
use paywall_internal::fake::{Captured, Reply};
use paywall_internal::jws::Hs256Key;

/// Where SSO2 lives under the fake's base URL.
pub(crate) const SSO_PREFIX: &str = "/sso/";
/// The fake SSO2's own cookie (on the fake's origin), naming the browser's session.
pub(crate) const SESSION_COOKIE: &str = "fake_sso2_sid";
/// How long the fake's answers live, in seconds.
const ANSWER_LIFETIME: u64 = 60;
/// How far ahead of the fake's clock a request token's `iat` or `nbf` may be, in seconds.
const SKEW: u64 = 5;

/// Which token a request carries, and so which claims it must have.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Identify,
    SessionStatus,
    Authenticate,
    WithTicket,
    Logout,
}

impl Kind {
    fn of_path(path: &str) -> Option<Self> {
        match path {
            "sessionstatus" => Some(Self::SessionStatus),
            "authenticate" => Some(Self::Authenticate),
            "authenticatewithticket" => Some(Self::WithTicket),
            "logout" => Some(Self::Logout),
            _ => None,
        }
    }

    /// Every claim the token must carry, and no other: the base six, then (for a server
    /// call) the session's three, then the operation's own.
    fn claims(self) -> Vec<&'static str> {
        let mut claims = vec!["cid", "iss", "aud", "iat", "nbf", "exp"];
        if !matches!(self, Self::Identify) {
            claims.extend(["sid", "ipa", "uas"]);
        }
        claims.extend(match self {
            Self::SessionStatus => &["lks"][..],
            Self::Authenticate => &["usr", "pwd"],
            Self::WithTicket => &["at"],
            Self::Identify | Self::Logout => &[],
        });
        claims
    }

    fn lifetime(self) -> u64 {
        match self {
            Self::Identify => IDENTIFY_LIFETIME,
            _ => CALL_LIFETIME,
        }
    }
}

/// Answers the server calls; `None` for any other request.
pub(crate) fn answer(state: &mut State, request: &Captured) -> Option<Reply> {
    let kind = Kind::of_path(request.path.strip_prefix(SSO_PREFIX)?)?;
    (request.method == Method::POST).then(|| server_call(state, kind, body_of(request)))
}

/// The fake's client secret as an HS256 key.
fn key(state: &State) -> Hs256Key {
    Hs256Key::new(state.client_secret.as_bytes())
}

/// Checks a request token under the fake's secret, exactly: HS256, the claim set of `kind`
/// and no other, this client's `cid` and `iss`, `aud: "pw-sso"`, `exp - iat` as SSO2 wants
/// it, valid now. The claims when it passes; why not, otherwise (recorded).
pub(crate) fn check_token(
    state: &mut State,
    token: &str,
    kind: Kind,
) -> Result<Map<String, Value>, String> {
    check(state, token, kind).inspect_err(|reason| state.sso2.refusals.push(reason.clone()))
}

fn check(state: &State, token: &str, kind: Kind) -> Result<Map<String, Value>, String> {
    let key = key(state);
    let claims = jws::verify(token, &key).map_err(|e| e.to_string())?;
    let mut names: Vec<&str> = claims.keys().map(String::as_str).collect();
    let mut expected = kind.claims();
    names.sort_unstable();
    expected.sort_unstable();
    if names != expected {
        return Err(format!("claims are {names:?}, expected {expected:?}"));
    }
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    let is = |name: &str, value: &str| text(name) == Some(value);
    ensure(is("cid", &state.client_id), "cid is not this client's id")?;
    let organisation = "iss is not this client's organisation";
    ensure(is("iss", &state.organisation_id), organisation)?;
    ensure(is("aud", AUDIENCE), "aud is not pw-sso")?;
    let number = |name: &str| claims.get(name).and_then(Value::as_u64);
    let (Some(iat), Some(nbf), Some(exp)) = (number("iat"), number("nbf"), number("exp")) else {
        return Err("iat, nbf and exp must be whole numbers".to_owned());
    };
    if exp.checked_sub(iat) != Some(kind.lifetime()) {
        return Err(format!("exp - iat must be {}", kind.lifetime()));
    }
    let now = unix_now().map_err(|e| e.to_string())?;
    let valid_yet = iat <= now + SKEW && nbf <= now + SKEW && nbf <= exp;
    ensure(valid_yet, "the token is not valid yet")?;
    ensure(exp >= now, "the token has expired")?;
    if matches!(kind, Kind::Identify) {
        return Ok(claims);
    }
    let operation_ok = match kind {
        Kind::SessionStatus => matches!(text("lks"), Some("anon" | "loggedin" | "terminated")),
        Kind::Authenticate => text("usr").is_some() && text("pwd").is_some(),
        Kind::WithTicket => text("at").is_some(),
        Kind::Logout | Kind::Identify => true,
    };
    let ip = text("ipa").and_then(|ip| ip.parse::<IpAddr>().ok());
    let sid = text("sid").is_some_and(|sid| !sid.is_empty());
    ensure(sid, "sid must be a non-empty string")?;
    ensure(ip.is_some(), "ipa must be an IP address")?;
    ensure(text("uas").is_some(), "uas must be a string")?;
    let operation = "an operation claim has the wrong type or value";
    ensure(operation_ok, operation)?;
    Ok(claims)
}

/// `Ok` when `passed`; else why not.
fn ensure(passed: bool, reason: &str) -> Result<(), String> {
    passed.then_some(()).ok_or_else(|| reason.to_owned())
}

/// What SSO2 says about one session, as claims (no times yet).
#[derive(Default)]
pub(crate) struct Said {
    sid: String,
    pub(crate) sts: &'static str,
    at: Option<String>,
    err: Option<&'static str>,
    raa: Option<u32>,
    frf: Option<u64>,
}

impl Said {
    fn new(sid: &str, sts: &'static str) -> Self {
        Self {
            sid: sid.to_owned(),
            sts,
            ..Self::default()
        }
    }

    fn error(mut self, err: &'static str) -> Self {
        self.err = Some(err);
        self
    }
}

/// Signs what SSO2 says, as its answers are signed: HS256 with the client secret.
fn sign(state: &State, said: Said) -> String {
    let now = unix_now().unwrap_or_default();
    let claims = without_nulls(json!({
        "sid": said.sid,
        "sts": said.sts,
        "iat": now,
        "nbf": now,
        "exp": now + ANSWER_LIFETIME,
        "at": said.at,
        "err": said.err,
        "raa": said.raa,
        "frf": said.frf,
    }));
    jws::sign(claims.to_string().as_bytes(), &key(state))
}

/// The session's state now; a ticket for its account when it is logged in and `ticket`.
fn status(state: &mut State, sid: &str, ticket: bool) -> Said {
    let account = match state.sso2.sessions.get(sid) {
        None => return Said::new(sid, "anon").error("session_not_found"),
        Some(FakeSession { ended: true, .. }) => return Said::new(sid, "terminated"),
        Some(session) => session.account_id.clone(),
    };
    match account {
        Some(account) => Said {
            at: (ticket && !take_one(&mut state.sso2.withheld_tickets))
                .then(|| state.issue_ticket(&account)),
            ..Said::new(sid, "loggedin")
        },
        None => Said::new(sid, "anon"),
    }
}

/// Logs `sid` in with an e-mail address and password, counting failures.
pub(crate) fn authenticate(state: &mut State, sid: &str, email: &str, password: &str) -> Said {
    if state.sso2.sessions.get(sid).is_none_or(|s| s.ended) {
        return Said::new(sid, "anon").error("session_not_found");
    }
    let invalid = |left| Said {
        raa: Some(left),
        ..Said::new(sid, "anon").error("invalid_credentials")
    };
    let Some(login) = state.sso2.logins.get_mut(&email.to_lowercase()) else {
        return invalid(MAX_ATTEMPTS);
    };
    if login.failures < MAX_ATTEMPTS && login.password != password {
        login.failures += 1;
        if login.failures < MAX_ATTEMPTS {
            return invalid(MAX_ATTEMPTS - login.failures);
        }
    }
    if login.failures >= MAX_ATTEMPTS {
        return Said {
            frf: Some(FROZEN_SECS),
            ..Said::new(sid, "anon").error("account_frozen")
        };
    }
    if !login.active {
        return Said::new(sid, "anon").error("account_not_active");
    }
    login.failures = 0;
    let account = login.account_id.clone();
    log_session_in(state, sid, &account);
    status(state, sid, true)
}

/// Logs session `sid` in to the account (created, without products, if unknown).
pub(crate) fn log_session_in(state: &mut State, sid: &str, account_id: &str) {
    state.account(account_id);
    if let Some(session) = state.sso2.sessions.get_mut(sid) {
        session.account_id = Some(account_id.to_owned());
    }
}

fn server_call(state: &mut State, kind: Kind, body: &[u8]) -> Reply {
    state.sso2.calls += 1;
    let token = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("t").and_then(Value::as_str).map(str::to_owned));
    let Some(token) = token else {
        let description = "the body must be {\"t\": token}";
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", description);
    };
    let claims = match check_token(state, &token, kind) {
        Ok(claims) => claims,
        Err(reason) => return oauth_error(StatusCode::UNAUTHORIZED, "invalid_token", &reason),
    };
    let text = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let sid = text("sid");
    let said = match kind {
        Kind::SessionStatus => status(state, &sid, text("lks") != "loggedin"),
        Kind::Authenticate => authenticate(state, &sid, &text("usr"), &text("pwd")),
        Kind::WithTicket | Kind::Logout if !state.sso2.sessions.contains_key(&sid) => {
            Said::new(&sid, "anon").error("session_not_found")
        }
        Kind::WithTicket => match state.use_ticket(&text("at")) {
            Some(account) => {
                log_session_in(state, &sid, &account);
                status(state, &sid, true)
            }
            None => status(state, &sid, false).error("invalid_ticket"),
        },
        Kind::Logout => {
            end_session(state, &sid);
            Said::new(&sid, "anon")
        }
        Kind::Identify => Said::new(&sid, "anon"),
    };
    Reply::json(StatusCode::OK, &json!({"t": sign(state, said)}))
}

/// The browser's session on the fake's origin, from its cookie; a new anonymous one (and
/// the cookie to set) when it has none that is alive.
pub(crate) fn browser_session(state: &mut State, request: &Captured) -> (String, Option<String>) {
    // A repeated or oversized cookie is no session: the browser gets a new one. Other
    // cookies of the fake's origin may hold any bytes: they must not hide its own.
    let headers = request.headers.get_all(COOKIE).into_iter();
    let named = find_in_headers(SESSION_COOKIE, headers.map(HeaderValue::as_bytes))
        .ok()
        .flatten()
        .and_then(|sid| String::from_utf8(sid.to_vec()).ok());
    if let Some(sid) = named
        && state.sso2.sessions.get(&sid).is_some_and(|s| !s.ended)
    {
        return (sid, None);
    }
    let sid = new_session(state);
    let cookie = format!("{SESSION_COOKIE}={sid}; Path={SSO_PREFIX}; HttpOnly; SameSite=Lax");
    (sid, Some(cookie))
}

/// The account session `sid` is logged in to, if any.
pub(crate) fn session_account(state: &State, sid: &str) -> Option<String> {
    state.sso2.sessions.get(sid)?.account_id.clone()
}

/// Starts an anonymous session.
pub(crate) fn new_session(state: &mut State) -> String {
    let sid = state.token("sid");
    state
        .sso2
        .sessions
        .insert(sid.clone(), FakeSession::default());
    sid
}

/// Answers identify for session `sid`: the landing URL with a signed answer `t` (a ticket
/// when logged in) and the `r` it was given; why not, when the request is refused.
pub(crate) fn identify(state: &mut State, query: &str, sid: &str) -> Result<Url, String> {
    let mut token = None;
    let mut continue_url = None;
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let slot = match name.as_ref() {
            "t" => &mut token,
            "r" => &mut continue_url,
            _ => continue,
        };
        if slot.replace(value.into_owned()).is_some() {
            return Err(format!("the {name} parameter is repeated"));
        }
    }
    let token = token.ok_or("identify needs a t parameter")?;
    let continue_url = continue_url.ok_or("identify needs an r parameter")?;
    check_token(state, &token, Kind::Identify)?;
    let mut landing = state
        .sso2
        .landing_url
        .clone()
        .ok_or("no landing URL is configured for this client")?;
    let said = status(state, sid, true);
    let t = sign(state, said);
    landing
        .query_pairs_mut()
        .append_pair("t", &t)
        .append_pair("r", &continue_url);
    Ok(landing)
}

/// A fresh identify token of this client, as a site would send it.
pub(crate) fn identify_token(state: &State) -> String {
    let key = key(state);
    let signer = Signer {
        client_id: &state.client_id,
        organisation_id: &state.organisation_id,
        key: &key,
    };
    signer.identify(unix_now().unwrap_or_default())
}

/// Ends a session, as a logout on another site does; `false` for an unknown one.
pub(crate) fn end_session(state: &mut State, sid: &str) -> bool {
    let Some(session) = state.sso2.sessions.get_mut(sid) else {
        return false;
    };
    session.account_id = None;
    session.ended = true;
    true
}

/// The error an `authenticate` answer carries, in words for the login page.
pub(crate) fn said_error(said: &Said) -> Option<String> {
    match (said.err?, said.raa, said.frf) {
        ("invalid_credentials", Some(left), _) => Some(format!(
            "Wrong e-mail address or password ({left} attempts left)."
        )),
        ("account_frozen", _, Some(secs)) => Some(format!(
            "Too many attempts: the account is frozen for {secs} seconds."
        )),
        ("account_not_active", _, _) => Some("This account is not active.".to_owned()),
        (code, _, _) => Some(format!("SSO2 refused: {code}.")),
    }
}
