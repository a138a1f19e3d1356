//! The PATCH engine: operations (RFC 7644 §3.5.2) applied to a resource's members, accepting what
//! providers really send: ops in any case, `"True"`/`"False"` strings for booleans, dotted and
//! full-URN keys in a path-less value, Entra's member remove carrying a value array, `$ref: null`
//! re-adds, manager as string/object/array, read-only `id` inside a value, explicit `null`s.
//!
//! Cost: adding and removing values of a large multi-valued attribute (a group's members) goes
//! through a keyed index kept across the request's operations ([`super::multi`]), so a request
//! costs about its size plus the resource's, times a logarithm; a value filter other than
//! `value eq "…"` on `members`/`groups` scans the attribute once per operation.

use serde_json::{Map, Value};

use super::keys::{self, Folds, Loc};
use super::multi::{append, remove_values, string_key, Indexed, Indexes, Slot};
use super::patch_filtered::apply_filtered;
use super::patch_op::{patch_err, ParsedOp, PatchOpKind, Site, Target};
use super::path::{parse_path, PatchPath};
use super::schema::{is_enterprise_urn, ENTERPRISE_URNS};
use super::values::{case_rule, check_booleans, into_items, is_multi, prepared};
use crate::json::value::ROOT;
use crate::json::{NormalizationError, NormalizationErrorKind};
use crate::scim::filter::CaseRule;

/// Read-only attributes a provider may echo inside a value (Okta's rename sends `id`): ignored.
const READ_ONLY: [&str; 2] = ["id", "meta"];

/// Singular complex attributes of the core schemas: a value written whole must be an object of
/// sub-attributes (RFC 7644 §3.5.2.1), whether or not the resource has one yet. (Any attribute
/// the resource already holds as an object is treated alike.)
const COMPLEX: [&str; 1] = ["name"];

/// What the engine keeps across a request's operations: the member indexes and the folded
/// names of large maps.
#[derive(Default)]
struct State {
    indexes: Indexes,
    folds: Folds,
}

