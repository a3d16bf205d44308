//! [`FakeAccesstype`]: a fake Accesstype for your application's tests.
//!
//! Enable the `test-util` feature in `[dev-dependencies]` only:
//!
//! ```toml
//! [dev-dependencies]
//! accesstype-jwt = { version = "0.1", features = ["test-util"] }
//! ```
//!
//! The fake is a real HTTP server on `127.0.0.1`, started in the test's tokio runtime, so your
//! application's real client code runs against it. It keeps a meter per reader, knows which
//! users subscribe and which stories are walled, serves the subscriptions you seed per
//! subscriber identity, signs the webhooks it sends, counts access checks and pingbacks, and
//! injects faults.
//!
//! ```
//! use accesstype_jwt::axum::{Reader, StoryPass, StoryWall};
//! use accesstype_jwt::test_util::FakeAccesstype;
//! use accesstype_jwt::{AccesstypeClient, ReaderCookie, User};
//! use axum::extract::{FromRef, Path, State};
//! use axum::http::{Request, StatusCode, header};
//! use axum::{Router, body::Body, routing::get};
//! use tower::ServiceExt;
//!
//! #[derive(Clone)]
//! struct App {
//!     accesstype: AccesstypeClient,
//!     cookie: ReaderCookie,
//! }
//!
//! impl FromRef<App> for ReaderCookie {
//!     fn from_ref(app: &App) -> Self {
//!         app.cookie.clone()
//!     }
//! }
//!
//! async fn story(
//!     State(app): State<App>,
//!     Path(id): Path<String>,
//!     reader: Reader,
//! ) -> Result<(StoryPass, String), StoryWall> {
//!     let pass = app.accesstype.gate(&id, reader, None).await?;
//!     Ok((pass, format!("all of {id}")))
//! }
//!
//! #[tokio::main]
//! async fn main() {
//!     let accesstype = FakeAccesstype::start().await;
//!     accesstype.set_free_stories(2);
//!     let app = Router::new()
//!         .route("/story/{id}", get(story))
//!         .with_state(App {
//!             accesstype: accesstype.client(),
//!             cookie: ReaderCookie::host_only().same_site_lax(),
//!         });
//!
//!     let cookie = "at-meter=0123456789abcdef0123456789abcdef";
//!     let read = |id: &str| {
//!         let request = Request::get(format!("/story/{id}")).header(header::COOKIE, cookie);
//!         app.clone().oneshot(request.body(Body::empty()).unwrap())
//!     };
//!     assert_eq!(read("one").await.unwrap().status(), StatusCode::OK);
//!     assert_eq!(read("two").await.unwrap().status(), StatusCode::OK);
//!     assert_eq!(read("three").await.unwrap().status(), StatusCode::PAYMENT_REQUIRED);
//!     assert_eq!((accesstype.access_checks(), accesstype.pingbacks()), (3, 2));
//! }
//! ```
//!
//! | request | the fake answers |
//! | --- | --- |
//! | a wrong or missing `X-SUBAUTH`, or a `key` that is not [`account_key`](FakeAccesstype::account_key) | `401` |
//! | no well-formed `readerId` | `400` |
//! | `GET /api/access/v1/stories/{id}/access` with a valid user JWT whose user [subscribes](FakeAccesstype::subscribe) | granted, `SUBSCRIBER`; never metered |
//! | the same with `disable-meter=true`, or for a [hard-paywall](FakeAccesstype::hard_paywall) story | denied, `pay_wall` |
//! | the same for a [registration-wall](FakeAccesstype::registration_wall) story, without a valid user JWT | denied, `registration_wall` |
//! | the same, while the reader has [free stories](FakeAccesstype::set_free_stories) left | granted, `METERING`, `numberRemaining` counting this story as read |
//! | the same, once they are used up | denied, `pay_wall`, `numberRemaining: 0` |
//! | `POST /api/access/v1/stories/{id}/pingback`, `text/plain`, a metered grant as the body | `200 {}`; the reader's meter moves by one |
//! | a pingback of another content type, or without a metered grant | `415`, `400` |
//! | `GET /api/v1/subscribers/{provider}/{value}/subscriptions.json[?active_only=true]` | `200 {"subscriptions": [...]}`: the [seeded](FakeAccesstype::add_subscription) subscriptions whose subscriber has that identity (none: an empty list) |
//!
//! A user JWT whose e-mail address (provider `email`), or whose id with its provider, is an
//! identity with an active seeded subscription is granted as `SUBSCRIBER`, like one whose user
//! id was given to [`subscribe`](FakeAccesstype::subscribe).
//!
//! Webhooks: [`webhook`](FakeAccesstype::webhook) builds a call in today's payload shape
//! (`data` is the subscription), [`wrapped_webhook`](FakeAccesstype::wrapped_webhook) in the
//! older one (`data.subscription`), each signed with
//! [`webhook_secret`](FakeAccesstype::webhook_secret) as `X-AT-Signature`; post it to your
//! application with [`FakeWebhook::post`]:
//!
//! ```
//! use accesstype_jwt::axum::SignedWebhook;
//! use accesstype_jwt::test_util::FakeAccesstype;
//! use accesstype_jwt::{SubscriberIdentity, WebhookEventKind};
//! use axum::{Router, http::StatusCode, routing::post};
//!
//! async fn webhook(SignedWebhook(event): SignedWebhook) -> StatusCode {
//!     match event.subscription() {
//!         Some(subscription) if subscription.active() == Some(true) => StatusCode::NO_CONTENT,
//!         _ => StatusCode::UNPROCESSABLE_ENTITY,
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let accesstype = FakeAccesstype::start().await;
//!     let reader = SubscriberIdentity::email("asha@example.com")?;
//!     let subscription = accesstype.add_subscription(&reader, "Monthly Digital");
//!
//!     let app = Router::new()
//!         .route("/webhooks/accesstype", post(webhook))
//!         .with_state(accesstype.webhook_signing_key());
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//!     let url = format!("http://{}/webhooks/accesstype", listener.local_addr()?).parse()?;
//!     tokio::spawn(async move { axum::serve(listener, app).await });
//!
//!     let call = accesstype.webhook(WebhookEventKind::SubscriptionActivated, &subscription);
//!     assert_eq!(call.post(&url).await?, StatusCode::NO_CONTENT);
//!     // The backend can then re-read the truth from the fake, as from Accesstype.
//!     let active = accesstype.client().subscriptions(&reader, true).await?;
//!     assert_eq!(active[0].id(), subscription.id());
//!     Ok(())
//! }
//! ```
//!
//! User JWTs are checked with the fake's [`signer`](FakeAccesstype::signer); one that does not
//! verify counts as no JWT (an anonymous reader). Meters are kept per reader id, and only
//! pingbacks move them: a check alone never uses up a free story. Error answers are
//! `{"error", "message"}` JSON. Faults: [`fail_next`](FakeAccesstype::fail_next),
//! [`fail_next_pingbacks`](FakeAccesstype::fail_next_pingbacks),
//! [`delay`](FakeAccesstype::delay) and [`drop_next`](FakeAccesstype::drop_next).

