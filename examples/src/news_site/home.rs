//! The front page: every story, and which provider gates it.

use std::fmt::Write as _;

use axum::response::Html;

use super::articles::{ARTICLES, Article};
use super::html::{escape, page};

/// `GET /`
pub(crate) async fn front_page() -> Html<String> {
    let mut list = String::from(r#"<ul class="articles">"#);
    for article in ARTICLES {
        let _ = write!(
            list,
            r#"<li><span class="gate">{gate}</span><br><a href="{path}">{title}</a><br><small>{standfirst}</small></li>"#,
            gate = escape(article.gate.label()),
            path = escape(&article.path()),
            title = escape(article.title),
            standfirst = escape(article.standfirst),
        );
    }
    list.push_str("</ul>");
    page(
        "Front page",
        &format!(
            "<p class=\"standfirst\">Each story below is gated by one paywall or identity \
             provider. Click one to read it as a reader would.</p>{list}"
        ),
    )
}

/// A story page: headline, standfirst, then `content` (the story's body, or a paywall).
pub(crate) fn article_page(article: &Article, content: &str) -> Html<String> {
    page(
        article.title,
        &format!(
            r#"<article>
<p class="kicker">{gate}</p>
<h1>{title}</h1>
<p class="standfirst">{standfirst}</p>
{content}
</article>"#,
            gate = escape(article.gate.label()),
            title = escape(article.title),
            standfirst = escape(article.standfirst),
        ),
    )
}

/// The story's body as HTML paragraphs.
pub(crate) fn body(article: &Article) -> String {
    let mut html = String::from(r#"<div class="body" id="article-body">"#);
    for paragraph in article.paragraphs {
        let _ = write!(html, "<p>{}</p>", escape(paragraph));
    }
    html.push_str("</div>");
    html
}
