//! `ProblemDetails` parsing: never panics; a problem comes only from a JSON object without
//! repeated members; the fields it read agree with the body; a parsed problem round-trips
//! through its own JSON; and, parsed with a secret, nothing it keeps holds the secret, while
//! a body without any spelling of it is kept as it is.

#![no_main]

mod json_members;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tiun_client::ProblemDetails;
use tiun_client::fuzzing::{parse_problem, problem_json};

/// A secret the seeds echo in several spellings (`k3y%2F%2Bq+%C3%A9`, `k3y\/\u002bq \u00e9`).
const SECRET: &str = "k3y/+q é";

fuzz_target!(|body: &[u8]| {
    let parsed = parse_problem(body, &[]);
    let plain = serde_json::from_slice::<Value>(body).ok();
    let Some(Value::Object(members)) = plain.as_ref() else {
        assert!(
            parsed.is_none(),
            "a problem from a body that is not a JSON object"
        );
        return;
    };
    let Some(problem) = parsed else {
        // serde_json keeps the last of repeated members; only they may make an object refused.
        assert_eq!(
            json_members::repeats_a_member(body),
            Some(true),
            "an object without repeated members was refused"
        );
        return;
    };

    // Each documented member is read when it has the documented type, else kept as is.
    for (name, field) in [
        ("type", problem.expose_type()),
        ("title", problem.expose_title()),
        ("detail", problem.expose_detail()),
        ("instance", problem.expose_instance()),
    ] {
        match members.get(name) {
            Some(Value::String(text)) => {
                assert_eq!(field, Some(text.as_str()));
                assert!(!problem.expose_extensions().contains_key(name));
            }
            Some(Value::Null) | None => {
                assert!(field.is_none());
                assert!(!problem.expose_extensions().contains_key(name));
            }
            Some(other) => {
                assert!(field.is_none());
                assert_eq!(problem.expose_extensions().get(name), Some(other));
            }
        }
    }
    match members.get("status") {
        Some(Value::Null) | None => {
            assert_eq!(problem.status(), None);
            assert!(!problem.expose_extensions().contains_key("status"));
        }
        Some(value) => match value.as_u64().and_then(|n| u16::try_from(n).ok()) {
            Some(code) => {
                assert_eq!(problem.status(), Some(code));
                assert!(!problem.expose_extensions().contains_key("status"));
            }
            None => {
                assert_eq!(problem.status(), None);
                assert_eq!(problem.expose_extensions().get("status"), Some(value));
            }
        },
    }
    // Every other member is kept, as it was; nothing is made up.
    for (name, value) in members {
        if !DOCUMENTED.contains(&name.as_str()) {
            assert_eq!(problem.expose_extensions().get(name), Some(value), "{name}");
        }
    }
    for (name, value) in problem.expose_extensions() {
        assert_eq!(members.get(name), Some(value), "{name}");
    }

    let json = serde_json::to_vec(&problem_json(&problem)).expect("a problem serialises");
    assert_eq!(
        parse_problem(&json, &[]).as_ref(),
        Some(&problem),
        "round trip"
    );

    // With a secret: still a problem, and nothing it keeps holds the secret as it is.
    let redacted = parse_problem(body, &[SECRET]).expect("the same object is a problem");
    for text in strings(&redacted) {
        assert!(!text.contains(SECRET), "{text:?}");
    }
    // Debug shows the status, which fields are present and the extensions' names: no text.
    let mark = |field: Option<&str>| field.map(|_| "[redacted]");
    let names: Vec<&str> = redacted
        .expose_extensions()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        format!("{redacted:?}"),
        format!(
            "ProblemDetails {{ status: {:?}, type: {:?}, title: {:?}, detail: {:?}, instance: {:?}, extensions: {:?} }}",
            redacted.status(),
            mark(redacted.expose_type()),
            mark(redacted.expose_title()),
            mark(redacted.expose_detail()),
            mark(redacted.expose_instance()),
            names
        )
    );
    // A body that holds no character of the secret's, nor an escape, is kept as it is.
    let text = String::from_utf8_lossy(body);
    if !SECRET.chars().any(|c| text.contains(c)) && !text.contains(['%', '\\']) {
        assert_eq!(redacted, problem);
    }
});

/// The members RFC 7807 names, read into fields when they have the documented type.
const DOCUMENTED: [&str; 5] = ["type", "title", "status", "detail", "instance"];

/// Every string a problem holds: its fields, and its extensions' names and string values.
fn strings(problem: &ProblemDetails) -> Vec<String> {
    fn walk(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(text) => out.push(text.clone()),
            Value::Array(items) => items.iter().for_each(|item| walk(item, out)),
            Value::Object(members) => {
                for (name, value) in members {
                    out.push(name.clone());
                    walk(value, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&problem_json(problem), &mut out);
    out
}
