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
//! Why runs ([`apply_scim_patch_part`]): a PATCH that adds 10,000 members to a 100,000-member
//! group touches one attribute, but that attribute is the whole group. Its values the request left
//! alone need not come back: the part call names them by position in the array sent, and the
//! façade takes them from the caller's own array.
//!
//! Why the part gives the same result as the whole: an operation reads and writes only the
//! top-level keys equal (ignoring ASCII case) to its attribute, or, for an extension path, the keys
//! naming that extension (any spelling; the enterprise URN's aliases); password stripping removes
//! top-level `password` keys, and the `value` key beside a top-level `path` key naming a password.
//! The plan asks for all of those (a superset is harmless: a key sent but left alone comes back
//! unchanged). What it cannot see, the caller must send as well: every top-level member that holds
//! one of [`PASSWORD_KEYS`] at some depth (the façade finds them in the walk that also checks the
//! resource is plain JSON data), so that nested passwords are stripped as before.

use serde_json::{Map, Value};

use super::multi::Run;
use super::patch::{apply_all, apply_ops, compact};
use super::patch_body::{PatchBody, PatchSource};
use super::patch_op::ParsedOp;
use super::path::{parse_path, PatchPath};
use crate::json::value::{check_depth, has_password, strip_passwords, ROOT};
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
        return Err(not_an_object());
    };
    apply_all(&mut map, &body.operations()?)?;
    let mut out = Value::Object(map);
    strip_passwords(&mut out);
    Ok(out)
}

/// What [`apply_scim_patch_part`] returns: the patched part, with each multi-valued member that
/// the request only added values to, removed values from or merged into as runs of the values
/// given (by position) and the values written.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchedPart {
    /// The members [`apply_scim_patch`] returns for the part, but those in `runs`.
    pub members: Map<String, Value>,
    /// Members whose new value is the array these runs make up, in order: [`Run::Given`] the
    /// values at those positions of the array given (unchanged), [`Run::Value`] one value.
    pub runs: Vec<(String, Vec<Run>)>,
}

/// [`apply_scim_patch`] on part of a resource (see the module notes), describing large
/// multi-valued members by what changed in them: a member given as an array whose values the
/// request only added to or removed (Entra's and Okta's member changes), through operations the
/// engine serves from an index, comes back as runs, so that the caller keeps its own values for
/// the ones unchanged rather than receiving all of them back. A given value that holds a password
/// is returned as a value, stripped, never named by position. The same errors, in the same order.
///
/// Why: for a 100,000-member group, turning the members into text and back was most of the
/// cost of a 1,000-member change (bench/patch-scale.mjs).
pub fn apply_scim_patch_part<'p>(
    part: Value,
    patch: impl Into<PatchSource<'p>>,
) -> Result<PatchedPart, NormalizationError> {
    let body = PatchBody::read(patch.into())?;
    check_depth(&part, ROOT)?;
    let Value::Object(mut map) = part else {
        return Err(not_an_object());
    };
    let mut indexes = apply_ops(&mut map, &body.operations()?)?;
    let mut runs = Vec::new();
    for (slot, idx) in indexes.take_all() {
        if slot.ext.is_some() {
            compact(&mut map, &slot, idx);
            continue;
        }
        let Some(Value::Array(mut items)) = map.remove(&slot.attr) else {
            continue;
        };
        let mut pieces = Vec::new();
        for run in idx.runs(&mut items) {
            match run {
                Run::Given(range) => given_without_passwords(&mut items, range, &mut pieces),
                Run::Value(mut v) => {
                    strip_passwords(&mut v);
                    pieces.push(Run::Value(v));
                }
            }
        }
        runs.push((slot.attr, pieces));
    }
    let mut out = Value::Object(map);
    strip_passwords(&mut out);
    let Value::Object(members) = out else {
        return Err(not_an_object());
    };
    Ok(PatchedPart { members, runs })
}

/// Pushes `range` of the given values as [`Run::Given`] pieces, except those holding a password:
/// those as values, stripped.
fn given_without_passwords(
    items: &mut [Value],
    range: std::ops::Range<usize>,
    pieces: &mut Vec<Run>,
) {
    let mut from = range.start;
    for i in range.clone() {
        let Some(item) = items.get_mut(i) else {
            continue;
        };
        if has_password(item) {
            if from < i {
                pieces.push(Run::Given(from..i));
            }
            let mut v = item.take();
            strip_passwords(&mut v);
            pieces.push(Run::Value(v));
            from = i + 1;
        }
    }
    if from < range.end {
        pieces.push(Run::Given(from..range.end));
    }
}

