//! A tiun that echoes what the request carried (the API key, the session id, the user
//! verification token), in every spelling it could: nothing the crate keeps or prints holds it.
//! Checked through `{:?}`, `{}`, the `source()` chain and the `expose_*` methods.

use std::error::Error as _;

use axum::Router;
use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::Request;
use axum::routing::get;
use httpmock::prelude::*;
use tiun_client::axum::{PaidSession, SessionSource};
use tiun_client::{Error, ProblemDetails, SessionStatus, TiunClient, UserLookup, UserVerification};
use tower::ServiceExt;

use crate::support::everything_printed;

/// Printable ASCII with the characters every encoding treats differently.
const KEY: &str = r#"tk_live/Q7x+Zr9=Wm"Vb&Jq%4a\Hn"#;
/// From the browser: a space, non-ASCII, an astral character and URL delimiters.
const SESSION: &str = "sess/Ké 7+Gp;?#Yw😀";
/// What the browser SDK hands out, with the same kinds of characters.
const TOKEN: &str = r#"uvt.Fx/Dq+Lm=Nz Rt"Sv\Bw"#;

/// Pieces of each secret that no message of the crate's or of the bodies below contains: one
/// of them surviving means part of a secret did.
const KEY_PIECES: [&str; 6] = ["Q7x", "Zr9", "Wm", "Vb", "Jq", "Hn"];
const SESSION_PIECES: [&str; 3] = ["Ké", "Gp", "Yw"];
const TOKEN_PIECES: [&str; 7] = ["Fx", "Dq", "Lm", "Nz", "Rt", "Sv", "Bw"];

/// Every way tiun could spell `secret` inside a string of its answer: raw, form-encoded (`+`
/// or `%20` for a space, either hex case), path-encoded (`+` and `/` left as they are), and
/// as JSON text in the styles of serde_json, PHP (`\/`) and .NET (`\u002B`), once or twice
/// quoted.
fn spellings(secret: &str) -> Vec<String> {
    let percent = |space: &str, keep: &[u8]| -> String {
        secret
            .bytes()
            .map(|b| match b {
                b' ' => space.to_owned(),
                b if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) => {
                    char::from(b).to_string()
                }
                b => format!("%{b:02X}"),
            })
            .collect()
    };
    vec![
        secret.to_owned(),
        percent("+", b""),
        percent("%20", b""),
        lowercase_hex(&percent("+", b"")),
        percent("%20", b"+/"),
        inner_of(Style::Serde, secret),
        inner_of(Style::Php, secret),
        inner_of(Style::DotNet, secret),
        inner_of(Style::Serde, &inner_of(Style::Serde, secret)),
        inner_of(Style::DotNet, &inner_of(Style::DotNet, secret)),
        // A form-encoded echo quoted in .NET's style.
        inner_of(Style::DotNet, &percent("+", b"")),
    ]
}

/// `%2F` written `%2f`.
fn lowercase_hex(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let escape = rest.get(at..at + 3).unwrap_or(&rest[at..]);
        out.push_str(&escape.to_lowercase());
        rest = &rest[at + escape.len()..];
    }
    out.push_str(rest);
    out
}

/// `text` as the inside of a JSON string written in `style`.
fn inner_of(style: Style, text: &str) -> String {
    let quoted = json_string(style, text);
    quoted[1..quoted.len() - 1].to_owned()
}

/// How a JSON writer escapes strings.
#[derive(Clone, Copy)]
enum Style {
    /// serde_json: `\"`, `\\`, control characters; everything else raw.
    Serde,
    /// PHP's `json_encode`: also `\/`, and `\uXXXX` (lowercase) for all non-ASCII.
    Php,
    /// .NET's `System.Text.Json`: `\uXXXX` (uppercase) for HTML-sensitive characters, `+`,
    /// `"`, `\` and all non-ASCII.
    DotNet,
}

