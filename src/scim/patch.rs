//! The PATCH engine: operations (RFC 7644 §3.5.2) applied to a resource's members, accepting what
//! providers really send: ops in any case, `"True"`/`"False"` strings for booleans, dotted and
//! full-URN keys in a path-less value, Entra's member remove carrying a value array, `$ref: null`
//! re-adds, manager as string/object/array, read-only `id` inside a value, explicit `null`s.

use serde_json::{Map, Value};

use super::patch_filtered::apply_filtered;
use super::patch_op::{patch_err, ParsedOp, PatchOpKind};
use super::path::{parse_path, PatchPath};
use super::values::{append, into_items, is_multi, item_key, merge_into, prepared, set_ci};
use crate::json::value::{key_ci, Ptr, ROOT};
use crate::json::{NormalizationError, NormalizationErrorKind};

/// Read-only attributes a provider may echo inside a value (Okta's rename sends `id`): ignored.
const READ_ONLY: [&str; 2] = ["id", "meta"];

/// Applies each operation in turn to `res` (the whole resource or, for the partial form, the
/// members the operations touch; see [`super::apply`]). Stops at the first failing operation.
pub(crate) fn apply_all(
    res: &mut Map<String, Value>,
    ops: &[ParsedOp<'_>],
) -> Result<(), NormalizationError> {
    for op in ops {
        apply_op(res, op)?;
    }
    Ok(())
}

/// One operation on one attribute: kind, path, value.
pub(crate) type AttrOp<'a> = (PatchOpKind, PatchPath, Option<&'a Value>);

/// One operation per attribute: a path-less operation becomes one per member of its value (what
/// [`apply_op`] does internally), so callers can reason about what a request touches.
pub(crate) fn expand_ops<'a>(
    ops: &'a [ParsedOp<'a>],
) -> Result<Vec<AttrOp<'a>>, NormalizationError> {
    let mut out = Vec::new();
    for op in ops {
        match (&op.path, op.value) {
            (Some(p), v) => out.push((op.kind, p.clone(), v)),
            (None, Some(Value::Object(attrs))) => {
                for (key, v) in attrs {
                    if key.eq_ignore_ascii_case("schemas") {
                        continue;
                    }
                    let path = parse_path(key).map_err(|e| {
                        let ops_ptr = ROOT.key(op.ops_key);
                        let at = ops_ptr.index(op.index);
                        let value_ptr = at.key("value");
                        e.prefixed(&value_ptr.key(key).render())
                    })?;
                    out.push((op.kind, path, Some(v)));
                }
            }
            (None, _) => {}
        }
    }
    Ok(out)
}

/// Applies one parsed operation.
pub(crate) fn apply_op(
    res: &mut Map<String, Value>,
    op: &ParsedOp<'_>,
) -> Result<(), NormalizationError> {
    let ops_ptr = ROOT.key(op.ops_key);
    let at = ops_ptr.index(op.index);
    match &op.path {
        Some(path) => apply_path(res, op.kind, path, op.value, &at),
        None => {
            let value_ptr = at.key("value");
            let Some(Value::Object(attrs)) = op.value else {
                return Err(NormalizationError::invalid_value(
                    value_ptr.render(),
                    "an operation without `path` needs an object `value`",
                ));
            };
            for (key, v) in attrs {
                if key.eq_ignore_ascii_case("schemas") {
                    continue;
                }
                let key_ptr = value_ptr.key(key);
                // Entra (aadOptscim062020) sends `"name.givenName"` and full-URN keys here.
                let path = parse_path(key).map_err(|e| e.prefixed(&key_ptr.render()))?;
                apply_path(res, op.kind, &path, Some(v), &key_ptr)?;
            }
            Ok(())
        }
    }
}

/// The object holding `path`'s attribute: the resource, or its extension object (found under any
/// spelling of the URN, created for add/replace).
fn container<'a>(
    res: &'a mut Map<String, Value>,
    schema: Option<&str>,
    create: bool,
) -> Option<&'a mut Map<String, Value>> {
    let Some(urn) = schema else { return Some(res) };
    let enterprise = super::schema::is_enterprise_urn(urn);
    let existing = res
        .keys()
        .find(|k| {
            k.eq_ignore_ascii_case(urn) || (enterprise && super::schema::is_enterprise_urn(k))
        })
        .cloned();
    let key = match existing {
        Some(k) => k,
        None if create => {
            let k = if enterprise {
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".to_owned()
            } else {
                urn.to_owned()
            };
            res.insert(k.clone(), Value::Object(Map::new()));
            k
        }
        None => return None,
    };
    let slot = res.get_mut(&key)?;
    if !slot.is_object() {
        if !create {
            return None;
        }
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut()
}