fn not_an_object() -> NormalizationError {
    NormalizationError::new(
        NormalizationErrorKind::InvalidJson,
        "",
        "the resource must be a JSON object",
    )
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
        // As the façade does: the members asked for, and those holding a password key.
        let part: serde_json::Map<String, Value> = keys
            .iter()
            .enumerate()
            .filter(|&(i, k)| {
                needed.contains(&i)
                    || map[k.as_str()]
                        .to_string()
                        .to_lowercase()
                        .contains("\"password\"")
            })
            .map(|(_, k)| ((*k).clone(), map[k.as_str()].clone()))
            .collect();
        let whole = apply_scim_patch(Value::Object(part.clone()), patch)?;
        let PatchedPart { mut members, runs } =
            apply_scim_patch_part(Value::Object(part.clone()), patch)?;
        for (key, runs) in runs {
            let given = part[&key].as_array().unwrap();
            let mut items = Vec::new();
            for run in runs {
                match run {
                    Run::Given(r) => items.extend(given[r].iter().cloned()),
                    Run::Value(v) => items.push(v),
                }
            }
            members.insert(key, Value::Array(items));
        }
        assert_eq!(
            Value::Object(members.clone()),
            whole,
            "runs rebuild the part"
        );
        let patched = members;
        let mut out = map.clone();
        for k in part.keys() {
            if !patched.contains_key(k) {
                out.remove(k);
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
            "title": "T",
            "members": [{"value": "m1"}, {"value": "m2", "password": "p"}, {"value": "m5", "primary": true}]
        });
        let patches = [
            json!({"Operations": [{"op": "replace", "path": "active", "value": "False"}]}),
            json!({"Operations": [{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "x@y.z"},
                                   {"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "value": "1"}]}),
            json!({"Operations": [{"op": "add", "value": {"name.familyName": "F", "nickName": "n", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager": "m"}}]}),
            json!({"Operations": [{"op": "remove", "path": "title"}, {"op": "remove", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}]}),
            json!({"Operations": [{"op": "add", "path": "title[type eq \"x\"]", "value": 1}]}),
            json!({"Operations": [{"op": "add", "value": {"bad path!": 1}}]}),
            json!({"Operations": [{"op": "add", "path": "members", "value": [{"value": "m3"}, {"value": "m1", "display": "One"}]},
                                   {"op": "remove", "path": "members[value eq \"m2\"]"}]}),
            json!({"Operations": [{"op": "replace", "path": "title", "value": "x"},
                                   {"op": "remove", "path": "members", "value": [{"value": "m1"}]}]}),
            json!({"Operations": [{"op": "replace", "path": "members[value eq \"m1\"].display", "value": "x"},
                                   {"op": "add", "path": "members", "value": [{"value": "m4"}]}]}),
            json!({"Operations": [{"op": "remove", "path": "members[value eq \"m1\"]"},
                                   {"op": "remove", "path": "members[value eq \"m2\"]"},
                                   {"op": "remove", "path": "members[value eq \"m9\"]"}]}),
        ];
        for patch in &patches {
            assert_eq!(
                via_part(&resource, patch),
                apply_scim_patch(resource.clone(), patch),
                "{patch}"
            );
        }
    }

    #[test]
    fn member_changes_come_back_as_runs() {
        let group = json!({"displayName": "g", "members": [
            {"value": "a"}, {"value": "b"}, {"value": "c", "password": "p"}, {"value": "d"}, {"value": "e"}
        ]});
        let patch = json!({"Operations": [
            {"op": "remove", "path": "members[value eq \"b\"]"},
            {"op": "add", "path": "members", "value": [{"value": "d", "display": "D"}, {"value": "f"}]}
        ]});
        let out = apply_scim_patch_part(group, &patch).unwrap();
        assert_eq!(Value::Object(out.members), json!({"displayName": "g"}));
        assert_eq!(
            out.runs,
            vec![(
                "members".to_owned(),
                vec![
                    Run::Given(0..1),
                    Run::Value(json!({"value": "c"})),
                    Run::Value(json!({"value": "d", "display": "D"})),
                    Run::Given(4..5),
                    Run::Value(json!({"value": "f"})),
                ]
            )]
        );
        // Made an array by an operation the index does not serve, then added to: values.
        let group = json!({"members": "x"});
        let patch = json!({"Operations": [
            {"op": "replace", "path": "members", "value": [{"value": "a"}]},
            {"op": "add", "path": "members", "value": [{"value": "b"}]}
        ]});
        let out = apply_scim_patch_part(group, &patch).unwrap();
        assert_eq!(
            out.runs,
            vec![(
                "members".to_owned(),
                vec![
                    Run::Value(json!({"value": "a"})),
                    Run::Value(json!({"value": "b"}))
                ]
            )]
        );
        // Written by an operation the index does not serve first: the whole array.
        let group = json!({"members": [{"value": "a"}, {"value": "b"}]});
        let patch = json!({"Operations": [
            {"op": "replace", "path": "members[value eq \"a\"].display", "value": "A"},
            {"op": "add", "path": "members", "value": [{"value": "c"}]}
        ]});
        let out = apply_scim_patch_part(group, &patch).unwrap();
        assert_eq!(
            out.runs,
            vec![(
                "members".to_owned(),
                vec![
                    Run::Value(json!({"value": "a", "display": "A"})),
                    Run::Value(json!({"value": "b"})),
                    Run::Value(json!({"value": "c"})),
                ]
            )]
        );
    }
}
