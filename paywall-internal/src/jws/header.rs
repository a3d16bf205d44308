//! The JOSE header: strict base64url of a JSON object without repeated members, whose `alg`
//! is exactly `HS256` and which names no critical extension.

use super::base64url;
use super::{ALGORITHM, JwsError, Typ};
use crate::json::{self, Member, Members, Refusal};

/// Longest `alg` an error repeats: enough for every registered name.
const MAX_SHOWN_ALG: usize = 16;

/// Header segments known to mean HS256 and nothing else, accepted without decoding:
/// `{"typ":"JWT","alg":"HS256"}` (jsonwebtoken's and Payway's), `{"alg":"HS256","typ":"JWT"}`
/// (the JavaScript libraries') and `{"alg":"HS256"}`.
pub(crate) const KNOWN_SEGMENTS: [&str; 3] = [
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
    "eyJhbGciOiJIUzI1NiJ9",
];

/// Checks the header segment. The order of the checks is part of the contract: not
/// base64url, not a JSON object or a repeated member; then the algorithm; then `crit`; then
/// `typ`.
pub(crate) fn check(segment: &str, typ: Typ) -> Result<(), JwsError> {
    if KNOWN_SEGMENTS.contains(&segment) {
        return Ok(());
    }
    let bytes = base64url::decode(segment).ok_or(JwsError::Malformed {
        reason: "the header is not base64url",
    })?;
    let [alg, typ_member, crit] = json::read_object(&bytes, Members(["alg", "typ", "crit"]))
        .map_err(|error| {
            let reason = match json::classify(&error) {
                Refusal::RepeatedMember => return JwsError::RepeatedHeaderMember,
                Refusal::NotAnObject => "the header is not a JSON object",
                Refusal::Syntax | Refusal::Shape => "the header is not valid JSON",
            };
            JwsError::Malformed { reason }
        })?;
    match alg {
        Some(Member::Text(alg)) if alg == ALGORITHM => {}
        Some(Member::Text(alg)) => {
            return Err(JwsError::WrongAlgorithm {
                found: printable(&alg),
            });
        }
        _ => return Err(JwsError::WrongAlgorithm { found: None }),
    }
    // RFC 7515 §4.1.11: an extension marked critical that is not understood must be
    // refused; none is understood here (this also refuses RFC 7797's unencoded payloads).
    if crit.is_some() {
        return Err(JwsError::CriticalHeader);
    }
    match (typ, typ_member) {
        (Typ::Any, _) | (Typ::JwtIfPresent, None) => Ok(()),
        (Typ::JwtIfPresent, Some(Member::Text(typ))) if typ.eq_ignore_ascii_case("JWT") => Ok(()),
        (Typ::JwtIfPresent, Some(_)) => Err(JwsError::WrongType),
    }
}

/// A copy of an untrusted `alg` that is safe to print in logs, or `None`.
fn printable(alg: &str) -> Option<String> {
    let shown =
        (1..=MAX_SHOWN_ALG).contains(&alg.len()) && alg.bytes().all(|b| b.is_ascii_graphic());
    shown.then(|| alg.to_owned())
}

#[cfg(test)]
mod tests {
    use super::{KNOWN_SEGMENTS, check, printable};
    use crate::jws::{JwsError, Typ, base64url};

    fn header(json: &str) -> String {
        base64url::encode(json)
    }

    #[test]
    fn the_known_segments_are_what_they_say() {
        for segment in KNOWN_SEGMENTS {
            let json = base64url::decode(segment).unwrap();
            let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
            assert_eq!(value["alg"], "HS256");
            assert!(value.get("crit").is_none());
            assert!(value.get("typ").is_none_or(|typ| typ == "JWT"));
            // Decoded and read, each passes on its own merits too.
            let respelled = header(std::str::from_utf8(&json).unwrap());
            assert_eq!(respelled, segment);
        }
    }

    #[test]
    fn the_algorithm_must_be_exactly_hs256() {
        for (json, found) in [
            (r#"{"alg":"none"}"#, Some("none")),
            (r#"{"alg":"hs256"}"#, Some("hs256")),
            (r#"{"alg":"HS256 "}"#, None),
            (r#"{"alg":"HS512"}"#, Some("HS512")),
            (r#"{"alg":""}"#, None),
            (r#"{"alg":null}"#, None),
            (r#"{"alg":["HS256"]}"#, None),
            (r#"{"typ":"JWT"}"#, None),
            (r#"{"alg":"HS256-but-far-too-long"}"#, None),
        ] {
            assert_eq!(
                check(&header(json), Typ::Any),
                Err(JwsError::WrongAlgorithm {
                    found: found.map(str::to_owned)
                }),
                "{json}"
            );
        }
        check(
            &header(r#"{"\u0061lg":"HS\u0032\u0035\u0036","kid":{"x":[1]}}"#),
            Typ::Any,
        )
        .unwrap();
    }

    #[test]
    fn malformed_repeated_and_critical_headers_are_refused_in_that_order() {
        let malformed = |reason| JwsError::Malformed { reason };
        for (segment, error) in [
            ("e30=".to_owned(), malformed("the header is not base64url")),
            (header("[1]"), malformed("the header is not a JSON object")),
            (header("{"), malformed("the header is not valid JSON")),
            (
                header(r#"{"alg":"none","alg":"HS256"}"#),
                JwsError::RepeatedHeaderMember,
            ),
            (
                header(r#"{"alg":"HS256","x":[{"y":1,"y":1}]}"#),
                JwsError::RepeatedHeaderMember,
            ),
        ] {
            assert_eq!(check(&segment, Typ::Any), Err(error), "{segment}");
        }
        for crit in [r#"["b64"]"#, "[]", "null", r#""exp""#] {
            let json = format!(r#"{{"alg":"HS256","crit":{crit}}}"#);
            assert_eq!(
                check(&header(&json), Typ::Any),
                Err(JwsError::CriticalHeader)
            );
        }
        // The algorithm is judged before `crit`.
        assert!(matches!(
            check(&header(r#"{"alg":"none","crit":[]}"#), Typ::Any),
            Err(JwsError::WrongAlgorithm { .. })
        ));
    }

    #[test]
    fn typ_is_checked_only_when_asked() {
        let at_jwt = header(r#"{"alg":"HS256","typ":"at+jwt"}"#);
        assert_eq!(check(&at_jwt, Typ::Any), Ok(()));
        assert_eq!(check(&at_jwt, Typ::JwtIfPresent), Err(JwsError::WrongType));
        assert_eq!(
            check(&header(r#"{"alg":"HS256","typ":7}"#), Typ::JwtIfPresent),
            Err(JwsError::WrongType)
        );
        check(&header(r#"{"alg":"HS256","typ":"jwt"}"#), Typ::JwtIfPresent).unwrap();
        check(&header(r#"{"alg":"HS256"}"#), Typ::JwtIfPresent).unwrap();
    }

    #[test]
    fn only_short_printable_algorithms_are_reported() {
        assert_eq!(printable("none").as_deref(), Some("none"));
        assert_eq!(printable(""), None);
        assert_eq!(printable("HS256\n"), None);
        assert_eq!(printable("a b"), None);
        assert_eq!(printable("é"), None);
        assert_eq!(printable(&"A".repeat(17)), None);
        assert_eq!(printable(&"A".repeat(16)).map(|a| a.len()), Some(16));
    }
}
