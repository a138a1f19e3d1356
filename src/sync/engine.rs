//! [`SyncEngine`]: the sync's entry points over one store.

use std::rc::Rc;

use serde::Serialize;
use serde_json::Value;

use super::apply::parse_event;
use super::catch_up::{catch_up, CatchUpOptions};
use super::change::{Change, ChangeHook, CommitHook};
use super::error::SyncError;
use super::event_path::apply_parsed;
use super::full_sync::{full_sync, full_sync_step, FullSyncOptions, FullSyncStep, StepOutcome};
use super::probe::{groups_stated_in_bytes, groups_stated_in_value};
use super::store::Store;
use super::summary::{ApplyStatus, SyncSummary};
use super::version::Version;
use crate::directory::{DirectoryClient, ListOptions, LocalBoxFuture, PageWalker};
use crate::model::DirectoryEvent;
use crate::normalize::{normalize_event, normalize_event_value};

/// What applying one event did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventOutcome {
    /// Applied, duplicate, stale or ignored.
    pub status: ApplyStatus,
    /// The event, normalized.
    pub event: DirectoryEvent,
    /// The changes it made (empty unless applied).
    pub changes: Vec<Change>,
}

/// Keeps a store in step with a directory: webhooks, catch-ups from the events API, and full
/// syncs. Every decision is the core's; the store only reads and commits (see [`Store`]).
///
/// Conflicts (another writer changed what a decision read) are retried: read again, decide
/// again, up to [`super::MAX_CONFLICT_RETRIES`] times. Webhook signatures are checked before
/// an event gets here (`crate::webhook`): nothing is read or written for a payload that fails.
pub struct SyncEngine<S> {
    store: S,
    on_change: Option<Box<CommitHook>>,
}

impl<S> std::fmt::Debug for SyncEngine<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncEngine")
            .field("on_change", &self.on_change.is_some())
            .finish_non_exhaustive()
    }
}

impl<S: Store> SyncEngine<S> {
    /// An engine over `store`.
    pub fn new(store: S) -> Self {
        Self {
            store,
            on_change: None,
        }
    }

    /// Calls `hook` with every change, after the commit that made it (in commit order; at most
    /// once per change), each call awaited before the next.
    pub fn with_on_change(
        self,
        hook: impl Fn(Change) -> LocalBoxFuture<'static, ()> + 'static,
    ) -> Self {
        let hook: Rc<ChangeHook> = Rc::new(hook);
        self.with_on_commit(move |changes: Vec<Change>| -> LocalBoxFuture<'static, ()> {
            let hook = Rc::clone(&hook);
            Box::pin(async move {
                for change in changes {
                    hook(change).await;
                }
            })
        })
    }

    /// Calls `hook` once after each commit that made changes, with all of them in commit order
    /// (at most once per change). Replaces a hook set by [`Self::with_on_change`].
    pub fn with_on_commit(
        mut self,
        hook: impl Fn(Vec<Change>) -> LocalBoxFuture<'static, ()> + 'static,
    ) -> Self {
        self.on_change = Some(Box::new(hook));
        self
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Applies one event given as its JSON text (a verified webhook body, either envelope
    /// shape). Errors: the normalizer's codes for text that does not read, `invalid_event`
    /// for an event that cannot be applied, `store_*`.
    pub async fn apply_event(&self, payload: &[u8]) -> Result<EventOutcome, SyncError> {
        let event = normalize_event(payload)?;
        let groups_stated = groups_stated_in_bytes(payload);
        self.apply_directory_event(event, groups_stated).await
    }

    /// [`SyncEngine::apply_event`] for an envelope already parsed.
    pub async fn apply_event_value(&self, envelope: Value) -> Result<EventOutcome, SyncError> {
        let groups_stated = groups_stated_in_value(&envelope);
        let event = normalize_event_value(envelope)?;
        self.apply_directory_event(event, groups_stated).await
    }

    /// Applies a normalized event. `groups_stated`: whether the raw event's `data.groups` was
    /// a non-null array — the normalized user always has an array, so the caller must say;
    /// only then does the event set the user's memberships.
    pub async fn apply_directory_event(
        &self,
        event: DirectoryEvent,
        groups_stated: bool,
    ) -> Result<EventOutcome, SyncError> {
        let parsed = parse_event(&event, groups_stated)?;
        let (status, changes) =
            apply_parsed(&self.store, &parsed, self.on_change.as_deref()).await?;
        Ok(EventOutcome {
            status,
            event,
            changes,
        })
    }

    /// Runs (or resumes, from its checkpoint) the full sync of one directory. `now` is when
    /// this run starts (a resumed run keeps its first start).
    pub async fn full_sync(
        &self,
        client: &DirectoryClient,
        organization_id: &str,
        directory_id: &str,
        now: Version,
        options: &FullSyncOptions,
    ) -> Result<SyncSummary, SyncError> {
        let hook = self.on_change.as_deref();
        let scope = (organization_id, directory_id);
        full_sync(&self.store, client, scope, now, options, hook).await
    }

    /// One step of the full sync of one directory: at most `step.max_pages` commits, under
    /// the directory's lease when `step.lease` is given (see [`FullSyncStep`]). `clock` says
    /// the time for lease renewals; `clock()` at the start dates a new generation.
    pub async fn full_sync_step(
        &self,
        client: &DirectoryClient,
        (organization_id, directory_id): (&str, &str),
        clock: &dyn Fn() -> Version,
        options: &FullSyncOptions,
        step: &FullSyncStep,
    ) -> Result<StepOutcome, SyncError> {
        let hook = self.on_change.as_deref();
        let scope = (organization_id, directory_id);
        let now = clock();
        full_sync_step(
            &self.store,
            client,
            scope,
            (now, clock),
            options,
            step,
            hook,
        )
        .await
    }

    /// [`SyncEngine::full_sync`] of each directory of one organization, one after the other;
    /// the summary adds theirs up. A failure stops the run (each directory resumes from its own
    /// checkpoint next time; those finished start a new generation).
    pub async fn full_sync_organization(
        &self,
        client: &DirectoryClient,
        organization_id: &str,
        now: Version,
        options: &FullSyncOptions,
    ) -> Result<SyncSummary, SyncError> {
        let mut total = SyncSummary::default();
        for dir in client.list_directories(organization_id).await? {
            if let Some(dir_id) = dir.id() {
                total.add(
                    self.full_sync(client, organization_id, dir_id, now, options)
                        .await?,
                );
            }
        }
        Ok(total)
    }

    /// [`SyncEngine::full_sync_organization`] of every organization, one after the other.
    pub async fn full_sync_all(
        &self,
        client: &DirectoryClient,
        now: Version,
        options: &FullSyncOptions,
    ) -> Result<SyncSummary, SyncError> {
        let mut total = SyncSummary::default();
        let orgs = PageWalker::organizations(ListOptions {
            page_size: Some(crate::directory::MAX_ORGANIZATION_PAGE_SIZE),
            page_token: None,
        })?;
        while let Some(page) = orgs.next_page(client).await? {
            for org in page.organizations.iter().filter_map(|o| o.id()) {
                total.add(
                    self.full_sync_organization(client, org, now, options)
                        .await?,
                );
            }
        }
        Ok(total)
    }

    /// Replays the events the API holds from the last catch-up (minus the lag) to `now`.
    pub async fn catch_up(
        &self,
        client: &DirectoryClient,
        now: Version,
        options: &CatchUpOptions,
    ) -> Result<SyncSummary, SyncError> {
        catch_up(&self.store, client, now, options, self.on_change.as_deref()).await
    }
}
