//! The Accesstype publisher endpoints served by axum.
fn main() {}
