//! One event into the store — the path webhooks and catch-ups share: read what the rules need,
//! decide, commit; on a conflict read and decide again.

use std::collections::BTreeSet;

use super::apply::{decide_event, reads_for, Decision, EventRead, Parsed, Reads};
use super::change::{Change, ChangeHook};
use super::commit::{commit_plan, gave_up};
use super::error::SyncError;
use super::store::{Store, StoreError, MAX_CONFLICT_RETRIES};
use super::summary::ApplyStatus;

/// Applies one parsed event exactly once; its changes go to `hook` and are returned.
pub(crate) async fn apply_parsed<S: Store + ?Sized>(
    store: &S,
    parsed: &Parsed<'_>,
    hook: Option<&ChangeHook>,
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

async fn read<S: Store + ?Sized>(store: &S, reads: &Reads) -> Result<EventRead, StoreError> {
    let mut read = EventRead::default();
    if let Some(id) = &reads.event_id {
        if store.has_event(id.clone()).await? {
            read.applied = true;
            return Ok(read);
        }
    }
    if let Some(id) = &reads.user {
        let rows = store.users(vec![id.clone()]).await?;
        read.user = rows.into_iter().find(|r| &r.id == id);
        if reads.memberships {
            let rows = store.user_groups(vec![id.clone()]).await?;
            read.memberships = rows
                .into_iter()
                .filter(|m| &m.user_id == id)
                .map(|m| m.group_id)
                .collect::<BTreeSet<_>>();
        }
    }
    if let Some(id) = &reads.group {
        let rows = store.groups(vec![id.clone()]).await?;
        read.group = rows.into_iter().find(|r| &r.id == id);
        if reads.memberships {
            read.memberships = store.group_members(id.clone()).await?.into_iter().collect();
        }
    }
    if !reads.related_groups.is_empty() {
        read.related_groups = store.groups(reads.related_groups.clone()).await?;
    }
    if !reads.related_users.is_empty() {
        read.related_users = store.users(reads.related_users.clone()).await?;
    }
    Ok(read)
}
