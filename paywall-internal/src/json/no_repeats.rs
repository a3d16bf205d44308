//! [`NoRepeats`]: checks one value, of any depth, for repeated member names without building
//! it and without recursing deeper than [`MAX_RECURSION`].
//!
//! serde's visitors recurse, and serde_json stops them at 128 levels. Past [`MAX_RECURSION`]
//! levels the walker takes the rest of a value whole, as a [`RawValue`] (which serde_json
//! reads without recursion), and checks it afterwards, from its own start. A byte at depth
//! `d` is thus read about `d / MAX_RECURSION + 1` times: linear for every real document, and
//! bounded by the input's size for a hostile one.

use std::fmt;

use serde_core::de::{
    self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use serde_json::value::RawValue;

use super::names::{Name, SeenNames};
use super::{NOT_JSON, REPEATED_MEMBER, Refusal, classify};

/// Levels followed by recursion before a value is set aside. A caller may be nested up to
/// 128 minus this many levels of its own when it hands a value to [`NoRepeats`].
pub const MAX_RECURSION: u8 = 64;

/// Checks one value for repeated member names at any depth and skips it; builds nothing.
///
/// Only for serde_json's deserializers over a slice or a `str` (values nested past
/// [`MAX_RECURSION`] are borrowed as a [`RawValue`]); any other deserializer refuses a value
/// that deep.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRepeats;

impl<'de> DeserializeSeed<'de> for NoRepeats {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let mut deferred = Vec::new();
        Walk {
            depth: 0,
            deferred: &mut deferred,
        }
        .deserialize(deserializer)?;
        check_deferred(deferred)
    }
}

/// Skips the rest of an array, checking each element as [`NoRepeats`] does: for a visitor's
/// `visit_seq` that has no use for the array it met.
///
/// # Errors
///
/// A repeated member name anywhere inside, or whatever the deserializer reports.
pub fn skip_seq<'de, A: SeqAccess<'de>>(seq: A) -> Result<(), A::Error> {
    let mut deferred = Vec::new();
    walk_seq(seq, 1, &mut deferred)?;
    check_deferred(deferred)
}

/// Skips the rest of an object, refusing a repeated member name in it or anywhere inside:
/// for a visitor's `visit_map` that has no use for the object it met.
///
/// # Errors
///
/// A repeated member name, or whatever the deserializer reports.
pub fn skip_map<'de, A: MapAccess<'de>>(map: A) -> Result<(), A::Error> {
    let mut deferred = Vec::new();
    walk_map(map, 1, &mut deferred)?;
    check_deferred(deferred)
}

/// Checks the values set aside, and those they set aside in turn, each from its own start.
fn check_deferred<E: de::Error>(mut deferred: Vec<&RawValue>) -> Result<(), E> {
    while let Some(raw) = deferred.pop() {
        let mut inner = serde_json::Deserializer::from_str(raw.get());
        Walk {
            depth: 0,
            deferred: &mut deferred,
        }
        .deserialize(&mut inner)
        .map_err(|error| rethrow(&error))?;
    }
    Ok(())
}

/// An error of the inner check as the outer deserializer's own, still classified alike.
fn rethrow<E: de::Error>(error: &serde_json::Error) -> E {
    match classify(error) {
        Refusal::RepeatedMember => E::custom(REPEATED_MEMBER),
        // serde_json has read the set-aside text once; what the second read refuses is a
        // number no double holds, which [`classify`] must still call syntax.
        _ => E::custom(format_args!("{NOT_JSON}: {error}")),
    }
}

/// One value at `depth` levels below where the walk started.
struct Walk<'a, 'de> {
    depth: u8,
    deferred: &'a mut Vec<&'de RawValue>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.depth >= MAX_RECURSION {
            // serde_json checks its syntax, but reads no number: the second read does.
            self.deferred
                .push(<&'de RawValue>::deserialize(deserializer)?);
            return Ok(());
        }
        deserializer.deserialize_any(self)
    }
}

