//! Applying a SCIM PATCH request: the one entry, [`apply_scim_patch`], on the whole resource or
//! on the part of it a PATCH touches, and [`plan_scim_patch`], which names that part.
//!
//! Why a part: in JS, turning the whole resource into JSON text and the whole result back into
//! objects costs about as much as a pure-JS PATCH library's entire call (bench/normalize.mjs),
//! however fast the core is. A PATCH only ever touches a few top-level attributes, so the façade
//! asks the core which ones ([`plan_scim_patch`], given the resource's top-level keys), sends only
//! those, and gets back what they became (the same [`apply_scim_patch`], on that part); it then
//! builds the result as a shallow copy of the caller's object with those members replaced, and
//! the ones sent but not returned left out. Given the whole resource instead (text in JS, or a
//! `Value` in Rust), the same call returns the whole patched resource. Every decision (which keys
//! matter, what they become, which are stripped as passwords) stays here.
//!
//! Why the part gives the same result as the whole: an operation reads and writes only the
//! top-level keys equal (ignoring ASCII case) to its attribute, or, for an extension path, the keys
//! naming that extension (any spelling; the enterprise URN's aliases); password stripping removes
//! top-level `password` keys, and the `value` key beside a top-level `path` key naming a password.
//! The plan asks for all of those (a superset is harmless: a key sent but left alone comes back
//! unchanged). What it cannot see, the caller must send as well: every top-level member that holds
//! one of [`PASSWORD_KEYS`] at some depth (the façade finds them in the walk that also checks the
//! resource is plain JSON data), so that nested passwords are stripped as before.

use serde_json::Value;

use super::patch::apply_all;
use super::patch_body::{PatchBody, PatchSource};
use super::patch_op::ParsedOp;
use super::path::{parse_path, PatchPath};
use crate::json::value::{check_depth, strip_passwords, ROOT};
use crate::json::{NormalizationError, NormalizationErrorKind};

/// Member names (any ASCII case) that password stripping reads at any depth (`password`, and a
/// `path` that may name one). Given part of a resource, [`apply_scim_patch`] must also be given
/// every top-level member holding one of them somewhere inside, or a nested password it cannot
/// see stays in the caller's copy.
pub const PASSWORD_KEYS: [&str; 2] = crate::json::value::PASSWORD_KEYS;

/// Applies a SCIM PATCH request (RFC 7644 §3.5.2, with providers' quirks) to `resource` and
/// returns the patched resource, which never contains a `password`.
///
/// `resource` is the whole resource, or only the top-level members [`plan_scim_patch`] asked for
/// plus those holding one of [`PASSWORD_KEYS`] (see the module notes); then the result is the
/// patched part: the members given that remain (unchanged ones with equal values) and those the
/// PATCH added. A member given and absent from the result was removed; members not given are left
/// as they are.
///
/// Errors come in this order: a PATCH body in text that is not JSON (`invalid_json`); a resource
/// nested too deep (`too_complex` at `""`) or not an object (`invalid_json` at `""`); then the
/// body's own checks and the operations in order, pointing into the body (`/Operations/2/path`).
/// Bounded: nesting depth, path and filter length, filter terms and the number of operations are
/// limited (`too_complex`).
pub fn apply_scim_patch<'p>(
    resource: Value,
    patch: impl Into<PatchSource<'p>>,
) -> Result<Value, NormalizationError> {
    let body = PatchBody::read(patch.into())?;
    check_depth(&resource, ROOT)?;
    let Value::Object(mut map) = resource else {
        return Err(NormalizationError::new(
            NormalizationErrorKind::InvalidJson,
            "",
            "the resource must be a JSON object",
        ));
    };
    apply_all(&mut map, &body.operations()?)?;
    let mut out = Value::Object(map);
    strip_passwords(&mut out);
    Ok(out)
}

