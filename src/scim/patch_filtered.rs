//! PATCH operations on values selected by a filter (RFC 7644 §3.5.2: `attr[filter]` and
//! `attr[filter].sub`).

use serde_json::{Map, Value};

use super::filter::Filter;
use super::keys;
use super::patch_op::{patch_err, PatchOpKind, Site, Target};
use super::values::{case_rule, set_ci, single_primary};
use crate::json::value::key_ci;
use crate::json::{NormalizationError, NormalizationErrorKind};

/// Applies one operation whose path selects values with a filter (`emails[type eq "work"].value`):
/// removes, replaces or merges into the matching values of the multi-valued `attr`. `new` is the
/// value add and replace write (prepared; `None` for remove).
///
/// When no value matches, add and replace create the value an equality filter describes, filled
/// from `new` (Entra replaces `emails[type eq "work"].value` on users without a work email); a
/// filter that describes no value, or a plain `new` with nothing to hold it (no `.sub`, not an
/// object), is `no_target` (RFC 7644 §3.5.2.3) rather than a success that drops `new`.
#[allow(clippy::too_many_arguments)]
pub(super) fn apply_filtered(
    at: Target<'_, '_>,
    kind: PatchOpKind,
    attr: &str,
    key: Option<String>,
    filter: &Filter,
    sub: Option<&str>,
    new: Option<Value>,
    site: Site<'_>,
) -> Result<(), NormalizationError> {
    let Target {
        map: target,
        loc,
        folds,
    } = at;
    let rule = case_rule(attr);
    let slot_key = key.unwrap_or_else(|| attr.to_owned());
    let items = match target.get_mut(&slot_key) {
        Some(Value::Array(items)) => items,
        None | Some(Value::Null) if kind == PatchOpKind::Remove => return Ok(()),
        None | Some(Value::Null) => {
            if target
                .insert(slot_key.clone(), Value::Array(Vec::new()))
                .is_none()
            {
                folds.inserted(loc, &slot_key);
            } else {
                folds.replaced(loc, &slot_key);
            }
            match target.get_mut(&slot_key) {
                Some(Value::Array(items)) => items,
                _ => return Ok(()),
            }
        }
        Some(_) => {
            return Err(NormalizationError::new(
                NormalizationErrorKind::InvalidPath,
                site.path.render(),
                format!("`{attr}` is not multi-valued; a filter cannot select in it"),
            ))
        }
    };
    let matched: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, item)| filter.matches(item, rule))
        .map(|(i, _)| i)
        .collect();
    if kind == PatchOpKind::Remove {
        match sub {
            Some(sub) => {
                for &i in &matched {
                    if let Some(Value::Object(m)) = items.get_mut(i) {
                        if let Some(k) = key_ci(m, sub) {
                            m.remove(&k);
                        }
                    }
                }
            }
            None => {
                let mut keep = vec![true; items.len()];
                for &i in &matched {
                    if let Some(k) = keep.get_mut(i) {
                        *k = false;
                    }
                }
                let mut flags = keep.into_iter();
                items.retain(|_| flags.next().unwrap_or(true));
            }
        }
        if items.is_empty() {
            target.remove(&slot_key);
            folds.removed(loc, &slot_key);
        }
        return Ok(());
    }
    let Some(new) = new else {
        return Err(patch_err(
            site.op.render(),
            "`add` and `replace` need a `value`",
        ));
    };
    if sub.is_none() && !new.is_object() {
        // A plain value replaces none of the selected complex values (it would drop their
        // sub-attributes) and fills no new one.
        let complex = matched
            .iter()
            .any(|&i| items.get(i).is_some_and(Value::is_object));
        if matched.is_empty() || complex {
            if items.is_empty() {
                target.remove(&slot_key);
                folds.removed(loc, &slot_key);
            }
            return Err(if complex {
                NormalizationError::invalid_value(
                    site.value.render(),
                    "the filter selects complex values: give an object of sub-attributes, or a `.sub` path",
                )
            } else {
                NormalizationError::no_target(
                    site.path.render(),
                    "no value matches the filter, and a plain value cannot create one (give an object, or a `.sub` path)",
                )
            });
        }
    }
    let mut touched = matched.clone();
    if matched.is_empty() {
        // Entra replaces `emails[type eq "work"].value` on users without a work email: create the
        // value the filter describes rather than fail.
        let Some(eqs) = filter.equalities() else {
            if items.is_empty() {
                target.remove(&slot_key);
                folds.removed(loc, &slot_key);
            }
            return Err(NormalizationError::no_target(
                site.path.render(),
                "no value matches the filter, and the filter does not describe one to create",
            ));
        };
        let mut obj = Map::new();
        for (a, v) in eqs {
            obj.insert(a.to_owned(), v.clone());
        }
        items.push(Value::Object(obj));
        touched.push(items.len() - 1);
    }
    for &i in &touched {
        let Some(item) = items.get_mut(i) else {
            continue;
        };
        match (sub, item) {
            (Some(sub), Value::Object(m)) => set_ci(m, sub, new.clone()),
            (Some(sub), other) => {
                let mut m = Map::new();
                set_ci(&mut m, sub, new.clone());
                *other = Value::Object(m);
            }
            // `add` merges into the selected values, as does filling a value created above;
            // `replace` swaps the selected values whole (RFC 7644 §3.5.2.3).
            (None, Value::Object(m)) if kind == PatchOpKind::Add || matched.is_empty() => {
                if let Value::Object(src) = new.clone() {
                    keys::merge_into(m, src);
                }
            }
            (None, slot) => *slot = new.clone(),
        }
    }
    if let Some(&last) = touched.last() {
        single_primary(items, last);
    }
    Ok(())
}