mod books;
mod subscriptions;
mod webhooks;

pub use webhooks::FakeWebhook;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use paywall_internal::fake::FakeServer;
use serde_json::json;
use url::Url;

use crate::client::{AccesstypeClient, AccesstypeClientBuilder};
use crate::reader::ReaderId;
use crate::signer::AccesstypeSigner;
use crate::subscriber_identity::SubscriberIdentity;
use crate::subscription::Subscription;
use crate::test_util::books::{Books, Walled};
use crate::user::UserId;
use crate::webhook::WebhookEventKind;
use crate::webhook_signature::WebhookSigningKey;

const ACCOUNT_KEY: &str = "fake-accesstype-account";
const API_KEY: &str = "fake-accesstype-api-key";
const JWT_SECRET: &str = "fake-accesstype-jwt-secret-for-tests-only";
const WEBHOOK_SECRET: &str = "fake-accesstype-webhook-secret-for-tests-only";

/// How many metered stories a reader gets free unless
/// [`set_free_stories`](FakeAccesstype::set_free_stories) says otherwise.
pub const DEFAULT_FREE_STORIES: u32 = 3;

/// A fake Accesstype on `127.0.0.1`, for tests; stopped when dropped.
///
/// See the [module docs](self) for what it answers, and a complete test of an axum handler.
pub struct FakeAccesstype {
    books: Arc<Books>,
    webhook_key: WebhookSigningKey,
    /// Stopped, with its connections, when dropped.
    server: FakeServer,
}