/// Applies each operation in turn to `res` (the whole resource or, for the partial form, the
/// members the operations touch; see [`super::apply`]). Stops at the first failing operation
/// (then `res` is half-patched: callers drop it).
pub(crate) fn apply_all(
    res: &mut Map<String, Value>,
    ops: &[ParsedOp<'_>],
) -> Result<(), NormalizationError> {
    let mut indexes = apply_ops(res, ops)?;
    for (slot, idx) in indexes.take_all() {
        compact(res, &slot, idx);
    }
    Ok(())
}

/// [`apply_all`], leaving the arrays the indexes served uncompacted (their removed values still
/// there, marked in the indexes returned): for [`super::apply`] to describe them as runs.
pub(crate) fn apply_ops(
    res: &mut Map<String, Value>,
    ops: &[ParsedOp<'_>],
) -> Result<Indexes, NormalizationError> {
    let mut st = State::default();
    for op in ops {
        apply_op(res, op, &mut st)?;
    }
    Ok(st.indexes)
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
fn apply_op(
    res: &mut Map<String, Value>,
    op: &ParsedOp<'_>,
    st: &mut State,
) -> Result<(), NormalizationError> {
    let ops_ptr = ROOT.key(op.ops_key);
    let at = ops_ptr.index(op.index);
    let value_ptr = at.key("value");
    if let Some(path) = &op.path {
        let path_ptr = at.key("path");
        let site = Site {
            op: &at,
            path: &path_ptr,
            value: &value_ptr,
        };
        return apply_path(res, op.kind, path, op.value, site, st);
    }
    let Some(Value::Object(attrs)) = op.value else {
        if op.kind == PatchOpKind::Remove {
            // RFC 7644 §3.5.2.2: "If "path" is unspecified, the operation fails with ...
            // "noTarget"."
            return Err(NormalizationError::no_target(
                at.render(),
                "`remove` needs a `path`",
            ));
        }
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
        let site = Site {
            op: &at,
            path: &key_ptr,
            value: &key_ptr,
        };
        apply_path(res, op.kind, &path, Some(v), site, st)?;
    }
    Ok(())
}

/// The key of the extension object `urn` names in `res` (any spelling; the enterprise aliases):
/// the least key that is one of them.
fn extension_key(res: &Map<String, Value>, urn: &str, folds: &mut Folds) -> Option<String> {
    if is_enterprise_urn(urn) {
        folds.find_any(&Loc::Root, res, &ENTERPRISE_URNS)
    } else {
        folds.find(&Loc::Root, res, urn)
    }
}

/// The object holding `path`'s attribute, and where it is: the resource, or its extension
/// object (found under any spelling of the URN, created for add/replace).
fn container<'a>(
    res: &'a mut Map<String, Value>,
    schema: Option<&str>,
    create: bool,
    folds: &mut Folds,
) -> Option<(&'a mut Map<String, Value>, Loc)> {
    let Some(urn) = schema else {
        return Some((res, Loc::Root));
    };
    let key = match extension_key(res, urn, folds) {
        Some(k) => k,
        None if create => {
            let k = if is_enterprise_urn(urn) {
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".to_owned()
            } else {
                urn.to_owned()
            };
            res.insert(k.clone(), Value::Object(Map::new()));
            folds.inserted(&Loc::Root, &k);
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
        folds.replaced(&Loc::Root, &key);
    }
    Some((slot.as_object_mut()?, Loc::Ext(key)))
}

/// The array at `slot`, if it is one.
fn items_at<'a>(res: &'a mut Map<String, Value>, slot: &Slot) -> Option<&'a mut Vec<Value>> {
    let target = match &slot.ext {
        Some(ext) => res.get_mut(ext)?.as_object_mut()?,
        None => res,
    };
    match target.get_mut(&slot.attr) {
        Some(Value::Array(items)) => Some(items),
        _ => None,
    }
}

/// Drops the values an index marked removed.
pub(crate) fn compact(res: &mut Map<String, Value>, slot: &Slot, idx: Indexed) {
    if let Some(items) = items_at(res, slot) {
        idx.compact(items);
    }
}

/// Serves the operation from the attribute's index when it can, and says whether it did: the
/// attribute exists as an array and the operation adds values (`new`, taken), or removes them by
/// a value list (Entra's member remove) or by a `value eq "…"` filter on an attribute whose
/// values compare case-exactly (`members`, `groups`).
fn keyed(
    res: &mut Map<String, Value>,
    kind: PatchOpKind,
    path: &PatchPath,
    attr: &str,
    value: Option<&Value>,
    new: &mut Option<Value>,
    st: &mut State,
) -> bool {
    if path.sub.is_some() {
        return false;
    }
    // The key of the values a filter selects, as JSON text.
    let by_filter = match (kind, &path.filter) {
        (PatchOpKind::Add, None) if new.as_ref().is_some_and(|n| !n.is_null()) => None,
        (PatchOpKind::Remove, None) if value.is_some_and(|v| !v.is_null()) => None,
        (PatchOpKind::Remove, Some(filter)) if case_rule(attr) == CaseRule::ExactValue => {
            match filter.value_equals() {
                Some(text) => Some(string_key(text)),
                None => return false,
            }
        }
        _ => return false,
    };
    let ext = match path.schema.as_deref() {
        Some(urn) => match extension_key(res, urn, &mut st.folds) {
            Some(k) => Some(k),
            None => return false,
        },
        None => None,
    };
    let (target, loc) = match &ext {
        Some(k) => (res.get(k).and_then(Value::as_object), Loc::Ext(k.clone())),
        None => (Some(&*res), Loc::Root),
    };
    let Some(key) = target.and_then(|t| st.folds.find(&loc, t, attr)) else {
        return false;
    };
    let slot = Slot { ext, attr: key };
    let Some(items) = items_at(res, &slot) else {
        return false;
    };
    let idx = st.indexes.get(slot.clone(), items);
    match (by_filter, new.take(), value) {
        (Some(key), _, _) => idx.remove_key(items, &key),
        (None, Some(new), _) => idx.append(items, into_items(new)),
        (None, None, Some(gone)) => idx.remove_values(items, gone),
        (None, None, None) => {}
    }
    if kind == PatchOpKind::Remove && idx.live() == 0 {
        // RFC 7644 §3.5.2.2: no values left, the attribute is unassigned.
        st.indexes.take(&slot);
        let target = match &slot.ext {
            Some(ext) => res.get_mut(ext).and_then(Value::as_object_mut),
            None => Some(res),
        };
        if let Some(target) = target {
            target.remove(&slot.attr);
            st.folds.removed(&loc, &slot.attr);
        }
    }
    true
}

fn apply_path(
    res: &mut Map<String, Value>,
    kind: PatchOpKind,
    path: &PatchPath,
    value: Option<&Value>,
    site: Site<'_>,
    st: &mut State,
) -> Result<(), NormalizationError> {
    let Some(attr) = path.attr.as_deref() else {
        return apply_extension(res, kind, path, value, site, st);
    };
    if path.schema.is_none() && READ_ONLY.iter().any(|r| attr.eq_ignore_ascii_case(r)) {
        return Ok(());
    }
    let remove = kind == PatchOpKind::Remove
        || (path.filter.is_none() && path.sub.is_none() && matches!(value, Some(Value::Null)));
    // What add and replace write, coerced and checked once.
    let new = match (remove, value) {
        (false, Some(v)) => {
            let new = prepared(path.sub.as_deref().unwrap_or(attr), v);
            if path.schema.is_none() {
                check_booleans(attr, path.sub.as_deref(), &new, *site.value)?;
            }
            Some(new)
        }
        _ => None,
    };
    let mut new = new;
    if keyed(res, kind, path, attr, value, &mut new, st) {
        return Ok(());
    }
    // Any other operation sees the arrays it may touch compacted.
    for (slot, idx) in st.indexes.write_through(path) {
        compact(res, &slot, idx);
    }
    let folds = &mut st.folds;
    let Some((target, loc)) = container(res, path.schema.as_deref(), !remove, folds) else {
        return Ok(());
    };
    let key = folds.find(&loc, target, attr);
    // An array this operation writes or may create at the top level is not the one given.
    let may_be_array = matches!(value, Some(Value::Array(_)))
        || key
            .as_ref()
            .is_none_or(|k| target.get(k).is_some_and(Value::is_array));
    if loc == Loc::Root && may_be_array {
        st.indexes.written(attr);
    }
    if let Some(filter) = &path.filter {
        let at = Target {
            map: target,
            loc: &loc,
            folds,
        };
        return apply_filtered(at, kind, attr, key, filter, path.sub.as_deref(), new, site);
    }
    if remove {
        return remove_attr(target, &loc, folds, key, path, value, site);
    }
    let Some(new) = new else {
        return Err(patch_err(
            site.op.render(),
            "`add` and `replace` need a `value`",
        ));
    };
    if let Some(sub) = &path.sub {
        let slot_key = key.unwrap_or_else(|| attr.to_owned());
        if !target.contains_key(&slot_key) {
            folds.inserted(&loc, &slot_key);
        }
        let obj_loc = loc.child(&slot_key);
        let slot = target
            .entry(slot_key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if slot.is_array() {
            return Err(NormalizationError::new(
                NormalizationErrorKind::InvalidPath,
                site.path.render(),
                "a sub-attribute of a multi-valued attribute needs a filter",
            ));
        }
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
            folds.replaced(&loc, &slot_key);
        }
        let (Value::Object(obj), Some(obj_loc)) = (slot, obj_loc) else {
            return Ok(());
        };
        let sub_key = folds.find(&obj_loc, obj, sub);
        let existing = sub_key.as_ref().and_then(|k| obj.remove(k));
        let written = write(kind, sub, existing, new, site)?;
        put(obj, &obj_loc, folds, sub_key, sub, written);
        return Ok(());
    }
    let existing = key.as_ref().and_then(|k| target.remove(k));
    let written = write(kind, attr, existing, new, site)?;
    put(target, &loc, folds, key, attr, written);
    Ok(())
}

/// Puts `written` back in `map` (at `loc`) under the key the attribute had (`key`, already taken
/// out) or else `name`; `None` leaves it out. Tells `folds` what changed.
fn put(
    map: &mut Map<String, Value>,
    loc: &Loc,
    folds: &mut Folds,
    key: Option<String>,
    name: &str,
    written: Option<Value>,
) {
    match (key, written) {
        (Some(k), Some(v)) => {
            folds.replaced(loc, &k);
            map.insert(k, v);
        }
        (Some(k), None) => folds.removed(loc, &k),
        (None, Some(v)) => {
            folds.inserted(loc, name);
            map.insert(name.to_owned(), v);
        }
        (None, None) => {}
    }
}

/// What `add` or `replace` leaves at an attribute (or sub-attribute) named `name` that held
/// `existing`, given the value `new` (prepared, not `null`); `None` leaves it absent.
///
/// RFC 7644 §3.5.2.1 and §3.5.2.3: a multi-valued attribute gains the values an `add` gives (one
/// already there is not duplicated) and holds exactly those a `replace` gives; a complex
/// attribute takes sub-attributes (an object, merged), never a plain value (`invalid_value`);
/// anything else is set.
fn write(
    kind: PatchOpKind,
    name: &str,
    existing: Option<Value>,
    new: Value,
    site: Site<'_>,
) -> Result<Option<Value>, NormalizationError> {
    if new.is_null() {
        return Ok(None);
    }
    let had = existing.is_some();
    let multi = matches!(existing, Some(Value::Array(_)))
        || (existing.is_none() && (is_multi(name) || new.is_array()));
    let complex = matches!(existing, Some(Value::Object(_)))
        || (existing.is_none() && COMPLEX.iter().any(|c| name.eq_ignore_ascii_case(c)));
    let result = match (kind, existing, new) {
        (PatchOpKind::Add, Some(Value::Array(mut items)), new) => {
            append(&mut items, into_items(new));
            Value::Array(items)
        }
        (_, _, new) if multi => {
            let mut items = Vec::new();
            append(&mut items, into_items(new));
            Value::Array(items)
        }
        (_, Some(Value::Object(mut obj)), Value::Object(src)) => {
            keys::merge_into(&mut obj, src);
            Value::Object(obj)
        }
        (_, _, new) if complex && !new.is_object() => {
            return Err(NormalizationError::invalid_value(
                site.value.render(),
                format!("`{name}` is complex: its value must be an object of sub-attributes"),
            ))
        }
        (_, _, new) => new,
    };
    // Adding nothing to an absent attribute leaves it absent; a replace with `[]` states "none".
    let empty = matches!(&result, Value::Array(a) if a.is_empty());
    Ok((!(empty && kind == PatchOpKind::Add && !had)).then_some(result))
}

/// `remove` (or a write of `null`) on an attribute or sub-attribute without a filter: the whole
/// of it, or with a value list, only the values listed (Entra removes members so), at either
/// level.
fn remove_attr(
    target: &mut Map<String, Value>,
    loc: &Loc,
    folds: &mut Folds,
    key: Option<String>,
    path: &PatchPath,
    value: Option<&Value>,
    site: Site<'_>,
) -> Result<(), NormalizationError> {
    let Some(key) = key else { return Ok(()) };
    let listed = value.filter(|v| !v.is_null());
    let obj_loc = loc.child(&key);
    match (&path.sub, target.get_mut(&key), obj_loc) {
        (Some(sub), Some(Value::Object(obj)), Some(obj_loc)) => {
            if let Some(k) = folds.find(&obj_loc, obj, sub) {
                match (listed, obj.get_mut(&k)) {
                    (Some(gone), Some(Value::Array(items))) => {
                        remove_values(items, gone);
                        if items.is_empty() {
                            obj.remove(&k);
                            folds.removed(&obj_loc, &k);
                        }
                    }
                    _ => {
                        obj.remove(&k);
                        folds.removed(&obj_loc, &k);
                    }
                }
            }
            if obj.is_empty() {
                target.remove(&key);
                folds.removed(loc, &key);
            }
        }
        (Some(_), Some(Value::Array(_)), _) => {
            return Err(NormalizationError::new(
                NormalizationErrorKind::InvalidPath,
                site.path.render(),
                "a sub-attribute of a multi-valued attribute needs a filter",
            ))
        }
        (Some(_), _, _) => {}
        (None, Some(Value::Array(items)), _) if listed.is_some() => {
            if let Some(gone) = listed {
                remove_values(items, gone);
            }
            if items.is_empty() {
                target.remove(&key);
                folds.removed(loc, &key);
            }
        }
        (None, _, _) => {
            target.remove(&key);
            folds.removed(loc, &key);
        }
    }
    Ok(())
}

/// An operation on a whole extension object (`path` a bare extension URN): each member of its
/// value is one attribute of that schema; `remove` or `null` drops the object.
fn apply_extension(
    res: &mut Map<String, Value>,
    kind: PatchOpKind,
    path: &PatchPath,
    value: Option<&Value>,
    site: Site<'_>,
    st: &mut State,
) -> Result<(), NormalizationError> {
    match (kind, value) {
        (PatchOpKind::Remove, _) | (_, Some(Value::Null)) => {
            for (slot, idx) in st.indexes.write_through(path) {
                compact(res, &slot, idx);
            }
            let schema = path.schema.as_deref().unwrap_or_default();
            if let Some(k) = st.folds.find(&Loc::Root, res, schema) {
                res.remove(&k);
                st.folds.removed(&Loc::Root, &k);
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
                let key_ptr = site.value.key(k);
                let site = Site {
                    op: site.op,
                    path: &key_ptr,
                    value: &key_ptr,
                };
                apply_path(res, kind, &sub, Some(v), site, st)?;
            }
            Ok(())
        }
        _ => Err(NormalizationError::invalid_value(
            site.value.render(),
            "an extension needs an object value",
        )),
    }
}
