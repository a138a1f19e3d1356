//! Deciding one event from what was read: pure, so every rule is tested natively. The engine
//! asks [`reads_for`] what to read, reads it, and commits what [`decide_event`] plans.
//!
//! Rules:
//! - **Exactly once**: an event whose id is stored changes nothing (`duplicate`); every other
//!   event stores its id in the same commit as its effects, stale and ignored ones included,
//!   so a repeat is a `duplicate`. An event without an id cannot be deduplicated: it is applied
//!   by the order rule alone.
//! - **Identity**: users and groups by their id; the organization and directory come from the
//!   event, else from the stored row (user events often do not name the directory).
//! - **Order**: an event that occurred at or before the stored row's version is `stale`. A
//!   delete leaves a tombstone at the delete's time, so an older create or update is stale and
//!   a newer create (or update) provisions the user again (`user_created`).
//! - **Memberships**: a user event sets the user's groups to exactly its `groups` — only when
//!   the raw event stated a non-null array (deliveries send `null`, meaning "not said"). The
//!   group list has its own time (`groups_version`): an event older than the user's fields but
//!   newer than the last stated group list still sets the groups (and nothing else). A
//!   group event with `members` sets the group's users; `members_added` / `members_removed`
//!   (SCIM requests) add and remove. Groups (users) deleted at or after the event are left out.
//!   Deleting a user or a group removes its memberships.
//! - **Emails**: an event's user replaces the stored one, but an event that does not state its
//!   `emails` list (no `emails` in its raw resource, none but the primary) keeps the stored
//!   addresses after its primary (see [`super::merge::event_user_over`]).
//! - **Other events** (directory enabled/disabled, unknown types): `ignored`.

use std::collections::BTreeSet;

use super::changeset::{AppliedEvent, Guard};
use super::error::SyncError;
use super::merge::{event_user_over, partial_group_over, partial_user_over};
use super::record::{stored_group, stored_user, GroupRecord, UserRecord};
use super::summary::ApplyStatus;
use super::transition::Plan;
use super::version::Version;
use crate::model::{DirectoryEvent, DirectoryGroup, DirectoryUser, EventData, GroupMember};

/// An event as the rules see it.
#[derive(Debug)]
pub(crate) struct Parsed<'a> {
    event: &'a DirectoryEvent,
    at: Option<Version>,
    subject: Subject<'a>,
}

#[derive(Debug)]
enum Subject<'a> {
    User {
        delete: bool,
        id: &'a str,
        data: UserData<'a>,
        /// The groups the event states, when it states them.
        groups: Option<BTreeSet<String>>,
    },
    Group {
        delete: bool,
        id: &'a str,
        data: &'a DirectoryGroup,
        members: MembersSaid,
    },
    Other,
}

#[derive(Debug)]
enum UserData<'a> {
    Full(&'a DirectoryUser),
    Partial(&'a crate::model::PartialDirectoryUser),
}

/// What a group event says about its users.
#[derive(Debug, Default)]
struct MembersSaid {
    all: Option<BTreeSet<String>>,
    added: BTreeSet<String>,
    removed: BTreeSet<String>,
}

/// What to read before deciding.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Reads {
    /// Whether this event id is stored.
    pub(crate) event_id: Option<String>,
    /// The user row.
    pub(crate) user: Option<String>,
    /// The group row.
    pub(crate) group: Option<String>,
    /// The memberships of that user (or group).
    pub(crate) memberships: bool,
    /// Rows of the groups a user event names.
    pub(crate) related_groups: Vec<String>,
    /// Rows of the users a group event names.
    pub(crate) related_users: Vec<String>,
}

/// What was read, as [`Reads`] asked.
#[derive(Debug, Default)]
pub(crate) struct EventRead {
    pub(crate) applied: bool,
    pub(crate) user: Option<UserRecord>,
    pub(crate) group: Option<GroupRecord>,
    /// Group ids (user events) or user ids (group events).
    pub(crate) memberships: BTreeSet<String>,
    pub(crate) related_groups: Vec<GroupRecord>,
    pub(crate) related_users: Vec<UserRecord>,
}

