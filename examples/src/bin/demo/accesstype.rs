//! The accesstype section of the demo: the server deciding, before it renders, whether a
//! reader may read a story (three metered reads, the wall, a subscriber); then the user JWT a
//! publisher signs for Accesstype, the bodies of the publisher endpoints Accesstype calls, and
//! reader ids for metering.
//!
//! Nothing here reaches Accesstype, whatever the environment holds: the server-side calls go to
//! `FakeAccesstype`, a stand-in on 127.0.0.1 started in-process, and the demo makes up the JWT
//! secret and the account key.

use std::time::Duration;

use accesstype_jwt::test_util::FakeAccesstype;
use accesstype_jwt::{
    AccessGrant, AccesstypeSigner, AttributeValue, ContentTaxonomy, CookieDomain, Environment,
    ReaderCookie, ReaderId, StoryAttributes, TaxonomyAttribute, TaxonomyEntry, User, Visibility,
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Value, json};

use crate::DemoResult;
use crate::narrate::{denied, detail, granted, section, step};

/// Stands in for the JWT secret of an Accesstype account (Settings > General).
const DEMO_SECRET: &str = "demo-accesstype-jwt-secret-not-for-production";

/// Runs the accesstype section.
pub(crate) async fn run() -> DemoResult {
    section(
        "accesstype",
        "Accesstype (Quintype) decides who may read a story. The publisher's server asks it \
         before rendering and counts each metered read, signs a JWT for the logged-in reader, \
         serves a few public endpoints Accesstype calls, and gives each browser a reader id.",
    );
    server_side().await?;

    step("Build the signer once at start-up, with the account's JWT secret (made up here).");
    let signer = AccesstypeSigner::builder().secret(DEMO_SECRET).build()?;
    detail("signer", format!("{signer:?}"));

    step("John logs in on the news site: sign his user JWT (HS256, the documented claims).");
    let john = User::new("john@example.com", 42).name("John");
    let jwt = signer.sign(&john)?;
    detail("token", shorten(&jwt));
    let claims = decode_independently(&jwt)?;
    detail(
        "its claims, as plain jsonwebtoken reads them (keys sorted)",
        &claims,
    );
    detail(
        "where it goes",
        "the accesstype_jwt query parameter, or the user context of Accesstype's script",
    );

    step("A token coming back is verified before it is trusted.");
    match signer.verify(&jwt) {
        Ok(user) => granted(&format!(
            "signature checks out: user id {}, provider {} (Debug masks the e-mail: {user:?})",
            user.id, user.provider
        )),
        Err(error) => denied(&format!("refused: {error}")),
    }

    step("An address that only looks like John's (a zero-width space inside) is not signed.");
    match signer.sign(&User::new("jo\u{200B}hn@example.com", 43)) {
        Ok(_) => granted("signed, which must never happen"),
        Err(error) => denied(&format!("refused: {error}")),
    }

    step("Someone edits the token's claims to become another reader.");
    let forged = forge_claims(&jwt, &json!({"email": "admin@example.com", "id": 1}))?;
    match signer.verify(&forged) {
        Ok(user) => granted(&format!(
            "accepted as user id {}, which must never happen",
            user.id
        )),
        Err(error) => denied(&format!("refused: {error}")),
    }

    step("A reader who logs in with a phone number: the current claims, `login-phone-number`.");
    let caller = User::with_phone_number("+919999999999", "st-7")
        .provider(accesstype_jwt::Provider::Supertokens);
    detail(
        "claims, as plain jsonwebtoken reads them",
        decode_independently(&signer.sign(&caller)?)?,
    );

    step("A token signed with some other secret, and one that expired an hour ago.");
    let stranger = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &john,
        &EncodingKey::from_secret(b"a-secret-that-is-not-the-accounts-one"),
    )?;
    report_refusal(&signer, &stranger);
    let expired = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &json!({"email": "john@example.com", "id": 42, "exp": unix_now().saturating_sub(3600)}),
        &EncodingKey::from_secret(DEMO_SECRET.as_bytes()),
    )?;
    report_refusal(&signer, &expired);

    step("A signer can also stamp iat/exp on every token, when you configure a lifetime.");
    let short_lived = AccesstypeSigner::builder()
        .secret(DEMO_SECRET)
        .ttl(Duration::from_secs(15 * 60))
        .build()?;
    detail(
        "claims with .ttl(15 min)",
        decode_independently(&short_lived.sign(&john)?)?,
    );

    step("Accesstype asks GET /story-attributes?story-id=... : the publisher answers this body.");
    let story = StoryAttributes::new(Visibility::Subscription)
        .published_at_millis(1_571_716_286_097)
        .access_level(999)
        .attribute("section", ["sports", "cricket"])
        .attribute("author", ["menaka"]);
    detail("body", serde_json::to_string(&story)?);

    step("The Content Taxonomy endpoint lists the custom attributes; it is checked first.");
    let taxonomy = ContentTaxonomy::stories([
        TaxonomyAttribute::new(
            "section",
            [
                AttributeValue::new("Sports", "sports"),
                AttributeValue::new("Science and Tech", "science"),
            ],
        ),
        TaxonomyAttribute::new("author", [AttributeValue::new("Menaka", "menaka")]),
    ]);
    match taxonomy.validate() {
        Ok(()) => granted(&format!(
            "valid, served as {}",
            serde_json::to_string(&taxonomy)?
        )),
        Err(error) => denied(&format!("not served: {error}")),
    }
    let reserved = ContentTaxonomy::stories([TaxonomyAttribute::new(
        "Visibility",
        [AttributeValue::new("Everyone", "everyone")],
    )]);
    match reserved.validate() {
        Ok(()) => granted("a taxonomy using a reserved name was accepted, which is wrong"),
        Err(error) => denied(&format!(
            "a taxonomy naming `Visibility` is refused: {error}"
        )),
    }
    let attribute =
        |name: String| TaxonomyAttribute::new(name, [AttributeValue::new("Yes", "yes")]);
    let eleven = ContentTaxonomy::new([
        TaxonomyEntry::story((1..=10).map(|i| attribute(format!("attribute-{i}")))),
        TaxonomyEntry::new("Story ", [attribute("attribute-11".to_owned())]),
    ]);
    match eleven.validate() {
        Ok(()) => granted("eleven attributes passed as `story` + `Story `, which is wrong"),
        Err(error) => denied(&format!(
            "eleven attributes split over `story` and `Story ` are refused: {error}"
        )),
    }

    step("A first-time browser calls the reader-id endpoint: it gets an at-meter cookie.");
    let cookie = ReaderCookie::for_domain(CookieDomain::new("news.example.com")?);
    let newcomer = reader_for("theme=dark")?;
    detail("Set-Cookie", newcomer.set_cookie(&cookie));
    detail(
        "host-only, for one host or http://127.0.0.1",
        newcomer.set_cookie(&ReaderCookie::host_only()),
    );
    for domain in ["com", "localhost", "1.2.3", "News.Example.com"] {
        match CookieDomain::new(domain) {
            Ok(_) => detail("cookie domain accepted (wrong)", domain),
            Err(error) => detail(
                &format!("cookie domain {domain:?}"),
                format!("refused: {error}"),
            ),
        }
    }

    step("A returning browser sends its cookie back and keeps its id; a forged one is replaced.");
    let returning = reader_for(&format!("theme=dark; at-meter={}", newcomer.as_str()))?;
    detail(
        "returning reader keeps its id",
        returning.as_str() == newcomer.as_str(),
    );
    let hostile = reader_for("at-meter=x; Domain=evil.example")?;
    detail(
        "a malformed at-meter value gets a fresh id",
        hostile.as_str() != "x",
    );
    let planted = format!(
        "at-meter={}; at-meter=0123456789abcdef0123456789abcdef",
        newcomer.as_str()
    );
    match ReaderId::from_cookie_header(&planted) {
        Ok(found) => detail(
            "two at-meter cookies gave an id (wrong)",
            format!("{found:?}"),
        ),
        Err(error) => detail(
            "two at-meter cookies (one planted)",
            format!("no id: {error}"),
        ),
    }

    step("The access-check URL the server calls for this reader and story (not called here).");
    let url = Environment::Staging.story_access_url(
        "2d1f5c0e-story",
        "demo-account-key",
        &newcomer,
        Some(&jwt),
    )?;
    detail(
        "GET",
        format!(
            "{}://{}{}?key=...&readerId=...&accesstype_jwt=... (the URL carries the token: never log it)",
            url.scheme(),
            url.host_str().unwrap_or_default(),
            url.path()
        ),
    );

    step("A hostile story id stays inside its path segment; a bare `..` cannot, so it is refused.");
    for hostile in ["../../admin", "..;", "a;b=c"] {
        let confined =
            Environment::Staging.story_access_url(hostile, "demo-account-key", &newcomer, None)?;
        detail(
            &format!("story id {hostile} gives the path"),
            confined.path(),
        );
    }
    match Environment::Staging.story_access_url("..", "demo-account-key", &newcomer, None) {
        Ok(url) => detail("story id .. gave the path (wrong)", url.path().to_owned()),
        Err(error) => detail("story id ..", format!("refused: {error}")),
    }

    step("Reading Accesstype's answers: serve only on granted: true.");
    for body in [
        r#"{"granted":true,"grantReason":"METERING","data":{"numberRemaining":6,"isLoggedIn":true}}"#,
        r#"{"granted":false,"wallType":"pay_wall","data":{"numberRemaining":0}}"#,
        r#"<html>502 Bad Gateway</html>"#,
        r#"{"granted":false,"granted":true}"#,
    ] {
        match AccessGrant::from_slice(body.as_bytes()) {
            Ok(grant) if grant.granted() => granted(&format!(
                "granted by {}; {} metered stories left",
                grant
                    .grant_reason()
                    .map_or("an unnamed reason", |reason| reason.as_str()),
                grant
                    .number_remaining()
                    .map_or_else(|| "unknown".to_owned(), |n| n.to_string())
            )),
            Ok(grant) => denied(&format!(
                "not granted; show the {}",
                grant.wall_type().map_or("paywall", |wall| wall.as_str())
            )),
            Err(error) => denied(&format!("unreadable answer, so no access: {error}")),
        }
    }
    Ok(())
}

