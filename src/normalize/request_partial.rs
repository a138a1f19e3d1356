//! Updates normalized without the current resource: only what the request states, so nothing
//! is invented. A PATCH is applied to an empty resource to see what it sets; which attributes it
//! states whole (a plain replace or remove) decides which multi-valued fields are known.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::group::scim_group;
use super::resource::{Attr, Resource};
use super::scim_user::extract;
use crate::json::value::raw_without_passwords;
use crate::json::NormalizationError;
use crate::model::{DirectoryGroup, GroupMember, PartialDirectoryUser};
use crate::scim::patch::{apply_all, expand_ops};
use crate::scim::patch_body::PatchBody;
use crate::scim::schema::is_enterprise_urn;
use crate::scim::PatchOpKind;
use crate::scim::PatchPath;

/// Model fields a SCIM attribute feeds, for `cleared_attributes`.
fn model_fields(path: &PatchPath) -> Vec<String> {
    let enterprise = |a: &str| -> Option<&'static str> {
        Some(match a.to_ascii_lowercase().as_str() {
            "department" => "department",
            "employeenumber" => "employee_id",
            "costcenter" => "cost_center",
            "division" => "division",
            "organization" => "organization",
            "manager" => "manager",
            _ => return None,
        })
    };
    let attr = match (&path.schema, &path.attr) {
        (Some(s), None) if is_enterprise_urn(s) => {
            return [
                "department",
                "employee_id",
                "cost_center",
                "division",
                "organization",
                "manager",
            ]
            .map(str::to_owned)
            .to_vec()
        }
        (Some(s), None) => return vec![s.clone()],
        (Some(s), Some(a)) if is_enterprise_urn(s) => {
            return vec![enterprise(a)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("{s}:{a}"))]
        }
        (Some(s), Some(a)) => return vec![format!("{s}:{a}")],
        (None, Some(a)) => a,
        (None, None) => return Vec::new(),
    };
    let lower = attr.to_ascii_lowercase();
    let sub = path.sub.as_deref().map(str::to_ascii_lowercase);
    let fields: &[&str] = match (lower.as_str(), sub.as_deref()) {
        ("name", Some("givenname")) => &["given_name"],
        ("name", Some("familyname")) => &["family_name"],
        ("name", Some(_)) => &[],
        ("name", None) => &["given_name", "family_name"],
        ("username", _) => &["preferred_username"],
        ("displayname", _) => &["name"],
        ("nickname", _) => &["nickname"],
        ("title", _) => &["title"],
        ("usertype", _) => &["user_type"],
        ("preferredlanguage", _) => &["language"],
        ("locale", _) => &["locale"],
        ("timezone", _) => &["zoneinfo"],
        ("profileurl", _) => &["profile"],
        ("active", _) => &["active"],
        ("emails", _) => &["email", "emails"],
        ("phonenumbers", _) => &["phone_number"],
        ("photos", _) => &["picture"],
        ("addresses", _) => &["address"],
        ("groups", _) => &["groups"],
        ("roles", _) => &["roles"],
        ("externalid", _) => &["dp_id"],
        _ => match enterprise(attr) {
            Some(f) => return vec![f.to_owned()],
            None => return vec![attr.clone()],
        },
    };
    fields.iter().map(|f| (*f).to_owned()).collect()
}

/// Whether an expanded op states `attr`'s whole value (a plain replace, remove or null).
fn states_whole(kind: PatchOpKind, path: &PatchPath, value: Option<&Value>) -> bool {
    path.schema.is_none()
        && path.filter.is_none()
        && path.sub.is_none()
        && match kind {
            PatchOpKind::Replace => true,
            PatchOpKind::Remove => value.is_none_or(Value::is_null),
            PatchOpKind::Add => value.is_some_and(Value::is_null),
        }
}

/// What a PATCH or PUT states about a user, without the current resource.
pub(super) fn partial_user(
    method: &str,
    body: &Value,
) -> Result<PartialDirectoryUser, NormalizationError> {
    let mut stated = Map::new();
    let mut whole: BTreeSet<String> = BTreeSet::new();
    let mut cleared: Vec<String> = Vec::new();
    if method == "PATCH" {
        let patch = PatchBody::read(body.into()).map_err(|e| e.prefixed("/body"))?;
        let ops = patch.operations().map_err(|e| e.prefixed("/body"))?;
        apply_all(&mut stated, &ops).map_err(|e| e.prefixed("/body"))?;
        for (kind, path, value) in expand_ops(&ops).map_err(|e| e.prefixed("/body"))? {
            let attr = path
                .attr
                .as_deref()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if states_whole(kind, &path, value) {
                whole.insert(attr);
            }
            let clears = path.filter.is_none()
                && (kind == PatchOpKind::Remove && value.is_none_or(Value::is_null)
                    || matches!(value, Some(Value::Null)));
            if clears {
                cleared.extend(model_fields(&path));
            }
        }
        strip_passwords_map(&mut stated);
    } else if let Value::Object(m) = body {
        stated = raw_without_passwords(m);
        for (k, v) in m {
            whole.insert(k.to_ascii_lowercase());
            if v.is_null() {
                if let Ok(p) = crate::scim::parse_path(k) {
                    cleared.extend(model_fields(&p));
                }
            }
        }
    }
    let mut user = extract(&Resource::read(&stated))
        .map_err(|e| e.prefixed("/body"))?
        .user;
    let known = |a: &str| whole.contains(a);
    if !known("emails") {
        user.email = None;
        user.emails = None;
    } else if user.emails.is_none() {
        user.emails = Some(Vec::new());
    }
    if !known("phonenumbers") {
        user.phone_number = None;
    }
    if !known("photos") {
        user.picture = None;
    }
    if !known("addresses") {
        user.address = None;
    }
    if !known("groups") {
        user.groups = None;
    } else if user.groups.is_none() {
        user.groups = Some(Vec::new());
    }
    if !known("roles") {
        user.roles = None;
    } else if user.roles.is_none() {
        user.roles = Some(Vec::new());
    }
    let mut seen = BTreeSet::new();
    cleared.retain(|c| seen.insert(c.clone()));
    user.cleared_attributes = cleared;
    user.raw_attributes = match body {
        Value::Object(m) => raw_without_passwords(m),
        _ => Map::new(),
    };
    // A PATCH body is not a resource: its `schemas`/`Operations` are not custom attributes.
    Ok(user)
}

