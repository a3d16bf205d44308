//! A provider stand-in that records each request exactly as it arrived (the raw request
//! target, before any decoding) and answers with a scripted response: a status with a body,
//! a redirect, an oversized body, or a body that never ends.
//!
//! Written on a bare `TcpListener` on purpose: the rules under test are about bytes on the
//! wire (a path segment, a `Content-Length`, a chunked stream), which a mock framework would
//! normalise away.

use std::sync::{Arc, Mutex, PoisonError};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use url::Url;

/// What the stand-in answers to every request.
#[derive(Debug, Clone)]
pub(crate) enum Script {
    /// This status, content type and body.
    Answer(u16, &'static str, String),
    /// `307 Temporary Redirect` to this URL.
    Redirect(String),
    /// `200` with a body of this many bytes, announced with `Content-Length`.
    Oversized(usize),
    /// `200` with a chunked JSON body that never ends.
    Endless,
}

/// One request as received.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    /// The request target exactly as sent (`/path?query`).
    pub(crate) target: String,
}

/// A running stand-in; it stops when dropped.
pub(crate) struct Recorder {
    url: Url,
    seen: Arc<Mutex<Vec<Seen>>>,
    server: JoinHandle<()>,
}

impl Recorder {
    pub(crate) async fn start(script: Script) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let log = Arc::clone(&log);
                let script = script.clone();
                tokio::spawn(async move { serve(stream, &script, &log).await });
            }
        });
        Self { url, seen, server }
    }

    pub(crate) fn url(&self) -> Url {
        self.url.clone()
    }

    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn serve(mut stream: TcpStream, script: &Script, log: &Mutex<Vec<Seen>>) {
    let mut head = Vec::new();
    let mut byte = [0_u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let target = head.split(' ').nth(1).unwrap_or_default().to_owned();
    // Read (and drop) a request body, so the client sees its request accepted.
    if let Some(length) = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())?
    }) {
        let mut body = vec![0_u8; length];
        let _ = stream.read_exact(&mut body).await;
    }
    log.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(Seen { target });
    let _ = match script {
        Script::Answer(status, content_type, body) => {
            let reply = format!(
                "HTTP/1.1 {status} Scripted\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(reply.as_bytes()).await
        }
        Script::Redirect(to) => {
            let reply = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nlocation: {to}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
            stream.write_all(reply.as_bytes()).await
        }
        Script::Oversized(len) => {
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len}\r\nconnection: close\r\n\r\n"
            );
            if stream.write_all(reply.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![b' '; 8192];
            let mut left = *len;
            while left > 0 {
                let n = left.min(chunk.len());
                if stream.write_all(&chunk[..n]).await.is_err() {
                    return;
                }
                left -= n;
            }
            Ok(())
        }
        Script::Endless => {
            let reply = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n5\r\n{\"a\":\r\n";
            if stream.write_all(reply.as_bytes()).await.is_err() {
                return;
            }
            let chunk = format!("2000\r\n{}\r\n", "[".repeat(0x2000));
            // Until the client hangs up: the crate must stop reading at its cap.
            while stream.write_all(chunk.as_bytes()).await.is_ok() {}
            Ok(())
        }
    };
}
