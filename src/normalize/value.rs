//! Small helpers over `serde_json::Value` shared by the normalizers and the PATCH engine:
//! case-insensitive attribute lookup (RFC 7643 §2.1), depth checks, password stripping and
//! lenient scalar reading.

use serde_json::{Map, Value};

use super::limits::MAX_DEPTH;
use super::NormalizationError;

/// The first entry whose key equals `name` ignoring ASCII case, with the key as it was sent.
pub(crate) fn get_ci<'a>(map: &'a Map<String, Value>, name: &str) -> Option<(&'a str, &'a Value)> {
    map.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(k, v)| (k.as_str(), v))
}

/// The key as it is spelled in `map`, if some key equals `name` ignoring ASCII case.
pub(crate) fn key_ci(map: &Map<String, Value>, name: &str) -> Option<String> {
    map.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned()
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `prefix` plus one escaped token.
pub(crate) fn child(prefix: &str, token: &str) -> String {
    format!("{prefix}/{}", escape(token))
}

/// Fails with `too_complex` when `value` nests deeper than [`MAX_DEPTH`]. The walk stops at the
/// limit, so it is bounded however deep the value is.
pub(crate) fn check_depth(value: &Value, pointer: &str) -> Result<(), NormalizationError> {
    fn depth_ok(v: &Value, left: usize) -> bool {
        match v {
            Value::Array(a) => left > 0 && a.iter().all(|x| depth_ok(x, left - 1)),
            Value::Object(o) => left > 0 && o.values().all(|x| depth_ok(x, left - 1)),
            _ => true,
        }
    }
    if depth_ok(value, MAX_DEPTH) {
        Ok(())
    } else {
        Err(NormalizationError::too_complex(
            pointer,
            format!("JSON nested deeper than {MAX_DEPTH} levels"),
        ))
    }
}

/// Removes every `password` member (any case, at any depth), and the `value` of any PATCH
/// operation whose `path` targets a password (`password`, `…:User:password`): a password is
/// never kept, not even inside a raw request kept for reference.
pub(crate) fn strip_passwords(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let targets_password = map.iter().any(|(k, v)| {
                k.eq_ignore_ascii_case("path") && v.as_str().is_some_and(path_targets_password)
            });
            map.retain(|k, _| {
                !(k.eq_ignore_ascii_case("password")
                    || targets_password && k.eq_ignore_ascii_case("value"))
            });
            map.values_mut().for_each(strip_passwords);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_passwords),
        _ => {}
    }
}

/// Whether a PATCH path's last attribute is `password` (after any URN prefix or parent attribute).
fn path_targets_password(path: &str) -> bool {
    path.rsplit([':', '.'])
        .next()
        .is_some_and(|last| last.trim().eq_ignore_ascii_case("password"))
}

/// A copy of `map` without passwords, for `raw_attributes`.
pub(crate) fn raw_without_passwords(map: &Map<String, Value>) -> Map<String, Value> {
    let mut copy = Value::Object(map.clone());
    strip_passwords(&mut copy);
    match copy {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Reads a string-typed attribute leniently: `null` and `""` are "not set", numbers become their
/// decimal text (JumpCloud and template-driven OneLogin send numeric ids), anything else is
/// reported rather than dropped.
pub(crate) fn opt_string(
    value: &Value,
    pointer: &str,
) -> Result<Option<String>, NormalizationError> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) => Ok(Some(n.to_string())),
        _ => Err(NormalizationError::invalid_value(
            pointer,
            "expected a string",
        )),
    }
}

/// Reads a boolean leniently: JSON booleans and the strings `"true"`/`"false"` in any case (Entra
/// sends `"False"` and `"True"`). `null` is "not set".
pub(crate) fn opt_bool(value: &Value, pointer: &str) -> Result<Option<bool>, NormalizationError> {
    match value {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::String(s) => match parse_bool_str(s) {
            Some(b) => Ok(Some(b)),
            None => Err(NormalizationError::invalid_value(
                pointer,
                "expected a boolean",
            )),
        },
        _ => Err(NormalizationError::invalid_value(
            pointer,
            "expected a boolean",
        )),
    }
}

/// `"true"` / `"false"` in any case.
pub(crate) fn parse_bool_str(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Whether `s` plausibly is an email address (used only to fill `email` from a username).
pub(crate) fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}
