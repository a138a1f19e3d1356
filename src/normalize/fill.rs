//! Pieces every user/group normalizer shares: manager, member and group-reference readers, and the
//! final fill-in of derived fields (name, primary email first, no duplicate emails).

use serde_json::{Map, Value};

use crate::json::value::{get_ci, looks_like_email, opt_string, Ptr};
use crate::json::NormalizationError;
use crate::model::{DirectoryUser, GroupMember, GroupRef, Manager, Role};

/// A manager as providers send it: a bare id string (Entra), an object `{value, displayName,
/// $ref}` (RFC 7643; SCIM 1.1 says `managerId`), or an array of such objects (Entra, once).
/// `null`, `""`, `[]` are "none".
pub(crate) fn manager_from_value(
    value: &Value,
    pointer: Ptr<'_>,
) -> Result<Option<Manager>, NormalizationError> {
    match value {
        Value::Null => Ok(None),
        Value::String(_) | Value::Number(_) => Ok(opt_string(value, pointer)?.map(|v| Manager {
            value: Some(v),
            display_name: None,
        })),
        Value::Object(map) => {
            let id = match get_ci(map, "value")
                .or_else(|| get_ci(map, "managerId"))
                .or_else(|| get_ci(map, "id"))
            {
                Some((k, v)) => opt_string(v, pointer.key(k))?,
                None => None,
            };
            let display = match get_ci(map, "displayName")
                .or_else(|| get_ci(map, "display_name"))
                .or_else(|| get_ci(map, "display"))
            {
                Some((k, v)) => opt_string(v, pointer.key(k))?,
                None => None,
            };
            if id.is_none() && display.is_none() {
                return Ok(None);
            }
            Ok(Some(Manager {
                value: id,
                display_name: display,
            }))
        }
        Value::Array(items) => match items.first() {
            Some(first) => manager_from_value(first, pointer.index(0)),
            None => Ok(None),
        },
        Value::Bool(_) => Err(NormalizationError::invalid_value(
            pointer,
            "expected a manager id or object",
        )),
    }
}

/// One field of an object, read as a string, under any of `names` (case-insensitive).
pub(crate) fn string_of(
    map: &Map<String, Value>,
    names: &[&str],
    pointer: Ptr<'_>,
) -> Result<Option<String>, NormalizationError> {
    string_in(&|name| get_ci(map, name), names, pointer)
}

/// A member lookup by name ignoring ASCII case, giving the key as sent: [`get_ci`] over a map,
/// or over members read straight from the text (the streaming readers).
pub(crate) type Lookup<'a, 'm> = &'a dyn Fn(&str) -> Option<(&'m str, &'m Value)>;

/// [`string_of`] over any [`Lookup`], so that the streaming readers apply the same rule.
pub(crate) fn string_in(
    get: Lookup<'_, '_>,
    names: &[&str],
    pointer: Ptr<'_>,
) -> Result<Option<String>, NormalizationError> {
    for name in names {
        if let Some((k, v)) = get(name) {
            if let Some(s) = opt_string(v, pointer.key(k))? {
                return Ok(Some(s));
            }
        }
    }
    Ok(None)
}

/// A list of group members (`[{value, display, type}]`, or bare id strings); `null` is "unknown".
pub(crate) fn members_from_value(
    value: &Value,
    pointer: Ptr<'_>,
) -> Result<Option<Vec<GroupMember>>, NormalizationError> {
    let items = match value {
        Value::Null => return Ok(None),
        Value::Array(items) => items,
        _ => {
            return Err(NormalizationError::invalid_value(
                pointer,
                "expected an array of members",
            ))
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = pointer.index(i);
        out.push(match item {
            Value::Object(m) => GroupMember {
                value: string_of(m, &["value", "id"], p)?,
                display: string_of(m, &["display", "displayName", "display_name", "name"], p)?,
                member_type: string_of(m, &["type"], p)?,
            },
            other => GroupMember {
                value: opt_string(other, p)?,
                display: None,
                member_type: None,
            },
        });
    }
    Ok(Some(out))
}

/// The items of a list attribute; `null` is an empty list.
fn list_items<'v>(
    value: &'v Value,
    pointer: Ptr<'_>,
    expected: &'static str,
) -> Result<&'v [Value], NormalizationError> {
    match value {
        Value::Null => Ok(&[]),
        Value::Array(items) => Ok(items),
        _ => Err(NormalizationError::invalid_value(pointer, expected)),
    }
}

