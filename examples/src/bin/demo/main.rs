//! The paywall SDK demo: every flow of every crate against embedded mock providers.
//!
//! ```text
//! cargo run -p paywall-examples --bin demo             # every section
//! cargo run -p paywall-examples --bin demo -- tiun     # one section: tiun, tulo, accesstype, payway
//! ```
//!
//! No credentials and no network are needed: the providers are mock servers on 127.0.0.1,
//! and the clients talking to them are the real ones from the crates.

mod accesstype;
mod jar;
mod narrate;
mod payway;
mod sso2;
mod tiun;
mod tulo;

use std::process::ExitCode;

/// What a demo section returns: any error ends the demo with a non-zero exit code.
type DemoResult = Result<(), Box<dyn std::error::Error>>;

const SECTIONS: [&str; 4] = ["tiun", "tulo", "accesstype", "payway"];

#[tokio::main]
async fn main() -> ExitCode {
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    if let Some(unknown) = wanted.iter().find(|w| !SECTIONS.contains(&w.as_str())) {
        eprintln!(
            "unknown section `{unknown}`; choose from: {}",
            SECTIONS.join(", ")
        );
        return ExitCode::FAILURE;
    }
    let mut failed = Vec::new();
    for name in SECTIONS {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == name) {
            continue;
        }
        let outcome = match name {
            "tiun" => tiun::run().await,
            "tulo" => tulo::run().await,
            "accesstype" => accesstype::run().await,
            _ => payway::run().await,
        };
        // One section's failure is reported at the end; it never hides the sections after it.
        if let Err(error) = outcome {
            eprintln!("\nThe {name} section failed: {error}");
            failed.push(name);
        }
    }
    if !failed.is_empty() {
        eprintln!("\nFailed sections: {}", failed.join(", "));
        return ExitCode::FAILURE;
    }
    println!("\nDone: every section above ran the crates' real code end to end.");
    ExitCode::SUCCESS
}
