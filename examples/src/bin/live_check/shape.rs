//! What an answer looks like without what it says: member names, never values.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// How deep member names are listed (`item.active_products` is depth 2).
const MAX_DEPTH: usize = 3;
/// How many elements of an array are read for their member names.
const MAX_ELEMENTS: usize = 20;
/// Longest member name printed as it is.
const MAX_NAME_BYTES: usize = 40;
/// Most digits a printed member name may hold: more look like an id or a key.
const MAX_NAME_DIGITS: usize = 6;

/// The body of an answer, reduced to what may be printed.
#[derive(Debug)]
pub(crate) enum BodyShape {
    /// No bytes.
    Empty,
    /// Bytes that are not JSON.
    NotJson { len: usize },
    /// A JSON document: its member names.
    Json(JsonShape),
}

/// The member names of a JSON document (values dropped as soon as it is read).
#[derive(Debug)]
pub(crate) struct JsonShape {
    /// `{a, b: {c}, d: [{e}]}`, names that could hold a value withheld.
    pub(crate) rendered: String,
    /// Every member path up to [`MAX_DEPTH`], dotted (`item.id`), array elements looked through.
    pub(crate) paths: BTreeSet<String>,
}

impl BodyShape {
    /// Reads `body`, keeping names only; a name that holds one of `withheld` (the
    /// credentials and made-up ids of the request) is never kept.
    pub(crate) fn of(body: &[u8], withheld: &[String]) -> Self {
        if body.is_empty() {
            return Self::Empty;
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(value) => {
                let mut paths = BTreeSet::new();
                collect_paths(&value, "", 1, &mut paths);
                let names = Names { withheld };
                Self::Json(JsonShape {
                    rendered: names.render(&value, 1),
                    paths,
                })
            }
            Err(_) => Self::NotJson { len: body.len() },
        }
    }

    /// How the body is printed.
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Empty => "empty body".to_owned(),
            Self::NotJson { len } => format!("{len} bytes, not JSON"),
            Self::Json(shape) => shape.rendered.clone(),
        }
    }
}

/// A member name as printed: itself when it reads like a field name and holds none of
/// `withheld`, else `<withheld>` (a provider that keyed an object by a key, a token or an id
/// must not have it printed).
pub(crate) fn shown_name<'a>(name: &'a str, withheld: &[String]) -> &'a str {
    let echoed = withheld.iter().any(|value| {
        !value.is_empty()
            && (name.contains(value.as_str()) || (name.len() >= 16 && value.contains(name)))
    });
    let mut chars = name.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let rest_well = chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let digits = name.bytes().filter(u8::is_ascii_digit).count();
    if !echoed
        && starts_well
        && rest_well
        && name.len() <= MAX_NAME_BYTES
        && digits <= MAX_NAME_DIGITS
    {
        name
    } else {
        "<withheld>"
    }
}

/// The essence of a `Content-Type` value (`application/json`), or a placeholder when it is
/// missing or unusual (a header is printed only when it reads like a media type).
pub(crate) fn media_type(header: Option<&str>) -> String {
    let Some(header) = header else {
        return "no content type".to_owned();
    };
    let essence = header
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let token = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    match essence.split_once('/') {
        Some((kind, subtype)) if essence.len() <= 80 && token(kind) && token(subtype) => essence,
        _ => "<unusual content type>".to_owned(),
    }
}

/// Whether a media type (as [`media_type`] prints it) is JSON: `application/json` or `+json`.
pub(crate) fn is_json(media_type: &str) -> bool {
    media_type == "application/json"
        || (media_type.starts_with("application/") && media_type.ends_with("+json"))
}

/// Renders names, withholding those that hold a value of the request.
struct Names<'a> {
    withheld: &'a [String],
}

