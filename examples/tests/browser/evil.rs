//! Another site on loopback: the attacker's pages, on another port (so another origin, but the
//! same site as far as `SameSite` cookies go). It serves one page at every path and records
//! every path a browser asked for.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Html;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use url::Url;

/// The running attacker site.
pub(crate) struct EvilSite {
    url: Url,
    hits: Arc<Mutex<Vec<String>>>,
    server: JoinHandle<()>,
}

#[derive(Clone)]
struct Pages {
    html: Arc<str>,
    hits: Arc<Mutex<Vec<String>>>,
}

impl EvilSite {
    /// Starts the site on a free loopback port, serving `html` at every path.
    pub(crate) async fn start(html: &str) -> Self {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .expect("a free port");
        let url = Url::parse(&format!(
            "http://{}/",
            listener.local_addr().expect("bound")
        ))
        .expect("a URL");
        let hits = Arc::new(Mutex::new(Vec::new()));
        let pages = Pages {
            html: html.into(),
            hits: Arc::clone(&hits),
        };
        let app = Router::new().fallback(serve).with_state(pages);
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, hits, server }
    }

    /// The site's root.
    pub(crate) fn url(&self) -> &Url {
        &self.url
    }

    /// `host:port`, for a return value that points here without a scheme.
    pub(crate) fn authority(&self) -> String {
        format!(
            "{}:{}",
            self.url.host_str().unwrap_or_default(),
            self.url.port().unwrap_or_default()
        )
    }

    /// Every path and query a browser asked for.
    pub(crate) fn hits(&self) -> Vec<String> {
        self.hits
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for EvilSite {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn serve(State(pages): State<Pages>, uri: Uri) -> Html<String> {
    pages
        .hits
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(uri.to_string());
    Html(pages.html.to_string())
}