/// The server-side check: three metered reads, the wall, a subscriber, a reload counted once,
/// and a read whose count fails, which is not served.
async fn server_side() -> DemoResult {
    step(
        "Start a stand-in Accesstype on 127.0.0.1 (FakeAccesstype: 3 free stories a reader) \
         and the server's AccesstypeClient (in production: AccesstypeClient::from_env()).",
    );
    let accesstype = FakeAccesstype::start().await;
    let client = accesstype.client();
    detail("client", format!("{client:?}"));

    step("An anonymous reader opens four stories; the server calls read_story before rendering.");
    let reader = ReaderId::generate()?;
    for story in [
        "harbour-plan",
        "council-vote",
        "river-festival",
        "budget-leak",
    ] {
        report_read(story, client.read_story(story, &reader, None).await);
    }
    detail(
        "Accesstype counted",
        format!(
            "{} metered reads for this reader: {} access checks, {} pingbacks",
            accesstype.metered_reads(&reader),
            accesstype.access_checks(),
            accesstype.pingbacks()
        ),
    );

    step("The reader subscribes and logs in: the site signs their user JWT, and the wall is gone.");
    accesstype.subscribe(42);
    let jwt = accesstype
        .signer()
        .sign(&User::new("subscriber@example.com", 42))?;
    report_read(
        "budget-leak",
        client.read_story("budget-leak", &reader, Some(&jwt)).await,
    );
    detail(
        "pingbacks after the subscriber's read",
        format!("{} (subscribers are never metered)", accesstype.pingbacks()),
    );

    step(
        "Another reader hits reload while Accesstype is slow (50 ms an answer): two requests \
         for one story at once share one check and one pingback.",
    );
    accesstype.delay(Duration::from_millis(50));
    let reloader = ReaderId::generate()?;
    let (first, second) = tokio::join!(
        client.read_story("popular-story", &reloader, None),
        client.read_story("popular-story", &reloader, None)
    );
    accesstype.delay(Duration::ZERO);
    report_read("popular-story (first request)", first);
    report_read("popular-story (the reload)", second);
    detail(
        "metered reads counted for this reader",
        accesstype.metered_reads(&reloader),
    );

    step(
        "A reload a moment later: with .cache_grants_for(..), the grant is kept (at most 3 \
         minutes, as Accesstype keeps a story's attributes), so neither asked nor counted again.",
    );
    let keeping = accesstype
        .client_builder()
        .cache_grants_for(Duration::from_secs(60))
        .build()?;
    let visitor = ReaderId::generate()?;
    for read in ["first visit", "reload"] {
        let grant = keeping.read_story("popular-story", &visitor, None).await;
        report_read(&format!("popular-story ({read})"), grant);
    }
    detail(
        "metered reads counted for this reader",
        accesstype.metered_reads(&visitor),
    );

    step("The meter grants a story but the pingback that counts it fails: it is not served.");
    accesstype.fail_next_pingbacks(1, 503);
    report_read(
        "weather-special",
        client
            .read_story("weather-special", &ReaderId::generate()?, None)
            .await,
    );
    Ok(())
}

