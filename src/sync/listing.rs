//! Deciding a full sync's steps from what was read: a page of listed groups or users, and a
//! batch of rows the listings did not show. Pure, like the event rules.
//!
//! Rules:
//! - A listed item's fields are dated just before its `updated_at` (the sync's start when it has
//!   none), so the event that made the listed state still applies when it arrives later. Older
//!   than the stored row: the row is kept, only marked as seen. The same or newer, or no row,
//!   or a tombstone no newer: the item is written over the stored user (see
//!   [`super::merge::listed_user_over`]). A listed user's memberships become exactly its
//!   `groups` (a listing always states them) when it is the same or newer than the user's last
//!   stated group list (`groups_version`), even if older than its fields.
//! - Every row written is marked with the sync's generation: listed. It is decided at the
//!   revision it is written at, so an id a shifted listing names twice is decided the second
//!   time from the row as written.
//! - After the listings, a live row of the directory not marked, whose version is older than
//!   the sync's start (else an event changed it during the sync), is missing: a user is
//!   deactivated (or, with `delete`, tombstoned and its memberships removed), a group
//!   tombstoned and its memberships removed. The row keeps its version: a missing row is
//!   weaker news than a dated event, so a listing or event as new as the row brings it back.

use std::collections::{BTreeMap, BTreeSet};

use super::changeset::{Guard, MembershipKey};
use super::error::SyncError;
use super::merge::{listed_group_over, listed_user_over};
use super::record::{stored_group, stored_user, GroupRecord, UserRecord};
use super::store::UsersPageAnswer;
use super::transition::{revision_after, Plan};
use super::version::Version;
use crate::directory::{DirectoryError, DirectoryErrorKind};
use crate::model::{DirectoryGroup, DirectoryUser};

/// The directory a full sync is about, and its run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope<'a> {
    pub(crate) organization_id: &'a str,
    pub(crate) directory_id: &'a str,
    pub(crate) generation: u64,
    pub(crate) started_at: Version,
}

fn bad_item(what: &str, i: usize, problem: &str) -> SyncError {
    SyncError::Directory(DirectoryError::new(
        DirectoryErrorKind::InvalidResponse,
        format!("{what}: item {i} of the page {problem}"),
    ))
}

/// The version a listed item's fields are stored at: just before its `updated_at` (never below
/// the stored row's). A listing states some fields an event lacks (all `emails`) and lacks some
/// an event states (`title`, `department`, `external_id`, …): a listing as new as the stored row
/// merges what it states, and the event that made the listed state (at `updated_at`) still
/// applies when it arrives after the listing, instead of being stale.
fn listed_fields_version(listed_at: Version, stored: Option<Version>) -> Version {
    let before = listed_at.just_before();
    stored.map_or(before, |s| s.max(before))
}

/// The id and version of a listed item.
fn id_and_version(
    what: &str,
    i: usize,
    id: &Option<String>,
    updated_at: &Option<String>,
    started_at: Version,
) -> Result<(String, Version), SyncError> {
    let id = id
        .clone()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad_item(what, i, "has no id"))?;
    let version = match updated_at.as_deref() {
        None | Some("") => started_at,
        Some(t) => Version::parse(t)
            .ok_or_else(|| bad_item(what, i, "has an `updated_at` that is not RFC 3339"))?,
    };
    Ok((id, version))
}

/// The group ids a page of users names (to read their rows).
pub(crate) fn groups_named(listed: &[DirectoryUser]) -> Vec<String> {
    let named: BTreeSet<&String> = listed
        .iter()
        .flat_map(|u| u.groups.iter().filter_map(|g| g.id.as_ref()))
        .filter(|g| !g.is_empty())
        .collect();
    named.into_iter().cloned().collect()
}

/// A page of listed groups, given the stored rows of their ids.
pub(crate) fn decide_groups_page(
    scope: Scope<'_>,
    listed: &[DirectoryGroup],
    stored: Vec<GroupRecord>,
) -> Result<Plan, SyncError> {
    let mut plan = Plan::default();
    let mut rows: BTreeMap<String, GroupRecord> =
        stored.into_iter().map(|r| (r.id.clone(), r)).collect();
    let mut guarded = BTreeSet::new();
    for (i, g) in listed.iter().enumerate() {
        let what = "list directory groups";
        let (id, listed_at) = id_and_version(what, i, &g.id, &g.updated_at, scope.started_at)?;
        let stored = rows.get(&id);
        let version = listed_fields_version(listed_at, stored.map(|s| s.version));
        if guarded.insert(id.clone()) {
            plan.changeset.guards.push(Guard::group(&id, stored));
        }
        if let Some(s) = stored.filter(|s| listed_at < s.version) {
            plan.unchanged += 1;
            if !s.deleted && s.generation != scope.generation {
                let next = GroupRecord {
                    generation: scope.generation,
                    revision: revision_after(Some(s.revision)),
                    ..s.clone()
                };
                plan.put_group(stored, next.clone());
                rows.insert(id, next);
            }
            continue;
        }
        let base = stored.filter(|s| !s.deleted).map(|s| &s.data);
        let mut data = stored_group(listed_group_over(base, g.clone()));
        data.id = Some(id.clone());
        data.organization_id = Some(scope.organization_id.to_owned());
        data.directory_id = Some(scope.directory_id.to_owned());
        let next = GroupRecord {
            id: id.clone(),
            organization_id: scope.organization_id.to_owned(),
            directory_id: Some(scope.directory_id.to_owned()),
            version,
            deleted: false,
            generation: scope.generation,
            revision: revision_after(stored.map(|s| s.revision)),
            data,
        };
        if !plan.put_group(stored, next.clone()) {
            plan.unchanged += 1;
        }
        rows.insert(id, next);
    }
    Ok(plan)
}

