//! Prints the bodies your publisher endpoints serve to Accesstype: Story Attributes, Content
//! Taxonomy, a search-url answer, and the reader-id cookie.
//!
//! ```text
//! cargo run -p accesstype-jwt --example publisher_bodies
//! ```
//!
//! For an HTTP server that serves them, see the `accesstype-publisher` binary in the workspace's
//! `examples` package.

use accesstype_jwt::{
    AttributeValue, ContentTaxonomy, CookieDomain, ReaderCookie, ReaderId, SearchQuery,
    SearchResponse, StoryAttributes, TaxonomyAttribute, Visibility,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sections = vec![
        AttributeValue::new("Sports", "sports"),
        AttributeValue::new("Science and Tech", "science"),
        AttributeValue::new("Cricket", "cricket"),
    ];

    // GET /story-attributes?story-id=...
    let story = StoryAttributes::new(Visibility::Subscription)
        .published_at_millis(1_571_716_286_097)
        .access_level(999)
        .attribute("section", ["sports", "cricket"])
        .attribute("author", ["menaka"]);
    println!(
        "Story Attributes:\n{}\n",
        serde_json::to_string_pretty(&story)?
    );

    // GET /content-taxonomy: checked against the spec's rules; what was checked is served.
    let taxonomy = ContentTaxonomy::stories([
        TaxonomyAttribute::new("section", sections.clone())
            .search_url("https://news.example.com/api/taxonomy/section".parse()?),
        TaxonomyAttribute::new(
            "author",
            [
                AttributeValue::new("Menaka", "menaka"),
                AttributeValue::new("John", "john"),
            ],
        ),
    ])
    .validated()?;
    println!(
        "Content Taxonomy:\n{}\n",
        serde_json::to_string_pretty(&taxonomy)?
    );

    // GET /api/taxonomy/section?q=cr&limit=5
    let query = SearchQuery::from_query("q=cr&limit=5").ok_or("bad search query")?;
    let found = sections
        .iter()
        .filter(|value| query.matches(value))
        .take(query.limit_or(20, 100))
        .cloned();
    println!(
        "search-url answer for q={:?}:\n{}\n",
        query.q,
        serde_json::to_string_pretty(&SearchResponse::new("section", found))?
    );

    // POST /reader-id for a browser that has no at-meter cookie yet.
    let cookie = ReaderCookie::for_domain(CookieDomain::new("news.example.com")?);
    let reader = match ReaderId::from_cookie_header("theme=dark") {
        Ok(Some(known)) => known,
        // No cookie, a malformed one, or two of them: the reader gets a new id.
        Ok(None) | Err(_) => ReaderId::generate()?,
    };
    println!(
        "reader-id endpoint answers 201 {{}} with\nSet-Cookie: {}",
        reader.set_cookie(&cookie)
    );
    Ok(())
}
