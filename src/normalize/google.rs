//! Google Workspace Admin SDK Directory API `users` and `groups` resources. Google has no SCIM
//! push; these arrive from polling `users.list` / `groups.list`.

use serde_json::Value;

use super::fill::{
    complete_group, complete_user, count, first_string, join_names, primary_index, read_items,
};
use super::resource::{Attr, Resource};
use crate::json::value::{cloned_without_passwords, opt_bool, pick, raw_without_passwords, ROOT};
use crate::json::NormalizationError;
use crate::model::{Address, DirectoryGroup, DirectoryUser, Manager};

/// Members of a Google resource that carry no user information (or only password material).
const NOISE: [Attr; 5] = [
    Attr::Kind,
    Attr::Etag,
    Attr::ThumbnailPhotoEtag,
    Attr::HashFunction,
    Attr::Password,
];

/// The items of a Google list attribute, with its key, when it is an array.
fn list<'a>(res: &Resource<'a>, attr: Attr) -> Option<(&'a str, &'a [Value])> {
    match res.get(attr) {
        Some((k, Value::Array(items))) => Some((k, items)),
        _ => None,
    }
}

/// A flag such as `suspended`: a boolean or its string; absent and `null` are `false`.
fn flag(res: &Resource<'_>, attr: Attr) -> Result<bool, NormalizationError> {
    match res.get(attr) {
        Some((k, v)) => Ok(opt_bool(v, ROOT.key(k))?.unwrap_or(false)),
        None => Ok(false),
    }
}

/// `fullName`, or `given family` when it is absent (old accounts).
fn display_name(full: Option<String>, given: Option<&str>, family: Option<&str>) -> Option<String> {
    full.or_else(|| join_names(given, family))
}

