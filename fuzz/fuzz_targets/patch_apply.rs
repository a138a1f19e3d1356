//! SCIM PATCH application: `apply_scim_patch` and `plan_scim_patch` on a resource and a PATCH
//! body, both as the JS package sends them (text) and as a parsed `Value`.
//!
//! Input: `resource \0 patch` (both JSON text; a resource that does not parse ends the run, the
//! PATCH is passed as it is).
//!
//! Checks, besides never panicking (and, with libFuzzer's `-timeout`, never taking long):
//! - the PATCH read from text and from a `Value` gives the same result or the same error (code
//!   and pointer); text that is not JSON fails as `invalid_json` or `too_complex`;
//! - applying to the part of the resource that `plan_scim_patch` names (plus the members holding a
//!   password key, as the JS façade sends them), then putting the result back as the façade does,
//!   gives what applying to the whole resource gives; plan fails exactly when the body is bad;
//! - a result is an object without a `password` member.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scimkit::json::limits::MAX_DEPTH;
use scimkit::normalize::parse_json;
use scimkit::scim::{apply_scim_patch, plan_scim_patch, PatchSource, PASSWORD_KEYS};
use scimkit_fuzz::{assert_no_password, error_key, fields, SEP};
use serde_json::{Map, Value};

fn holds_password_key(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, v)| {
            PASSWORD_KEYS.iter().any(|p| k.eq_ignore_ascii_case(p)) || holds_password_key(v)
        }),
        Value::Array(items) => items.iter().any(holds_password_key),
        _ => false,
    }
}

fn depth(v: &Value) -> usize {
    match v {
        Value::Object(m) => 1 + m.values().map(depth).max().unwrap_or(0),
        Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fuzz_target!(|data: &[u8]| {
    let [resource, patch] = fields::<2>(data, SEP);
    let Ok(resource) = parse_json(resource, "resource") else {
        return;
    };
    let from_text = apply_scim_patch(resource.clone(), PatchSource::Text(patch));
    if let Ok(out) = &from_text {
        assert!(out.is_object(), "the result is not an object");
        assert_no_password(out, "apply_scim_patch");
    }
    match serde_json::from_slice::<Value>(patch) {
        Ok(body) => {
            let from_value = apply_scim_patch(resource.clone(), &body);
            match (&from_text, &from_value) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "text and Value give different results"),
                (Err(a), Err(b)) => {
                    assert_eq!(error_key(a), error_key(b), "text: {a}; Value: {b}")
                }
                (a, b) => panic!("text gives {a:?}, Value gives {b:?}"),
            }
        }
        Err(_) => match &from_text {
            Err(e) => assert!(
                matches!(e.kind.code(), "invalid_json" | "too_complex"),
                "a body that is not JSON: {e}"
            ),
            Ok(_) => panic!("a body that is not JSON was applied"),
        },
    }

    // The façade's way for an object resource: plan, send a part, put the result back.
    let Value::Object(whole) = &resource else {
        return;
    };
    if depth(&resource) > MAX_DEPTH {
        return; // the façade sends such a resource whole
    }
    let keys: Vec<&str> = whole.keys().map(String::as_str).collect();
    let plan = plan_scim_patch(&keys, PatchSource::Text(patch));
    let needed = match (&plan, &from_text) {
        (Ok(needed), _) => needed,
        (Err(p), Err(a)) => {
            assert_eq!(error_key(p), error_key(a), "plan: {p}; apply: {a}");
            return;
        }
        (Err(p), Ok(_)) => panic!("plan fails ({p}) where apply succeeds"),
    };
    let mut send = vec![false; keys.len()];
    for &i in needed {
        match send.get_mut(i) {
            Some(s) => *s = true,
            None => panic!("plan named key {i} of {}", keys.len()),
        }
    }
    let mut part = Map::new();
    for (i, (k, v)) in whole.iter().enumerate() {
        if send[i] || holds_password_key(v) {
            send[i] = true;
            part.insert(k.clone(), v.clone());
        }
    }
    let patched = apply_scim_patch(Value::Object(part), PatchSource::Text(patch));
    match (&from_text, patched) {
        (Ok(expected), Ok(Value::Object(patched))) => {
            let mut out = Map::new();
            for (i, (k, v)) in whole.iter().enumerate() {
                if !send[i] || patched.contains_key(k) {
                    out.insert(k.clone(), v.clone());
                }
            }
            for (k, v) in patched {
                out.insert(k, v);
            }
            assert_eq!(
                &Value::Object(out),
                expected,
                "the part's way and the whole's differ"
            );
        }
        (Err(a), Err(b)) => assert_eq!(error_key(a), error_key(&b), "whole: {a}; part: {b}"),
        (a, b) => panic!("whole: {a:?}; part: {b:?}"),
    }
});
