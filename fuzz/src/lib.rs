//! What the fuzz targets share: splitting one input into fields, and the checks every target
//! makes on what the core returns (no password anywhere in a result, errors compared by code and
//! pointer, messages free of secrets).

use scimkit::normalize::NormalizationError;
use serde_json::Value;

/// Splits `data` into `N` fields at the first `N - 1` occurrences of `sep`: the last field takes
/// what follows the last separator found (so it may hold `sep`); fields with no separator left
/// for them are empty. Seeds use the same framing
/// (fuzz/seeds.mjs).
pub fn fields<const N: usize>(data: &[u8], sep: u8) -> [&[u8]; N] {
    let mut out = [&data[..0]; N];
    let mut rest = data;
    for slot in out.iter_mut().take(N - 1) {
        let Some(i) = rest.iter().position(|&b| b == sep) else {
            break;
        };
        *slot = &rest[..i];
        rest = &rest[i + 1..];
    }
    // Whatever follows the last separator found is the last field.
    out[N - 1] = rest;
    out
}

/// The separator between the fields of a structured input: NUL never occurs in the JSON texts or
/// header values the seeds hold, so a mutation that adds one makes a new split on purpose.
pub const SEP: u8 = 0;

/// Panics when some object in `value` has a member named `password` (any ASCII case): the core
/// promises never to keep one in a result.
pub fn assert_no_password(value: &Value, what: &str) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                assert!(
                    !k.eq_ignore_ascii_case("password"),
                    "{what}: a `{k}` member survived in the result"
                );
                assert_no_password(v, what);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| assert_no_password(v, what)),
        _ => {}
    }
}

/// An error as the JS package exposes it: its code and its pointer (messages may differ).
pub fn error_key(e: &NormalizationError) -> (&'static str, &str) {
    (e.kind.code(), e.pointer.as_str())
}

/// Serializes a result, panicking if that fails (the model must always serialize: the wasm layer
/// relies on it).
pub fn to_json<T: serde::Serialize>(value: &T, what: &str) -> String {
    match serde_json::to_string(value) {
        Ok(s) => s,
        Err(e) => panic!("{what}: the result does not serialize: {e}"),
    }
}

/// Panics when `message` contains `secret` (only checked for secrets long enough that a chance
/// match in an echoed header is not a leak).
pub fn assert_not_in(message: &str, secret: &str, what: &str) {
    if secret.len() >= 8 {
        assert!(
            !message.contains(secret),
            "{what}: the message {message:?} contains a secret or an expected signature"
        );
    }
}