fn apply_path(
    res: &mut Map<String, Value>,
    kind: PatchOpKind,
    path: &PatchPath,
    value: Option<&Value>,
    at: &Ptr<'_>,
) -> Result<(), NormalizationError> {
    let path_ptr = || at.key("path").render();
    let value_ptr = at.key("value");
    let Some(attr) = path.attr.as_deref() else {
        // The whole extension object: each of its members is one attribute of that schema.
        return match (kind, value) {
            (PatchOpKind::Remove, _) => {
                if let Some(k) = res
                    .keys()
                    .find(|k| {
                        path.schema
                            .as_deref()
                            .is_some_and(|s| k.eq_ignore_ascii_case(s))
                    })
                    .cloned()
                {
                    res.remove(&k);
                }
                Ok(())
            }
            (_, Some(Value::Object(attrs))) => {
                for (k, v) in attrs {
                    let sub = PatchPath {
                        schema: path.schema.clone(),
                        attr: Some(k.clone()),
                        filter: None,
                        sub: None,
                    };
                    apply_path(res, kind, &sub, Some(v), &value_ptr.key(k))?;
                }
                Ok(())
            }
            (_, Some(Value::Null)) => {
                let none = PatchPath {
                    attr: None,
                    ..path.clone()
                };
                apply_path(res, PatchOpKind::Remove, &none, None, at)
            }
            _ => Err(NormalizationError::invalid_value(
                value_ptr.render(),
                "an extension needs an object value",
            )),
        };
    };
    if path.schema.is_none() && READ_ONLY.iter().any(|r| attr.eq_ignore_ascii_case(r)) {
        return Ok(());
    }
    let remove = kind == PatchOpKind::Remove
        || (path.filter.is_none() && path.sub.is_none() && matches!(value, Some(Value::Null)));
    let Some(target) = container(res, path.schema.as_deref(), !remove) else {
        return Ok(());
    };
    let key = key_ci(target, attr);
    if let Some(filter) = &path.filter {
        return apply_filtered(
            target,
            kind,
            attr,
            key,
            filter,
            path.sub.as_deref(),
            value,
            at,
        );
    }
    if remove {
        let Some(key) = key else { return Ok(()) };
        match (&path.sub, target.get_mut(&key)) {
            (Some(sub), Some(Value::Object(obj))) => {
                if let Some(k) = key_ci(obj, sub) {
                    obj.remove(&k);
                }
                if obj.is_empty() {
                    target.remove(&key);
                }
            }
            (Some(_), Some(Value::Array(_))) => {
                return Err(NormalizationError::new(
                    NormalizationErrorKind::InvalidPath,
                    path_ptr(),
                    "a sub-attribute of a multi-valued attribute needs a filter",
                ))
            }
            (Some(_), _) => {}
            (None, Some(Value::Array(items))) if matches!(value, Some(v) if !v.is_null()) => {
                // Entra removes members with `path: "members"` and a value array, no filter.
                let gone: Vec<Value> = match value {
                    Some(Value::Array(vs)) => vs.clone(),
                    Some(v) => vec![v.clone()],
                    None => Vec::new(),
                };
                // Keyed by `value` in a set: a large group must not cost members × removals.
                let keys: std::collections::BTreeSet<String> = gone
                    .iter()
                    .filter_map(item_key)
                    .map(Value::to_string)
                    .collect();
                items.retain(|item| match item_key(item) {
                    Some(k) => !keys.contains(&k.to_string()),
                    None => !gone.contains(item),
                });
                if items.is_empty() {
                    target.remove(&key);
                }
            }
            (None, _) => {
                target.remove(&key);
            }
        }
        return Ok(());
    }
    let Some(value) = value else {
        return Err(patch_err(at.render(), "`add` and `replace` need a `value`"));
    };
    let new = prepared(path.sub.as_deref().unwrap_or(attr), value);
    if let Some(sub) = &path.sub {
        let slot = target
            .entry(key.unwrap_or_else(|| attr.to_owned()))
            .or_insert_with(|| Value::Object(Map::new()));
        match slot {
            Value::Array(_) => {
                return Err(NormalizationError::new(
                    NormalizationErrorKind::InvalidPath,
                    path_ptr(),
                    "a sub-attribute of a multi-valued attribute needs a filter",
                ))
            }
            Value::Object(obj) => set_ci(obj, sub, new),
            other => {
                let mut obj = Map::new();
                set_ci(&mut obj, sub, new);
                *other = Value::Object(obj);
            }
        }
        return Ok(());
    }
    if new.is_null() {
        if let Some(k) = key {
            target.remove(&k);
        }
        return Ok(());
    }
    let slot_key = key.unwrap_or_else(|| attr.to_owned());
    let existing = target.remove(&slot_key);
    let had = existing.is_some();
    let multi = matches!(existing, Some(Value::Array(_)))
        || (existing.is_none() && is_multi(attr))
        || (existing.is_none() && new.is_array());
    let result = match (kind, existing, new) {
        (PatchOpKind::Add, Some(Value::Array(mut items)), new) => {
            append(&mut items, into_items(new));
            Value::Array(items)
        }
        (_, None, new) if multi => {
            let mut items = Vec::new();
            append(&mut items, into_items(new));
            Value::Array(items)
        }
        (PatchOpKind::Replace, Some(Value::Array(_)), new) => {
            let mut items = Vec::new();
            append(&mut items, into_items(new));
            Value::Array(items)
        }
        (_, Some(Value::Object(mut obj)), Value::Object(src)) => {
            merge_into(&mut obj, src);
            Value::Object(obj)
        }
        (_, _, new) => new,
    };
    // Adding nothing to an absent attribute leaves it absent; a replace with `[]` states "none".
    let empty = matches!(&result, Value::Array(a) if a.is_empty());
    if !(empty && kind == PatchOpKind::Add && !had) {
        target.insert(slot_key, result);
    }
    Ok(())
}
