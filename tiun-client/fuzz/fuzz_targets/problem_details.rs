//! `ProblemDetails` parsing: never panics; a problem comes only from a JSON object without
//! repeated members; the fields it read agree with the body; and a parsed problem round-trips
//! through its own JSON.

#![no_main]

use std::fmt;

use libfuzzer_sys::fuzz_target;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use tiun_client::fuzzing::parse_problem;

fuzz_target!(|body: &[u8]| {
    let parsed = parse_problem(body);
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
        let written = serde_json::from_slice::<Members>(body).map_or(0, |m| m.0);
        assert!(
            written > kept(plain.as_ref().unwrap_or(&Value::Null)),
            "an object without repeated members was refused"
        );
        return;
    };

    // Each documented member is read when it has the documented type, else kept as is.
    for (name, field) in [
        ("type", &problem.problem_type),
        ("title", &problem.title),
        ("detail", &problem.detail),
        ("instance", &problem.instance),
    ] {
        match members.get(name) {
            Some(Value::String(text)) => {
                assert_eq!(field.as_deref(), Some(text.as_str()));
                assert!(!problem.extensions.contains_key(name));
            }
            Some(Value::Null) | None => {
                assert!(field.is_none());
                assert!(!problem.extensions.contains_key(name));
            }
            Some(other) => {
                assert!(field.is_none());
                assert_eq!(problem.extensions.get(name), Some(other));
            }
        }
    }
    match members.get("status") {
        Some(Value::Null) | None => {
            assert_eq!(problem.status, None);
            assert!(!problem.extensions.contains_key("status"));
        }
        Some(value) => match value.as_u64().and_then(|n| u16::try_from(n).ok()) {
            Some(code) => {
                assert_eq!(problem.status, Some(code));
                assert!(!problem.extensions.contains_key("status"));
            }
            None => {
                assert_eq!(problem.status, None);
                assert_eq!(problem.extensions.get("status"), Some(value));
            }
        },
    }
    // Every other member is kept, as it was; nothing is made up.
    for (name, value) in members {
        if !DOCUMENTED.contains(&name.as_str()) {
            assert_eq!(problem.extensions.get(name), Some(value), "{name}");
        }
    }
    for (name, value) in &problem.extensions {
        assert_eq!(members.get(name), Some(value), "{name}");
    }

    let json = serde_json::to_vec(&problem).expect("a problem serialises");
    assert_eq!(parse_problem(&json).as_ref(), Some(&problem), "round trip");
});

/// The members RFC 7807 names, read into fields when they have the documented type.
const DOCUMENTED: [&str; 5] = ["type", "title", "status", "detail", "instance"];

/// Members kept by `serde_json::Value` (repeated names count once), at every depth.
fn kept(value: &Value) -> usize {
    match value {
        Value::Object(members) => members.len() + members.values().map(kept).sum::<usize>(),
        Value::Array(items) => items.iter().map(kept).sum(),
        _ => 0,
    }
}

/// Members as written in the text (repeated names count each time), at every depth.
struct Members(usize);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CountVisitor)
    }
}

struct CountVisitor;

impl<'de> Visitor<'de> for CountVisitor {
    type Value = Members;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Members, E> {
        Ok(Members(0))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Members, E> {
        Ok(Members(0))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Members, E> {
        Ok(Members(0))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Members, E> {
        Ok(Members(0))
    }
    fn visit_str<E>(self, _: &str) -> Result<Members, E> {
        Ok(Members(0))
    }
    fn visit_unit<E>(self) -> Result<Members, E> {
        Ok(Members(0))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Members, A::Error> {
        let mut count = 0;
        while let Some(Members(inner)) = seq.next_element()? {
            count += inner;
        }
        Ok(Members(count))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
        let mut count = 0;
        while map.next_key::<IgnoredAny>()?.is_some() {
            let Members(inner) = map.next_value()?;
            count += 1 + inner;
        }
        Ok(Members(count))
    }
}
