//! The Accesstype publisher endpoints, served by axum with `accesstype-jwt`'s extractor and
//! responses (its `axum` feature).
//!
//! ```text
//! cargo run -p paywall-examples --bin accesstype-publisher
//! ACCESSTYPE_PUBLISHER_PORT=8080 ACCESSTYPE_COOKIE_DOMAIN=example.com \
//!     cargo run -p paywall-examples --bin accesstype-publisher
//! ```
//!
//! Serves, on 127.0.0.1 only:
//! - `GET /story-attributes?story-id=...`: the Story Attributes endpoint;
//! - `GET /content-taxonomy`: the Content Taxonomy endpoint (validated at start-up);
//! - `GET /taxonomy/section?q=...&limit=...`: a search-url endpoint for the `section` attribute;
//! - `POST /reader-id`: the reader-id endpoint, which sets the `at-meter` cookie when the
//!   browser has none (host-only unless `ACCESSTYPE_COOKIE_DOMAIN` names a domain);
//! - `POST /webhooks/accesstype`, when `ACCESSTYPE_WEBHOOK_SECRET` holds the webhook's
//!   `Secret` (32 bytes or more): Accesstype's webhook calls, each checked against its
//!   `X-AT-Signature` before it is read (`401` otherwise), then printed without personal data.
//!
//! The stories and attributes are a small made-up catalogue.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use accesstype_jwt::axum::{Reader, SignedWebhook};
use accesstype_jwt::{
    AttributeValue, ContentTaxonomy, CookieDomain, ReaderCookie, SearchQuery, SearchResponse,
    StoryAttributes, StoryAttributesQuery, TaxonomyAttribute, ValidatedTaxonomy, Visibility,
    WebhookSigningKey,
};
use axum::extract::{FromRef, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use paywall_examples::{non_empty_setting, setting};
use serde_json::{Value, json};

const DEFAULT_PORT: u16 = 3000;
/// Search answers hold at most this many values, whatever `limit` asks for.
const MAX_SEARCH_RESULTS: usize = 50;

/// What the handlers share; each takes only the part it needs through [`FromRef`].
#[derive(Clone)]
struct AppState {
    catalogue: Arc<Catalogue>,
    reader_cookie: ReaderCookie,
}

/// The publisher's stories and custom attributes.
struct Catalogue {
    stories: HashMap<String, StoryAttributes>,
    taxonomy: ValidatedTaxonomy,
    sections: Vec<AttributeValue>,
}

impl FromRef<AppState> for Arc<Catalogue> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.catalogue)
    }
}