/// A page of listed users, given what was read.
pub(crate) fn decide_users_page(
    scope: Scope<'_>,
    listed: &[DirectoryUser],
    read: UsersPageAnswer,
) -> Result<Plan, SyncError> {
    let mut plan = Plan::default();
    let mut rows: BTreeMap<String, UserRecord> =
        read.users.into_iter().map(|r| (r.id.clone(), r)).collect();
    let mut groups_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in read.memberships {
        groups_of.entry(m.user_id).or_default().insert(m.group_id);
    }
    let tombstones: BTreeMap<&str, Version> = read
        .groups
        .iter()
        .filter(|g| g.deleted)
        .map(|g| (g.id.as_str(), g.version))
        .collect();
    for g in &read.groups {
        plan.changeset.guards.push(Guard::Group {
            id: g.id.clone(),
            revision: Some(g.revision),
        });
    }
    let deleted = |g: &str| tombstones.get(g).copied();
    let mut guarded = BTreeSet::new();
    for (i, u) in listed.iter().enumerate() {
        let what = "list directory users";
        let (id, version) = id_and_version(what, i, &u.id, &u.updated_at, scope.started_at)?;
        let stored = rows.get(&id);
        let fields_version = listed_fields_version(version, stored.map(|s| s.version));
        if guarded.insert(id.clone()) {
            plan.changeset.guards.push(Guard::user(&id, stored));
        }
        // A listing is as new as its `updated_at`: the same or newer than the stored fields
        // (or group list) replaces them. It always states the groups.
        let fields_newer = stored.is_none_or(|s| version >= s.version);
        let groups_newer = stored.is_none_or(|s| {
            (fields_newer || !s.deleted) && s.groups_version.is_none_or(|g| version >= g)
        });
        let next = match stored {
            Some(s) if !fields_newer => {
                if s.deleted || (!groups_newer && s.generation == scope.generation) {
                    plan.unchanged += 1;
                    continue;
                }
                UserRecord {
                    generation: scope.generation,
                    revision: revision_after(Some(s.revision)),
                    groups_version: if groups_newer {
                        Some(version)
                    } else {
                        s.groups_version
                    },
                    ..s.clone()
                }
            }
            _ => {
                let base = stored.filter(|s| !s.deleted).map(|s| &s.data);
                let mut data = stored_user(listed_user_over(base, u.clone()));
                data.id = Some(id.clone());
                data.organization_id = Some(scope.organization_id.to_owned());
                data.directory_id = Some(scope.directory_id.to_owned());
                UserRecord {
                    id: id.clone(),
                    organization_id: scope.organization_id.to_owned(),
                    directory_id: Some(scope.directory_id.to_owned()),
                    version: fields_version,
                    deleted: false,
                    groups_version: Some(version),
                    generation: scope.generation,
                    revision: revision_after(stored.map(|s| s.revision)),
                    active: data.active,
                    data,
                }
            }
        };
        let changed = plan.put_user(stored, next.clone());
        let current = groups_of.remove(&id).unwrap_or_default();
        let mut moved = false;
        let mut now_in = current.clone();
        if groups_newer {
            let wanted: BTreeSet<String> = u
                .groups
                .iter()
                .filter_map(|g| g.id.clone().filter(|g| !g.is_empty()))
                .collect();
            moved = plan.set_user_groups(&next, &current, wanted.clone(), version, &deleted);
            now_in = wanted
                .into_iter()
                .filter(|g| deleted(g).is_none_or(|d| d < version))
                .collect();
        }
        if !changed && !moved {
            plan.unchanged += 1;
        }
        groups_of.insert(id.clone(), now_in);
        rows.insert(id, next);
    }
    Ok(plan)
}

/// A batch of users the listing did not show (live, unmarked rows of the directory), with
/// their memberships: deactivated, or tombstoned when `delete`.
pub(crate) fn decide_missing_users(
    scope: Scope<'_>,
    rows: &[UserRecord],
    memberships: &[MembershipKey],
    delete: bool,
) -> Plan {
    let mut plan = Plan::default();
    for row in rows
        .iter()
        .filter(|r| missing(scope, r.deleted, r.generation, r.version))
    {
        plan.changeset.guards.push(Guard::user(&row.id, Some(row)));
        let mut next = row.clone();
        next.active = false;
        next.data.active = false;
        if delete {
            next.deleted = true;
        } else if !row.active {
            plan.unchanged += 1;
            continue;
        }
        plan.put_user(Some(row), next);
        if delete {
            let scope = (row.organization_id.as_str(), &row.directory_id);
            for m in memberships.iter().filter(|m| m.user_id == row.id) {
                plan.remove_member(&m.group_id, &row.id, scope);
            }
        }
    }
    plan
}

/// One group the listing did not show, with its members: tombstoned, memberships removed.
pub(crate) fn decide_missing_group(
    scope: Scope<'_>,
    row: &GroupRecord,
    members: &[String],
) -> Plan {
    let mut plan = Plan::default();
    if !missing(scope, row.deleted, row.generation, row.version) {
        return plan;
    }
    plan.changeset.guards.push(Guard::group(&row.id, Some(row)));
    plan.put_group(
        Some(row),
        GroupRecord {
            deleted: true,
            ..row.clone()
        },
    );
    let at = (row.organization_id.as_str(), &row.directory_id);
    for u in members {
        plan.remove_member(&row.id, u, at);
    }
    plan
}

/// Whether a row is missing from this sync's listings (see the module rules).
fn missing(scope: Scope<'_>, deleted: bool, generation: u64, version: Version) -> bool {
    !deleted && generation < scope.generation && version < scope.started_at
}
