//! Users and groups as the reference directory service sends them (webhook `data`, Directory API
//! list items): snake_case fields, mostly already in the model's shape. Reading the model's own
//! serialization back gives the same model, so normalizing is idempotent.

use serde_json::{Map, Value};

use super::fill::{
    complete_user, group_refs_from_value, manager_from_value, members_from_value, roles_from_value,
};
use super::value::{check_depth, child, opt_bool, opt_string, raw_without_passwords};
use super::{NormalizationError, NormalizationErrorKind};
use crate::model::{Address, DirectoryGroup, DirectoryUser};

fn expect_object(value: &Value) -> Result<&Map<String, Value>, NormalizationError> {
    check_depth(value, "")?;
    value.as_object().ok_or_else(|| {
        NormalizationError::new(
            NormalizationErrorKind::InvalidJson,
            "",
            "expected a JSON object",
        )
    })
}

fn object_or_empty(value: &Value, pointer: &str) -> Result<Map<String, Value>, NormalizationError> {
    match value {
        Value::Null => Ok(Map::new()),
        Value::Object(m) => Ok(raw_without_passwords(m)),
        _ => Err(NormalizationError::invalid_value(
            pointer,
            "expected an object",
        )),
    }
}

fn strings(value: &Value, pointer: &str) -> Result<Vec<String>, NormalizationError> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let p = format!("{pointer}/{i}");
                // Some pages carry `[{value, primary}]` instead of plain strings.
                let s = match item {
                    Value::Object(m) => {
                        super::fill::string_of(m, &["value", "email", "address"], &p)?
                    }
                    other => opt_string(other, &p)?,
                };
                out.extend(s);
            }
            Ok(out)
        }
        _ => Err(NormalizationError::invalid_value(
            pointer,
            "expected an array of strings",
        )),
    }
}

/// Reads an OpenID-Connect-style address object.
pub(crate) fn address_from_reference(
    value: &Value,
    pointer: &str,
) -> Result<Option<Address>, NormalizationError> {
    let map = match value {
        Value::Null => return Ok(None),
        Value::Object(m) => m,
        _ => {
            return Err(NormalizationError::invalid_value(
                pointer,
                "expected an address object",
            ))
        }
    };
    let s = |names: &[&str]| super::fill::string_of(map, names, pointer);
    Ok(Some(Address {
        formatted: s(&["formatted"])?,
        street_address: s(&["street_address", "streetAddress"])?,
        locality: s(&["locality"])?,
        region: s(&["region"])?,
        postal_code: s(&["postal_code", "postalCode"])?,
        country: s(&["country"])?,
    }))
}

/// Normalizes a reference-service user object (webhook `data` or a Directory API list item).
///
/// Unknown fields go to `custom_attributes` (unless it already has that key); `user_detail` (the
/// Directory API's raw payload) becomes `raw_attributes` when that is absent; `password` is dropped.
pub fn user_from_reference(value: &Value) -> Result<DirectoryUser, NormalizationError> {
    let map = expect_object(value)?;
    let mut user = DirectoryUser::default();
    let mut extras = Map::new();
    let mut detail = None;
    for (key, v) in map {
        let p = child("", key);
        let s = || opt_string(v, &p);
        match key.to_ascii_lowercase().as_str() {
            "id" => user.id = s()?,
            "dp_id" => user.dp_id = s()?,
            "organization_id" => user.organization_id = s()?,
            "directory_id" => user.directory_id = s()?,
            "email" => user.email = s()?,
            "preferred_username" => user.preferred_username = s()?,
            "name" => user.name = s()?,
            "given_name" => user.given_name = s()?,
            "family_name" => user.family_name = s()?,
            "nickname" => user.nickname = s()?,
            "phone_number" => user.phone_number = s()?,
            "locale" => user.locale = s()?,
            "language" => user.language = s()?,
            "zoneinfo" => user.zoneinfo = s()?,
            "user_type" => user.user_type = s()?,
            "profile" => user.profile = s()?,
            "picture" => user.picture = s()?,
            "title" => user.title = s()?,
            "department" => user.department = s()?,
            "employee_id" => user.employee_id = s()?,
            "cost_center" => user.cost_center = s()?,
            "division" => user.division = s()?,
            "organization" => user.organization = s()?,
            "updated_at" => user.updated_at = s()?,
            "active" => user.active = opt_bool(v, &p)?.unwrap_or(true),
            "emails" => user.emails = strings(v, &p)?,
            "groups" => user.groups = group_refs_from_value(v, &p)?,
            "roles" => user.roles = roles_from_value(v, &p)?,
            "manager" => user.manager = manager_from_value(v, &p)?,
            "address" => user.address = address_from_reference(v, &p)?,
            "custom_attributes" => user.custom_attributes = object_or_empty(v, &p)?,
            "raw_attributes" => user.raw_attributes = object_or_empty(v, &p)?,
            "user_detail" => detail = Some(object_or_empty(v, &p)?),
            "password" => {}
            _ => {
                let mut v = v.clone();
                super::value::strip_passwords(&mut v);
                extras.insert(key.clone(), v);
            }
        }
    }
    if user.raw_attributes.is_empty() {
        if let Some(d) = detail {
            user.raw_attributes = d;
        }
    }
    for (k, v) in extras {
        user.custom_attributes.entry(k).or_insert(v);
    }
    complete_user(&mut user);
    Ok(user)
}

/// Normalizes a reference-service group object (webhook `data` or a Directory API list item).
///
/// `display_name` and `name` fill each other; unknown fields go to `custom_attributes`;
/// `group_detail` becomes `raw_attributes` when that is absent.
pub fn group_from_reference(value: &Value) -> Result<DirectoryGroup, NormalizationError> {
    let map = expect_object(value)?;
    let mut group = DirectoryGroup::default();
    let mut extras = Map::new();
    let mut detail = None;
    for (key, v) in map {
        let p = child("", key);
        let s = || opt_string(v, &p);
        match key.to_ascii_lowercase().as_str() {
            "id" => group.id = s()?,
            "dp_id" => group.dp_id = s()?,
            "organization_id" => group.organization_id = s()?,
            "directory_id" => group.directory_id = s()?,
            "display_name" => group.display_name = s()?,
            "name" => group.name = s()?,
            "external_id" => group.external_id = s()?,
            "email" => group.email = s()?,
            "description" => group.description = s()?,
            "updated_at" => group.updated_at = s()?,
            "total_users" => group.total_users = count(v, &p)?,
            "members" => group.members = members_from_value(v, &p)?,
            "members_added" => group.members_added = members_from_value(v, &p)?,
            "members_removed" => group.members_removed = members_from_value(v, &p)?,
            "custom_attributes" => group.custom_attributes = object_or_empty(v, &p)?,
            "raw_attributes" => group.raw_attributes = object_or_empty(v, &p)?,
            "group_detail" => detail = Some(object_or_empty(v, &p)?),
            "password" => {}
            _ => {
                let mut v = v.clone();
                super::value::strip_passwords(&mut v);
                extras.insert(key.clone(), v);
            }
        }
    }
    if group.raw_attributes.is_empty() {
        if let Some(d) = detail {
            group.raw_attributes = d;
        }
    }
    for (k, v) in extras {
        group.custom_attributes.entry(k).or_insert(v);
    }
    complete_group(&mut group);
    Ok(group)
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
pub(crate) fn count(value: &Value, pointer: &str) -> Result<Option<u64>, NormalizationError> {
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
