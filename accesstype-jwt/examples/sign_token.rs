//! Signs the Accesstype user JWT for a logged-in reader and builds the access-check URL.
//!
//! ```text
//! cargo run -p accesstype-jwt --example sign_token
//! ACCESSTYPE_JWT_SECRET=... ACCESSTYPE_ACCOUNT_KEY=... cargo run -p accesstype-jwt --example sign_token
//! ```
//!
//! With no environment it signs with a made-up secret, so it runs anywhere; the token is then
//! only good for this example. Nothing is sent over the network.

use std::time::Duration;

use accesstype_jwt::{AccesstypeSigner, BuildError, Environment, ReaderId, User};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let signer = match AccesstypeSigner::from_env() {
        Ok(signer) => {
            println!("Signing with the secret from ACCESSTYPE_JWT_SECRET.");
            signer
        }
        Err(BuildError::MissingEnvVar { .. }) => {
            println!("ACCESSTYPE_JWT_SECRET is not set: signing with a made-up example secret.");
            AccesstypeSigner::builder()
                .secret("example-secret-only-good-for-this-example")
                .ttl(Duration::from_secs(15 * 60))
                .build()?
        }
        Err(other) => return Err(other.into()),
    };
    let account_key =
        std::env::var("ACCESSTYPE_ACCOUNT_KEY").unwrap_or_else(|_| "example-account-key".into());

    let user = User::new("john@example.com", 42).name("John");
    let jwt = signer.sign(&user)?;
    // A user JWT is a credential: show only enough of it to recognise it.
    println!(
        "user JWT:  {}… ({} bytes)",
        jwt.get(..24).unwrap_or(&jwt),
        jwt.len()
    );
    // The user is personal data: print the id, never the e-mail address or name.
    let back = signer.verify(&jwt)?;
    println!("verifies back to user id {} ({})", back.id, back.provider);

    let reader = ReaderId::generate()?;
    let url =
        Environment::Staging.story_access_url("a1b2c3-story", &account_key, &reader, Some(&jwt))?;
    println!(
        "access check: GET {}://{}{}?key=…&readerId=…&accesstype_jwt=…",
        url.scheme(),
        url.host_str().unwrap_or_default(),
        url.path()
    );
    Ok(())
}
