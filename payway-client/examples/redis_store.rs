//! Two app servers sharing one Redis: a ticket claimed by one is refused by the other.
//!
//! ```text
//! REDIS_URL=redis://127.0.0.1:6379/ cargo run -p payway-client --features redis --example redis_store
//! ```
//!
//! Needs a Redis on loopback (`redis-server --port 6379 --bind 127.0.0.1`); without
//! `REDIS_URL` it says so and exits. A Redis whose `maxmemory-policy` may evict keys (any
//! policy but `noeviction`) is refused at connect: an evicted claim would let a used ticket
//! be taken again.

use std::time::Duration;

use payway_client::{Fingerprint, RedisTicketStore, TicketStore};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Ok(url) = std::env::var("REDIS_URL") else {
        println!(
            "REDIS_URL is not set: start a redis-server on loopback and set it to run this example."
        );
        return Ok(());
    };
    // A fresh prefix so the example never collides with real claims in that Redis.
    let prefix = format!("payway-example:{}:", std::process::id());
    let server_a = RedisTicketStore::connect(&url).await?.with_prefix(&prefix);
    let server_b = RedisTicketStore::builder()
        .prefix(&prefix)
        .connect(&url)
        .await?;
    match server_a.maxmemory_policy() {
        Some(policy) => println!("Redis maxmemory-policy: {policy}"),
        None => println!("Redis does not allow CONFIG GET: check its eviction setting yourself"),
    }

    let fingerprint = Fingerprint::of("ticket-from-the-shop");
    let ttl = Duration::from_secs(60);
    let (a, b) = tokio::join!(
        server_a.claim(&fingerprint, ttl),
        server_b.claim(&fingerprint, ttl)
    );
    println!("app server A claimed the ticket: {}", a?);
    println!("app server B claimed the ticket: {}", b?);
    println!("(exactly one of them may exchange it with Payway)");

    server_a.release(&fingerprint).await?;
    println!(
        "after a release, B may claim it: {}",
        server_b.claim(&fingerprint, ttl).await?
    );
    server_b.release(&fingerprint).await?;
    Ok(())
}