/// What to do with one event.
#[derive(Debug)]
pub(crate) struct Decision {
    pub(crate) status: ApplyStatus,
    pub(crate) plan: Plan,
}

const USER: &str = "organization.directory.user_";
const GROUP: &str = "organization.directory.group_";

fn invalid(event: &DirectoryEvent, what: &str) -> SyncError {
    let id = event.id.as_deref().unwrap_or("(no id)");
    SyncError::InvalidEvent(format!(
        "event {id} ({}) cannot be applied: {what}",
        event.event_type
    ))
}

fn member_ids(members: &Option<Vec<GroupMember>>) -> Option<BTreeSet<String>> {
    members.as_ref().map(|ms| {
        ms.iter()
            // Users only: nested groups are not memberships of users.
            .filter(|m| {
                m.member_type
                    .as_deref()
                    .is_none_or(|t| t.eq_ignore_ascii_case("user"))
            })
            .filter_map(|m| m.value.clone().filter(|v| !v.is_empty()))
            .collect()
    })
}

/// Reads the event into what the rules use. `groups_stated`: whether the raw `data.groups`
/// was a non-null array (a partial user says so itself).
pub(crate) fn parse_event(
    event: &DirectoryEvent,
    groups_stated: bool,
) -> Result<Parsed<'_>, SyncError> {
    let t = event.event_type.to_ascii_lowercase();
    let action = t
        .strip_prefix(USER)
        .map(|a| (true, a))
        .or_else(|| t.strip_prefix(GROUP).map(|a| (false, a)));
    let (is_user, delete) = match action {
        Some((is_user, "created" | "updated")) => (Some(is_user), false),
        Some((is_user, "deleted")) => (Some(is_user), true),
        _ => (None, false),
    };
    let subject = match (is_user, &event.data) {
        (None, _) => Subject::Other,
        (Some(true), EventData::User(u)) => Subject::User {
            delete,
            id: required_id(event, u.id.as_deref())?,
            data: UserData::Full(u),
            groups: groups_stated.then(|| {
                u.groups
                    .iter()
                    .filter_map(|g| g.id.clone().filter(|id| !id.is_empty()))
                    .collect()
            }),
        },
        (Some(true), EventData::PartialUser(p)) => Subject::User {
            delete,
            id: required_id(event, p.id.as_deref())?,
            data: UserData::Partial(p),
            groups: p.groups.as_ref().map(|gs| {
                gs.iter()
                    .filter_map(|g| g.id.clone().filter(|id| !id.is_empty()))
                    .collect()
            }),
        },
        (Some(false), EventData::Group(g)) => Subject::Group {
            delete,
            id: required_id(event, g.id.as_deref())?,
            data: g,
            members: MembersSaid {
                all: member_ids(&g.members),
                added: member_ids(&g.members_added).unwrap_or_default(),
                removed: member_ids(&g.members_removed).unwrap_or_default(),
            },
        },
        (Some(_), _) => return Err(invalid(event, "its data does not match its type")),
    };
    let at = event.occurred_at.as_deref().and_then(Version::parse);
    // Only users and groups need a time; any other event is ignored whatever it says.
    if at.is_none() && !matches!(subject, Subject::Other) {
        let what = match event.occurred_at {
            Some(_) => "its `occurred_at` is not an RFC 3339 date-time",
            None => "it has no `occurred_at`, so it cannot be ordered",
        };
        return Err(invalid(event, what));
    }
    Ok(Parsed { event, at, subject })
}

fn required_id<'a>(event: &DirectoryEvent, id: Option<&'a str>) -> Result<&'a str, SyncError> {
    id.filter(|id| !id.is_empty())
        .ok_or_else(|| invalid(event, "its data has no `id`"))
}

