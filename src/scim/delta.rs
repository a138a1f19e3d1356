//! PATCH as a top-level delta, for callers that hold the resource as a live object (the JS façade).
//!
//! Why: in JS, turning the whole resource into JSON text and the whole result back into objects
//! costs about as much as a pure-JS PATCH library's entire call (bench/normalize.mjs), however fast
//! the core is. A PATCH only ever touches a few top-level attributes, so the façade asks the core
//! which ones ([`plan_scim_patch`], given the resource's top-level keys), sends only those, and gets
//! back only what changed at the top level ([`apply_scim_patch_delta`]): the keys to set (with
//! their new values) and the keys to remove. It then builds the result as a shallow copy of the
//! caller's object with that delta applied. Every decision (which keys matter, what they become,
//! which are stripped as passwords) stays here.
//!
//! Equivalence with [`super::apply_scim_patch`] on the whole resource: an operation reads and
//! writes only the top-level keys equal (ignoring ASCII case) to its attribute, or, for an
//! extension path, the keys naming that extension (any spelling; the enterprise URN's aliases);
//! password stripping removes top-level `password` keys, and the `value` key beside a top-level
//! `path` key naming a password. The plan asks for all of those (a superset is harmless: a key sent
//! but left alone comes back unchanged). What it cannot see, the caller must send as well: every
//! top-level attribute that holds a `password` or `path` key at some depth (the façade finds them
//! in the walk that also checks the resource is plain JSON data), so that nested passwords are
//! stripped as before.

use serde_json::{Map, Value};

use super::patch::{apply_all, ParsedOp};
use super::patch_body::PatchBody;
use super::path::{parse_path, PatchPath};
use super::schema::is_enterprise_urn;
use crate::json::value::strip_passwords;
use crate::json::NormalizationError;

/// Which of the resource's top-level keys (by index in `keys`) a PATCH needs to see.
///
/// Fails exactly as [`super::apply_scim_patch`] fails on a malformed PATCH body (the same checks,
/// in the same order); never on anything else: errors that depend on the resource come from
/// [`apply_scim_patch_delta`], in operation order.
pub fn plan_scim_patch<S: AsRef<str>>(
    keys: &[S],
    patch: &Value,
) -> Result<Vec<usize>, NormalizationError> {
    plan_body(keys, &PatchBody::from_value(patch))
}

/// [`plan_scim_patch`] on the PATCH body's JSON text (read without building it as a `Value`).
pub fn plan_scim_patch_text<S: AsRef<str>>(
    keys: &[S],
    patch: &[u8],
) -> Result<Vec<usize>, NormalizationError> {
    plan_body(keys, &PatchBody::from_text(patch, "patch")?)
}

fn plan_body<S: AsRef<str>>(
    keys: &[S],
    patch: &PatchBody<'_>,
) -> Result<Vec<usize>, NormalizationError> {
    Ok(plan_ops(keys, &patch.operations()?))
}

pub(crate) fn plan_ops<S: AsRef<str>>(keys: &[S], ops: &[ParsedOp<'_>]) -> Vec<usize> {
    let mut marks = Marks {
        keys,
        needed: vec![false; keys.len()],
    };
    // Password stripping: top-level `password` keys go; a top-level `path` naming a password
    // takes the `value` beside it.
    marks.mark(|k| {
        k.eq_ignore_ascii_case("password")
            || k.eq_ignore_ascii_case("path")
            || k.eq_ignore_ascii_case("value")
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
        match (&path.schema, &path.attr) {
            // Read-only `id`/`meta` are skipped by the engine; asking for them is harmless.
            (None, Some(attr)) => self.mark(|k| k.eq_ignore_ascii_case(attr)),
            // The extension object, under any spelling of its URN (and the enterprise aliases);
            // the whole-extension form (`attr: None`) applies each member of its value in there.
            (Some(urn), _) => {
                let enterprise = is_enterprise_urn(urn);
                self.mark(|k| k.eq_ignore_ascii_case(urn) || (enterprise && is_enterprise_urn(k)));
            }
            (None, None) => {}
        }
    }
}

/// What a PATCH changes at the top level of a resource.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PatchDelta {
    /// Keys to remove (as spelled in the resource).
    pub removed: Vec<String>,
    /// Keys to set, with their new values (the partial resource after the operations; keys sent
    /// but left alone come back with equal values).
    pub set: Map<String, Value>,
}

/// Applies a PATCH to `part`, the top-level members of a resource that [`plan_scim_patch`] asked
/// for (plus any holding a nested password), and returns the top-level delta. Applying the delta
/// to the whole resource gives exactly what [`super::apply_scim_patch`] gives, errors included.
pub fn apply_scim_patch_delta(
    part: Map<String, Value>,
    patch: &Value,
) -> Result<PatchDelta, NormalizationError> {
    apply_body_delta(part, &PatchBody::from_value(patch))
}

/// [`apply_scim_patch_delta`] on the PATCH body's JSON text (read without building it as a
/// `Value`).
pub fn apply_scim_patch_delta_text(
    part: Map<String, Value>,
    patch: &[u8],
) -> Result<PatchDelta, NormalizationError> {
    apply_body_delta(part, &PatchBody::from_text(patch, "patch")?)
}

fn apply_body_delta(
    part: Map<String, Value>,
    patch: &PatchBody<'_>,
) -> Result<PatchDelta, NormalizationError> {
    apply_ops_delta(part, &patch.operations()?)
}

pub(crate) fn apply_ops_delta(
    part: Map<String, Value>,
    ops: &[ParsedOp<'_>],
) -> Result<PatchDelta, NormalizationError> {
    let sent: Vec<String> = part.keys().cloned().collect();
    let mut map = part;
    apply_all(&mut map, ops)?;
    let mut out = Value::Object(map);
    strip_passwords(&mut out);
    let Value::Object(set) = out else {
        return Ok(PatchDelta::default());
    };
    let removed = sent.into_iter().filter(|k| !set.contains_key(k)).collect();
    Ok(PatchDelta { removed, set })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::apply_scim_patch;
    use serde_json::json;

    fn via_delta(resource: &Value, patch: &Value) -> Result<Value, NormalizationError> {
        let map = resource.as_object().unwrap();
        let keys: Vec<&String> = map.keys().collect();
        let needed = plan_scim_patch(&keys, patch)?;
        let part: Map<String, Value> = needed
            .iter()
            .map(|&i| (keys[i].clone(), map[keys[i]].clone()))
            .collect();
        let delta = apply_scim_patch_delta(part, patch)?;
        let mut out = map.clone();
        for k in &delta.removed {
            out.remove(k);
        }
        out.extend(delta.set);
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
                via_delta(&resource, patch),
                apply_scim_patch(&resource, patch),
                "{patch}"
            );
        }
    }
}
