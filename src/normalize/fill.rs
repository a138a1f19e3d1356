//! Pieces every user/group normalizer shares: string, manager, member, group-reference, role and
//! count readers (each object read in one pass over its keys), and the final fill-in of derived
//! fields (name, primary email first, no duplicate emails; a group's two names).

use serde_json::{Map, Value};

use crate::json::value::{looks_like_email, opt_bool, opt_string, pick, pick_in, Found, Ptr};
use crate::json::NormalizationError;
use crate::model::{DirectoryGroup, DirectoryUser, GroupMember, GroupRef, Manager, Role};

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
            let [value, manager_id, id, display_name, display_snake, display] = pick(
                map,
                &[
                    "value",
                    "managerid",
                    "id",
                    "displayname",
                    "display_name",
                    "display",
                ],
            );
            // The first name present is the one read (a `null` there is "none").
            let id = match value.or(manager_id).or(id) {
                Some((k, v)) => opt_string(v, pointer.key(k))?,
                None => None,
            };
            let display = match display_name.or(display_snake).or(display) {
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

/// A string field given under any of several names: `found` holds what [`pick`] found for each
/// name, in order of preference; the first that holds a string wins (`null` and `""` defer to the
/// next name), and a value that is not a string is reported.
pub(crate) fn first_string(
    found: &[Found<'_>],
    pointer: Ptr<'_>,
) -> Result<Option<String>, NormalizationError> {
    for (k, v) in found.iter().flatten() {
        if let Some(s) = opt_string(v, pointer.key(k))? {
            return Ok(Some(s));
        }
    }
    Ok(None)
}

/// One string field of an object under any of `names` (lower-case, in order of preference).
pub(crate) fn string_of<const N: usize>(
    map: &Map<String, Value>,
    names: &[&str; N],
    pointer: Ptr<'_>,
) -> Result<Option<String>, NormalizationError> {
    first_string(&pick(map, names), pointer)
}

/// Each item of a multi-valued attribute read in one pass over its keys for `names` (the first
/// two must be `primary` and `type`, for [`primary_index`]); `None` for an item that is not an
/// object.
pub(crate) fn read_items<'a, const N: usize>(
    items: &'a [Value],
    names: &[&str; N],
) -> Vec<Option<[Found<'a>; N]>> {
    items
        .iter()
        .map(|item| item.as_object().map(|m| pick(m, names)))
        .collect()
}

/// The index of the item to treat as primary, from [`read_items`]: `primary: true` (or
/// `"True"`), else `type: work`, else the first.
pub(crate) fn primary_index<const N: usize>(
    items: &[Option<[Found<'_>; N]>],
    pointer: Ptr<'_>,
) -> Result<Option<usize>, NormalizationError> {
    let mut work = None;
    for (i, item) in items.iter().enumerate() {
        let Some(found) = item else { continue };
        if let Some((k, v)) = found.first().copied().flatten() {
            if opt_bool(v, pointer.index(i).key(k))? == Some(true) {
                return Ok(Some(i));
            }
        }
        let is_work = found
            .get(1)
            .copied()
            .flatten()
            .and_then(|(_, t)| t.as_str())
            .is_some_and(|t| t.eq_ignore_ascii_case("work"));
        if is_work && work.is_none() {
            work = Some(i);
        }
    }
    Ok(work.or(if items.is_empty() { None } else { Some(0) }))
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
            Value::Object(m) => {
                let [value, id, display, display_name, display_snake, name, member_type] = pick(
                    m,
                    &[
                        "value",
                        "id",
                        "display",
                        "displayname",
                        "display_name",
                        "name",
                        "type",
                    ],
                );
                GroupMember {
                    value: first_string(&[value, id], p)?,
                    display: first_string(&[display, display_name, display_snake, name], p)?,
                    member_type: first_string(&[member_type], p)?,
                }
            }
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
            Value::Object(m) => group_ref_of(m.iter().map(|(k, v)| (k.as_str(), v)), p)?,
            other => GroupRef {
                id: opt_string(other, p)?,
                name: None,
            },
        });
    }
    Ok(out)
}

/// One group reference given as an object (`{id, display_name}`, SCIM `{value, display}`, …),
/// from its members (a map's, or members read straight from the text by the streaming reader).
pub(crate) fn group_ref_of<'a>(
    members: impl Iterator<Item = (&'a str, &'a Value)>,
    pointer: Ptr<'_>,
) -> Result<GroupRef, NormalizationError> {
    let [id, value, name, display, display_snake, display_name] = pick_in(
        members,
        &[
            "id",
            "value",
            "name",
            "display",
            "display_name",
            "displayname",
        ],
    );
    Ok(GroupRef {
        id: first_string(&[id, value], pointer)?,
        name: first_string(&[name, display, display_snake, display_name], pointer)?,
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

/// `display_name` and `name` are the same thing; whichever is known fills the other.
pub(crate) fn complete_group(group: &mut DirectoryGroup) {
    if group.display_name.is_none() {
        group.display_name = group.name.clone();
    }
    if group.name.is_none() {
        group.name = group.display_name.clone();
    }
}

/// A non-negative count, as a JSON number or a decimal string (Google's `directMembersCount`).
pub(crate) fn count(value: &Value, pointer: Ptr<'_>) -> Result<Option<u64>, NormalizationError> {
    match value {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| NormalizationError::invalid_value(pointer, "expected a count")),
        Value::String(s) => s
            .trim()
            .parse::<u64>()
            .map(Some)
            .map_err(|_| NormalizationError::invalid_value(pointer, "expected a count")),
        _ => Err(NormalizationError::invalid_value(
            pointer,
            "expected a count",
        )),
    }
}
