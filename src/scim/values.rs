//! Value-level pieces of PATCH application: the coercions providers need (string booleans,
//! manager forms) and the checks on what they coerce, case-insensitive member access, one
//! `primary`. Appends and removals on multi-valued attributes: [`super::multi`].

use serde_json::{Map, Value};

use super::filter::CaseRule;
use crate::json::value::{get_ci, key_ci, parse_bool_str, Ptr};
use crate::json::NormalizationError;

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

/// Checks the booleans the engine writes: `active` (RFC 7643 §4.1.1), a multi-valued value's
/// `primary` (§2.4), written whole or as `attr[filter].primary`. After [`prepared`], a valid one
/// is a boolean (or `null`, which removes it); anything else is `invalid_value` at its place in
/// the request (`at`, the operation's value) rather than surfacing later, pointing into the
/// stored resource, when the resource is normalized.
pub(super) fn check_booleans(
    attr: &str,
    sub: Option<&str>,
    new: &Value,
    at: Ptr<'_>,
) -> Result<(), NormalizationError> {
    let is_bool = |v: &Value| matches!(v, Value::Bool(_) | Value::Null);
    let bad = |at: Ptr<'_>| NormalizationError::invalid_value(at, "expected a boolean");
    match sub {
        Some(sub) if sub.eq_ignore_ascii_case("primary") && !is_bool(new) => return Err(bad(at)),
        Some(_) => return Ok(()),
        None if attr.eq_ignore_ascii_case("active") && !is_bool(new) => return Err(bad(at)),
        None => {}
    }
    let primary = |item: &Value| {
        item.as_object()
            .and_then(|m| get_ci(m, "primary"))
            .filter(|(_, v)| !is_bool(v))
            .map(|(k, _)| k.to_owned())
    };
    match new {
        Value::Array(items) if is_multi(attr) => {
            for (i, item) in items.iter().enumerate() {
                if let Some(k) = primary(item) {
                    return Err(bad(at.index(i).key(&k)));
                }
            }
        }
        Value::Object(_) if is_multi(attr) => {
            if let Some(k) = primary(new) {
                return Err(bad(at.key(&k)));
            }
        }
        _ => {}
    }
    Ok(())
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

/// Whether `item` is an object whose `name` member (any ASCII case) is `true`.
pub(super) fn get_bool_true(item: &Value, name: &str) -> bool {
    item.as_object()
        .and_then(|m| get_ci(m, name))
        .is_some_and(|(_, v)| v == &Value::Bool(true))
}

/// Keeps at most one `primary: true`: the one at `keep` (RFC 7643 §2.4).
pub(super) fn single_primary(items: &mut [Value], keep: usize) {
    let keeps = items.get(keep).is_some_and(|v| get_bool_true(v, "primary"));
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

pub(super) fn into_items(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        one => vec![one],
    }
}
