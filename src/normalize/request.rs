//! SCIM requests a service provider receives (POST/PUT/PATCH/DELETE on `/Users` and `/Groups`)
//! into directory events, the same ones the reference service delivers.
//!
//! Deterministic: no clock, no randomness. An event's `id` is `evt_` + the first 16 bytes (hex) of
//! SHA-256 over the method, resource type and id, body, organization and directory ids, `now` and
//! the current resource; `occurred_at` is `ctx.now` (or `null`). Identical inputs give identical
//! ids, so a retried request deduplicates; pass `now` to tell apart repeats of the same request.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::declared::NormalizeOptions;
use super::group::group_from_object;
use super::provider::Provider;
use super::request_partial::{partial_group, partial_user};
use super::user::{normalize_user, user_from_object};
use super::{normalize_group, NormalizationError, NormalizationErrorKind};
use crate::json::value::{check_depth, pick, raw_without_passwords};
use crate::model::{DirectoryEvent, DirectoryGroup, DirectoryUser, EventData, GroupMember};
use crate::scim::apply_scim_patch;

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
    body_value_and_map(req).map(|(v, _)| v)
}

/// The request's body as the map it is (a POST's resource).
fn body_map(req: &ScimRequest) -> Result<&Map<String, Value>, NormalizationError> {
    body_value_and_map(req).map(|(_, m)| m)
}

fn body_value_and_map(
    req: &ScimRequest,
) -> Result<(&Value, &Map<String, Value>), NormalizationError> {
    match &req.body {
        Some(v @ Value::Object(m)) => {
            check_depth(v, "/body".into())?;
            Ok((v, m))
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
            check_depth(v, "/context/current".into())?;
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
    // Serialized by reference as a JSON array (the same text as building the array as a `Value`,
    // without copying the body and the current resource into it first).
    let basis = (
        req.method.to_ascii_uppercase(),
        if kind == Kind::Users {
            "Users"
        } else {
            "Groups"
        },
        id,
        &req.body,
        &ctx.organization_id,
        &ctx.directory_id,
        &ctx.now,
        &ctx.current,
    );
    // Serializing these types cannot fail (string keys only); an empty basis would still hash.
    let text = serde_json::to_string(&basis).unwrap_or_default();
    let digest = Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("evt_{hex}")
}

/// Normalizes a SCIM request into the directory events it means (see the module docs for ids and
/// time). Pointers in errors point into `{method, path, body}` (`/body/Operations/0/path`) or into
/// the context (`/context/current`).
///
/// - `POST /Users` → `organization.directory.user_created`; `POST /Groups` → `…group_created`.
/// - `PUT`/`PATCH /Users/{id}` → `…user_updated`: with `ctx.current`, the full resulting user;
///   without, `partial: true` and a [`crate::model::PartialDirectoryUser`] holding only what the request states.
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
            let body = body_map(req)?;
            let user = user_from_object(body, &opts).map_err(|e| e.prefixed("/body"))?;
            (
                "user_created",
                EventData::User(Box::new(user)),
                false,
                Some(Value::Object(raw_without_passwords(body))),
            )
        }
        ("POST", Kind::Groups, None) => {
            let body = body_map(req)?;
            let group = group_from_object(body, &opts).map_err(|e| e.prefixed("/body"))?;
            (
                "group_created",
                EventData::Group(Box::new(group)),
                false,
                Some(Value::Object(raw_without_passwords(body))),
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
                Some(cur) => {
                    Some(user_from_object(cur, &opts).map_err(|e| e.prefixed("/context/current"))?)
                }
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
                    group_from_object(cur, &opts).map_err(|e| e.prefixed("/context/current"))?,
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

/// `current` after a PATCH (applied) or a PUT (replaced, read-only attributes kept).
fn updated_resource(
    method: &str,
    current: &Map<String, Value>,
    body: &Value,
) -> Result<Value, NormalizationError> {
    if method == "PATCH" {
        return apply_scim_patch(Value::Object(current.clone()), body)
            .map_err(|e| e.prefixed("/body"));
    }
    Ok(Value::Object(replaced(current, body, false)))
}

/// `current` replaced by a PUT `body`: the body, with `active` (and, for groups, `members`) from
/// `current` when the body does not state it, and the read-only attributes from `current`.
/// Each of the two objects is read once for the names involved.
fn replaced(current: &Map<String, Value>, body: &Value, keep_members: bool) -> Map<String, Value> {
    const NAMES: [&str; 5] = ["active", "id", "meta", "groups", "members"];
    let mut out = match body {
        Value::Object(m) => raw_without_passwords(m),
        _ => Map::new(),
    };
    let [active, id, meta, groups, members] = pick(current, &NAMES);
    let [out_active, out_id, out_meta, out_groups, out_members] =
        pick(&out, &NAMES).map(|f| f.map(|(k, _)| k.to_owned()));
    // A PUT that does not mention `active` is not a deactivation (nor a re-activation).
    if out_active.is_none() {
        if let Some((k, v)) = active {
            out.insert(k.to_owned(), v.clone());
        }
    }
    // Read-only attributes a PUT body cannot change stay as in `current` (RFC 7644 §3.5.1).
    for (theirs, mine) in [(id, out_id), (meta, out_meta), (groups, out_groups)] {
        if let Some((k, v)) = theirs {
            if let Some(mine) = mine {
                out.remove(&mine);
            }
            out.insert(k.to_owned(), v.clone());
        }
    }
    // A PUT without `members` (group renames from some providers) leaves membership alone
    // rather than reading as "remove everyone".
    if keep_members && out_members.is_none() {
        if let Some((k, v)) = members {
            out.insert(k.to_owned(), v.clone());
        }
    }
    out
}

/// Ids of members, for diffs.
fn member_ids(members: &[GroupMember]) -> BTreeSet<&str> {
    members.iter().filter_map(|m| m.value.as_deref()).collect()
}

/// `current` after the request, normalized, with the members it added and removed.
fn updated_group(
    method: &str,
    current: &Map<String, Value>,
    body: &Value,
    opts: &NormalizeOptions,
) -> Result<(DirectoryGroup, Value), NormalizationError> {
    let result = if method == "PUT" {
        Value::Object(replaced(current, body, true))
    } else {
        updated_resource(method, current, body)?
    };
    let before = group_from_object(current, opts).map_err(|e| e.prefixed("/context/current"))?;
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
