//! Value-level pieces of PATCH application: the coercions providers need (string booleans,
//! manager forms), case-insensitive member access, and multi-valued appends that deduplicate.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::filter::CaseRule;
use crate::json::value::{get_ci, key_ci, parse_bool_str};

/// Multi-valued attributes of the core schemas: an `add` of one value creates an array.
pub(super) const MULTI_VALUED: [&str; 11] = [
    "emails",
    "phonenumbers",
    "ims",
    "photos",
    "addresses",
    "groups",
    "entitlements",
    "roles",
    "x509certificates",
    "members",
    "schemas",
];

/// `"True"`/`"False"` strings under boolean attributes (`active`, `primary`) become booleans.
pub(super) fn coerce_bools(attr: &str, value: &mut Value) {
    match value {
        Value::String(s)
            if attr.eq_ignore_ascii_case("active") || attr.eq_ignore_ascii_case("primary") =>
        {
            if let Some(b) = parse_bool_str(s) {
                *value = Value::Bool(b);
            }
        }
        Value::Object(m) => m.iter_mut().for_each(|(k, v)| coerce_bools(k, v)),
        Value::Array(items) => items.iter_mut().for_each(|v| coerce_bools(attr, v)),
        _ => {}
    }
}

/// A manager as an RFC 7643 object, whatever form it came in (Entra: bare id, or `[{value, $ref}]`).
pub(super) fn coerce_manager(value: Value) -> Value {
    match value {
        Value::String(s) if s.is_empty() => Value::Null,
        Value::String(_) | Value::Number(_) => {
            let mut m = Map::new();
            m.insert("value".to_owned(), value);
            Value::Object(m)
        }
        Value::Array(items) => items
            .into_iter()
            .next()
            .map(coerce_manager)
            .unwrap_or(Value::Null),
        other => other,
    }
}

/// The value an operation writes at `attr`, normalized.
pub(super) fn prepared(attr: &str, value: &Value) -> Value {
    let mut v = value.clone();
    coerce_bools(attr, &mut v);
    if attr.eq_ignore_ascii_case("manager") {
        v = coerce_manager(v);
    }
    v
}

pub(super) fn is_multi(attr: &str) -> bool {
    MULTI_VALUED.iter().any(|m| attr.eq_ignore_ascii_case(m))
}

/// Case rule for filters on `attr`: member and group ids are case-exact.
pub(super) fn case_rule(attr: &str) -> CaseRule {
    if attr.eq_ignore_ascii_case("members") || attr.eq_ignore_ascii_case("groups") {
        CaseRule::ExactValue
    } else {
        CaseRule::Insensitive
    }
}

/// The `value` of a multi-valued item, as the key deduplication and Entra's remove-by-value use.
pub(super) fn item_key(item: &Value) -> Option<&Value> {
    match item {
        Value::Object(m) => get_ci(m, "value").map(|(_, v)| v).filter(|v| !v.is_null()),
        Value::Array(_) => None,
        other => Some(other),
    }
}

/// Sets `key` in `map`, reusing an existing key's spelling; `null` removes it.
pub(super) fn set_ci(map: &mut Map<String, Value>, key: &str, value: Value) {
    let existing = key_ci(map, key);
    if value.is_null() {
        if let Some(k) = existing {
            map.remove(&k);
        }
        return;
    }
    map.insert(existing.unwrap_or_else(|| key.to_owned()), value);
}

/// Merges `src`'s members into `dst` (sub-attributes not mentioned stay; `null` removes one).
pub(super) fn merge_into(dst: &mut Map<String, Value>, src: Map<String, Value>) {
    for (k, v) in src {
        set_ci(dst, &k, v);
    }
}

/// Keeps at most one `primary: true`: the one at `keep` (RFC 7643 §2.4).
pub(super) fn single_primary(items: &mut [Value], keep: usize) {
    let keeps = items
        .get(keep)
        .and_then(Value::as_object)
        .and_then(|m| get_ci(m, "primary"))
        .is_some_and(|(_, v)| v == &Value::Bool(true));
    if !keeps {
        return;
    }
    for (i, item) in items.iter_mut().enumerate() {
        if i != keep {
            if let Some(m) = item.as_object_mut() {
                if let Some(k) = key_ci(m, "primary") {
                    if m.get(&k) == Some(&Value::Bool(true)) {
                        m.insert(k, Value::Bool(false));
                    }
                }
            }
        }
    }
}

/// Appends values to a multi-valued attribute; a value whose `value` is already there is merged
/// into it instead of duplicated (Entra re-adds members with `"$ref": null`).
pub(super) fn append(items: &mut Vec<Value>, new: Vec<Value>) {
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(k) = item_key(item) {
            index.entry(k.to_string()).or_insert(i);
        }
    }
    for item in new {
        if item.is_null() {
            continue;
        }
        let at = match item_key(&item)
            .map(Value::to_string)
            .and_then(|k| index.get(&k).copied())
        {
            Some(i) => {
                if let (Some(Value::Object(dst)), Value::Object(src)) = (items.get_mut(i), item) {
                    for (k, v) in src.into_iter().filter(|(_, v)| !v.is_null()) {
                        set_ci(dst, &k, v);
                    }
                }
                i
            }
            None => {
                if items.contains(&item) {
                    continue;
                }
                if let Some(k) = item_key(&item) {
                    index.insert(k.to_string(), items.len());
                }
                items.push(item);
                items.len() - 1
            }
        };
        single_primary(items, at);
    }
}

pub(super) fn into_items(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        one => vec![one],
    }
}
