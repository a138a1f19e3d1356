//! SCIM 2.0 (and 1.x) User resources, with every provider's bends, into the model's fields.
//!
//! [`extract`] reads only what the resource states (a [`PartialDirectoryUser`]); the full
//! normalizer then adds defaults and derived fields. PATCH/PUT requests normalized without the
//! current resource use the extraction alone, so they never invent values.

use serde_json::{Map, Value};

use super::fill::{group_refs_from_value, manager_from_value, roles_from_value, string_of};
use crate::json::value::{
    cloned_without_passwords, get_ci, lower, opt_bool, opt_string, raw_without_passwords,
    strip_passwords_map, Ptr, ROOT,
};
use crate::json::NormalizationError;
use crate::model::{Address, PartialDirectoryUser};
use crate::scim::schema::{is_enterprise_urn, ENTERPRISE_URNS};

/// Core attributes the model reads (lower-case); everything else is a custom attribute.
const CORE: [&str; 22] = [
    "schemas",
    "id",
    "externalid",
    "meta",
    "username",
    "name",
    "displayname",
    "nickname",
    "profileurl",
    "title",
    "usertype",
    "preferredlanguage",
    "locale",
    "timezone",
    "active",
    "password",
    "emails",
    "phonenumbers",
    "photos",
    "addresses",
    "groups",
    "roles",
];

/// Enterprise attributes (RFC 7643 §4.3) the model reads, lower-case.
const ENTERPRISE: [&str; 6] = [
    "department",
    "employeenumber",
    "costcenter",
    "division",
    "organization",
    "manager",
];

/// What a SCIM user states, plus `name.formatted` (a display-name fallback for full users only).
pub(crate) struct Extracted {
    pub user: PartialDirectoryUser,
    pub formatted: Option<String>,
}

/// A flat top-level key `<enterprise urn>:<attr>` (some template-driven providers): the attr.
fn flat_enterprise_attr(key: &str) -> Option<&str> {
    // Compared in place: this runs for every top-level key, lower-casing each one cost an
    // allocation. (The URNs are ASCII, so a matching head ends on a char boundary.)
    ENTERPRISE_URNS.iter().find_map(|u| {
        let head = key.get(..u.len())?;
        if !head.eq_ignore_ascii_case(u) {
            return None;
        }
        key.get(u.len()..)?.strip_prefix(':')
    })
}

/// Reads the resource's enterprise attributes from wherever the provider put them: the extension
/// object (any URN spelling), flat `urn…:attr` keys, then bare top-level attributes (Entra).
/// The first non-null value wins. Returns (lower-case attr, where it is, value); where it is:
/// the top-level key and, inside an extension object, the member name.
fn enterprise_sources<'a>(map: &'a Map<String, Value>) -> Vec<EnterpriseSource<'a>> {
    let mut found: Vec<EnterpriseSource<'a>> = Vec::new();
    let mut push = |attr: &str, at: (&'a str, Option<&'a str>), v: &'a Value| {
        // Only the six attributes the model reads are ever looked up.
        let Some(a) = ENTERPRISE.iter().find(|e| attr.eq_ignore_ascii_case(e)) else {
            return;
        };
        if !v.is_null() && !found.iter().any(|(x, _, _)| x == a) {
            found.push((a, at, v));
        }
    };
    for (k, v) in map {
        if is_enterprise_urn(k) {
            if let Value::Object(ext) = v {
                for (a, av) in ext {
                    push(a, (k, Some(a)), av);
                }
            }
        }
    }
    for (k, v) in map {
        if let Some(a) = flat_enterprise_attr(k) {
            push(a, (k, None), v);
        }
    }
    for (k, v) in map {
        if ENTERPRISE.iter().any(|e| k.eq_ignore_ascii_case(e)) {
            push(k, (k, None), v);
        }
    }
    found
}

/// One enterprise attribute found by [`enterprise_sources`].
type EnterpriseSource<'a> = (&'static str, (&'a str, Option<&'a str>), &'a Value);

/// The index of the value to treat as primary: `primary: true` (or `"True"`), else `type: work`,
/// else the first.
pub(crate) fn primary_index(
    items: &[Value],
    pointer: Ptr<'_>,
) -> Result<Option<usize>, NormalizationError> {
    let mut work = None;
    for (i, item) in items.iter().enumerate() {
        if let Value::Object(m) = item {
            if let Some((k, v)) = get_ci(m, "primary") {
                if opt_bool(v, pointer.index(i).key(k))? == Some(true) {
                    return Ok(Some(i));
                }
            }
            let is_work = get_ci(m, "type")
                .and_then(|(_, t)| t.as_str())
                .is_some_and(|t| t.eq_ignore_ascii_case("work"));
            if is_work && work.is_none() {
                work = Some(i);
            }
        }
    }
    Ok(work.or(if items.is_empty() { None } else { Some(0) }))
}

/// The `value` of one multi-valued item (an object's `value`, or a bare string).
fn item_value(item: &Value, pointer: Ptr<'_>) -> Result<Option<String>, NormalizationError> {
    match item {
        Value::Object(m) => string_of(m, &["value"], pointer),
        other => opt_string(other, pointer),
    }
}

/// A multi-valued attribute as an array: `null` is "none" (JumpCloud sends `emails: null`), a lone
/// object is one value (seen from template-driven providers), anything else is reported.
fn multi<'a>(value: &'a Value, pointer: Ptr<'_>) -> Result<&'a [Value], NormalizationError> {
    match value {
        Value::Null => Ok(&[]),
        Value::Array(items) => Ok(items),
        Value::Object(_) => Ok(std::slice::from_ref(value)),
        _ => Err(NormalizationError::invalid_value(
            pointer,
            "expected an array",
        )),
    }
}

