//! One event into the store — the path webhooks and catch-ups share: read what the rules need,
//! decide, commit; on a conflict read and decide again.

use std::collections::BTreeSet;

use super::apply::{decide_event, reads_for, Decision, EventRead, Parsed, Reads};
use super::change::{Change, CommitHook};
use super::commit::{commit_plan, gave_up};
use super::error::SyncError;
use super::store::{EventReadQuery, Store, StoreError, MAX_CONFLICT_RETRIES};
use super::summary::ApplyStatus;

/// Applies one parsed event exactly once; its changes go to `hook` and are returned.
pub(crate) async fn apply_parsed<S: Store + ?Sized>(
    store: &S,
    parsed: &Parsed<'_>,
    hook: Option<&CommitHook>,
) -> Result<(ApplyStatus, Vec<Change>), SyncError> {
    let reads = reads_for(parsed);
    for attempt in 0..=MAX_CONFLICT_RETRIES {
        let read = read(store, &reads).await?;
        let Decision { status, plan } = decide_event(parsed, &read)?;
        if let Some(changes) = commit_plan(store, plan, attempt, hook).await? {
            return Ok((status, changes));
        }
    }
    Err(gave_up("no attempt left"))
}

/// What `reads` asks, in one [`Store::read_event`] call.
async fn read<S: Store + ?Sized>(store: &S, reads: &Reads) -> Result<EventRead, StoreError> {
    let query = EventReadQuery {
        event_id: reads.event_id.clone(),
        users: reads
            .user
            .iter()
            .chain(&reads.related_users)
            .cloned()
            .collect(),
        groups: reads
            .group
            .iter()
            .chain(&reads.related_groups)
            .cloned()
            .collect(),
        user_groups_of: reads.user.clone().filter(|_| reads.memberships),
        group_members_of: reads.group.clone().filter(|_| reads.memberships),
    };
    let answer = store.read_event(query).await?;
    let mut read = EventRead::default();
    if answer.applied {
        read.applied = true;
        return Ok(read);
    }
    let mut users = answer.users;
    if let Some(id) = &reads.user {
        read.user = users
            .iter()
            .position(|r| &r.id == id)
            .map(|i| users.swap_remove(i));
        read.memberships = answer
            .user_groups
            .into_iter()
            .filter(|m| &m.user_id == id)
            .map(|m| m.group_id)
            .collect::<BTreeSet<_>>();
    }
    let mut groups = answer.groups;
    if let Some(id) = &reads.group {
        read.group = groups
            .iter()
            .position(|r| &r.id == id)
            .map(|i| groups.swap_remove(i));
        if reads.memberships {
            read.memberships = answer.group_members.into_iter().collect();
        }
    }
    if !reads.related_groups.is_empty() {
        read.related_groups = groups;
    }
    if !reads.related_users.is_empty() {
        read.related_users = users;
    }
    Ok(read)
}