/// Which of a resource's top-level keys (by index in `keys`) [`apply_scim_patch`] needs to see to
/// apply `patch` to part of that resource.
///
/// Fails exactly as [`apply_scim_patch`] fails on a malformed PATCH body (the same checks, in the
/// same order); never on anything else: errors that depend on the resource come from
/// [`apply_scim_patch`], in operation order.
pub fn plan_scim_patch<'p, S: AsRef<str>>(
    keys: &[S],
    patch: impl Into<PatchSource<'p>>,
) -> Result<Vec<usize>, NormalizationError> {
    let body = PatchBody::read(patch.into())?;
    Ok(plan_ops(keys, &body.operations()?))
}

fn plan_ops<S: AsRef<str>>(keys: &[S], ops: &[ParsedOp<'_>]) -> Vec<usize> {
    let mut marks = Marks {
        keys,
        needed: vec![false; keys.len()],
    };
    // Password stripping: top-level `password` keys go; a top-level `path` naming a password
    // takes the `value` beside it.
    marks.mark(|k| {
        PASSWORD_KEYS.iter().any(|p| k.eq_ignore_ascii_case(p)) || k.eq_ignore_ascii_case("value")
    });
    for op in ops {
        match (&op.path, op.value) {
            (Some(path), _) => marks.path(path),
            (None, Some(Value::Object(attrs))) => {
                for key in attrs.keys() {
                    if key.eq_ignore_ascii_case("schemas") {
                        continue;
                    }
                    // A key that does not parse fails the operation when it is applied.
                    if let Ok(path) = parse_path(key) {
                        marks.path(&path);
                    }
                }
            }
            (None, _) => {}
        }
    }
    marks
        .needed
        .iter()
        .enumerate()
        .filter_map(|(i, &n)| n.then_some(i))
        .collect()
}

struct Marks<'k, S> {
    keys: &'k [S],
    needed: Vec<bool>,
}

impl<S: AsRef<str>> Marks<'_, S> {
    fn mark(&mut self, pred: impl Fn(&str) -> bool) {
        for (flag, k) in self.needed.iter_mut().zip(self.keys) {
            if !*flag && pred(k.as_ref()) {
                *flag = true;
            }
        }
    }

    fn path(&mut self, path: &PatchPath) {
        // Read-only `id`/`meta` are skipped by the engine; asking for them is harmless. The
        // whole-extension form (`attr: None`) applies each member of its value in there.
        self.mark(|k| path.reaches(k));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn via_part(resource: &Value, patch: &Value) -> Result<Value, NormalizationError> {
        let map = resource.as_object().unwrap();
        let keys: Vec<&String> = map.keys().collect();
        let needed = plan_scim_patch(&keys, patch)?;
        let part: serde_json::Map<String, Value> = needed
            .iter()
            .map(|&i| (keys[i].clone(), map[keys[i]].clone()))
            .collect();
        let Value::Object(patched) = apply_scim_patch(Value::Object(part), patch)? else {
            unreachable!("an object in, an object out");
        };
        let mut out = map.clone();
        for &i in &needed {
            if !patched.contains_key(keys[i]) {
                out.remove(keys[i]);
            }
        }
        out.extend(patched);
        Ok(Value::Object(out))
    }

    #[test]
    fn same_as_whole_resource() {
        let resource = json!({
            "userName": "a", "Active": true, "password": "x", "PassWord": "y",
            "name": {"givenName": "A"}, "emails": [{"value": "a@b.c", "type": "work"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user": {"department": "D"},
            "title": "T"
        });
        let patches = [
            json!({"Operations": [{"op": "replace", "path": "active", "value": "False"}]}),
            json!({"Operations": [{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "x@y.z"},
                                   {"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "value": "1"}]}),
            json!({"Operations": [{"op": "add", "value": {"name.familyName": "F", "nickName": "n", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": "m"}}]}),
            json!({"Operations": [{"op": "remove", "path": "title"}, {"op": "remove", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}]}),
            json!({"Operations": [{"op": "add", "path": "title[type eq \"x\"]", "value": 1}]}),
            json!({"Operations": [{"op": "add", "value": {"bad path!": 1}}]}),
        ];
        for patch in &patches {
            assert_eq!(
                via_part(&resource, patch),
                apply_scim_patch(resource.clone(), patch),
                "{patch}"
            );
        }
    }
}
