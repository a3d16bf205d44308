//! What the fake Accesstype keeps, and how it answers each request the family's fake server
//! reads: meters per reader, subscribers, walled stories, counters and the faults to inject.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use http::{HeaderValue, Method, StatusCode};
use paywall_internal::fake::{Captured, Faults, Reply, decode_segment};
use paywall_internal::http::media_type;
use paywall_internal::sync::lock;
use serde_json::json;

use crate::grant::AccessGrant;
use crate::reader::ReaderId;
use crate::signer::AccesstypeSigner;
use crate::subscriber_identity::SubscriberIdentity;
use crate::test_util::subscriptions::SubscriptionBook;
use crate::test_util::{ACCOUNT_KEY, API_KEY};
use crate::user::{User, UserId};

/// An answer; a refusal is an `Err`, so that `?` answers it.
type Answer = Result<Reply, Reply>;

/// How a story is walled.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Walled {
    /// Subscribers only: never granted by the meter.
    HardPaywall,
    /// Logged-in readers only; for them, the meter as usual.
    Registration,
}

/// What the fake has been told and has counted.
#[derive(Default)]
pub(crate) struct Ledger {
    pub(crate) free_stories: u32,
    /// Metered reads counted so far, by reader id.
    pub(crate) read: HashMap<String, u32>,
    pub(crate) subscribers: HashSet<UserId>,
    pub(crate) subscriptions: SubscriptionBook,
    pub(crate) walls: HashMap<String, Walled>,
    /// Access checks received, answered or not.
    pub(crate) access_checks: usize,
    /// Pingbacks counted: each moved a reader's meter.
    pub(crate) pingbacks: usize,
    pub(crate) subscription_lookups: usize,
}

/// Everything the fake knows.
pub(crate) struct Books {
    pub(crate) signer: AccesstypeSigner,
    /// `fail_next`, `delay` and `drop_next`, for every request.
    pub(crate) faults: Faults,
    /// `fail_next_pingbacks`: taken only by a pingback that no other fault took.
    pub(crate) pingback_faults: Faults,
    ledger: Mutex<Ledger>,
}

impl Books {
    pub(crate) fn new(signer: AccesstypeSigner, free_stories: u32) -> Self {
        let ledger = Ledger {
            free_stories,
            ..Ledger::default()
        };
        Self {
            signer,
            faults: Faults::default(),
            pingback_faults: Faults::default(),
            ledger: Mutex::new(ledger),
        }
    }

    pub(crate) fn ledger(&self) -> MutexGuard<'_, Ledger> {
        // Each change is one insert or counter update, so the ledger is whole after a panic.
        lock(&self.ledger)
    }

    /// The answer to one request whose body was read.
    pub(crate) fn answer(&self, request: &Captured, body: &[u8]) -> Answer {
        if let Some(rest) = request.path.strip_prefix("/api/v1/subscribers/") {
            return self.subscriptions(rest, request);
        }
        let (story_id, endpoint) = story_route(&request.path).ok_or_else(no_route)?;
        check_api_key(request)?;
        // A query parameter, decoded; the last one when it is repeated.
        let param = |name: &str| {
            url::form_urlencoded::parse(request.query.as_bytes())
                .filter(|(found, _)| found == name)
                .last()
                .map(|(_, value)| value.into_owned())
        };
        if param("key").as_deref() != Some(ACCOUNT_KEY) {
            let message = "The key parameter names no account.";
            return Err(failure(StatusCode::UNAUTHORIZED, "unauthorized", message));
        }
        let reader = param("readerId")
            .and_then(|id| ReaderId::parse(&id).ok())
            .ok_or_else(|| {
                let message = "The readerId parameter is missing or malformed.";
                failure(StatusCode::BAD_REQUEST, "bad_request", message)
            })?;
        let user = param("accesstype_jwt").and_then(|jwt| self.signer.verify(&jwt).ok());
        let disable_meter = param("disable-meter").as_deref() == Some("true");
        match (&request.method, endpoint) {
            (&Method::GET, "access") => {
                Ok(self.access(&story_id, &reader, user.as_ref(), disable_meter))
            }
            (&Method::POST, "pingback") => self.pingback(&reader, request, body),
            _ => Err(failure(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Use GET for access and POST for pingback.",
            )),
        }
    }

    /// The access grant, by the rules in the module docs of `test_util`.
    fn access(
        &self,
        story_id: &str,
        reader: &ReaderId,
        user: Option<&User>,
        disable_meter: bool,
    ) -> Reply {
        let ledger = self.ledger();
        let logged_in = user.is_some();
        // A subscriber by user id, or by an identity with an active subscription.
        let subscriber = user.is_some_and(|user| {
            ledger.subscribers.contains(&user.id)
                || identities_of(user)
                    .iter()
                    .any(|identity| !ledger.subscriptions.of(identity, true).is_empty())
        });
        let walled = ledger.walls.get(story_id).copied();
        let read = ledger.read.get(reader.as_str()).copied().unwrap_or(0);
        let remaining = ledger.free_stories.saturating_sub(read);
        let visibility = if walled == Some(Walled::Registration) {
            "login"
        } else {
            "subscription"
        };
        let meter = |left: u32| json!({"numberRemaining": left, "isLoggedIn": logged_in});
        let (granted, verdict, data) = if subscriber {
            (true, "SUBSCRIBER", json!({"isLoggedIn": true}))
        } else if disable_meter || walled == Some(Walled::HardPaywall) {
            (false, "pay_wall", meter(remaining))
        } else if walled == Some(Walled::Registration) && !logged_in {
            (false, "registration_wall", meter(remaining))
        } else if remaining > 0 {
            (true, "METERING", meter(remaining - 1))
        } else {
            (false, "pay_wall", meter(0))
        };
        let verdict_name = if granted { "grantReason" } else { "wallType" };
        let body = json!({
            "granted": granted,
            verdict_name: verdict,
            "assetVisibility": visibility,
            "data": data,
        });
        Reply::json(StatusCode::OK, &body)
    }

    /// Counts a metered read: the only thing that moves a reader's meter.
    fn pingback(&self, reader: &ReaderId, request: &Captured, body: &[u8]) -> Answer {
        let content_type = request.headers.get("content-type").and_then(media_type);
        if content_type.as_deref() != Some("text/plain") {
            let message = "A pingback is sent as text/plain.";
            let error = "unsupported_media_type";
            return Err(failure(StatusCode::UNSUPPORTED_MEDIA_TYPE, error, message));
        }
        if !AccessGrant::from_slice(body).is_ok_and(|grant| grant.is_metered()) {
            let message = "The body must be the metered access grant.";
            return Err(failure(StatusCode::BAD_REQUEST, "bad_request", message));
        }
        let mut ledger = self.ledger();
        *ledger.read.entry(reader.as_str().to_owned()).or_insert(0) += 1;
        ledger.pingbacks += 1;
        Ok(Reply::json(StatusCode::OK, &json!({})))
    }

    /// `GET /api/v1/subscribers/{provider}/{value}/subscriptions.json[?active_only=true]`,
    /// `rest` being the path after `/api/v1/subscribers/`.
    fn subscriptions(&self, rest: &str, request: &Captured) -> Answer {
        check_api_key(request)?;
        let identity = subscriber_route(rest).ok_or_else(no_route)?;
        if request.method != Method::GET {
            let message = "Use GET for subscriptions.";
            return Err(failure(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                message,
            ));
        }
        let active_only = url::form_urlencoded::parse(request.query.as_bytes())
            .any(|(name, value)| name == "active_only" && value == "true");
        let mut ledger = self.ledger();
        ledger.subscription_lookups += 1;
        let subscriptions = ledger.subscriptions.of(&identity, active_only);
        Ok(Reply::json(
            StatusCode::OK,
            &json!({ "subscriptions": subscriptions }),
        ))
    }
}

