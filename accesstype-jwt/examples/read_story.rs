//! Decides on the server whether a reader may read a story, the way a handler does before it
//! renders: three metered reads, the wall, then a subscriber.
//!
//! ```text
//! cargo run -p accesstype-jwt --features test-util --example read_story
//! ```
//!
//! It runs against `FakeAccesstype`, an in-process stand-in on 127.0.0.1, so it needs no
//! credentials and no network. Against Accesstype itself, build the client with
//! `AccesstypeClient::from_env()` (`ACCESSTYPE_API_KEY`, `ACCESSTYPE_ACCOUNT_KEY`,
//! `ACCESSTYPE_ENVIRONMENT`) and sign user JWTs with your account's JWT secret.

use accesstype_jwt::test_util::FakeAccesstype;
use accesstype_jwt::{AccessGrant, GrantReason, ReaderId, User, WallType};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let accesstype = FakeAccesstype::start().await;
    accesstype.set_free_stories(3);
    accesstype.subscribe(42);
    // In production: `AccesstypeClient::from_env()?`, built once and shared.
    let client = accesstype.client();

    // An anonymous reader, known by the id in their `at-meter` cookie.
    let reader = ReaderId::generate()?;
    for story in [
        "harbour-plan",
        "council-vote",
        "river-festival",
        "budget-leak",
    ] {
        let grant = client.read_story(story, &reader, None).await?;
        println!("anonymous reader, {story}: {}", describe(&grant));
    }
    println!(
        "Accesstype counted {} metered reads for this reader ({} access checks, {} pingbacks).",
        accesstype.metered_reads(&reader),
        accesstype.access_checks(),
        accesstype.pingbacks()
    );

    // A subscriber logs in: the site signs their user JWT, and the wall is gone.
    let signer = accesstype.signer(); // in production: AccesstypeSigner::from_env()?
    let jwt = signer.sign(&User::new("subscriber@example.com", 42))?;
    let grant = client
        .read_story("budget-leak", &reader, Some(&jwt))
        .await?;
    println!("subscriber, budget-leak: {}", describe(&grant));
    println!(
        "Pingbacks after the subscriber's read: {} (subscribers are never metered).",
        accesstype.pingbacks()
    );
    Ok(())
}

/// What the page would show.
fn describe(grant: &AccessGrant) -> String {
    let left = grant
        .number_remaining()
        .map(|n| format!("; {n} free stories left"))
        .unwrap_or_default();
    if grant.granted() {
        let why = grant.grant_reason().map_or("granted", GrantReason::as_str);
        format!("the whole story ({why}{left})")
    } else {
        let wall = grant.wall_type().map_or("wall", WallType::as_str);
        format!("the {wall}{left}")
    }
}
