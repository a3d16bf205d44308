//! RFC 7807 problem details, which tiun sends with `401` and `404`.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::json::parse_strict;

/// The problem details of an error answer (RFC 7807), parsed best-effort.
///
/// tiun documents every field as nullable and allows extra ones. A field of an unexpected JSON
/// type is left in [`extensions`](Self::extensions) rather than failing the parse, so a body
/// that is a JSON object always yields a `ProblemDetails`; anything else (including an object
/// that names a member twice) yields none.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct ProblemDetails {
    /// A URI reference identifying the problem type (`type`).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub problem_type: Option<String>,
    /// A short, human-readable summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The HTTP status code, as the body states it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// A human-readable explanation of this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A URI reference identifying this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Every other member of the body, and known members of an unexpected type.
    #[serde(flatten)]
    pub extensions: Map<String, Value>,
}

impl ProblemDetails {
    /// Parses a body; `None` unless it is a JSON object without repeated members.
    pub(crate) fn parse(body: &[u8]) -> Option<Self> {
        let Ok(Value::Object(mut members)) = parse_strict(body) else {
            return None;
        };
        let mut text = |name: &str| match members.remove(name) {
            Some(Value::String(s)) => Some(s),
            Some(Value::Null) | None => None,
            Some(other) => {
                members.insert(name.to_owned(), other);
                None
            }
        };
        let problem_type = text("type");
        let title = text("title");
        let detail = text("detail");
        let instance = text("instance");
        let status = match members.remove("status") {
            None | Some(Value::Null) => None,
            Some(value) => {
                let code = value.as_u64().and_then(|n| u16::try_from(n).ok());
                if code.is_none() {
                    members.insert("status".to_owned(), value);
                }
                code
            }
        };
        Some(Self {
            problem_type,
            title,
            status,
            detail,
            instance,
            extensions: members,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_shape() {
        let body = br#"{"type":"about:blank","title":"Not Found","status":404,"detail":"session ended","instance":"/x","traceId":"t1"}"#;
        let p = ProblemDetails::parse(body).unwrap();
        assert_eq!(p.problem_type.as_deref(), Some("about:blank"));
        assert_eq!(p.title.as_deref(), Some("Not Found"));
        assert_eq!(p.status, Some(404));
        assert_eq!(p.detail.as_deref(), Some("session ended"));
        assert_eq!(p.instance.as_deref(), Some("/x"));
        assert_eq!(p.extensions.get("traceId"), Some(&Value::from("t1")));
    }

    #[test]
    fn nulls_and_wrong_types_do_not_fail_the_parse() {
        let p = ProblemDetails::parse(br#"{"type":null,"title":7,"status":"404","detail":null}"#)
            .unwrap();
        assert_eq!(p.title, None);
        assert_eq!(p.status, None);
        assert_eq!(p.extensions.get("title"), Some(&Value::from(7)));
        assert_eq!(p.extensions.get("status"), Some(&Value::from("404")));
        assert_eq!(
            ProblemDetails::parse(br#"{"status":70000}"#)
                .unwrap()
                .status,
            None
        );
    }

    #[test]
    fn a_parsed_problem_round_trips_through_its_json() {
        let body = br#"{"type":"t","title":7,"status":404.5,"detail":null,"x":{"y":[1,"z"]}}"#;
        let p = ProblemDetails::parse(body).unwrap();
        let again = ProblemDetails::parse(&serde_json::to_vec(&p).unwrap()).unwrap();
        assert_eq!(again, p);
    }

    /// Found by fuzzing: without correctly rounded float parsing, this member changed value on
    /// every trip through JSON.
    #[test]
    fn a_float_member_round_trips_exactly() {
        let body = br#"{"neg":-90200000001416993104,"f":1e-7,"g":2.2250738585072014e-308}"#;
        let p = ProblemDetails::parse(body).unwrap();
        let again = ProblemDetails::parse(&serde_json::to_vec(&p).unwrap()).unwrap();
        assert_eq!(again, p);
    }

    #[test]
    fn non_objects_are_not_problems() {
        for body in [
            &b""[..],
            b"not json",
            b"[1,2]",
            b"\"text\"",
            b"null",
            b"{",
            br#"{"title":"a","title":"b"}"#,
        ] {
            assert_eq!(ProblemDetails::parse(body), None);
        }
    }
}