/// The answer to one request.
pub(crate) async fn handle(books: Arc<Books>, request: Captured) -> Reply {
    // Every access check is counted, answered or not.
    if request.method == Method::GET && request.path.ends_with("/access") {
        books.ledger().access_checks += 1;
    }
    // Drops first, then failures, then failures of pingbacks only, each counted down.
    let fail = |status| failure(status, "injected", "A failure injected by the fake.");
    if let Some(reply) = books.faults.intercept(fail).await {
        return reply;
    }
    let pingback = request.method == Method::POST && request.path.ends_with("/pingback");
    if pingback && let Some(reply) = books.pingback_faults.intercept(fail).await {
        return reply;
    }
    match &request.body {
        Some(body) => books
            .answer(&request, body)
            .unwrap_or_else(|refused| refused),
        None => failure(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The body could not be read.",
        ),
    }
}

/// An error answer, `{"error", "message"}`.
fn failure(status: StatusCode, error: &str, message: &str) -> Reply {
    Reply::json(status, &json!({"error": error, "message": message}))
}

fn no_route() -> Reply {
    failure(StatusCode::NOT_FOUND, "not_found", "No such route.")
}

/// `401` unless the request carries the API key as `X-SUBAUTH`.
fn check_api_key(request: &Captured) -> Result<(), Reply> {
    if request.headers.get("x-subauth").map(HeaderValue::as_bytes) == Some(API_KEY.as_bytes()) {
        return Ok(());
    }
    let message = "The X-SUBAUTH API key is missing or wrong.";
    Err(failure(StatusCode::UNAUTHORIZED, "unauthorized", message))
}

/// `/api/access/v1/stories/{id}/{access|pingback}`: the story id, decoded, and the endpoint.
fn story_route(path: &str) -> Option<(String, &str)> {
    let rest = path.strip_prefix("/api/access/v1/stories/")?;
    let (segment, endpoint) = rest.split_once('/')?;
    if segment.is_empty() || endpoint.contains('/') {
        return None;
    }
    let story_id = decode_segment(segment)?;
    Some((story_id, endpoint))
}

/// `{provider}/{value}/subscriptions.json`: the identity, each part decoded.
fn subscriber_route(rest: &str) -> Option<SubscriberIdentity> {
    let (provider, rest) = rest.split_once('/')?;
    let (value, file) = rest.split_once('/')?;
    if file != "subscriptions.json" {
        return None;
    }
    SubscriberIdentity::new(decode_segment(provider)?, decode_segment(value)?).ok()
}

/// The identities Accesstype would know a logged-in user by: their e-mail address, and their
/// id with their provider.
fn identities_of(user: &User) -> Vec<SubscriberIdentity> {
    let by_email = user
        .email
        .as_deref()
        .and_then(|email| SubscriberIdentity::email(email).ok());
    let by_id = SubscriberIdentity::new(user.provider.as_str(), user.id.to_string()).ok();
    by_email.into_iter().chain(by_id).collect()
}
