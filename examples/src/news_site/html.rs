//! The site's HTML: one layout, escaping, and the pieces every page shares. Plain
//! server-rendered markup with a little CSS; no framework and no build step.

use axum::response::Html;

/// `text` escaped for HTML text and double-quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A whole page: the site's header, `main` (already HTML) and footer.
pub(crate) fn page(title: &str, main: &str) -> Html<String> {
    Html(format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · The Daily Paywall</title>
<link rel="stylesheet" href="/site.css">
</head>
<body>
<header class="masthead"><a href="/">The Daily Paywall</a><span>a demo news site for the paywall SDK</span></header>
<main>
{main}
</main>
<footer>Every provider here is a stand-in running on 127.0.0.1; no reader data leaves this machine.</footer>
</body>
</html>
"#,
        title = escape(title),
    ))
}

/// The box a reader sees instead of the article: who it is for, why it is shown (the
/// provider's typed outcome, in words), and what to do next (`actions`: links, buttons).
pub(crate) fn paywall(audience: &str, reason: &str, actions: &str) -> String {
    format!(
        r#"<section class="paywall" id="paywall">
<h2>This story is for {audience}</h2>
<p class="reason" id="paywall-reason">{reason}</p>
<div class="actions">{actions}</div>
</section>"#,
        audience = escape(audience),
        reason = escape(reason),
    )
}

/// The stylesheet every page links to.
pub(crate) const CSS: &str = r#"
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:17px/1.55 Georgia,"Times New Roman",serif;color:#1d1d1f;background:#faf8f4}
.masthead{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:baseline;padding:1rem 1.25rem;border-bottom:3px double #1d1d1f;background:#fff}
.masthead a{font:700 1.6rem/1 Georgia,serif;color:inherit;text-decoration:none}
.masthead span{font:.85rem/1.2 system-ui,sans-serif;color:#666}
main{max-width:44rem;margin:0 auto;padding:1.25rem}
footer{max-width:44rem;margin:2rem auto;padding:0 1.25rem 2rem;font:.8rem/1.4 system-ui,sans-serif;color:#777}
h1{font-size:1.9rem;line-height:1.2;margin:.5rem 0}
.kicker{font:600 .75rem/1 system-ui,sans-serif;letter-spacing:.08em;text-transform:uppercase;color:#a4161a}
.standfirst{font-size:1.1rem;color:#444}
.articles{list-style:none;padding:0;margin:0}
.articles li{padding:1rem 0;border-bottom:1px solid #ddd}
.articles a{font-size:1.2rem;color:inherit}
.gate{display:inline-block;font:.75rem/1.4 system-ui,sans-serif;padding:.1rem .5rem;border-radius:1rem;background:#eee;color:#333}
.paywall{margin:1.5rem 0;padding:1.25rem;border:2px solid #a4161a;border-radius:.5rem;background:#fff;font-family:system-ui,sans-serif}
.paywall h2{margin-top:0;font-size:1.2rem}
.reason{color:#a4161a}
.actions,.actions>div{display:flex;flex-wrap:wrap;gap:.5rem}
.button,button{display:inline-block;font:600 1rem/1 system-ui,sans-serif;padding:.7rem 1rem;border:0;border-radius:.35rem;background:#1d1d1f;color:#fff;text-decoration:none;cursor:pointer}
.button.secondary,button.secondary{background:#e5e5e5;color:#1d1d1f}
.body p:first-child::first-letter{font-size:2.6rem;float:left;line-height:1;padding-right:.3rem}
.notice{padding:.75rem 1rem;border-radius:.35rem;background:#fff3cd;font-family:system-ui,sans-serif}
.signed-in{font:.85rem/1.4 system-ui,sans-serif;color:#2b6a30}
@media (max-width:30rem){body{font-size:16px}h1{font-size:1.5rem}}
"#;