/// A Google Directory API user (`kind: "admin#directory#user"`), each object read in one pass.
pub(crate) fn user(res: &Resource<'_>) -> Result<DirectoryUser, NormalizationError> {
    let top = |attr| first_string(&[res.get(attr)], ROOT);
    let mut u = DirectoryUser {
        id: top(Attr::Id)?,
        ..DirectoryUser::default()
    };
    // Google's id is the provider's own id: there is no separate SCIM id.
    u.dp_id = u.id.clone();
    u.email = top(Attr::PrimaryEmail)?;
    u.preferred_username = u.email.clone();
    if let Some((k, Value::Object(n))) = res.get(Attr::Name) {
        let p = ROOT.key(k);
        let [given, family, full, display] =
            pick(n, &["givenname", "familyname", "fullname", "displayname"]);
        u.given_name = first_string(&[given], p)?;
        u.family_name = first_string(&[family], p)?;
        u.name = display_name(
            first_string(&[full, display], p)?,
            u.given_name.as_deref(),
            u.family_name.as_deref(),
        );
    }
    u.active = !(flag(res, Attr::Suspended)? || flag(res, Attr::Archived)?);
    if let Some((k, items)) = list(res, Attr::Emails) {
        let top = ROOT.key(k);
        for (i, e) in items.iter().enumerate() {
            if let Value::Object(e) = e {
                let [address] = pick(e, &["address"]);
                u.emails.extend(first_string(&[address], top.index(i))?);
            }
        }
    }
    if let Some((k, items)) = list(res, Attr::ExternalIds) {
        let top = ROOT.key(k);
        for (i, x) in items.iter().enumerate() {
            if let Value::Object(x) = x {
                let [kind, value] = pick(x, &["type", "value"]);
                let is_org = kind.and_then(|(_, t)| t.as_str()) == Some("organization");
                if is_org && u.employee_id.is_none() {
                    u.employee_id = first_string(&[value], top.index(i))?;
                }
            }
        }
    }
    if let Some((k, items)) = list(res, Attr::Organizations) {
        let top = ROOT.key(k);
        let found = read_items(
            items,
            &[
                "primary",
                "type",
                "title",
                "department",
                "costcenter",
                "name",
            ],
        );
        if let Some(i) = primary_index(&found, top)? {
            if let Some(Some([_, _, title, department, cost_center, name])) = found.get(i) {
                let p = top.index(i);
                u.title = first_string(&[*title], p)?;
                u.department = first_string(&[*department], p)?;
                u.cost_center = first_string(&[*cost_center], p)?;
                u.organization = first_string(&[*name], p)?;
            }
        }
    }
    if let Some((k, items)) = list(res, Attr::Relations) {
        let top = ROOT.key(k);
        for (i, r) in items.iter().enumerate() {
            if let Value::Object(r) = r {
                let [kind, value] = pick(r, &["type", "value"]);
                let is_manager = kind.and_then(|(_, t)| t.as_str()) == Some("manager");
                if is_manager && u.manager.is_none() {
                    u.manager = first_string(&[value], top.index(i))?.map(|v| Manager {
                        value: Some(v),
                        display_name: None,
                    });
                }
            }
        }
    }
    if let Some((k, items)) = list(res, Attr::Phones) {
        let top = ROOT.key(k);
        let found = read_items(items, &["primary", "type", "value"]);
        if let Some(i) = primary_index(&found, top)? {
            if let Some(Some([_, _, value])) = found.get(i) {
                u.phone_number = first_string(&[*value], top.index(i))?;
            }
        }
    }
    if let Some((k, items)) = list(res, Attr::Addresses) {
        let top = ROOT.key(k);
        let found = read_items(
            items,
            &[
                "primary",
                "type",
                "formatted",
                "streetaddress",
                "locality",
                "region",
                "postalcode",
                "country",
                "countrycode",
            ],
        );
        if let Some(i) = primary_index(&found, top)? {
            if let Some(Some([_, _, formatted, street, locality, region, postal, country, code])) =
                found.get(i)
            {
                let p = top.index(i);
                u.address = Some(Address {
                    formatted: first_string(&[*formatted], p)?,
                    street_address: first_string(&[*street], p)?,
                    locality: first_string(&[*locality], p)?,
                    region: first_string(&[*region], p)?,
                    postal_code: first_string(&[*postal], p)?,
                    country: first_string(&[*country, *code], p)?,
                });
            }
        }
    }
    if let Some((k, items)) = list(res, Attr::Languages) {
        let top = ROOT.key(k);
        let langs: Vec<(usize, [_; 3])> = items
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                let l = l.as_object()?;
                Some((
                    i,
                    pick(l, &["preference", "languagecode", "customlanguage"]),
                ))
            })
            .collect();
        let preferred = langs
            .iter()
            .find(|(_, [pref, _, _])| pref.and_then(|(_, v)| v.as_str()) == Some("preferred"))
            .or(langs.first());
        if let Some((i, [_, code, custom])) = preferred {
            u.language = first_string(&[*code, *custom], top.index(*i))?;
        }
    }
    u.picture = top(Attr::ThumbnailPhotoUrl)?;

    const READ: [Attr; 15] = [
        Attr::Id,
        Attr::PrimaryEmail,
        Attr::Name,
        Attr::Suspended,
        Attr::Archived,
        Attr::Emails,
        Attr::ExternalIds,
        Attr::Organizations,
        Attr::Relations,
        Attr::Phones,
        Attr::Addresses,
        Attr::Languages,
        Attr::ThumbnailPhotoUrl,
        Attr::CustomSchemas,
        Attr::Kind,
    ];
    for e in res.entries() {
        if e.attr == Attr::CustomSchemas {
            // One entry per custom schema, as Google names them.
            if let Value::Object(schemas) = e.value {
                for (name, fields) in schemas {
                    u.custom_attributes
                        .insert(name.clone(), cloned_without_passwords(fields));
                }
            }
        } else if !READ.contains(&e.attr) && !NOISE.contains(&e.attr) {
            u.custom_attributes
                .insert(e.key.to_owned(), cloned_without_passwords(e.value));
        }
    }
    u.raw_attributes = raw_without_passwords(res.map());
    complete_user(&mut u);
    Ok(u)
}

/// A Google Directory API group (`kind: "admin#directory#group"`). Members are not part of the
/// resource (they come from `members.list`), so `members` stays `null`.
pub(crate) fn group(res: &Resource<'_>) -> Result<DirectoryGroup, NormalizationError> {
    let top = |attr| first_string(&[res.get(attr)], ROOT);
    let mut g = DirectoryGroup {
        id: top(Attr::Id)?,
        email: top(Attr::Email)?,
        display_name: top(Attr::Name)?,
        description: top(Attr::Description)?,
        ..DirectoryGroup::default()
    };
    g.dp_id = g.id.clone();
    if let Some((k, v)) = res.get(Attr::DirectMembersCount) {
        g.total_users = count(v, ROOT.key(k))?;
    }
    const READ: [Attr; 6] = [
        Attr::Id,
        Attr::Email,
        Attr::Name,
        Attr::Description,
        Attr::DirectMembersCount,
        Attr::Kind,
    ];
    for e in res.entries() {
        if !READ.contains(&e.attr) && !NOISE.contains(&e.attr) {
            g.custom_attributes
                .insert(e.key.to_owned(), cloned_without_passwords(e.value));
        }
    }
    g.raw_attributes = raw_without_passwords(res.map());
    complete_group(&mut g);
    Ok(g)
}