/// What to read before deciding `parsed`.
pub(crate) fn reads_for(parsed: &Parsed<'_>) -> Reads {
    let mut reads = Reads {
        event_id: parsed.event.id.clone(),
        ..Reads::default()
    };
    match &parsed.subject {
        Subject::User {
            delete, id, groups, ..
        } => {
            reads.user = Some((*id).to_owned());
            reads.memberships = *delete || groups.is_some();
            if !*delete {
                reads.related_groups = groups.iter().flatten().cloned().collect();
            }
        }
        Subject::Group {
            delete,
            id,
            members,
            ..
        } => {
            reads.group = Some((*id).to_owned());
            reads.memberships = *delete
                || members.all.is_some()
                || !members.added.is_empty()
                || !members.removed.is_empty();
            if !*delete {
                let named = members.all.iter().flatten().chain(&members.added);
                let named: BTreeSet<&String> = named.collect();
                reads.related_users = named.into_iter().cloned().collect();
            }
        }
        Subject::Other => {}
    }
    reads
}

/// Decides `parsed` given `read` (what [`reads_for`] asked).
pub(crate) fn decide_event(parsed: &Parsed<'_>, read: &EventRead) -> Result<Decision, SyncError> {
    let mut plan = Plan::default();
    if read.applied {
        return Ok(Decision {
            status: ApplyStatus::Duplicate,
            plan,
        });
    }
    let event = parsed.event;
    plan.changeset.event = event.id.clone().map(|id| AppliedEvent {
        id,
        occurred_at: parsed.at,
    });
    let at = match (&parsed.subject, parsed.at) {
        (Subject::Other, _) | (_, None) => {
            return Ok(Decision {
                status: ApplyStatus::Ignored,
                plan,
            })
        }
        (_, Some(at)) => at,
    };
    let fresh = match &parsed.subject {
        Subject::User {
            delete,
            id,
            data,
            groups,
        } => decide_user(&mut plan, event, at, (id, *delete, data, groups), read)?,
        Subject::Group {
            delete,
            id,
            data,
            members,
        } => decide_group(&mut plan, event, at, (id, *delete, data, members), read)?,
        Subject::Other => true,
    };
    if !fresh {
        return Ok(Decision {
            status: ApplyStatus::Stale,
            plan,
        });
    }
    Ok(Decision {
        status: ApplyStatus::Applied,
        plan,
    })
}

/// The organization and directory of the row: the event's, else the stored row's.
fn scope(
    event: &DirectoryEvent,
    stored: Option<(&String, &Option<String>)>,
) -> Result<(String, Option<String>), SyncError> {
    let org = event
        .organization_id
        .clone()
        .filter(|o| !o.is_empty())
        .or_else(|| stored.map(|(o, _)| o.clone()))
        .ok_or_else(|| invalid(event, "it names no `organization_id`"))?;
    let dir = event
        .directory_id
        .clone()
        .filter(|d| !d.is_empty())
        .or_else(|| stored.and_then(|(_, d)| d.clone()));
    Ok((org, dir))
}

