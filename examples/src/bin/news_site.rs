//! The demo news site: every paywall flow of the SDK in pages a reader clicks through.
//!
//! ```text
//! cargo run -p paywall-examples --bin news-site            # http://127.0.0.1:3000, or a free port
//! cargo run -p paywall-examples --bin news-site -- 8080    # another port
//! ```
//!
//! No credentials and no network: every provider is a fake started in this process on
//! 127.0.0.1.
//!
//! Open the URL it prints, with `127.0.0.1` as written: the site accepts forms only from its
//! own origin (`http://localhost:3000` is another one), and its login cookies are `Secure`,
//! which Chromium and Firefox accept over plain http to loopback (and nowhere else).

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use paywall_examples::news_site::NewsSite;

#[tokio::main]
async fn main() -> ExitCode {
    let port = match std::env::args().nth(1).map(|p| p.parse::<u16>()) {
        None => 3000,
        Some(Ok(port)) => port,
        Some(Err(_)) => {
            eprintln!("usage: news-site [port]");
            return ExitCode::FAILURE;
        }
    };
    let preferred = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let site = match NewsSite::start(preferred).await {
        Ok(site) => site,
        // The port is taken (another demo still running?): any free port will do.
        Err(_) => match NewsSite::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await {
            Ok(site) => site,
            Err(error) => {
                eprintln!("the news site could not start: {error}");
                return ExitCode::FAILURE;
            }
        },
    };
    println!("The Daily Paywall is open at {}", site.url());
    println!("Every provider is a fake on 127.0.0.1. Press Ctrl-C to stop.");
    match tokio::signal::ctrl_c().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cannot wait for Ctrl-C: {error}");
            ExitCode::FAILURE
        }
    }
}
