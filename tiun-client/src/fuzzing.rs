//! Internals for the fuzz targets in `fuzz/`; compiled only with `--cfg fuzzing`, which
//! cargo-fuzz sets. Not part of the API.

use url::Url;

use crate::id::{InvalidId, encode_segment};
use crate::problem::ProblemDetails;

/// Parses an error body as [`ProblemDetails`], as the session check does.
pub fn parse_problem(body: &[u8]) -> Option<ProblemDetails> {
    ProblemDetails::parse(body)
}

/// Checks and encodes an identifier into one path segment.
pub fn encode_session_id(id: &str) -> Result<String, InvalidId> {
    encode_segment(id).map(|segment| segment.into_owned())
}

/// The session check's URL below `base`, current path or legacy (`provider_segment`).
pub fn session_url(
    base: &Url,
    provider_segment: Option<&str>,
    session_id: &str,
) -> Result<Url, InvalidId> {
    crate::session::session_url(base, provider_segment, session_id)
}
