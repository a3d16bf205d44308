//! One security policy for the four crates, proven on each.
//!
//! Each rule is a table of hostile inputs (`table.rs`) applied to every crate's API where it
//! applies. A new crate, or a new endpoint, joins the tables here, so a rule cannot be
//! forgotten in one crate again:
//!
//! | rule | file |
//! | --- | --- |
//! | a caller's piece of a URL stays in one encoded segment, or is refused | `paths.rs` |
//! | base URLs: https, or http to loopback; no credentials, query or fragment | `base_urls.rs` |
//! | bodies: capped, announced or endless | `bodies.rs` |
//! | redirects are never followed | `redirects.rs` |
//! | repeated JSON members are refused where an answer decides access or identity | `repeated_members.rs` |
//! | `{:?}` and `{}` never show a secret or personal data | `printing.rs` |
//! | a claim is never evicted while live; a full store refuses; made-up tickets hold no claim | `claims.rs` |
//! | a signed token is refused from its `exp` plus the leeway on, not a second later | `token_times.rs` |
//! | every error type clones, keeping its source, and crosses threads | `errors.rs` |
//! | an axum rejection, a page returned with the reader's session, and an answer that sets a cookie, is kept by no shared cache | `rejections.rs` |

mod base_urls;
mod bodies;
mod calls;
mod claims;
mod errors;
mod paths;
mod printing;
mod recorder;
mod redirects;
mod rejections;
mod repeated_members;
mod table;
mod token_times;