fn strip_passwords_map(map: &mut Map<String, Value>) {
    map.retain(|k, _| !k.eq_ignore_ascii_case("password"));
}

fn is_members(path: &PatchPath) -> bool {
    path.schema.is_none()
        && path
            .attr
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case("members"))
}

fn members_of(value: Option<&Value>) -> Result<Vec<GroupMember>, NormalizationError> {
    match value {
        Some(v @ Value::Array(_)) => {
            Ok(super::fill::members_from_value(v, "/body".into())?.unwrap_or_default())
        }
        Some(v @ Value::Object(_)) => Ok(super::fill::members_from_value(
            &Value::Array(vec![v.clone()]),
            "/body".into(),
        )?
        .unwrap_or_default()),
        _ => Ok(Vec::new()),
    }
}

/// The members a PATCH's operations add and remove, in order, by id (`value`): an add cancels
/// earlier removes of that id; a remove cancels earlier adds of it, or else is recorded. Found by
/// id in a map, so each costs a logarithm however many came before (10,000 added, then 1,000
/// removed, must not cost 10,000 × 1,000).
#[derive(Default)]
struct MemberLog {
    added: Vec<Option<GroupMember>>,
    removed: Vec<Option<GroupMember>>,
    added_at: BTreeMap<Option<String>, Vec<usize>>,
    removed_at: BTreeMap<Option<String>, Vec<usize>>,
}

impl MemberLog {
    fn add(&mut self, m: GroupMember) {
        for i in self.removed_at.remove(&m.value).unwrap_or_default() {
            if let Some(slot) = self.removed.get_mut(i) {
                *slot = None;
            }
        }
        let at = self.added.len();
        self.added_at.entry(m.value.clone()).or_default().push(at);
        self.added.push(Some(m));
    }

    fn remove(&mut self, m: GroupMember) {
        match self.added_at.remove(&m.value) {
            Some(cancelled) => {
                for i in cancelled {
                    if let Some(slot) = self.added.get_mut(i) {
                        *slot = None;
                    }
                }
            }
            None => {
                let at = self.removed.len();
                self.removed_at.entry(m.value.clone()).or_default().push(at);
                self.removed.push(Some(m));
            }
        }
    }

    fn lists(self) -> (Vec<GroupMember>, Vec<GroupMember>) {
        (
            self.added.into_iter().flatten().collect(),
            self.removed.into_iter().flatten().collect(),
        )
    }
}

/// What a PATCH or PUT states about a group, without the current resource. Members added and
/// removed are what the operations name; `null` when an operation makes them unknowable (a
/// wholesale replace or remove-all, a filter other than `value eq "…"`).
pub(super) fn partial_group(
    method: &str,
    body: &Value,
) -> Result<DirectoryGroup, NormalizationError> {
    let mut stated = Map::new();
    let mut members_known = false;
    let mut diff_known = true;
    let mut log = MemberLog::default();
    if method == "PATCH" {
        let patch = PatchBody::read(body.into()).map_err(|e| e.prefixed("/body"))?;
        let ops = patch.operations().map_err(|e| e.prefixed("/body"))?;
        apply_all(&mut stated, &ops).map_err(|e| e.prefixed("/body"))?;
        for (kind, path, value) in expand_ops(&ops).map_err(|e| e.prefixed("/body"))? {
            if !is_members(&path) {
                continue;
            }
            if states_whole(kind, &path, value) {
                members_known = true;
                diff_known = false;
                continue;
            }
            match (kind, &path.filter, &path.sub) {
                (PatchOpKind::Add, None, None) => {
                    for m in members_of(value)? {
                        log.add(m);
                    }
                }
                (PatchOpKind::Remove, None, None) => {
                    for m in members_of(value)? {
                        log.remove(m);
                    }
                }
                (PatchOpKind::Remove, Some(f), None) => match f.equalities().as_deref() {
                    Some([(a, Value::String(v))]) if a.eq_ignore_ascii_case("value") => {
                        log.remove(GroupMember {
                            value: Some(v.clone()),
                            ..GroupMember::default()
                        });
                    }
                    _ => diff_known = false,
                },
                // Filtered add/replace edits existing members (e.g. their display): not a change
                // of membership.
                _ => {}
            }
        }
    } else if let Value::Object(m) = body {
        stated = raw_without_passwords(m);
        diff_known = false;
    }
    let stated = Resource::read(&stated);
    if method != "PATCH" {
        // A PUT states the whole group: its members too when it has them (what the body has
        // but `stated` lacks is passwords only).
        members_known = stated.has(Attr::Members);
    }
    let mut group = scim_group(&stated).map_err(|e| e.prefixed("/body"))?;
    group.members = if members_known {
        Some(group.members.unwrap_or_default())
    } else {
        None
    };
    if diff_known {
        let (added, removed) = log.lists();
        group.members_added = Some(added);
        group.members_removed = Some(removed);
    }
    group.raw_attributes = match body {
        Value::Object(m) => raw_without_passwords(m),
        _ => Map::new(),
    };
    Ok(group)
}
