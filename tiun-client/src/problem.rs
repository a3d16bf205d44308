//! RFC 7807 problem details, which tiun sends with `401` and `404`.

use std::fmt;

use paywall_internal::json::value_from_slice;
use paywall_internal::redact::{MARK, Redaction};
use serde_json::{Map, Value};

/// The problem details of an error answer (RFC 7807), parsed best-effort.
///
/// tiun documents every field as nullable and allows extra ones. A field of an unexpected JSON
/// type is left in the [extensions](Self::expose_extensions) rather than failing the parse, so
/// a body that is a JSON object always yields a `ProblemDetails`; anything else (including an
/// object that names a member twice) yields none.
///
/// A provider may echo what the request carried: should tiun quote the API key, the session
/// id or the user verification token, in any spelling (raw, percent-encoded with `+` or `%20`,
/// JSON-escaped in any style, quoted JSON inside a string), it is replaced by `[redacted]` in
/// every field, extension names and values included, before the crate keeps it.
///
/// The text may still hold what the request was about, so `{:?}` shows the status and which
/// fields are present, never their text: read it with the `expose_*` methods, and keep it out
/// of logs.
///
/// ```
/// use tiun_client::SessionStatus;
///
/// fn why_not_paid(status: &SessionStatus) -> Option<&str> {
///     status.problem()?.expose_detail()
/// }
/// assert_eq!(why_not_paid(&SessionStatus::Valid), None);
/// ```
#[derive(Clone, PartialEq, Default)]
pub struct ProblemDetails {
    problem_type: Option<String>,
    title: Option<String>,
    status: Option<u16>,
    detail: Option<String>,
    instance: Option<String>,
    extensions: Map<String, Value>,
}

impl ProblemDetails {
    /// The HTTP status code, as the body states it (`status`).
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// A URI reference identifying the problem type (`type`).
    #[must_use]
    pub fn expose_type(&self) -> Option<&str> {
        self.problem_type.as_deref()
    }

    /// A short, human-readable summary (`title`).
    #[must_use]
    pub fn expose_title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// A human-readable explanation of this occurrence (`detail`). It may quote what the
    /// request was about: keep it out of logs.
    #[must_use]
    pub fn expose_detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// A URI reference identifying this occurrence (`instance`).
    #[must_use]
    pub fn expose_instance(&self) -> Option<&str> {
        self.instance.as_deref()
    }

    /// Every other member of the body, and the documented members of an unexpected type.
    #[must_use]
    pub fn expose_extensions(&self) -> &Map<String, Value> {
        &self.extensions
    }

    /// Parses a body, cutting every spelling of `secrets` out of what it keeps; `None` unless
    /// it is a JSON object without repeated members.
    pub(crate) fn parse(body: &[u8], secrets: &Redaction<'_>) -> Option<Self> {
        let Ok(Value::Object(members)) = value_from_slice(body) else {
            return None;
        };
        let Value::Object(mut members) = secrets.value(Value::Object(members)) else {
            return None;
        };
        let text = |value: &Value| value.as_str().map(str::to_owned);
        Some(Self {
            problem_type: take(&mut members, "type", text),
            title: take(&mut members, "title", text),
            status: take(&mut members, "status", |value| {
                value.as_u64().and_then(|n| u16::try_from(n).ok())
            }),
            detail: take(&mut members, "detail", text),
            instance: take(&mut members, "instance", text),
            extensions: members,
        })
    }

    /// The problem as a JSON object, for the round-trip checks.
    #[cfg(any(test, fuzzing))]
    pub(crate) fn to_json(&self) -> Value {
        let mut members = self.extensions.clone();
        let mut put = |name: &str, value: Option<Value>| {
            if let Some(value) = value {
                members.insert(name.to_owned(), value);
            }
        };
        put("type", self.problem_type.clone().map(Value::String));
        put("title", self.title.clone().map(Value::String));
        put("status", self.status.map(Value::from));
        put("detail", self.detail.clone().map(Value::String));
        put("instance", self.instance.clone().map(Value::String));
        Value::Object(members)
    }
}

/// Takes member `name` out of `members` when `read` accepts its value; `null` is taken out as
/// absent, and a value of another type stays among the extensions.
fn take<T>(
    members: &mut Map<String, Value>,
    name: &str,
    read: impl FnOnce(&Value) -> Option<T>,
) -> Option<T> {
    let found = match members.get(name)? {
        Value::Null => None,
        value => Some(read(value)?),
    };
    members.remove(name);
    found
}

