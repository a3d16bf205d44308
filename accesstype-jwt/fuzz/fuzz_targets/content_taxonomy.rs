//! `ContentTaxonomy` from arbitrary JSON, then `validate`.
//!
//! Invariants: nothing panics; a taxonomy that validates satisfies every rule of the spec,
//! checked here independently of the crate's code; `validated` agrees with `validate`.
#![no_main]

use std::collections::{HashMap, HashSet};

use accesstype_jwt::{
    ContentTaxonomy, MAX_TAXONOMY_ATTRIBUTES, RESERVED_ATTRIBUTE_NAMES, ValidatedTaxonomy,
};
use libfuzzer_sys::fuzz_target;

fn key(text: &str) -> String {
    text.trim().to_lowercase()
}

fn hidden(text: &str) -> bool {
    text.chars().any(|c| {
        c.is_control()
            || matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(taxonomy) = serde_json::from_slice::<ContentTaxonomy>(data) else {
        return;
    };
    let valid = taxonomy.validate().is_ok();
    assert_eq!(taxonomy.clone().validated().is_ok(), valid);
    let text = serde_json::to_string(&taxonomy).unwrap();
    assert_eq!(
        serde_json::from_str::<ValidatedTaxonomy>(&text).is_ok(),
        valid
    );
    if !valid {
        return;
    }
    let mut names: HashMap<String, HashSet<String>> = HashMap::new();
    for entry in &taxonomy.entries {
        assert!(!key(&entry.content_type).is_empty());
        assert!(!hidden(&entry.content_type));
        let names = names.entry(key(&entry.content_type)).or_default();
        for attribute in &entry.attributes {
            let name = key(&attribute.name);
            assert!(!name.is_empty() && !hidden(&attribute.name));
            assert!(!RESERVED_ATTRIBUTE_NAMES.contains(&name.as_str()));
            assert!(names.insert(name), "a name twice in one content type");
            assert!(!attribute.values.is_empty(), "an attribute without values");
            let mut values = HashSet::new();
            for value in &attribute.values {
                assert!(!value.label.trim().is_empty());
                assert!(!value.label.chars().any(char::is_control));
                assert!(!key(&value.value).is_empty() && !hidden(&value.value));
                assert!(values.insert(key(&value.value)), "a value twice");
            }
            if let Some(url) = &attribute.search_url {
                assert!(url.starts_with("http://") || url.starts_with("https://"));
            }
        }
        assert!(names.len() <= MAX_TAXONOMY_ATTRIBUTES);
    }
});
