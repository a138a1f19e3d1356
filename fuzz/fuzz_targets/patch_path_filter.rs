//! PATCH paths and filters: `parse_path`, `parse_filter`, and a parsed filter matched against a
//! value.
//!
//! Input: `text \0 item`, where `text` is tried as a path and as a filter and `item` is a JSON
//! value (one element of a multi-valued attribute).
//!
//! Checks, besides never panicking: a parsed filter keeps to the bounds (terms, nesting); a filter
//! parses alone exactly when it parses inside `attr[…]`, to the same tree; a value built from a
//! filter's `equalities()` matches that filter; `not` inverts `matches`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimkit::json::limits::{MAX_FILTER_NESTING, MAX_FILTER_TERMS, MAX_PATH_LEN};
use scimkit::scim::{parse_filter, parse_path, CaseRule, Filter};
use scimkit_fuzz::{fields, SEP};
use serde_json::{Map, Value};

/// (terms, `not` nesting) of a parsed filter.
fn shape(f: &Filter) -> (usize, usize) {
    match f {
        Filter::Compare { .. } | Filter::Present(_) => (1, 0),
        Filter::And(a, b) | Filter::Or(a, b) => {
            let ((ta, na), (tb, nb)) = (shape(a), shape(b));
            (ta + tb, na.max(nb))
        }
        Filter::Not(a) => {
            let (t, n) = shape(a);
            (t, n + 1)
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let [text, item] = fields::<2>(data, SEP);
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let item: Value = serde_json::from_slice(item).unwrap_or(Value::Null);

    if let Ok(path) = parse_path(text) {
        if let Some(f) = &path.filter {
            let (terms, nesting) = shape(f);
            assert!(terms <= MAX_FILTER_TERMS && nesting <= MAX_FILTER_NESTING);
        }
    }

    let filter = parse_filter(text);
    // The same filter inside a value path (when nothing in it could end the brackets early).
    if !text.contains(['[', ']']) && text.len() + 8 <= MAX_PATH_LEN {
        let in_path = parse_path(&format!("emails[{text}]"));
        match (&filter, &in_path) {
            (Ok(f), Ok(p)) => assert_eq!(Some(f), p.filter.as_ref(), "another tree inside a path"),
            (Err(_), Err(_)) => {}
            (a, b) => panic!("alone: {a:?}; in a path: {b:?}"),
        }
    }
    let Ok(filter) = filter else { return };
    let (terms, nesting) = shape(&filter);
    assert!(terms <= MAX_FILTER_TERMS, "{terms} terms");
    assert!(nesting <= MAX_FILTER_NESTING, "{nesting} levels of not");

    for case in [CaseRule::ExactValue, CaseRule::Insensitive] {
        let m = filter.matches(&item, case);
        let not = Filter::Not(Box::new(filter.clone()));
        assert_eq!(not.matches(&item, case), !m, "not does not invert");
    }
    if let Some(eqs) = filter.equalities() {
        let mut built = Map::new();
        let mut distinct = true;
        for (attr, value) in &eqs {
            if built.keys().any(|k: &String| k.eq_ignore_ascii_case(attr)) {
                distinct = false;
            }
            built.insert((*attr).to_owned(), (*value).clone());
        }
        if distinct {
            let built = Value::Object(built);
            for case in [CaseRule::ExactValue, CaseRule::Insensitive] {
                assert!(
                    filter.matches(&built, case),
                    "{built} (from the filter's equalities) does not match it"
                );
            }
        }
    }
});