/// Group references of a user: SCIM `[{value, display}]`, reference `[{id, name}]`, Directory API
/// `[{id, display_name}]`, or bare ids. `null` is `[]` (seen in real reference deliveries).
pub(crate) fn group_refs_from_value(
    value: &Value,
    pointer: Ptr<'_>,
) -> Result<Vec<GroupRef>, NormalizationError> {
    let items = list_items(value, pointer, "expected an array of groups")?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = pointer.index(i);
        out.push(match item {
            Value::Object(m) => group_ref_in(&|name| get_ci(m, name), p)?,
            other => GroupRef {
                id: opt_string(other, p)?,
                name: None,
            },
        });
    }
    Ok(out)
}

/// One group reference given as an object (`{id, display_name}`, SCIM `{value, display}`, …).
pub(crate) fn group_ref_in(
    get: Lookup<'_, '_>,
    pointer: Ptr<'_>,
) -> Result<GroupRef, NormalizationError> {
    Ok(GroupRef {
        id: string_in(get, &["id", "value"], pointer)?,
        name: string_in(
            get,
            &["name", "display", "display_name", "displayName"],
            pointer,
        )?,
    })
}

/// Roles: reference `[{role_name}]`, SCIM `[{value, display, type, primary}]`, or bare names.
pub(crate) fn roles_from_value(
    value: &Value,
    pointer: Ptr<'_>,
) -> Result<Vec<Role>, NormalizationError> {
    let items = list_items(value, pointer, "expected an array of roles")?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p = pointer.index(i);
        let role_name = match item {
            Value::Object(m) => string_of(m, &["role_name", "value", "display", "name"], p)?,
            other => opt_string(other, p)?,
        };
        out.push(Role {
            role_name: role_name.map(unwrap_app_role),
        });
    }
    Ok(out)
}

/// Entra's `AppRoleAssignmentsComplex` mapping sends each role's `value` as the JSON text of the
/// app role (`"{\"id\":\"…\",\"value\":\"Admin\",\"displayName\":\"Admin\"}"`, some tenants with
/// `$ref` and `display`): the role's name is that object's `value`. Any other text, or an object
/// without a string `value`, is kept as it came (nothing dropped).
fn unwrap_app_role(name: String) -> String {
    if !name.trim_start().starts_with('{') {
        return name;
    }
    match serde_json::from_str::<Value>(&name) {
        Ok(Value::Object(role)) => match crate::json::value::get_ci(&role, "value") {
            Some((_, Value::String(inner))) if !inner.is_empty() => inner.clone(),
            _ => name,
        },
        _ => name,
    }
}

/// `given family`, whichever of the two are known.
pub(crate) fn join_names(given: Option<&str>, family: Option<&str>) -> Option<String> {
    match (given, family) {
        (Some(g), Some(f)) => Some(format!("{g} {f}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
        (None, None) => None,
    }
}

/// The fill-in every full user gets, whatever it came from: `name` from given + family name or
/// else the username; `email` from the username when it is an email and nothing better is known;
/// `emails` with the primary first and no duplicates (compared ignoring case).
pub(crate) fn complete_user(user: &mut DirectoryUser) {
    if user.name.is_none() {
        user.name = join_names(user.given_name.as_deref(), user.family_name.as_deref())
            .or_else(|| user.preferred_username.clone());
    }
    if user.email.is_none() {
        user.email = user.emails.first().cloned().or_else(|| {
            user.preferred_username
                .as_deref()
                .filter(|u| looks_like_email(u))
                .map(str::to_owned)
        });
    }
    // The listed emails are moved into the new list, not copied; only the primary is.
    let listed = std::mem::take(&mut user.emails);
    let mut emails = Vec::with_capacity(listed.len() + 1);
    // Seen addresses in a set (ASCII case folded): a scan per address was quadratic.
    let mut seen = std::collections::BTreeSet::new();
    for e in user.email.iter().cloned().chain(listed) {
        if seen.insert(e.to_ascii_lowercase()) {
            emails.push(e);
        }
    }
    user.emails = emails;
}