/// The primary item's value.
fn primary_value(items: &[Value], pointer: Ptr<'_>) -> Result<Option<String>, NormalizationError> {
    match primary_index(items, pointer)? {
        Some(i) => match items.get(i) {
            Some(item) => item_value(item, pointer.index(i)),
            None => Ok(None),
        },
        None => Ok(None),
    }
}

/// Strips JumpCloud's `tel:` URI scheme from a phone number.
fn strip_tel(phone: String) -> String {
    match phone.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("tel:") => phone.get(4..).unwrap_or_default().to_owned(),
        _ => phone,
    }
}

fn address(map: &Map<String, Value>, pointer: Ptr<'_>) -> Result<Address, NormalizationError> {
    let s = |names: &[&str]| string_of(map, names, pointer);
    Ok(Address {
        formatted: s(&["formatted"])?,
        street_address: s(&["streetAddress", "street_address"])?,
        locality: s(&["locality"])?,
        region: s(&["region"])?,
        postal_code: s(&["postalCode", "postal_code"])?,
        country: s(&["country", "countryCode"])?,
    })
}

/// Reads what a SCIM user resource states. Pointers in errors are relative to the resource.
pub(crate) fn extract(map: &Map<String, Value>) -> Result<Extracted, NormalizationError> {
    let mut u = PartialDirectoryUser::default();
    let mut formatted = None;
    let mut custom = Map::new();
    for (key, v) in map {
        let p = ROOT.key(key);
        let s = || opt_string(v, p);
        match lower(key).as_ref() {
            "id" => u.id = s()?,
            "externalid" => u.dp_id = s()?,
            "username" => u.preferred_username = s()?,
            "displayname" => u.name = s()?,
            "nickname" => u.nickname = s()?,
            "title" => u.title = s()?,
            "usertype" => u.user_type = s()?,
            "preferredlanguage" => u.language = s()?,
            "locale" => u.locale = s()?,
            "timezone" => u.zoneinfo = s()?,
            "profileurl" => u.profile = s()?,
            "active" => u.active = opt_bool(v, p)?,
            "name" => match v {
                Value::Object(n) => {
                    u.given_name = string_of(n, &["givenName"], p)?;
                    u.family_name = string_of(n, &["familyName"], p)?;
                    formatted = string_of(n, &["formatted"], p)?;
                }
                // A template that maps a single full-name string.
                other => formatted = opt_string(other, p)?,
            },
            "emails" => {
                let items = multi(v, p)?;
                let primary = primary_index(items, p)?;
                let mut emails = Vec::with_capacity(items.len());
                let ordered = primary
                    .into_iter()
                    .chain((0..items.len()).filter(|i| Some(*i) != primary));
                for i in ordered {
                    if let Some(item) = items.get(i) {
                        emails.extend(item_value(item, p.index(i))?);
                    }
                }
                u.email = primary.and_then(|_| emails.first().cloned());
                u.emails = Some(emails);
            }
            "phonenumbers" => u.phone_number = primary_value(multi(v, p)?, p)?.map(strip_tel),
            "photos" => u.picture = primary_value(multi(v, p)?, p)?,
            "addresses" => {
                let items = multi(v, p)?;
                if let Some(i) = primary_index(items, p)? {
                    if let Some(Value::Object(a)) = items.get(i) {
                        u.address = Some(address(a, p.index(i))?);
                    }
                }
            }
            "groups" => u.groups = Some(group_refs_from_value(v, p)?),
            "roles" => u.roles = Some(roles_from_value(v, p)?),
            "meta" => {
                if let Value::Object(m) = v {
                    u.updated_at = string_of(m, &["lastModified"], p)?;
                }
            }
            "schemas" | "password" => {}
            lower => {
                let consumed = CORE.contains(&lower)
                    || ENTERPRISE.contains(&lower)
                    || flat_enterprise_attr(key)
                        .is_some_and(|a| ENTERPRISE.iter().any(|e| a.eq_ignore_ascii_case(e)));
                if is_enterprise_urn(key) {
                    // Keep extension members the model has no field for, under the same key.
                    if let Value::Object(ext) = v {
                        let mut rest: Map<String, Value> = ext
                            .iter()
                            .filter(|(a, _)| !ENTERPRISE.iter().any(|e| a.eq_ignore_ascii_case(e)))
                            .map(|(a, x)| (a.clone(), x.clone()))
                            .collect();
                        if !rest.is_empty() {
                            strip_passwords_map(&mut rest);
                            custom.insert(key.clone(), Value::Object(rest));
                        }
                    }
                } else if !consumed {
                    custom.insert(key.clone(), cloned_without_passwords(v));
                }
            }
        }
    }
    for (attr, (key, member), v) in enterprise_sources(map) {
        let top = ROOT.key(key);
        let inner;
        let pointer = match member {
            Some(m) => {
                inner = top.key(m);
                inner
            }
            None => top,
        };
        let s = || opt_string(v, pointer);
        match attr {
            "department" => u.department = s()?,
            "employeenumber" => u.employee_id = s()?,
            "costcenter" => u.cost_center = s()?,
            "division" => u.division = s()?,
            "organization" => u.organization = s()?,
            "manager" => u.manager = manager_from_value(v, pointer)?,
            _ => {}
        }
    }
    u.custom_attributes = custom;
    u.raw_attributes = raw_without_passwords(map);
    Ok(Extracted { user: u, formatted })
}