/// `text` as a JSON string literal, quotes included, written in `style`.
fn json_string(style: Style, text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match (style, c) {
            (Style::Serde | Style::Php, '"') => out.push_str("\\\""),
            (Style::Serde | Style::Php, '\\') => out.push_str("\\\\"),
            (Style::Php, '/') => out.push_str("\\/"),
            (Style::DotNet, '"' | '\\' | '+' | '&' | '<' | '>' | '\'' | '`') => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            (_, c) if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            (Style::Php | Style::DotNet, c) if !c.is_ascii() => {
                let mut units = [0_u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    match style {
                        Style::Php => out.push_str(&format!("\\u{unit:04x}")),
                        _ => out.push_str(&format!("\\u{unit:04X}")),
                    }
                }
            }
            (_, c) => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Problem details that echo `spelling` in every field, in an extension's value and as an
/// extension's name, the body written in `style`.
fn echoing_problem(style: Style, status: u16, spelling: &str) -> String {
    let s = |text: &str| json_string(style, text);
    format!(
        r#"{{"type":{},"title":{},"status":{status},"detail":{},"instance":{},"echo":{{"sent":[{}]}},{}:"as a name"}}"#,
        s(&format!("https://tiun.live/problems/{spelling}")),
        s(&format!("Refused: {spelling}")),
        s(&format!("The value {spelling} was refused.")),
        s(&format!("/requests/{spelling}")),
        s(spelling),
        s(spelling),
    )
}

/// Every body a test sends: each spelling of `secret`, in each writer's style.
fn echoing_bodies(status: u16, secret: &str) -> Vec<String> {
    let mut bodies = Vec::new();
    for style in [Style::Serde, Style::Php, Style::DotNet] {
        for spelling in spellings(secret) {
            bodies.push(echoing_problem(style, status, &spelling));
        }
    }
    bodies
}

/// Fails when `text` holds a secret or a piece of one.
fn assert_clean(text: &str, what: &str) {
    for secret in [KEY, SESSION, TOKEN] {
        assert!(!text.contains(secret), "{what}: a secret in {text}");
    }
    for piece in KEY_PIECES
        .iter()
        .chain(&SESSION_PIECES)
        .chain(&TOKEN_PIECES)
    {
        assert!(!text.contains(piece), "{what}: {piece:?} in {text}");
    }
}

/// What the `expose_*` methods give: every echo replaced by one mark, the rest as sent.
fn assert_problem_redacted(problem: &ProblemDetails, body: &str) {
    assert_eq!(
        problem.expose_type(),
        Some("https://tiun.live/problems/[redacted]"),
        "{body}"
    );
    assert_eq!(
        problem.expose_title(),
        Some("Refused: [redacted]"),
        "{body}"
    );
    assert_eq!(
        problem.expose_detail(),
        Some("The value [redacted] was refused."),
        "{body}"
    );
    assert_eq!(
        problem.expose_instance(),
        Some("/requests/[redacted]"),
        "{body}"
    );
    assert_eq!(
        serde_json::Value::Object(problem.expose_extensions().clone()),
        serde_json::json!({"echo": {"sent": ["[redacted]"]}, "[redacted]": "as a name"}),
        "{body}"
    );
    let exposed = format!(
        "{:?} {:?} {:?} {:?} {:?}",
        problem.expose_type(),
        problem.expose_title(),
        problem.expose_detail(),
        problem.expose_instance(),
        problem.expose_extensions()
    );
    assert_clean(&exposed, body);
    let printed = format!("{problem:?} {problem:#?}");
    assert_clean(&printed, body);
    assert!(!printed.contains("Refused"), "no text in Debug: {printed}");
}

/// `text` form-encoded, as a query parameter's value.
fn form_encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn tiun(server: &MockServer) -> TiunClient {
    TiunClient::builder()
        .base_url(server.base_url().parse().unwrap())
        .api_key(KEY)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_401_that_echoes_the_key() {
    let server = MockServer::start_async().await;
    let tiun = tiun(&server);
    for body in echoing_bodies(401, KEY) {
        let mock = server
            .mock_async(|when, then| {
                when.any_request();
                then.status(401)
                    .header("content-type", "application/problem+json")
                    .body(&body);
            })
            .await;

        let status = tiun.verify_session(SESSION).await.unwrap();
        let SessionStatus::Unauthorized {
            problem: Some(problem),
        } = &status
        else {
            panic!("{body}: {status:?}")
        };
        assert_problem_redacted(problem, &body);
        assert_clean(&format!("{status:?} {status:#?}"), &body);

        let verification = tiun.verify_user(TOKEN).await.unwrap();
        let UserVerification::Unauthorized {
            problem: Some(problem),
        } = &verification
        else {
            panic!("{body}: {verification:?}")
        };
        assert_problem_redacted(problem, &body);
        assert_clean(&format!("{verification:?}"), &body);

        let lookup = tiun.user_info("u-1").await.unwrap();
        let UserLookup::Unauthorized {
            problem: Some(problem),
        } = &lookup
        else {
            panic!("{body}: {lookup:?}")
        };
        assert_problem_redacted(problem, &body);
        assert_clean(&format!("{lookup:?}"), &body);

        mock.delete_async().await;
    }
}

#[tokio::test]
async fn a_404_that_echoes_the_session_id() {
    let server = MockServer::start_async().await;
    let tiun = tiun(&server);
    for body in echoing_bodies(404, SESSION) {
        let mock = server
            .mock_async(|when, then| {
                when.method(PATCH);
                then.status(404).body(&body);
            })
            .await;

        let status = tiun.verify_session(SESSION).await.unwrap();

        let Some(problem) = status.problem() else {
            panic!("{body}: {status:?}")
        };
        assert!(matches!(status, SessionStatus::Invalid { .. }));
        assert_problem_redacted(problem, &body);
        assert_clean(&format!("{status:?} {status:#?}"), &body);
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn a_400_that_echoes_the_token() {
    let server = MockServer::start_async().await;
    let tiun = tiun(&server);
    for body in echoing_bodies(400, TOKEN) {
        let mock = server
            .mock_async(|when, then| {
                when.method(POST);
                then.status(400).body(&body);
            })
            .await;

        let error = tiun.verify_user(TOKEN).await.unwrap_err();

        assert!(matches!(error, Error::UnexpectedStatus { .. }), "{error:?}");
        let problem = error.problem().expect("problem details");
        assert_problem_redacted(problem, &body);
        // `{}`, `{:?}` and every error of the `source()` chain.
        assert_clean(&everything_printed(&error), &body);
        assert_clean(&format!("{error:#?}"), &body);
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn an_unexpected_status_that_echoes_key_and_session_id_through_the_extractor() {
    async fn article(_paid: PaidSession) -> &'static str {
        "the whole article"
    }
    let server = MockServer::start_async().await;
    let tiun = tiun(&server);
    let by_query = TiunClient::builder()
        .base_url(server.base_url().parse().unwrap())
        .api_key(KEY)
        .session_source(SessionSource::query("session"))
        .build()
        .unwrap();
    for (secret, body) in echoing_bodies(502, KEY)
        .into_iter()
        .map(|b| (KEY, b))
        .chain(
            echoing_bodies(502, SESSION)
                .into_iter()
                .map(|b| (SESSION, b)),
        )
    {
        let mock = server
            .mock_async(|when, then| {
                when.method(PATCH);
                then.status(502).body(&body);
            })
            .await;

        let error = tiun.verify_session(SESSION).await.unwrap_err();
        assert_problem_redacted(error.problem().expect("problem details"), &body);
        assert_clean(&everything_printed(&error), &body);

        // The rejection a handler's caller sees: its `{}`, `{:?}` and `source()` chain. The
        // session id travels in a query parameter, as a header cannot carry it.
        let uri = format!("/?session={}", form_encoded(SESSION));
        let request = Request::get(&uri).body(Body::empty()).unwrap();
        let mut parts = request.into_parts().0;
        let rejection = <PaidSession as FromRequestParts<TiunClient>>::from_request_parts(
            &mut parts, &by_query,
        )
        .await
        .unwrap_err();
        assert_eq!(rejection.code(), "tiun_unavailable");
        let mut printed = format!("{rejection} {rejection:?} {rejection:#?}");
        let mut source = rejection.source();
        assert!(source.is_some(), "the check's error is the source");
        while let Some(cause) = source {
            printed.push_str(&format!(" | {cause} {cause:?}"));
            source = cause.source();
        }
        assert_clean(&printed, &format!("{secret}: {body}"));

        // And the response the reader gets.
        let app = Router::new()
            .route("/", get(article))
            .with_state(by_query.clone());
        let request = Request::get(&uri).body(Body::empty()).unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), 503);
        let text = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        assert_clean(&String::from_utf8_lossy(&text), &body);
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn a_garbled_200_that_echoes_the_token_and_the_key() {
    let server = MockServer::start_async().await;
    let tiun = tiun(&server);
    for (style, secret) in [Style::Serde, Style::Php, Style::DotNet]
        .into_iter()
        .flat_map(|style| [(style, KEY), (style, TOKEN)])
    {
        for spelling in spellings(secret) {
            // Not the documented shape, so the body is kept for diagnosis.
            let body = format!(
                r#"{{"isAuthenticated":true,"echo":{},"why":{}}}"#,
                json_string(style, &spelling),
                json_string(style, &format!("token {spelling} unknown")),
            );
            let mock = server
                .mock_async(|when, then| {
                    when.method(POST);
                    then.status(200)
                        .header("content-type", "application/json")
                        .body(&body);
                })
                .await;

            let error = tiun.verify_user(TOKEN).await.unwrap_err();

            let Error::Parse(kept) = &error else {
                panic!("{body}: {error:?}")
            };
            assert_eq!(kept.len(), body.len(), "the length as received");
            let text = kept.expose_text().expect("kept, UTF-8");
            assert!(text.contains("[redacted]"), "{text}");
            assert!(
                text.contains("isAuthenticated"),
                "only the echoes are cut: {text}"
            );
            assert_clean(text, &body);
            assert_clean(
                &String::from_utf8_lossy(kept.expose_bytes().expect("kept")),
                &body,
            );
            assert_clean(&everything_printed(&error), &body);
            mock.delete_async().await;
        }
    }
}
