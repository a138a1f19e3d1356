//! SCIM users and groups (and Google Directory API ones): `normalize_user` and `normalize_group` on
//! the same resource, as the JS package calls them (`parse_json` first).
//!
//! Input: `provider \0 resource`, where `provider` is a provider name (`okta`, `entra`, `google`,
//! …; anything else means none given).
//!
//! Checks, besides never panicking: text that is not JSON fails as `invalid_json`/`too_complex`
//! at `""`; a result serializes and holds no `password` member; normalizing the result's
//! `raw_attributes` (the resource without its passwords) gives the same result, so a password
//! changes nothing but its own removal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimkit::normalize::{
    normalize_group, normalize_user, parse_json, NormalizationError, NormalizeOptions,
};
use scimkit_fuzz::{assert_no_password, error_key, fields, to_json, SEP};
use serde::Serialize;
use serde_json::{Map, Value};

fn check<T: Serialize>(
    what: &str,
    resource: &Value,
    result: Result<T, NormalizationError>,
    raw: impl Fn(&T) -> &Map<String, Value>,
    again: impl Fn(&Value) -> Result<T, NormalizationError>,
) {
    let Ok(out) = result else { return };
    let json = to_json(&out, what);
    match serde_json::from_str::<Value>(&json) {
        Ok(v) => assert_no_password(&v, what),
        Err(e) => panic!("{what}: the result's JSON does not parse back: {e}"),
    }
    let raw = Value::Object(raw(&out).clone());
    if &raw == resource {
        return;
    }
    match again(&raw) {
        Ok(second) => assert_eq!(
            to_json(&second, what),
            json,
            "{what}: the resource without its passwords normalizes differently"
        ),
        Err(e) => panic!("{what}: the resource without its passwords fails: {e}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let [provider, text] = fields::<2>(data, SEP);
    let opts = NormalizeOptions {
        provider: std::str::from_utf8(provider)
            .ok()
            .and_then(|p| p.parse().ok()),
    };
    let resource = match parse_json(text, "resource") {
        Ok(v) => v,
        Err(e) => {
            assert!(
                matches!(error_key(&e), ("invalid_json" | "too_complex", "")),
                "parse_json: {e:?}"
            );
            return;
        }
    };
    check(
        "normalize_user",
        &resource,
        normalize_user(&resource, &opts),
        |u| &u.raw_attributes,
        |v| normalize_user(v, &opts),
    );
    check(
        "normalize_group",
        &resource,
        normalize_group(&resource, &opts),
        |g| &g.raw_attributes,
        |v| normalize_group(v, &opts),
    );
});
