//! What the fake Payway remembers, and how it answers each API call: accounts, single-use
//! tickets, access and refresh tokens and the scopes they were issued with.

use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hasher};

use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{Method, StatusCode};
use paywall_internal::fake::{Captured, Reply};
use serde_json::{Map, Value, json};

use super::sso2_state::Sso2State;

mod account_api;

/// The lifetime every token is issued with, in seconds.
pub(crate) const EXPIRES_IN: u64 = 3600;

/// The scope `/me` and `/me/active_products` require of a reader's token.
pub(crate) const ME_SCOPE: &str = "/external/me/w";

/// The scope `accounts/active_products` requires of a server token.
pub(crate) const ACCOUNT_READ_SCOPE: &str = "/external/account/r";

/// The scope generating a ticket requires of a reader's token.
pub(crate) const TICKET_SCOPE: &str = "/api/authorization/ticket";

/// An answer to an API call; a refusal is an `Err`, so that `?` answers it.
type Answer = Result<Reply, Reply>;

/// An account the fake knows.
pub(crate) struct FakeAccount {
    pub(crate) email: String,
    pub(crate) products: Vec<String>,
    pub(crate) external_plus_products: Vec<String>,
    pub(crate) articles: Vec<FakeArticle>,
}

impl FakeAccount {
    /// An account with these products, and a made-up e-mail address.
    pub(crate) fn new(id: &str, products: Vec<String>) -> Self {
        Self {
            email: format!("reader.{id}@example.com"),
            products,
            external_plus_products: Vec::new(),
            articles: Vec::new(),
        }
    }
}

/// A single article an account bought.
pub(crate) struct FakeArticle {
    pub(crate) article_id: String,
    pub(crate) order_id: String,
}

/// Who a token acts for (a reader, or the organisation: a server token), and the scope it
/// was issued with (space-separated, as asked for); for a refresh token, the ones it renews.
#[derive(Clone)]
struct TokenEntry {
    account_id: Option<String>,
    scope: String,
}

impl TokenEntry {
    fn has_scope(&self, wanted: &str) -> bool {
        self.scope.split_whitespace().any(|s| s == wanted)
    }
}

/// A checkout page of the fake shop.
pub(crate) struct Checkout {
    pub(crate) account_id: Option<String>,
    pub(crate) product: String,
    pub(crate) return_url: url::Url,
    pub(crate) ticket: Option<String>,
}

/// Everything the fake remembers.
#[derive(Default)]
pub(crate) struct State {
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) organisation_id: String,
    pub(crate) sso2: Sso2State,
    pub(crate) accounts: BTreeMap<String, FakeAccount>,
    /// The account of each ticket not used yet.
    tickets: HashMap<String, String>,
    access_tokens: HashMap<String, TokenEntry>,
    refresh_tokens: HashMap<String, TokenEntry>,
    pub(crate) checkouts: HashMap<String, Checkout>,
    pub(crate) checkout_by_at: HashMap<String, String>,
    pub(crate) exchanges: usize,
    /// How many of the next ticket exchanges to refuse, whatever the ticket.
    pub(crate) refused_tickets: usize,
    counter: u64,
    random: RandomState,
}

impl State {
    pub(crate) fn new() -> Self {
        let mut state = Self::default();
        state.client_id = format!("fake-client-{}", state.token("id"));
        // SSO2 signs with it: 32 bytes at least, like every HMAC key of the crate.
        state.client_secret = format!("fake-secret-{}-{}", state.token("cs"), state.token("cs"));
        state.organisation_id = format!("fake-org-{}", state.token("org"));
        state.sso2.paywall_secret =
            format!("fake-paywall-{}-{}", state.token("pw"), state.token("pw"));
        state
    }

    /// The next counter and 64 random bits: what makes each fresh value unguessable.
    fn next_random(&mut self) -> (u64, u64) {
        self.counter += 1;
        let mut hasher = self.random.build_hasher();
        hasher.write_u64(self.counter);
        (self.counter, hasher.finish())
    }

    /// A fresh, unguessable value: a counter and 64 random bits, as hex.
    pub(crate) fn token(&mut self, kind: &str) -> String {
        let (counter, random) = self.next_random();
        format!("{kind}-{counter:x}{random:016x}")
    }

    /// A new account id in Payway's shape: 24 lowercase hex digits (a MongoDB ObjectId), the
    /// only ids `account_active_products` sends.
    pub(crate) fn account_id(&mut self) -> String {
        let (counter, random) = self.next_random();
        format!("{counter:08x}{random:016x}")
    }

