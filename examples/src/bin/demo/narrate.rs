//! How the demo talks: one heading per provider, one line per step, outcomes marked
//! so a newcomer can follow the story without reading the code.

/// Starts a provider's section: a heading and one sentence on what it shows.
pub(crate) fn section(title: &str, what_it_shows: &str) {
    println!();
    println!("=== {title} ===");
    println!("{what_it_shows}");
}

/// One thing the demo is about to do, in plain words.
pub(crate) fn step(text: &str) {
    println!();
    println!("--> {text}");
}

/// A fact worth showing: a URL, a claim, a header.
pub(crate) fn detail(label: &str, value: impl std::fmt::Display) {
    println!("    {label}: {value}");
}

/// The reader gets the content (or the flow succeeded).
pub(crate) fn granted(text: &str) {
    println!("    [serve]  {text}");
}

/// The reader does not get the content (or the request was refused, as it should be).
pub(crate) fn denied(text: &str) {
    println!("    [deny]   {text}");
}