impl fmt::Debug for ProblemDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let present = |field: &Option<String>| field.as_ref().map(|_| MARK);
        let extensions: Vec<&str> = self.extensions.keys().map(String::as_str).collect();
        f.debug_struct("ProblemDetails")
            .field("status", &self.status)
            .field("type", &present(&self.problem_type))
            .field("title", &present(&self.title))
            .field("detail", &present(&self.detail))
            .field("instance", &present(&self.instance))
            .field("extensions", &extensions)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &[u8]) -> Option<ProblemDetails> {
        ProblemDetails::parse(body, &Redaction::of(&[]))
    }

    #[test]
    fn parses_the_documented_shape() {
        let body = br#"{"type":"about:blank","title":"Not Found","status":404,"detail":"session ended","instance":"/x","traceId":"t1"}"#;
        let p = parse(body).unwrap();
        assert_eq!(p.expose_type(), Some("about:blank"));
        assert_eq!(p.expose_title(), Some("Not Found"));
        assert_eq!(p.status(), Some(404));
        assert_eq!(p.expose_detail(), Some("session ended"));
        assert_eq!(p.expose_instance(), Some("/x"));
        assert_eq!(
            p.expose_extensions().get("traceId"),
            Some(&Value::from("t1"))
        );
    }

    #[test]
    fn nulls_and_wrong_types_do_not_fail_the_parse() {
        let p = parse(br#"{"type":null,"title":7,"status":"404","detail":null}"#).unwrap();
        assert_eq!(p.title, None);
        assert_eq!(p.status, None);
        assert_eq!(p.extensions.get("title"), Some(&Value::from(7)));
        assert_eq!(p.extensions.get("status"), Some(&Value::from("404")));
        assert_eq!(parse(br#"{"status":70000}"#).unwrap().status, None);
    }

    #[test]
    fn a_parsed_problem_round_trips_through_its_json() {
        for body in [
            &br#"{"type":"t","title":7,"status":404.5,"detail":null,"x":{"y":[1,"z"]}}"#[..],
            // Found by fuzzing: without correctly rounded float parsing, these members changed
            // value on every trip through JSON.
            br#"{"neg":-90200000001416993104,"f":1e-7,"g":2.2250738585072014e-308}"#,
        ] {
            let p = parse(body).unwrap();
            let json = serde_json::to_vec(&p.to_json()).unwrap();
            assert_eq!(parse(&json), Some(p));
        }
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
            assert_eq!(parse(body), None);
        }
    }

    #[test]
    fn debug_shows_the_status_and_which_fields_are_present_never_their_text() {
        let body = br#"{"title":"Unauthorized","status":401,"detail":"reader@example.com","traceId":"t-77"}"#;
        let p = parse(body).unwrap();
        assert_eq!(
            format!("{p:?}"),
            r#"ProblemDetails { status: Some(401), type: None, title: Some("[redacted]"), detail: Some("[redacted]"), instance: None, extensions: ["traceId"] }"#
        );
        let pretty = format!("{p:#?}");
        assert!(
            !pretty.contains("reader@") && !pretty.contains("t-77"),
            "{pretty}"
        );
    }

    #[test]
    fn secrets_are_cut_from_every_field_name_and_value() {
        let secrets = Redaction::of(&["k3y/+", "4711"]);
        let body = br#"{"type":"/p/k3y%2F%2B","title":"k3y\/\u002B","status":4711,"detail":"key k3y/+ refused","instance":"k3y%2F%2b","k3y/+":["k3y/+",4711,{"n":47110}],"code":4711}"#;
        let p = ProblemDetails::parse(body, &secrets).unwrap();
        assert_eq!(p.expose_type(), Some("/p/[redacted]"));
        assert_eq!(p.expose_title(), Some("[redacted]"));
        assert_eq!(p.status(), None, "4711 is no status");
        assert_eq!(p.expose_detail(), Some("key [redacted] refused"));
        assert_eq!(p.expose_instance(), Some("[redacted]"));
        assert_eq!(
            p.expose_extensions().get("[redacted]"),
            Some(&serde_json::json!(["[redacted]", "[redacted]", {"n": "[redacted]0"}]))
        );
        assert_eq!(
            p.expose_extensions().get("code"),
            Some(&Value::from("[redacted]"))
        );
        assert_eq!(
            p.expose_extensions().get("status"),
            Some(&Value::from("[redacted]"))
        );
        let json = p.to_json().to_string();
        assert!(!json.contains("k3y") && !json.contains("4711"), "{json}");
    }
}