impl FromRef<AppState> for ReaderCookie {
    fn from_ref(state: &AppState) -> Self {
        state.reader_cookie.clone()
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port = match setting("ACCESSTYPE_PUBLISHER_PORT")? {
        Some(port) => port.parse::<u16>()?,
        None => DEFAULT_PORT,
    };
    // Host-only by default: right for one host, and the only choice on 127.0.0.1.
    let reader_cookie = match non_empty_setting("ACCESSTYPE_COOKIE_DOMAIN")? {
        Some(domain) => ReaderCookie::for_domain(CookieDomain::new(&domain)?),
        None => ReaderCookie::host_only(),
    };
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    // Refuses to start with a taxonomy Accesstype would reject.
    let catalogue = catalogue(&format!("http://{address}"))?;

    let state = AppState {
        catalogue: Arc::new(catalogue),
        reader_cookie,
    };
    let mut app = Router::new()
        .route("/story-attributes", get(story_attributes))
        .route("/content-taxonomy", get(content_taxonomy))
        .route("/taxonomy/section", get(search_sections))
        .route("/reader-id", post(reader_id))
        .with_state(state);
    // The webhook's `Secret`, as configured in Accesstype: its calls are checked against it.
    let webhooks = match non_empty_setting("ACCESSTYPE_WEBHOOK_SECRET")? {
        Some(secret) => {
            let key = WebhookSigningKey::new(secret)?;
            app = app.merge(
                Router::new()
                    .route("/webhooks/accesstype", post(webhook))
                    .with_state(key),
            );
            true
        }
        None => false,
    };

    let listener = tokio::net::TcpListener::bind(address).await?;
    let base = format!("http://{}", listener.local_addr()?);
    println!("Accesstype publisher endpoints listening on {base} (Ctrl-C to stop). Try:");
    println!("  curl '{base}/story-attributes?story-id=cricket-final'");
    println!("  curl '{base}/story-attributes?story-id=weather-today'");
    println!("  curl '{base}/content-taxonomy'");
    println!("  curl '{base}/taxonomy/section?q=sc&limit=5'");
    println!("  curl -i -X POST '{base}/reader-id'");
    println!(
        "  curl -i -X POST -H 'Cookie: at-meter=0123456789abcdef0123456789abcdef' '{base}/reader-id'"
    );
    if webhooks {
        println!("  Accesstype's webhooks: POST {base}/webhooks/accesstype (signed calls only)");
    } else {
        println!("  (set ACCESSTYPE_WEBHOOK_SECRET to take Accesstype's signed webhooks)");
    }
    axum::serve(listener, app).await?;
    Ok(())
}

/// `GET /story-attributes?story-id=...`: who may read the story, or 404 for an unknown id.
async fn story_attributes(
    State(catalogue): State<Arc<Catalogue>>,
    Query(query): Query<StoryAttributesQuery>,
) -> Result<StoryAttributes, (StatusCode, Json<Value>)> {
    catalogue.stories.get(&query.story_id).cloned().ok_or((
        StatusCode::NOT_FOUND,
        Json(json!({"error": "unknown story"})),
    ))
}

/// `GET /content-taxonomy`: the custom attributes and their values, as validated.
async fn content_taxonomy(State(catalogue): State<Arc<Catalogue>>) -> ValidatedTaxonomy {
    catalogue.taxonomy.clone()
}

/// `GET /taxonomy/section?q=...&limit=...`: the `section` values matching `q`.
async fn search_sections(
    State(catalogue): State<Arc<Catalogue>>,
    Query(query): Query<SearchQuery>,
) -> SearchResponse {
    let found = catalogue
        .sections
        .iter()
        .filter(|value| query.matches(value))
        .take(query.limit_or(20, MAX_SEARCH_RESULTS))
        .cloned();
    SearchResponse::new("section", found)
}

/// `POST /reader-id`: 201 `{}`, with a new `at-meter` cookie unless the browser sent a
/// well-formed one (and only one).
async fn reader_id(reader: Reader) -> (StatusCode, Reader, Json<Value>) {
    (StatusCode::CREATED, reader, Json(json!({})))
}

/// `POST /webhooks/accesstype`: a call whose `X-AT-Signature` matched its body (any other is
/// answered `401` by the extractor). Prints what changed, no personal data, and answers
/// `204`: Accesstype calls again, hourly, until it gets a `2xx`.
async fn webhook(SignedWebhook(event): SignedWebhook) -> StatusCode {
    match event.subscription() {
        Some(subscription) => println!(
            "webhook {}: subscription {:?}, plan {:?}, active {:?}",
            event.kind().as_str(),
            subscription.id(),
            subscription.plan_name(),
            subscription.active()
        ),
        None => println!("webhook {}", event.kind().as_str()),
    }
    StatusCode::NO_CONTENT
}

/// A made-up catalogue: two stories and two custom attributes.
fn catalogue(base: &str) -> Result<Catalogue, Box<dyn std::error::Error>> {
    let sections = vec![
        AttributeValue::new("Sports", "sports"),
        AttributeValue::new("Cricket", "cricket"),
        AttributeValue::new("Science and Tech", "science"),
        AttributeValue::new("Weather", "weather"),
    ];
    let stories = HashMap::from([
        (
            "cricket-final".to_owned(),
            StoryAttributes::new(Visibility::Subscription)
                .published_at_millis(1_571_716_286_097)
                .access_level(999)
                .attribute("section", ["sports", "cricket"])
                .attribute("author", ["menaka"]),
        ),
        (
            "weather-today".to_owned(),
            StoryAttributes::new(Visibility::Public).attribute("section", ["weather"]),
        ),
    ]);
    let taxonomy = ContentTaxonomy::stories([
        TaxonomyAttribute::new("section", sections.clone())
            .search_url(format!("{base}/taxonomy/section").parse()?),
        TaxonomyAttribute::new(
            "author",
            [
                AttributeValue::new("Menaka", "menaka"),
                AttributeValue::new("John", "john"),
            ],
        ),
    ])
    .validated()?;
    Ok(Catalogue {
        stories,
        taxonomy,
        sections,
    })
}