/// Plans a user event; `false` when it is stale (nothing planned but the event id).
fn decide_user(
    plan: &mut Plan,
    event: &DirectoryEvent,
    at: Version,
    (id, delete, data, groups): (&str, bool, &UserData<'_>, &Option<BTreeSet<String>>),
    read: &EventRead,
) -> Result<bool, SyncError> {
    let stored = read.user.as_ref();
    let fields_newer = stored.is_none_or(|s| at > s.version);
    // An event older than the user's fields may still be the newest word on its groups, when
    // the newer events did not state them (not for a tombstone: its delete is newer).
    let groups_newer = !delete
        && groups.is_some()
        && stored.is_none_or(|s| {
            (fields_newer || !s.deleted) && s.groups_version.is_none_or(|g| at > g)
        });
    if !fields_newer && !groups_newer {
        return Ok(false);
    }
    let (org, dir) = scope(event, stored.map(|s| (&s.organization_id, &s.directory_id)))?;
    plan.changeset.guards.push(Guard::user(id, stored));
    let next = match stored {
        Some(s) if !fields_newer => UserRecord {
            groups_version: Some(at),
            ..s.clone()
        },
        _ => {
            let alive = stored.filter(|s| !s.deleted).map(|s| &s.data);
            let mut user = match (delete, alive, data) {
                (true, Some(kept), _) => kept.clone(),
                (_, base, UserData::Full(u)) => event_user_over(base, u),
                (_, base, UserData::Partial(p)) => {
                    let base = base.cloned().unwrap_or_default();
                    partial_user_over(&base, p).map_err(|e| invalid(event, &e))?
                }
            };
            user = stored_user(user);
            user.id = Some(id.to_owned());
            user.organization_id = Some(org.clone());
            user.directory_id = dir.clone();
            if delete {
                user.active = false;
            }
            let stated = delete || groups_newer;
            UserRecord {
                id: id.to_owned(),
                organization_id: org,
                directory_id: dir,
                version: at,
                deleted: delete,
                groups_version: if stated {
                    Some(at)
                } else {
                    stored.and_then(|s| s.groups_version)
                },
                generation: stored.map_or(0, |s| s.generation),
                revision: 0,
                active: user.active,
                data: user,
            }
        }
    };
    plan.put_user(stored, next.clone());
    if delete {
        let scope = (next.organization_id.as_str(), &next.directory_id);
        for g in &read.memberships {
            plan.remove_member(g, id, scope);
        }
    } else if let Some(wanted) = groups.as_ref().filter(|_| groups_newer) {
        for g in wanted {
            let row = read.related_groups.iter().find(|r| &r.id == g);
            plan.changeset.guards.push(Guard::group(g, row));
        }
        let deleted = |g: &str| {
            read.related_groups
                .iter()
                .find(|r| r.id == g && r.deleted)
                .map(|r| r.version)
        };
        plan.set_user_groups(&next, &read.memberships, wanted.clone(), at, &deleted);
    }
    Ok(true)
}

/// Plans a group event; `false` when it is stale (nothing planned but the event id).
fn decide_group(
    plan: &mut Plan,
    event: &DirectoryEvent,
    at: Version,
    (id, delete, data, members): (&str, bool, &DirectoryGroup, &MembersSaid),
    read: &EventRead,
) -> Result<bool, SyncError> {
    let stored = read.group.as_ref();
    if stored.is_some_and(|s| at <= s.version) {
        return Ok(false);
    }
    let (org, dir) = scope(event, stored.map(|s| (&s.organization_id, &s.directory_id)))?;
    plan.changeset.guards.push(Guard::group(id, stored));
    let alive = stored.filter(|s| !s.deleted).map(|s| &s.data);
    let mut group = match (delete, alive) {
        (true, Some(kept)) => kept.clone(),
        (false, Some(base)) if event.partial => {
            partial_group_over(base, data).map_err(|e| invalid(event, &e))?
        }
        _ => data.clone(),
    };
    group = stored_group(group);
    group.id = Some(id.to_owned());
    group.organization_id = Some(org.clone());
    group.directory_id = dir.clone();
    let next = GroupRecord {
        id: id.to_owned(),
        organization_id: org,
        directory_id: dir,
        version: at,
        deleted: delete,
        generation: stored.map_or(0, |s| s.generation),
        revision: 0,
        data: group,
    };
    plan.put_group(stored, next.clone());
    let scope = (next.organization_id.as_str(), &next.directory_id);
    if delete {
        for u in &read.memberships {
            plan.remove_member(id, u, scope);
        }
        return Ok(true);
    }
    for u in &read.related_users {
        plan.changeset.guards.push(Guard::user(&u.id, Some(u)));
    }
    let deleted = |u: &str| {
        read.related_users
            .iter()
            .find(|r| r.id == u && r.deleted)
            .map(|r| r.version)
    };
    let said = members.all.is_some() || !members.added.is_empty() || !members.removed.is_empty();
    if said {
        // The whole list when stated (else the stored one), plus what the request added, minus
        // what it removed.
        let mut wanted = members
            .all
            .clone()
            .unwrap_or_else(|| read.memberships.clone());
        wanted.extend(members.added.iter().cloned());
        for u in &members.removed {
            wanted.remove(u);
        }
        plan.set_group_members(&next, &read.memberships, wanted, at, &deleted);
    }
    Ok(true)
}