/// Scalars are accepted as they are.
impl<'de> Visitor<'de> for Walk<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        walk_seq(seq, self.depth.saturating_add(1), self.deferred)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        walk_map(map, self.depth.saturating_add(1), self.deferred)
    }
}

/// The elements of an array whose elements are at `depth`.
fn walk_seq<'de, A: SeqAccess<'de>>(
    mut seq: A,
    depth: u8,
    deferred: &mut Vec<&'de RawValue>,
) -> Result<(), A::Error> {
    while seq
        .next_element_seed(Walk {
            depth,
            deferred: &mut *deferred,
        })?
        .is_some()
    {}
    Ok(())
}

/// The members of an object whose values are at `depth`.
fn walk_map<'de, A: MapAccess<'de>>(
    mut map: A,
    depth: u8,
    deferred: &mut Vec<&'de RawValue>,
) -> Result<(), A::Error> {
    let mut seen = SeenNames::default();
    while let Some(Name(name)) = map.next_key()? {
        seen.insert(name)?;
        map.next_value_seed(Walk {
            depth,
            deferred: &mut *deferred,
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_core::de::DeserializeSeed;

    use super::{MAX_RECURSION, NoRepeats};
    use crate::json::{Refusal, classify};

    fn check(text: &str) -> Result<(), serde_json::Error> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        NoRepeats.deserialize(&mut deserializer)?;
        deserializer.end()
    }

    fn nested(depth: usize, inner: &str) -> String {
        format!("{}{inner}{}", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn repeats_are_found_at_every_depth_including_past_the_recursion_limit() {
        let repeated = r#"{"a":1,"b":{"x":1},"a":2}"#;
        for depth in [0, 1, 63, 64, 65, 127, 128, 129, 200, 1000, 5000] {
            let text = nested(depth, repeated);
            let error = check(&text).unwrap_err();
            assert_eq!(classify(&error), Refusal::RepeatedMember, "depth {depth}");
            let fine = nested(depth, r#"{"a":1,"b":{"a":1}}"#);
            check(&fine).unwrap();
        }
        // Objects nested in objects, with the repeat at the bottom.
        let mut text = r#"{"k":0,"k":1}"#.to_owned();
        for _ in 0..3000 {
            text = format!(r#"{{"k":{text}}}"#);
        }
        assert_eq!(
            classify(&check(&text).unwrap_err()),
            Refusal::RepeatedMember
        );
    }

    #[test]
    fn syntax_errors_past_the_recursion_limit_are_still_errors() {
        let depth = usize::from(MAX_RECURSION) * 3;
        let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth - 1));
        assert_eq!(classify(&check(&text).unwrap_err()), Refusal::Syntax);
        assert_eq!(
            classify(&check(&nested(depth, "[1,]")).unwrap_err()),
            Refusal::Syntax
        );
    }

    #[test]
    fn numbers_no_double_holds_are_syntax_errors_at_every_depth() {
        for depth in [0, 10, 63, 64, 65, 200] {
            let text = nested(depth, "[1e400]");
            assert_eq!(
                classify(&check(&text).unwrap_err()),
                Refusal::Syntax,
                "{depth}"
            );
        }
    }

    #[test]
    fn escaped_names_are_compared_unescaped() {
        for text in [r#"{"ab":1,"a\u0062":2}"#, r#"[{"x":[{"\u0079":1,"y":2}]}]"#] {
            assert_eq!(classify(&check(text).unwrap_err()), Refusal::RepeatedMember);
        }
        check(r#"{"ab":1,"a\u0063":2}"#).unwrap();
    }

    #[test]
    fn deep_nesting_costs_no_quadratic_time() {
        // 8 KiB of brackets: read at most 8192 / 64 + 1 times over, not 8192 times.
        let text = nested(4096, "{}");
        let start = std::time::Instant::now();
        check(&text).unwrap();
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
    }
}