    /// The account, created without products if unknown.
    pub(crate) fn account(&mut self, id: &str) -> &mut FakeAccount {
        self.accounts
            .entry(id.to_owned())
            .or_insert_with(|| FakeAccount::new(id, Vec::new()))
    }

    /// Adds `product` to the account, creating the account if needed.
    pub(crate) fn grant_product(&mut self, id: &str, product: &str) {
        add_once(&mut self.account(id).products, product);
    }

    /// The scope an access token was issued with, `None` for a token the fake never issued.
    pub(crate) fn granted_scope(&self, access_token: &str) -> Option<String> {
        self.access_tokens
            .get(access_token)
            .map(|t| t.scope.clone())
    }

    pub(crate) fn issue_ticket(&mut self, account_id: &str) -> String {
        self.account(account_id);
        let ticket = self.token("tkt");
        self.tickets.insert(ticket.clone(), account_id.to_owned());
        ticket
    }

    /// The account of an unused ticket, which is used up.
    pub(crate) fn use_ticket(&mut self, ticket: &str) -> Option<String> {
        self.tickets.remove(ticket)
    }

    /// Answers one API call.
    pub(crate) fn answer(&mut self, call: &Captured) -> Reply {
        let answer = match (&call.method, call.path.as_str()) {
            (&Method::POST, "/api/authorization/access_token") => Ok(self.token_endpoint(call)),
            (&Method::POST, "/api/authorization/ticket") => self.generate_ticket(call),
            (&Method::GET, "/external/api/v1/me" | "/external/api/v1/me/") => self.me(call, false),
            (&Method::GET, "/external/api/v1/me/active_products") => self.me(call, true),
            (&Method::GET, "/external/api/v1/accounts/active_products") => {
                self.account_active_products(call)
            }
            _ => Err(not_found("No such endpoint")),
        };
        answer.unwrap_or_else(|refused| refused)
    }

    fn token_endpoint(&mut self, call: &Captured) -> Reply {
        let fields = form_or_json(call);
        let field = |name: &str| fields.get(name).map(String::as_str);
        // The token gets the scope asked for, and only that (none when none is asked).
        let scope = || field("scope").unwrap_or_default().to_owned();
        let grant = field("grant_type");
        if grant == Some("ticket") {
            self.exchanges += 1;
        }
        let client_known = field("client_id") == Some(self.client_id.as_str())
            && field("client_secret") == Some(self.client_secret.as_str());
        let issued = match grant {
            _ if !client_known => Err(("invalid_client", "Client authentication failed")),
            Some("ticket") => match field("ticket").filter(|t| !t.is_empty()) {
                Some(ticket) => {
                    // Used up, whether or not a knob refuses it.
                    let account = self.use_ticket(ticket);
                    let refused = take_one(&mut self.refused_tickets);
                    (account.filter(|_| !refused))
                        .map(|a| (Some(a), scope()))
                        .ok_or((
                            "invalid_grant",
                            "The ticket is invalid, expired or already used",
                        ))
                }
                None => Err(("invalid_request", "The ticket parameter is missing")),
            },
            Some("refresh_token") => field("refresh_token")
                .and_then(|t| self.refresh_tokens.get(t))
                .map(|r| (r.account_id.clone(), r.scope.clone()))
                .ok_or(("invalid_grant", "The refresh token is invalid")),
            Some("none") => Ok((None, scope())),
            _ => Err(("unsupported_grant_type", "The grant type is not supported")),
        };
        match issued {
            Ok((account_id, scope)) => self.issue_tokens(account_id, &scope),
            // An unknown client or grant is `401`, a malformed request `400`.
            Err((error @ ("invalid_client" | "invalid_grant"), description)) => {
                oauth_error(StatusCode::UNAUTHORIZED, error, description)
            }
            Err((error, description)) => oauth_error(StatusCode::BAD_REQUEST, error, description),
        }
    }

    fn issue_tokens(&mut self, account_id: Option<String>, scope: &str) -> Reply {
        let access = self.token("at");
        let entry = TokenEntry {
            account_id,
            scope: scope.to_owned(),
        };
        // Only a reader's token is renewed.
        let refresh = entry.account_id.is_some().then(|| self.token("rt"));
        if let Some(refresh) = &refresh {
            self.refresh_tokens.insert(refresh.clone(), entry.clone());
        }
        let body = json!({
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": EXPIRES_IN,
            "scope": scope,
            "refresh_token": refresh,
        });
        self.access_tokens.insert(access, entry);
        Reply::json(StatusCode::OK, &without_nulls(body))
    }

