//! Member names: [`Name`] reads one, borrowed when it has no escapes; [`SeenNames`] refuses
//! the second of the same name in one object.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use serde_core::de::{self, Deserialize, Deserializer, Visitor};

use super::REPEATED_MEMBER;

/// A member name as read: borrowed from the input when it holds no escapes, unescaped
/// otherwise, so `"a\u0062"` and `"ab"` are the same name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(NameVisitor)
    }
}

struct NameVisitor;

impl<'de> Visitor<'de> for NameVisitor {
    type Value = Name<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Name<'de>, E> {
        Ok(Name(Cow::Borrowed(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Name<'de>, E> {
        Ok(Name(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Name<'de>, E> {
        Ok(Name(Cow::Owned(value)))
    }
}

/// The member names of one object seen so far: a few in place (no allocation for the objects
/// of a token or a cookie), then a hash set once the object grows, so that thousands of
/// members cost no quadratic time.
#[derive(Debug)]
pub struct SeenNames<'de> {
    few: [Cow<'de, str>; FEW],
    len: usize,
    many: Option<HashSet<Cow<'de, str>>>,
}

/// Names compared one by one before a hash set is built.
const FEW: usize = 16;

impl Default for SeenNames<'_> {
    fn default() -> Self {
        Self {
            few: [const { Cow::Borrowed("") }; FEW],
            len: 0,
            many: None,
        }
    }
}

impl<'de> SeenNames<'de> {
    /// Records `name`; the error [`REPEATED_MEMBER`] (which never holds the name: it may be
    /// personal data) when the object already had it.
    ///
    /// # Errors
    ///
    /// When `name` was recorded before.
    pub fn insert<E: de::Error>(&mut self, name: Cow<'de, str>) -> Result<(), E> {
        let repeated = match &mut self.many {
            Some(many) => !many.insert(name),
            None => {
                let (earlier, rest) = self.few.split_at_mut_checked(self.len).unwrap_or_default();
                let repeated = earlier.contains(&name);
                if let Some(slot) = rest.first_mut() {
                    *slot = name;
                    self.len += 1;
                } else {
                    let mut many: HashSet<Cow<'de, str>> =
                        self.few.iter_mut().map(std::mem::take).collect();
                    many.insert(name);
                    self.many = Some(many);
                }
                repeated
            }
        };
        if repeated {
            return Err(E::custom(REPEATED_MEMBER));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::{Name, SeenNames};

    fn insert(seen: &mut SeenNames<'static>, name: &str) -> Result<(), serde_json::Error> {
        seen.insert(Cow::Owned(name.to_owned()))
    }

    #[test]
    fn a_second_name_is_refused_before_and_after_the_set_is_built() {
        for count in [1, 15, 16, 17, 100] {
            let mut seen = SeenNames::default();
            for i in 0..count {
                insert(&mut seen, &format!("k{i}")).unwrap();
            }
            for i in 0..count {
                let error = insert(&mut seen, &format!("k{i}")).unwrap_err();
                assert!(error.to_string().starts_with(super::REPEATED_MEMBER));
            }
            insert(&mut seen, "new").unwrap();
        }
    }

    #[test]
    fn names_are_borrowed_unless_escaped() {
        let plain: Name<'_> = serde_json::from_str(r#""ab""#).unwrap();
        assert!(matches!(plain.0, Cow::Borrowed("ab")));
        let escaped: Name<'_> = serde_json::from_str(r#""a\u0062""#).unwrap();
        assert_eq!(escaped, plain);
        assert!(matches!(escaped.0, Cow::Owned(_)));
    }
}
