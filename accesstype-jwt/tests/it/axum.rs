//! The `axum` feature through a real router: the `Reader` extractor and its `Set-Cookie`, and
//! the publisher bodies as JSON responses.

use accesstype_jwt::axum::Reader;
use accesstype_jwt::{
    AttributeValue, ContentTaxonomy, CookieDomain, ReaderCookie, SearchResponse, StoryAttributes,
    TaxonomyAttribute, Visibility,
};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::routing::get;
use http_body_util::BodyExt;
use tower::ServiceExt;

const ID: &str = "0123456789abcdef0123456789abcdef";
const OTHER: &str = "fedcba9876543210fedcba9876543210";

/// A story route that answers with the reader's id and stores a fresh one.
fn app(cookie: ReaderCookie) -> Router {
    async fn story(reader: Reader) -> (Reader, String) {
        let body = format!("{} {}", reader.as_str(), reader.is_fresh());
        (reader, body)
    }
    async fn peek(reader: Option<Reader>) -> String {
        reader.map_or_else(|| "none".to_owned(), |reader| reader.as_str().to_owned())
    }
    Router::new()
        .route("/story", get(story))
        .route("/peek", get(peek))
        .with_state(cookie)
}

async fn call(app: Router, path: &str, cookies: &[&str]) -> (StatusCode, HeaderMap, String) {
    let mut request = Request::get(path);
    for cookie in cookies {
        request = request.header(header::COOKIE, *cookie);
    }
    let response = app
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

fn set_cookies(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_known_reader_keeps_their_id_and_gets_no_cookie() {
    let (status, headers, body) = call(
        app(ReaderCookie::host_only()),
        "/story",
        &[&format!("theme=dark; at-meter={ID}")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, format!("{ID} false"));
    assert!(set_cookies(&headers).is_empty());
}

#[tokio::test]
async fn a_new_reader_gets_a_fresh_id_and_its_cookie() {
    let (status, headers, body) = call(app(ReaderCookie::host_only()), "/story", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let (id, fresh) = body.split_once(' ').unwrap();
    assert_eq!(fresh, "true");
    assert_eq!(id.len(), 32);
    let cookies = set_cookies(&headers);
    assert_eq!(cookies.len(), 1);
    // Host-only: no `Domain`, so it works on one host and on http://127.0.0.1.
    assert!(
        cookies[0].starts_with(&format!("at-meter={id}; Path=/; Expires=")),
        "{}",
        cookies[0]
    );
    assert!(cookies[0].ends_with("; SameSite=None; Secure"));
    assert!(!cookies[0].contains("Domain="));
}

#[tokio::test]
async fn the_domain_comes_from_state() {
    let domain = ReaderCookie::for_domain(CookieDomain::new("news.example.com").unwrap());
    let (_, headers, _) = call(app(domain), "/story", &["theme=dark"]).await;
    let cookies = set_cookies(&headers);
    assert_eq!(cookies.len(), 1);
    assert!(cookies[0].contains("; Path=/; Domain=news.example.com; Expires="));
}

#[tokio::test]
async fn cookies_split_over_several_headers_are_all_read() {
    // HTTP/2 sends each cookie in its own header; a 12 KiB header of ad cookies comes first.
    let ads = format!("{}x=1", "_ga=GA1.2.3456789; ".repeat(700));
    assert!(ads.len() > 12 * 1024);
    let (_, headers, body) = call(
        app(ReaderCookie::host_only()),
        "/story",
        &[&ads, "theme=dark", &format!("at-meter={ID}")],
    )
    .await;
    assert_eq!(body, format!("{ID} false"));
    assert!(set_cookies(&headers).is_empty());
}

#[tokio::test]
async fn ambiguous_malformed_or_oversized_cookies_give_a_fresh_id() {
    for cookies in [
        vec![format!("at-meter={ID}"), format!("at-meter={OTHER}")],
        vec![format!("at-meter={ID}; at-meter={ID}")],
        vec!["at-meter=short".to_owned()],
        vec!["at-meter=<script>alert(1)</script>".to_owned()],
        vec![format!("{}; at-meter={ID}", "j".repeat(70 * 1024))],
    ] {
        let headers: Vec<&str> = cookies.iter().map(String::as_str).collect();
        let (status, response_headers, body) =
            call(app(ReaderCookie::host_only()), "/story", &headers).await;
        assert_eq!(status, StatusCode::OK);
        let (id, fresh) = body.split_once(' ').unwrap();
        assert_eq!(
            fresh,
            "true",
            "{:?}",
            &cookies[0][..20.min(cookies[0].len())]
        );
        assert!(id != ID && id != OTHER);
        assert_eq!(set_cookies(&response_headers).len(), 1);
    }
}

#[tokio::test]
async fn option_reader_reads_the_cookie_and_never_makes_one() {
    let peek = |cookies: Vec<String>| async move {
        let headers: Vec<&str> = cookies.iter().map(String::as_str).collect();
        call(app(ReaderCookie::host_only()), "/peek", &headers).await
    };
    let (_, headers, body) = peek(vec![format!("at-meter={ID}")]).await;
    assert_eq!(body, ID);
    assert!(set_cookies(&headers).is_empty());
    for cookies in [
        vec![],
        vec!["at-meter=short".to_owned()],
        vec![format!("at-meter={ID}"), format!("at-meter={OTHER}")],
    ] {
        let (status, headers, body) = peek(cookies).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, "none");
        assert!(set_cookies(&headers).is_empty());
    }
}

#[tokio::test]
async fn the_handlers_own_cookies_are_kept() {
    // A header array replaces headers of its name, so the reader comes after it.
    async fn login(
        reader: Reader,
    ) -> (
        [(header::HeaderName, &'static str); 1],
        Reader,
        &'static str,
    ) {
        (
            [(header::SET_COOKIE, "session=abc; HttpOnly")],
            reader,
            "ok",
        )
    }
    let app = Router::new()
        .route("/login", get(login))
        .with_state(ReaderCookie::host_only());
    let (_, headers, _) = call(app, "/login", &[]).await;
    let cookies = set_cookies(&headers);
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    assert!(cookies.iter().any(|c| c.starts_with("at-meter=")));
    assert!(cookies.iter().any(|c| c == "session=abc; HttpOnly"));
}

#[tokio::test]
async fn publisher_bodies_are_json_responses() {
    let taxonomy = ContentTaxonomy::stories([TaxonomyAttribute::new(
        "section",
        [AttributeValue::new("Sports", "sports")],
    )])
    .validated()
    .unwrap();
    let app = Router::new()
        .route(
            "/story-attributes",
            get(|| async { StoryAttributes::new(Visibility::Subscription).access_level(3) }),
        )
        .route(
            "/content-taxonomy",
            get(move || {
                let taxonomy = taxonomy.clone();
                async move { taxonomy }
            }),
        )
        .route(
            "/search",
            get(|| async {
                SearchResponse::new("section", [AttributeValue::new("Sports", "sports")])
            }),
        );
    for (path, expected) in [
        (
            "/story-attributes",
            r#"{"visibility":"subscription","access-level":3}"#,
        ),
        (
            "/content-taxonomy",
            r#"[{"type":"story","attributes":[{"name":"section","values":[{"label":"Sports","value":"sports"}]}]}]"#,
        ),
        (
            "/search",
            r#"{"name":"section","values":[{"label":"Sports","value":"sports"}]}"#,
        ),
    ] {
        let (status, headers, body) = call(app.clone(), path, &[]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json", "{path}");
        assert_eq!(body, expected, "{path}");
    }
}
