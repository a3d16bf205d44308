//! Shared setup: a mock tiun and clients pointed at it.

use std::error::Error as _;

use httpmock::MockServer;
use tiun_client::{TiunClient, TiunClientBuilder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The API key every test client sends.
pub(crate) const KEY: &str = "tk_test_9f8e7d6c5b4a";

/// The path of the current session check for `encoded_id`.
pub(crate) fn s2s_path(encoded_id: &str) -> String {
    format!("/live_api/s2s/v1/sessions/{encoded_id}/status")
}

/// A builder aimed at `server` with the test key.
pub(crate) fn builder(server: &MockServer) -> TiunClientBuilder {
    TiunClient::builder()
        .base_url(server.base_url().parse().unwrap())
        .api_key(KEY)
}

/// A client aimed at `server` with the test key.
pub(crate) fn client(server: &MockServer) -> TiunClient {
    builder(server).build().unwrap()
}

/// Everything a user could print of `error`: its `Display` and `Debug`, and those of every
/// error in its source chain.
pub(crate) fn everything_printed(error: &tiun_client::Error) -> String {
    let mut text = format!("{error} {error:?}");
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(" | {cause} {cause:?}"));
        source = cause.source();
    }
    text
}

/// A stand-in for tiun that answers every request with `status` and a JSON object of
/// `padding` bytes and more, sent chunked with no `Content-Length`: what a hostile or broken
/// server can send and httpmock cannot. Returns its base URL.
pub(crate) async fn chunked_server(status: u16, padding: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let body = format!(r#"{{"userId":"u-1","title":"{}"}}"#, "x".repeat(padding));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buffer = [0_u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                let mut answer = format!(
                    "HTTP/1.1 {status} Answer\r\ncontent-type: application/json\r\n\
                     transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
                )
                .into_bytes();
                for chunk in body.as_bytes().chunks(8 * 1024) {
                    answer.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                    answer.extend_from_slice(chunk);
                    answer.extend_from_slice(b"\r\n");
                }
                answer.extend_from_slice(b"0\r\n\r\n");
                // The client may hang up once it has read enough.
                let _ = stream.write_all(&answer).await;
            });
        }
    });
    base
}
