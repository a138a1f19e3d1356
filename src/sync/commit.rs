//! Committing a plan: one atomic changeset, then the changes reported; a conflict means "read
//! and decide again", up to [`MAX_CONFLICT_RETRIES`] times.

use super::change::{Change, CommitHook};
use super::error::SyncError;
use super::store::{Store, StoreError, MAX_CONFLICT_RETRIES};
use super::transition::Plan;

/// Commits `plan` (attempt `attempt`, from 0) and reports its changes to `hook` (one call). `Ok(None)`:
/// a conflict, read and decide again; after the last attempt a conflict is an error.
pub(crate) async fn commit_plan<S: Store + ?Sized>(
    store: &S,
    plan: Plan,
    attempt: u32,
    hook: Option<&CommitHook>,
) -> Result<Option<Vec<Change>>, SyncError> {
    if !plan.changeset.is_empty() {
        match store.commit(plan.changeset).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) if attempt < MAX_CONFLICT_RETRIES => return Ok(None),
            Err(StoreError::Conflict(m)) => return Err(gave_up(&m)),
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(hook) = hook.filter(|_| !plan.changes.is_empty()) {
        hook(plan.changes.clone()).await;
    }
    Ok(Some(plan.changes))
}

/// The error after the last conflict.
pub(crate) fn gave_up(last: &str) -> SyncError {
    SyncError::Store(StoreError::Conflict(format!(
        "gave up after {} attempts, each losing a race with another writer (last: {last})",
        MAX_CONFLICT_RETRIES + 1
    )))
}