impl FakeAccesstype {
    /// Starts the fake on a free port of `127.0.0.1`, in the current tokio runtime.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound, or outside a tokio runtime: a test cannot run then.
    #[allow(
        clippy::expect_used,
        reason = "a test that cannot start its fake cannot run"
    )]
    pub async fn start() -> Self {
        let signer = AccesstypeSigner::builder()
            .secret(JWT_SECRET)
            .build()
            .expect("FakeAccesstype: the fixed secret is long enough");
        let books = Arc::new(Books::new(signer, DEFAULT_FREE_STORIES));
        let webhook_key = WebhookSigningKey::new(WEBHOOK_SECRET)
            .expect("FakeAccesstype: the fixed webhook secret is long enough");
        let answering = Arc::clone(&books);
        let server =
            FakeServer::start(move |request| books::handle(Arc::clone(&answering), request))
                .await
                .expect("FakeAccesstype: bind a port on 127.0.0.1");
        Self {
            books,
            webhook_key,
            server,
        }
    }

    /// The fake's root, `http://127.0.0.1:{port}/`: give it to
    /// [`AccesstypeClientBuilder::base_url`].
    #[must_use]
    pub fn base_url(&self) -> Url {
        self.server.base_url().clone()
    }

    /// The account key (`key`) the fake knows.
    #[must_use]
    pub fn account_key(&self) -> &str {
        ACCOUNT_KEY
    }

    /// The API key (`X-SUBAUTH`) the fake accepts.
    #[must_use]
    pub fn api_key(&self) -> &str {
        API_KEY
    }

    /// The JWT secret of the fake's account, for a signer of your own.
    #[must_use]
    pub fn jwt_secret(&self) -> &str {
        JWT_SECRET
    }

    /// A signer with the fake's JWT secret: the user JWTs it signs are the ones the fake
    /// accepts.
    #[must_use]
    pub fn signer(&self) -> AccesstypeSigner {
        self.books.signer.clone()
    }

    /// A builder aimed at the fake with its keys, to add settings (a timeout, a grant cache)
    /// before building.
    pub fn client_builder(&self) -> AccesstypeClientBuilder {
        AccesstypeClient::builder()
            .base_url(self.base_url())
            .account_key(ACCOUNT_KEY)
            .api_key(API_KEY)
    }

    /// A client aimed at the fake with its keys, otherwise configured as by default.
    ///
    /// # Panics
    ///
    /// Never in practice: a loopback URL and the fake's keys always build.
    #[allow(clippy::expect_used, reason = "the configuration is fixed and valid")]
    #[must_use]
    pub fn client(&self) -> AccesstypeClient {
        self.client_builder()
            .build()
            .expect("FakeAccesstype: a client for the fake builds")
    }

    /// How many metered stories each reader gets before the wall; default
    /// [`DEFAULT_FREE_STORIES`] (3).
    pub fn set_free_stories(&self, n: u32) {
        self.books.ledger().free_stories = n;
    }

    /// Gives the user with this id a subscription: their valid user JWT is granted every
    /// story, as `SUBSCRIBER`, and never metered.
    pub fn subscribe(&self, user_id: impl Into<UserId>) {
        self.books.ledger().subscribers.insert(user_id.into());
    }

    /// Ends the subscription of the user with this id.
    pub fn unsubscribe(&self, user_id: impl Into<UserId>) {
        self.books.ledger().subscribers.remove(&user_id.into());
    }

    /// Seeds an active subscription on `plan_name` for the subscriber known by `identity`, in
    /// the shape Accesstype documents (`id`, `subscriber_id`, `status: "active"`,
    /// `active: true`, a month from now, one `site` asset of `access_level` 1000,
    /// `preferred_identity`, `subscriber.subscriber_identities`, ...). A subscriber who already
    /// has a subscription keeps their subscriber id. Gives the subscription, to send in a
    /// [`webhook`](Self::webhook).
    pub fn add_subscription(&self, identity: &SubscriberIdentity, plan_name: &str) -> Subscription {
        self.books.ledger().subscriptions.add(identity, plan_name)
    }

    /// Seeds a subscription exactly as given (for instance from `serde_json::from_value`): it
    /// is served to every identity its `subscriber.subscriber_identities` and
    /// `preferred_identity` name.
    pub fn insert_subscription(&self, subscription: Subscription) {
        self.books.ledger().subscriptions.insert(subscription);
    }

    /// Changes the `status` and `active` of the seeded subscription with this id (an inactive
    /// one ends now): `("cancelled", false)`, `("expired", false)`, `("active", true)`. Gives
    /// the changed subscription, or `None` when no subscription has this id.
    pub fn set_subscription_status(
        &self,
        id: u64,
        status: &str,
        active: bool,
    ) -> Option<Subscription> {
        self.books
            .ledger()
            .subscriptions
            .set_status(id, status, active)
    }

    /// How many subscription lookups
    /// (`GET /api/v1/subscribers/{provider}/{value}/subscriptions.json`) the fake has answered.
    #[must_use]
    pub fn subscription_lookups(&self) -> usize {
        self.books.ledger().subscription_lookups
    }

    /// The `Secret` of the fake's outgoing webhook: the key its calls are signed with.
    #[must_use]
    pub fn webhook_secret(&self) -> &str {
        WEBHOOK_SECRET
    }

    /// A [`WebhookSigningKey`] for [`webhook_secret`](Self::webhook_secret): the one your
    /// application checks the fake's calls with.
    #[must_use]
    pub fn webhook_signing_key(&self) -> WebhookSigningKey {
        self.webhook_key.clone()
    }

    /// A signed webhook call of `kind` about `subscription`, in today's payload shape:
    /// `{"event", "event_timestamp", "data"}` with `data` the subscription itself (for
    /// [`WebhookEventKind::SubscriberCreation`], its `subscriber`).
    pub fn webhook(&self, kind: WebhookEventKind, subscription: &Subscription) -> FakeWebhook {
        let data = match kind {
            WebhookEventKind::SubscriberCreation => subscription.get("subscriber").cloned(),
            _ => Some(json!(subscription)),
        };
        FakeWebhook::new(&self.webhook_key, kind, data.unwrap_or_else(|| json!({})))
    }

    /// The same call in the older example's shape: `data.subscription`.
    pub fn wrapped_webhook(
        &self,
        kind: WebhookEventKind,
        subscription: &Subscription,
    ) -> FakeWebhook {
        let data = json!({ "subscription": subscription });
        FakeWebhook::new(&self.webhook_key, kind, data)
    }

    /// Puts `story_id` behind a hard paywall: subscribers only, never granted by the meter
    /// (`wallType: pay_wall`).
    pub fn hard_paywall(&self, story_id: &str) {
        self.books
            .ledger()
            .walls
            .insert(story_id.to_owned(), Walled::HardPaywall);
    }

    /// Puts `story_id` behind a registration wall: readers without a valid user JWT are
    /// denied with `wallType: registration_wall`; logged-in readers go through the meter.
    pub fn registration_wall(&self, story_id: &str) {
        self.books
            .ledger()
            .walls
            .insert(story_id.to_owned(), Walled::Registration);
    }

    /// How many access checks the fake has received (answered or not).
    #[must_use]
    pub fn access_checks(&self) -> usize {
        self.books.ledger().access_checks
    }

    /// How many pingbacks the fake has counted: each one moved a reader's meter.
    #[must_use]
    pub fn pingbacks(&self) -> usize {
        self.books.ledger().pingbacks
    }

    /// How many metered reads the fake has counted for `reader`.
    #[must_use]
    pub fn metered_reads(&self, reader: &ReaderId) -> u32 {
        let read = self.books.ledger().read.get(reader.as_str()).copied();
        read.unwrap_or(0)
    }

    /// Answers the next `n` requests (access checks and pingbacks alike) with `status` and
    /// an error body.
    pub fn fail_next(&self, n: usize, status: u16) {
        self.books.faults.fail_next(n, status);
    }

    /// Answers the next `n` pingbacks with `status` and an error body (access checks are
    /// answered as usual): a read the meter granted, whose count fails.
    pub fn fail_next_pingbacks(&self, n: usize, status: u16) {
        self.books.pingback_faults.fail_next(n, status);
    }

    /// Waits `delay` before answering each request, from now on (`Duration::ZERO` to stop). A
    /// delay longer than the client's timeout is an Accesstype that never answers.
    pub fn delay(&self, delay: Duration) {
        self.books.faults.delay(delay);
    }

    /// Closes the connection of the next `n` requests without answering.
    pub fn drop_next(&self, n: usize) {
        self.books.faults.drop_next(n);
    }
}

impl fmt::Debug for FakeAccesstype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeAccesstype")
            .field("base_url", &self.server.base_url().as_str())
            .field("api_key", &"[redacted]")
            .field("access_checks", &self.access_checks())
            .field("pingbacks", &self.pingbacks())
            .finish_non_exhaustive()
    }
}