impl Names<'_> {
    fn render(&self, value: &Value, depth: usize) -> String {
        match value {
            Value::Object(members) => self.render_object(members, depth),
            Value::Array(elements) => self.render_array(elements, depth),
            Value::Null => "null".to_owned(),
            Value::Bool(_) => "boolean".to_owned(),
            Value::Number(_) => "number".to_owned(),
            Value::String(_) => "string".to_owned(),
        }
    }

    fn render_object(&self, members: &Map<String, Value>, depth: usize) -> String {
        let mut names: Vec<String> = members
            .iter()
            .map(|(name, value)| {
                let name = shown_name(name, self.withheld);
                let nested = matches!(value, Value::Object(_) | Value::Array(_));
                if nested && depth < MAX_DEPTH {
                    format!("{name}: {}", self.render(value, depth + 1))
                } else if nested && !is_empty(value) {
                    format!("{name}: …")
                } else if nested {
                    format!("{name}: {}", self.render(value, depth + 1))
                } else {
                    name.to_owned()
                }
            })
            .collect();
        names.sort();
        format!("{{{}}}", names.join(", "))
    }

    fn render_array(&self, elements: &[Value], depth: usize) -> String {
        if elements.is_empty() {
            return "[]".to_owned();
        }
        // The objects of an array merged into one: their names, whichever element held them.
        let mut merged = Map::new();
        let mut others = BTreeSet::new();
        for element in elements.iter().take(MAX_ELEMENTS) {
            match element {
                Value::Object(members) => {
                    for (name, value) in members {
                        merged.entry(name.clone()).or_insert_with(|| value.clone());
                    }
                }
                other => {
                    others.insert(self.render(other, MAX_DEPTH));
                }
            }
        }
        let mut kinds: Vec<String> = others.into_iter().collect();
        if !merged.is_empty() {
            kinds.push(self.render_object(&merged, depth));
        }
        format!("[{}]", kinds.join(" | "))
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Object(members) => members.is_empty(),
        Value::Array(elements) => elements.is_empty(),
        _ => true,
    }
}

fn collect_paths(value: &Value, prefix: &str, depth: usize, paths: &mut BTreeSet<String>) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(members) => {
            for (name, child) in members {
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                collect_paths(child, &path, depth + 1, paths);
                paths.insert(path);
            }
        }
        Value::Array(elements) => {
            for element in elements.iter().take(MAX_ELEMENTS) {
                collect_paths(element, prefix, depth, paths);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_print_and_values_do_not() {
        let body = br#"{"item":{"id":"0123456789abcdef01234567","active_products":["premium"],
            "active_articles":[{"article_id":"a-1"},{"order_id":"o-2"}]},
            "0123456789abcdef01234567":{"x":"secret-value"},
            "eyJhbGciOiJIUzI1NiJ9":true, "tiunKey":null}"#;
        let withheld = ["eyJhbGciOiJIUzI1NiJ9".to_owned(), String::new()];
        let BodyShape::Json(shape) = BodyShape::of(body, &withheld) else {
            panic!("JSON expected");
        };
        assert_eq!(
            shape.rendered,
            "{<withheld>, <withheld>: {x}, item: {active_articles: [{article_id, order_id}], \
             active_products: [string], id}, tiunKey}"
        );
        assert!(shape.paths.contains("item.active_articles.order_id"));
        for value in ["premium", "secret", "0123", "eyJ"] {
            assert!(!shape.rendered.contains(value), "{value}");
        }
    }

    #[test]
    fn bodies_that_are_not_objects() {
        assert!(matches!(BodyShape::of(b"", &[]), BodyShape::Empty));
        assert_eq!(
            BodyShape::of(b"<html>", &[]).describe(),
            "6 bytes, not JSON"
        );
        assert_eq!(BodyShape::of(b"[]", &[]).describe(), "[]");
        assert_eq!(
            BodyShape::of(br#"{"a":{"b":{"c":{"d":1}}},"e":{}}"#, &[]).describe(),
            "{a: {b: {c: …}}, e: {}}"
        );
    }

    #[test]
    fn media_types_print_only_when_they_read_like_one() {
        assert_eq!(
            media_type(Some("Application/Problem+JSON; charset=utf-8")),
            "application/problem+json"
        );
        assert!(is_json(&media_type(Some("application/problem+json"))));
        assert_eq!(
            media_type(Some("text/html token=abc/def")),
            "<unusual content type>"
        );
        assert_eq!(media_type(None), "no content type");
    }
}
