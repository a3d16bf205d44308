//! Internals for the fuzz targets in `fuzz/`; compiled only with `--cfg fuzzing`, which
//! cargo-fuzz sets. Not part of the API.

use paywall_internal::parse_error::{ParseFault, read_value};
use paywall_internal::redact::Redaction;
use serde_json::Value;
use url::Url;

use crate::id::encode_id;
use crate::problem::ProblemDetails;
use crate::user::{UserLookup, UserVerification, user_lookup, verification};

/// Parses an error body as [`ProblemDetails`], as the calls do, cutting every spelling of
/// `secrets` out of what it keeps.
pub fn parse_problem(body: &[u8], secrets: &[&str]) -> Option<ProblemDetails> {
    ProblemDetails::parse(body, &Redaction::of(secrets))
}

/// A problem as a JSON object, every member it holds.
pub fn problem_json(problem: &ProblemDetails) -> Value {
    problem.to_json()
}

/// A `200` answer to the user verification, read as `verify_user` reads it.
pub fn parse_verification(body: &[u8]) -> Result<UserVerification, ParseFault> {
    read_value(body, verification)
}

/// A `200` answer to the user info lookup, read as `user_info` reads it.
pub fn parse_user_lookup(body: &[u8]) -> Result<UserLookup, ParseFault> {
    read_value(body, user_lookup)
}

/// Checks and encodes an identifier into one path segment, or gives the reason it is refused.
pub fn encode_session_id(id: &str) -> Result<String, &'static str> {
    encode_id(id).map(|segment| segment.into_owned())
}

/// The session check's URL below `base`, current path or legacy (`provider_segment`).
pub fn session_url(
    base: &Url,
    provider_segment: Option<&str>,
    session_id: &str,
) -> Result<Url, &'static str> {
    crate::session::session_url(base, provider_segment, session_id)
}