    /// The token the request carries, `401` when there is none the fake issued.
    fn bearer(&self, call: &Captured) -> Result<&TokenEntry, Reply> {
        call.header(AUTHORIZATION.as_str())
            .and_then(|v| v.strip_prefix("Bearer "))
            .and_then(|t| self.access_tokens.get(t))
            .ok_or_else(|| invalid_token("The access token is invalid or expired"))
    }

    fn generate_ticket(&mut self, call: &Captured) -> Answer {
        let entry = self.bearer(call)?;
        // The ticket guide: a reader's token "must have the /api/authorization/ticket
        // scope". What a server token needs is not documented: any is taken.
        if entry.account_id.is_some() && !entry.has_scope(TICKET_SCOPE) {
            return Err(insufficient_scope(TICKET_SCOPE));
        }
        let reader = entry.account_id.clone();
        let body: Value = serde_json::from_slice(body_of(call)).unwrap_or(Value::Null);
        let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_owned);
        if text("clientId").is_none_or(|c| c.is_empty()) {
            return Err(invalid_parameter("clientId", "The client id is missing"));
        }
        let account_id = match (reader, text("accountId")) {
            (Some(reader), None) => reader,
            (Some(reader), Some(asked)) if asked == reader => reader,
            (None, Some(asked)) if self.accounts.contains_key(&asked) => asked,
            _ => return Err(invalid_parameter("accountId", "Unknown account")),
        };
        let ticket = self.issue_ticket(&account_id);
        Ok(Reply::json(StatusCode::OK, &json!({"ticket": ticket})))
    }
}

/// An error of the Payway API: `{"code", "field", "message"}`.
pub(crate) fn api_error(
    status: StatusCode,
    code: &str,
    field: Option<&str>,
    message: &str,
) -> Reply {
    let body = json!({"code": code, "field": field, "message": message});
    Reply::json(status, &body)
}

fn not_found(message: &str) -> Reply {
    api_error(StatusCode::NOT_FOUND, "not_found", None, message)
}

fn invalid_token(message: &str) -> Reply {
    api_error(StatusCode::UNAUTHORIZED, "invalid_token", None, message)
}

fn invalid_parameter(field: &str, message: &str) -> Reply {
    let status = StatusCode::BAD_REQUEST;
    api_error(status, "invalid_parameter", Some(field), message)
}

fn insufficient_scope(scope: &str) -> Reply {
    let message = format!("The access token lacks the scope {scope}");
    api_error(StatusCode::FORBIDDEN, "insufficient_scope", None, &message)
}

/// An OAuth error (of the token endpoint and SSO2): `{"error", "error_description"}`.
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Reply {
    let body = json!({"error": error, "error_description": description});
    Reply::json(status, &body)
}

/// `value` without its members that are `null`: how the fake leaves out what it has not.
pub(crate) fn without_nulls(mut value: Value) -> Value {
    if let Some(members) = value.as_object_mut() {
        members.retain(|_, member| !member.is_null());
    }
    value
}

/// `true`, and one fewer, when `count` is not zero: a knob that acts on the next `count`.
pub(crate) fn take_one(count: &mut usize) -> bool {
    let taken = *count > 0;
    *count = count.saturating_sub(1);
    taken
}

/// Adds `item` to `list` unless it is there already.
pub(crate) fn add_once(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|i| i == item) {
        list.push(item.to_owned());
    }
}

/// The request's body; empty when it was not read (the server answered `413` then).
pub(crate) fn body_of(call: &Captured) -> &[u8] {
    call.body.as_deref().unwrap_or_default()
}

/// The fields of a form or JSON body (string values only).
fn form_or_json(call: &Captured) -> HashMap<String, String> {
    let body = body_of(call);
    let json_body = call
        .header(CONTENT_TYPE.as_str())
        .is_some_and(|v| v.starts_with("application/json"));
    if json_body {
        let members: Map<String, Value> = serde_json::from_slice(body).unwrap_or_default();
        let text = |(name, value): (String, Value)| Some((name, value.as_str()?.to_owned()));
        members.into_iter().filter_map(text).collect()
    } else {
        url::form_urlencoded::parse(body).into_owned().collect()
    }
}