/// What the page shows for one read.
fn report_read(story: &str, outcome: Result<AccessGrant, accesstype_jwt::Error>) {
    match outcome {
        Ok(grant) if grant.granted() => granted(&format!(
            "{story}: the whole story ({}{})",
            grant
                .grant_reason()
                .map_or("granted", |reason| reason.as_str()),
            grant
                .number_remaining()
                .map_or_else(String::new, |n| format!(", {n} free stories left"))
        )),
        Ok(grant) => denied(&format!(
            "{story}: the {} is shown",
            grant.wall_type().map_or("paywall", |wall| wall.as_str())
        )),
        Err(error) => denied(&format!("{story}: not served: {error}")),
    }
}

/// The reader id a `Cookie` header carries, or a new one (no cookie, a malformed one, or two).
fn reader_for(cookie_header: &str) -> Result<ReaderId, accesstype_jwt::Error> {
    match ReaderId::from_cookie_header(cookie_header) {
        Ok(Some(known)) => Ok(known),
        Ok(None) | Err(_) => ReaderId::generate(),
    }
}

/// The claims as plain jsonwebtoken reads them with its own key object.
fn decode_independently(jwt: &str) -> Result<Value, jsonwebtoken::errors::Error> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.required_spec_claims.clear();
    let key = DecodingKey::from_secret(DEMO_SECRET.as_bytes());
    Ok(jsonwebtoken::decode::<Value>(jwt, &key, &validation)?.claims)
}

/// The token with its claims replaced and its signature kept, as a forger would try.
fn forge_claims(jwt: &str, claims: &Value) -> Result<String, Box<dyn std::error::Error>> {
    let mut parts = jwt.split('.');
    let (Some(header), Some(_), Some(signature)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err("a JWT has three parts".into());
    };
    // Signing the new claims with a throwaway key gives their base64url form.
    let throwaway = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(b"throwaway"),
    )?;
    let forged_claims = throwaway.split('.').nth(1).ok_or("no claims part")?;
    Ok(format!("{header}.{forged_claims}.{signature}"))
}

fn report_refusal(signer: &AccesstypeSigner, token: &str) {
    match signer.verify(token) {
        Ok(user) => granted(&format!(
            "accepted as user id {}, which must never happen",
            user.id
        )),
        Err(error) => denied(&format!("refused: {error}")),
    }
}

/// The first characters of a token: enough to recognise it, not enough to use it.
fn shorten(token: &str) -> String {
    format!(
        "{}... ({} characters)",
        token.get(..20).unwrap_or(token),
        token.len()
    )
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}
