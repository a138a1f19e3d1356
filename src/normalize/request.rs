//! SCIM requests a service provider receives (POST/PUT/PATCH/DELETE on `/Users` and `/Groups`)
//! into directory events, the same ones the reference service delivers.
//!
//! Deterministic: no clock, no randomness. An event's `id` is `evt_` + the first 16 bytes (hex) of
//! SHA-256 over the method, resource type and id, body, organization and directory ids, `now` and
//! the current resource; `occurred_at` is `ctx.now` (or `null`). Identical inputs give identical
//! ids, so a retried request deduplicates; pass `now` to tell apart repeats of the same request.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::group::scim_group;
use super::provider::Provider;
use super::scim_user::{extract, is_enterprise_urn};
use super::user::{normalize_user, NormalizeOptions};
use super::value::{check_depth, get_ci, key_ci, raw_without_passwords, strip_passwords};
use super::{normalize_group, NormalizationError, NormalizationErrorKind};
use crate::model::{
    DirectoryEvent, DirectoryGroup, DirectoryUser, EventData, GroupMember, PartialDirectoryUser,
};
use crate::scim::patch::{apply_op, expand_ops, parse_operations, PatchOpKind};
use crate::scim::{apply_scim_patch, PatchPath};

/// An HTTP request a SCIM service provider received.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ScimRequest {
    /// `POST`, `PUT`, `PATCH`, `DELETE` (any case); `GET` yields no events.
    pub method: String,
    /// Request path, with any base prefix (`/scim/v2/Users/42`) and query string (ignored).
    pub path: String,
    /// The parsed JSON body, when there is one.
    #[serde(default)]
    pub body: Option<Value>,
}

/// What the caller knows beyond the request.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RequestContext {
    /// Organization the directory belongs to; copied into events.
    pub organization_id: Option<String>,
    /// Directory the request came in for; copied into events.
    pub directory_id: Option<String>,
    /// Provider sending the request, when known.
    pub provider: Option<Provider>,
    /// The resource as it was before this request. With it, updates are applied and the full
    /// resulting resource is emitted; without it, updates are partial (only what the request states).
    pub current: Option<Value>,
    /// The time to stamp events with (RFC 3339); scimkit reads no clock. `null` leaves
    /// `occurred_at` null.
    pub now: Option<String>,
}

/// The events a request means, and the resulting resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScimOutcome {
    /// Zero or one event today (a list so bulk requests can fit later).
    pub events: Vec<DirectoryEvent>,
    /// The resource after the request (without any password), when known: the body of a POST,
    /// the patched `current` of a PATCH/PUT. `null` for deletes and for updates without `current`.
    pub resource: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Users,
    Groups,
}

/// Decodes `%XX` escapes; leaves malformed ones as they are.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

/// `…/Users`, `…/Users/{id}`, `…/Groups/{id}` with any base prefix, scheme and host, or query.
fn parse_resource_path(path: &str) -> Result<(Kind, Option<String>), NormalizationError> {
    let bad = || NormalizationError::unsupported("/path", "not a /Users or /Groups path");
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let path = match path.split_once("://") {
        Some((_, rest)) => rest.find('/').and_then(|i| rest.get(i..)).unwrap_or(""),
        None => path,
    };
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let kind_of = |s: &str| {
        if s.eq_ignore_ascii_case("users") {
            Some(Kind::Users)
        } else if s.eq_ignore_ascii_case("groups") {
            Some(Kind::Groups)
        } else {
            None
        }
    };
    match segments.as_slice() {
        [.., last] if kind_of(last).is_some() => Ok((kind_of(last).ok_or_else(bad)?, None)),
        [.., kind, id] if kind_of(kind).is_some() => {
            Ok((kind_of(kind).ok_or_else(bad)?, Some(percent_decode(id))))
        }
        _ => Err(bad()),
    }
}

/// The request's body as an object.
fn body_object(req: &ScimRequest) -> Result<&Value, NormalizationError> {
    match &req.body {
        Some(v @ Value::Object(_)) => {
            check_depth(v, "/body")?;
            Ok(v)
        }
        _ => Err(NormalizationError::new(
            NormalizationErrorKind::InvalidJson,
            "/body",
            "this request needs a JSON object body",
        )),
    }
}

fn current_object(ctx: &RequestContext) -> Result<Option<&Map<String, Value>>, NormalizationError> {
    match &ctx.current {
        None | Some(Value::Null) => Ok(None),
        Some(v @ Value::Object(m)) => {
            check_depth(v, "/context/current")?;
            Ok(Some(m))
        }
        Some(_) => Err(NormalizationError::new(
            NormalizationErrorKind::InvalidJson,
            "/context/current",
            "`current` must be a JSON object",
        )),
    }
}

