//! Google Workspace Admin SDK Directory API `users` and `groups` resources. Google has no SCIM
//! push; these arrive from polling `users.list` / `groups.list`.

use serde_json::{Map, Value};

use super::fill::{complete_user, string_of};
use super::reference::{complete_group, count};
use super::scim_user::primary_index;
use super::user::display_name;
use crate::json::value::{
    cloned_without_passwords, get_ci, lower, opt_bool, raw_without_passwords, Ptr, ROOT,
};
use crate::json::NormalizationError;
use crate::model::{Address, DirectoryGroup, DirectoryUser, Manager};

/// Fields of a Google resource that carry no user information (or only password material).
const NOISE: [&str; 5] = [
    "kind",
    "etag",
    "thumbnailphotoetag",
    "hashfunction",
    "password",
];

/// One object of a resource, with its JSON pointer.
type Located<'a> = (String, &'a Map<String, Value>);

/// The primary (else work, else first) object of a Google list attribute.
fn primary_of<'a>(
    map: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<Located<'a>>, NormalizationError> {
    let Some((k, Value::Array(items))) = get_ci(map, name) else {
        return Ok(None);
    };
    let p = ROOT.key(k).render();
    Ok(match primary_index(items, Ptr::from(&p))? {
        Some(i) => match items.get(i) {
            Some(Value::Object(m)) => Some((ROOT.key(k).index(i).render(), m)),
            _ => None,
        },
        None => None,
    })
}

/// All objects of a Google list attribute, with their pointers.
fn objects<'a>(map: &'a Map<String, Value>, name: &str) -> Vec<Located<'a>> {
    match get_ci(map, name) {
        Some((k, Value::Array(items))) => items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.as_object().map(|m| (ROOT.key(k).index(i).render(), m)))
            .collect(),
        _ => Vec::new(),
    }
}

fn flag(map: &Map<String, Value>, name: &str) -> Result<bool, NormalizationError> {
    match get_ci(map, name) {
        Some((k, v)) => Ok(opt_bool(v, ROOT.key(k))?.unwrap_or(false)),
        None => Ok(false),
    }
}

/// A Google Directory API user (`kind: "admin#directory#user"`).
pub(crate) fn user(map: &Map<String, Value>) -> Result<DirectoryUser, NormalizationError> {
    let mut u = DirectoryUser {
        id: string_of(map, &["id"], ROOT)?,
        ..DirectoryUser::default()
    };
    // Google's id is the provider's own id: there is no separate SCIM id.
    u.dp_id = u.id.clone();
    u.email = string_of(map, &["primaryEmail"], ROOT)?;
    u.preferred_username = u.email.clone();
    if let Some((k, Value::Object(n))) = get_ci(map, "name") {
        let p = ROOT.key(k).render();
        u.given_name = string_of(n, &["givenName"], Ptr::from(&p))?;
        u.family_name = string_of(n, &["familyName"], Ptr::from(&p))?;
        u.name = display_name(
            string_of(n, &["fullName", "displayName"], Ptr::from(&p))?,
            u.given_name.as_deref(),
            u.family_name.as_deref(),
        );
    }
    u.active = !(flag(map, "suspended")? || flag(map, "archived")?);
    for (p, e) in objects(map, "emails") {
        u.emails.extend(string_of(e, &["address"], Ptr::from(&p))?);
    }
    for (p, x) in objects(map, "externalIds") {
        let is_org = get_ci(x, "type").and_then(|(_, t)| t.as_str()) == Some("organization");
        if is_org && u.employee_id.is_none() {
            u.employee_id = string_of(x, &["value"], Ptr::from(&p))?;
        }
    }
    if let Some((p, o)) = primary_of(map, "organizations")? {
        u.title = string_of(o, &["title"], Ptr::from(&p))?;
        u.department = string_of(o, &["department"], Ptr::from(&p))?;
        u.cost_center = string_of(o, &["costCenter"], Ptr::from(&p))?;
        u.organization = string_of(o, &["name"], Ptr::from(&p))?;
    }
    for (p, r) in objects(map, "relations") {
        let is_manager = get_ci(r, "type").and_then(|(_, t)| t.as_str()) == Some("manager");
        if is_manager && u.manager.is_none() {
            u.manager = string_of(r, &["value"], Ptr::from(&p))?.map(|v| Manager {
                value: Some(v),
                display_name: None,
            });
        }
    }
    if let Some((p, ph)) = primary_of(map, "phones")? {
        u.phone_number = string_of(ph, &["value"], Ptr::from(&p))?;
    }
    if let Some((p, a)) = primary_of(map, "addresses")? {
        let s = |names: &[&str]| string_of(a, names, Ptr::from(&p));
        u.address = Some(Address {
            formatted: s(&["formatted"])?,
            street_address: s(&["streetAddress"])?,
            locality: s(&["locality"])?,
            region: s(&["region"])?,
            postal_code: s(&["postalCode"])?,
            country: s(&["country", "countryCode"])?,
        });
    }
    let langs = objects(map, "languages");
    let preferred = langs
        .iter()
        .find(|(_, l)| get_ci(l, "preference").and_then(|(_, v)| v.as_str()) == Some("preferred"))
        .or(langs.first());
    if let Some((p, l)) = preferred {
        u.language = string_of(l, &["languageCode", "customLanguage"], Ptr::from(p))?;
    }
    u.picture = string_of(map, &["thumbnailPhotoUrl"], ROOT)?;

    const READ: [&str; 15] = [
        "id",
        "primaryemail",
        "name",
        "suspended",
        "archived",
        "emails",
        "externalids",
        "organizations",
        "relations",
        "phones",
        "addresses",
        "languages",
        "thumbnailphotourl",
        "customschemas",
        "kind",
    ];
    for (k, v) in map {
        let lower = lower(k);
        if lower == "customschemas" {
            // One entry per custom schema, as Google names them.
            if let Value::Object(schemas) = v {
                for (name, fields) in schemas {
                    u.custom_attributes
                        .insert(name.clone(), cloned_without_passwords(fields));
                }
            }
        } else if !READ.contains(&lower.as_ref()) && !NOISE.contains(&lower.as_ref()) {
            u.custom_attributes
                .insert(k.clone(), cloned_without_passwords(v));
        }
    }
    u.raw_attributes = raw_without_passwords(map);
    complete_user(&mut u);
    Ok(u)
}

/// A Google Directory API group (`kind: "admin#directory#group"`). Members are not part of the
/// resource (they come from `members.list`), so `members` stays `null`.
pub(crate) fn group(map: &Map<String, Value>) -> Result<DirectoryGroup, NormalizationError> {
    let mut g = DirectoryGroup {
        id: string_of(map, &["id"], ROOT)?,
        email: string_of(map, &["email"], ROOT)?,
        display_name: string_of(map, &["name"], ROOT)?,
        description: string_of(map, &["description"], ROOT)?,
        ..DirectoryGroup::default()
    };
    g.dp_id = g.id.clone();
    if let Some((k, v)) = get_ci(map, "directMembersCount") {
        g.total_users = count(v, ROOT.key(k))?;
    }
    const READ: [&str; 6] = [
        "id",
        "email",
        "name",
        "description",
        "directmemberscount",
        "kind",
    ];
    for (k, v) in map {
        let lower = lower(k);
        if !READ.contains(&lower.as_ref()) && !NOISE.contains(&lower.as_ref()) {
            g.custom_attributes
                .insert(k.clone(), cloned_without_passwords(v));
        }
    }
    g.raw_attributes = raw_without_passwords(map);
    complete_group(&mut g);
    Ok(g)
}