fn event_id(req: &ScimRequest, kind: Kind, id: Option<&str>, ctx: &RequestContext) -> String {
    let basis = serde_json::json!([
        req.method.to_ascii_uppercase(),
        if kind == Kind::Users {
            "Users"
        } else {
            "Groups"
        },
        id,
        req.body,
        ctx.organization_id,
        ctx.directory_id,
        ctx.now,
        ctx.current,
    ]);
    let digest = Sha256::digest(basis.to_string().as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("evt_{hex}")
}

/// Normalizes a SCIM request into the directory events it means (see the module docs for ids and
/// time). Pointers in errors point into `{method, path, body}` (`/body/Operations/0/path`) or into
/// the context (`/context/current`).
///
/// - `POST /Users` → `organization.directory.user_created`; `POST /Groups` → `…group_created`.
/// - `PUT`/`PATCH /Users/{id}` → `…user_updated`: with `ctx.current`, the full resulting user;
///   without, `partial: true` and a [`PartialDirectoryUser`] holding only what the request states.
/// - `PUT`/`PATCH /Groups/{id}` → `…group_updated` with `members_added` / `members_removed`
///   (exact with `current`; without it, what the operations name, or `null` when they cannot say).
/// - `DELETE` → `…user_deleted` / `…group_deleted` (with `id`, and `dp_id`/`email` or names from
///   `current` when given); `GET` → no events.
pub fn normalize_scim_request(
    req: &ScimRequest,
    ctx: &RequestContext,
) -> Result<ScimOutcome, NormalizationError> {
    let (kind, id) = parse_resource_path(&req.path)?;
    let method = req.method.to_ascii_uppercase();
    let opts = NormalizeOptions {
        provider: ctx.provider,
    };
    let current = current_object(ctx)?;
    let (event_type, data, partial, resource) = match (method.as_str(), kind, &id) {
        ("GET" | "HEAD", _, _) => {
            return Ok(ScimOutcome {
                events: Vec::new(),
                resource: None,
            })
        }
        ("POST", Kind::Users, None) => {
            let body = body_object(req)?;
            let user = normalize_user(body, &opts).map_err(|e| e.prefixed("/body"))?;
            (
                "user_created",
                EventData::User(Box::new(user)),
                false,
                Some(clean(body)),
            )
        }
        ("POST", Kind::Groups, None) => {
            let body = body_object(req)?;
            let group = normalize_group(body, &opts).map_err(|e| e.prefixed("/body"))?;
            (
                "group_created",
                EventData::Group(Box::new(group)),
                false,
                Some(clean(body)),
            )
        }
        ("PUT" | "PATCH", Kind::Users, Some(id)) => {
            let body = body_object(req)?;
            match current {
                Some(cur) => {
                    let result = updated_resource(&method, cur, body)?;
                    let mut user = normalize_user(&result, &opts)
                        .map_err(|e| e.prefixed("/context/current"))?;
                    user.id = Some(id.clone());
                    (
                        "user_updated",
                        EventData::User(Box::new(user)),
                        false,
                        Some(result),
                    )
                }
                None => {
                    let mut user = partial_user(&method, body)?;
                    user.id = Some(id.clone());
                    user.organization_id = ctx.organization_id.clone();
                    user.directory_id = ctx.directory_id.clone();
                    (
                        "user_updated",
                        EventData::PartialUser(Box::new(user)),
                        true,
                        None,
                    )
                }
            }
        }
        ("PUT" | "PATCH", Kind::Groups, Some(id)) => {
            let body = body_object(req)?;
            let (group, partial, resource) = match current {
                Some(cur) => {
                    let (g, r) = updated_group(&method, cur, body, &opts)?;
                    (g, false, Some(r))
                }
                None => (partial_group(&method, body)?, true, None),
            };
            let mut group = group;
            group.id = Some(id.clone());
            (
                "group_updated",
                EventData::Group(Box::new(group)),
                partial,
                resource,
            )
        }
        ("DELETE", Kind::Users, Some(id)) => {
            let before = match current {
                Some(cur) => Some(
                    normalize_user(&Value::Object(cur.clone()), &opts)
                        .map_err(|e| e.prefixed("/context/current"))?,
                ),
                None => None,
            };
            // What the reference service's user_deleted carries: id, dp_id, email (and org).
            let user = DirectoryUser {
                id: Some(id.clone()),
                dp_id: before.as_ref().and_then(|u| u.dp_id.clone()),
                email: before.as_ref().and_then(|u| u.email.clone()),
                emails: before
                    .as_ref()
                    .and_then(|u| u.email.clone())
                    .into_iter()
                    .collect(),
                active: false,
                ..DirectoryUser::default()
            };
            ("user_deleted", EventData::User(Box::new(user)), false, None)
        }
        ("DELETE", Kind::Groups, Some(id)) => {
            let before = match current {
                Some(cur) => Some(
                    normalize_group(&Value::Object(cur.clone()), &opts)
                        .map_err(|e| e.prefixed("/context/current"))?,
                ),
                None => None,
            };
            let group = DirectoryGroup {
                id: Some(id.clone()),
                dp_id: before.as_ref().and_then(|g| g.dp_id.clone()),
                external_id: before.as_ref().and_then(|g| g.external_id.clone()),
                display_name: before.as_ref().and_then(|g| g.display_name.clone()),
                name: before.as_ref().and_then(|g| g.name.clone()),
                ..DirectoryGroup::default()
            };
            (
                "group_deleted",
                EventData::Group(Box::new(group)),
                false,
                None,
            )
        }
        ("POST" | "PUT" | "PATCH" | "DELETE", _, _) => {
            return Err(NormalizationError::unsupported(
                "/path",
                format!("{method} is not defined on this path"),
            ))
        }
        _ => {
            return Err(NormalizationError::unsupported(
                "/method",
                format!("method `{}` is not supported", req.method),
            ))
        }
    };
    let data = with_context(data, ctx);
    let event = DirectoryEvent {
        spec_version: Some("1".to_owned()),
        id: Some(event_id(req, kind, id.as_deref(), ctx)),
        event_type: format!("organization.directory.{event_type}"),
        occurred_at: ctx.now.clone(),
        environment_id: None,
        organization_id: ctx.organization_id.clone(),
        directory_id: ctx.directory_id.clone(),
        object: Some(
            if kind == Kind::Users {
                "DirectoryUser"
            } else {
                "DirectoryGroup"
            }
            .to_owned(),
        ),
        display_name: None,
        partial,
        data,
    };
    Ok(ScimOutcome {
        events: vec![event],
        resource,
    })
}

fn clean(v: &Value) -> Value {
    let mut v = v.clone();
    strip_passwords(&mut v);
    v
}

fn with_context(data: EventData, ctx: &RequestContext) -> EventData {
    match data {
        EventData::User(mut u) => {
            u.organization_id = u.organization_id.or_else(|| ctx.organization_id.clone());
            u.directory_id = u.directory_id.or_else(|| ctx.directory_id.clone());
            EventData::User(u)
        }
        EventData::Group(mut g) => {
            g.organization_id = g.organization_id.or_else(|| ctx.organization_id.clone());
            g.directory_id = g.directory_id.or_else(|| ctx.directory_id.clone());
            EventData::Group(g)
        }
        other => other,
    }
}

/// Read-only attributes a PUT body cannot change: they stay as in `current` (RFC 7644 §3.5.1).
const KEPT_BY_PUT: [&str; 3] = ["id", "meta", "groups"];

/// `current` after a PATCH (applied) or a PUT (replaced, read-only attributes kept).
fn updated_resource(
    method: &str,
    current: &Map<String, Value>,
    body: &Value,
) -> Result<Value, NormalizationError> {
    if method == "PATCH" {
        return apply_scim_patch(&Value::Object(current.clone()), body)
            .map_err(|e| e.prefixed("/body"));
    }
    let mut out = match body {
        Value::Object(m) => raw_without_passwords(m),
        _ => Map::new(),
    };
    // A PUT that does not mention `active` is not a deactivation (nor a re-activation).
    if key_ci(&out, "active").is_none() {
        if let Some((k, v)) = get_ci(current, "active") {
            out.insert(k.to_owned(), v.clone());
        }
    }
    for attr in KEPT_BY_PUT {
        if let Some((k, v)) = get_ci(current, attr) {
            if let Some(mine) = key_ci(&out, attr) {
                out.remove(&mine);
            }
            out.insert(k.to_owned(), v.clone());
        }
    }
    Ok(Value::Object(out))
}

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
fn partial_user(method: &str, body: &Value) -> Result<PartialDirectoryUser, NormalizationError> {
    let mut stated = Map::new();
    let mut whole: HashSet<String> = HashSet::new();
    let mut cleared: Vec<String> = Vec::new();
    if method == "PATCH" {
        let ops = parse_operations(body).map_err(|e| e.prefixed("/body"))?;
        for op in &ops {
            apply_op(&mut stated, op).map_err(|e| e.prefixed("/body"))?;
        }
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
    let mut user = extract(&stated).map_err(|e| e.prefixed("/body"))?.user;
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
    let mut seen = HashSet::new();
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

/// Ids of members, for diffs.
fn member_ids(members: &[GroupMember]) -> HashSet<&str> {
    members.iter().filter_map(|m| m.value.as_deref()).collect()
}

/// `current` after the request, normalized, with the members it added and removed.
fn updated_group(
    method: &str,
    current: &Map<String, Value>,
    body: &Value,
    opts: &NormalizeOptions,
) -> Result<(DirectoryGroup, Value), NormalizationError> {
    let mut result = updated_resource(method, current, body)?;
    if method == "PUT" {
        // A PUT without `members` (group renames from some providers) leaves membership alone
        // rather than reading as "remove everyone".
        if let (Value::Object(out), Some((k, v))) = (&mut result, get_ci(current, "members")) {
            if key_ci(out, "members").is_none() {
                out.insert(k.to_owned(), v.clone());
            }
        }
    }
    let before = normalize_group(&Value::Object(current.clone()), opts)
        .map_err(|e| e.prefixed("/context/current"))?;
    let mut after = normalize_group(&result, opts).map_err(|e| e.prefixed("/context/current"))?;
    // With the full resource at hand, no `members` means none.
    let old = before.members.unwrap_or_default();
    let new = after.members.get_or_insert_with(Vec::new);
    let (old_ids, new_ids) = (member_ids(&old), member_ids(new));
    let added = new
        .iter()
        .filter(|m| m.value.as_deref().is_some_and(|v| !old_ids.contains(v)))
        .cloned()
        .collect();
    let removed = old
        .iter()
        .filter(|m| m.value.as_deref().is_some_and(|v| !new_ids.contains(v)))
        .cloned()
        .collect();
    after.members_added = Some(added);
    after.members_removed = Some(removed);
    Ok((after, result))
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
            Ok(super::fill::members_from_value(v, "/body")?.unwrap_or_default())
        }
        Some(v @ Value::Object(_)) => Ok(super::fill::members_from_value(
            &Value::Array(vec![v.clone()]),
            "/body",
        )?
        .unwrap_or_default()),
        _ => Ok(Vec::new()),
    }
}

/// What a PATCH or PUT states about a group, without the current resource. Members added and
/// removed are what the operations name; `null` when an operation makes them unknowable (a
/// wholesale replace or remove-all, a filter other than `value eq "…"`).
fn partial_group(method: &str, body: &Value) -> Result<DirectoryGroup, NormalizationError> {
    let mut stated = Map::new();
    let mut members_known = false;
    let mut diff_known = true;
    let mut added: Vec<GroupMember> = Vec::new();
    let mut removed: Vec<GroupMember> = Vec::new();
    if method == "PATCH" {
        let ops = parse_operations(body).map_err(|e| e.prefixed("/body"))?;
        for op in &ops {
            apply_op(&mut stated, op).map_err(|e| e.prefixed("/body"))?;
        }
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
                        removed.retain(|r| r.value != m.value);
                        added.push(m);
                    }
                }
                (PatchOpKind::Remove, None, None) => {
                    for m in members_of(value)? {
                        let before = added.len();
                        added.retain(|a| a.value != m.value);
                        if added.len() == before {
                            removed.push(m);
                        }
                    }
                }
                (PatchOpKind::Remove, Some(f), None) => match f.equalities().as_deref() {
                    Some([(a, Value::String(v))]) if a.eq_ignore_ascii_case("value") => {
                        let before = added.len();
                        added.retain(|m| m.value.as_deref() != Some(v.as_str()));
                        if added.len() == before {
                            removed.push(GroupMember {
                                value: Some(v.clone()),
                                ..GroupMember::default()
                            });
                        }
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
        members_known = get_ci(m, "members").is_some();
        diff_known = false;
    }
    let mut group = scim_group(&stated).map_err(|e| e.prefixed("/body"))?;
    group.members = if members_known {
        Some(group.members.unwrap_or_default())
    } else {
        None
    };
    if diff_known {
        group.members_added = Some(added);
        group.members_removed = Some(removed);
    }
    group.raw_attributes = match body {
        Value::Object(m) => raw_without_passwords(m),
        _ => Map::new(),
    };
    Ok(group)
}
