//! A full sync of one directory: a streaming plan that reconciles the store with the listings.
//!
//! Groups page by page, then users page by page, then the sweep of what the listings did not
//! show (see `listing.rs` for the rules). Each page (and each sweep batch) is one commit, made
//! together with the checkpoint `full:{organization}:{directory}` that says where to go on; a
//! run that stops (crash, error) resumes there with the same generation, and the pages already
//! committed are not applied — nor reported — again. Memory: one page and one sweep batch,
//! plus the members of one missing group.
//!
//! One full sync per directory at a time: two runs of the same directory would overwrite each
//! other's checkpoint (their writes stay correct, their progress does not).

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

use serde::{Deserialize, Serialize};

use super::change::ChangeHook;
use super::changeset::Checkpoint;
use super::commit::{commit_plan, gave_up};
use super::error::SyncError;
use super::listing::{
    decide_groups_page, decide_missing_group, decide_missing_users, decide_users_page,
    groups_named, Scope, UsersPageRead,
};
use super::store::{Store, UnseenQuery, MAX_CONFLICT_RETRIES};
use super::summary::SyncSummary;
use super::transition::Plan;
use super::version::Version;
use crate::directory::{
    DirectoryClient, DirectoryError, DirectoryErrorKind, GroupListOptions, GroupsQuery, PageQuery,
    PageWalker, UserListOptions, UsersQuery, MAX_MEMBER_PAGE_SIZE,
};

/// What a full sync does with a user the listing does not show any more.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnMissing {
    /// Deactivate it (`user_deactivated`); it comes back if a listing or event shows it again.
    #[default]
    Deactivate,
    /// Delete it: a tombstone, and its memberships removed (`user_deleted`).
    Delete,
}

/// Options of a full sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FullSyncOptions {
    /// Users missing from the listing: deactivated (default) or deleted.
    pub on_missing: OnMissing,
    /// Items per listing page, 1–30 (default 30, the most the API gives).
    pub page_size: u32,
    /// Rows per sweep batch (default 100; 0 is taken as 1).
    pub sweep_batch: u32,
}

impl Default for FullSyncOptions {
    fn default() -> Self {
        Self {
            on_missing: OnMissing::Deactivate,
            page_size: MAX_MEMBER_PAGE_SIZE,
            sweep_batch: 100,
        }
    }
}

/// Where a full sync is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Phase {
    Groups,
    Users,
    SweepGroups,
    SweepUsers,
    Done,
}

/// The checkpoint's value (JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Progress {
    /// This run's generation: rows it listed carry it.
    generation: u64,
    phase: Phase,
    /// The next listing page (`None`: the first).
    page_token: Option<String>,
    /// The last row swept.
    after_id: Option<String>,
    /// When the run started: rows changed since are not missing.
    started_at: Version,
    /// Whether the sweep also takes the organization's rows of unknown directory (it has only
    /// this directory), decided when the run starts.
    #[serde(default)]
    include_unplaced: bool,
    /// What the run did so far.
    counts: SyncSummary,
}

/// The checkpoint key of a directory's full sync.
pub(crate) fn checkpoint_key(organization_id: &str, directory_id: &str) -> String {
    format!("full:{organization_id}:{directory_id}")
}

impl Progress {
    fn start(generation: u64, now: Version) -> Self {
        Self {
            generation,
            phase: Phase::Groups,
            page_token: None,
            after_id: None,
            started_at: now,
            include_unplaced: false,
            counts: SyncSummary::default(),
        }
    }

    /// This progress after `plan`, as the checkpoint that commits with it.
    fn after(
        &self,
        plan: &Plan,
        key: &str,
        step: impl FnOnce(&mut Progress),
    ) -> (Self, Checkpoint) {
        let mut next = self.clone();
        for c in &plan.changes {
            next.counts.count_change(c.kind);
        }
        next.counts.unchanged += plan.unchanged;
        step(&mut next);
        // A plain struct of strings and numbers: serializing it cannot fail.
        let value = serde_json::to_string(&next).unwrap_or_default();
        let checkpoint = Checkpoint {
            key: key.to_owned(),
            value,
        };
        (next, checkpoint)
    }
}

/// The run of one directory's full sync.
struct Run<'a, S: ?Sized> {
    store: &'a S,
    client: &'a DirectoryClient,
    hook: Option<&'a ChangeHook>,
    options: &'a FullSyncOptions,
    organization_id: &'a str,
    directory_id: &'a str,
    key: String,
    progress: Progress,
}

/// Runs (or resumes) the full sync of one directory.
pub(crate) async fn full_sync<S: Store + ?Sized>(
    store: &S,
    client: &DirectoryClient,
    (organization_id, directory_id): (&str, &str),
    now: Version,
    options: &FullSyncOptions,
    hook: Option<&ChangeHook>,
) -> Result<SyncSummary, SyncError> {
    let key = checkpoint_key(organization_id, directory_id);
    let mut progress = match store.checkpoint(key.clone()).await? {
        None => Progress::start(1, now),
        Some(text) => {
            let p: Progress = serde_json::from_str(&text).map_err(|e| {
                SyncError::InvalidCheckpoint(format!("checkpoint `{key}` does not read: {e}"))
            })?;
            if p.phase == Phase::Done {
                Progress::start(p.generation.saturating_add(1), now)
            } else {
                p
            }
        }
    };
    if progress.phase == Phase::Groups && progress.page_token.is_none() {
        // Users known only from webhooks have no directory: when the organization has this one
        // directory only, they are its own, and a user deleted there must not outlive the sweep.
        let dirs = client.list_directories(organization_id).await?;
        progress.include_unplaced =
            dirs.len() == 1 && dirs.iter().all(|d| d.id() == Some(directory_id));
    }
    let mut run = Run {
        store,
        client,
        hook,
        options,
        organization_id,
        directory_id,
        key,
        progress,
    };
    loop {
        match run.progress.phase {
            Phase::Groups => run.groups().await?,
            Phase::Users => run.users().await?,
            Phase::SweepGroups => run.sweep_groups().await?,
            Phase::SweepUsers => run.sweep_users().await?,
            Phase::Done => return Ok(run.progress.counts),
        }
    }
}

impl<S: Store + ?Sized> Run<'_, S> {
    fn scope(&self) -> Scope<'_> {
        Scope {
            organization_id: self.organization_id,
            directory_id: self.directory_id,
            generation: self.progress.generation,
            started_at: self.progress.started_at,
        }
    }

    /// Commits `plan` with the checkpoint `step` makes of the progress; `false`: a conflict,
    /// decide again.
    async fn commit(
        &mut self,
        mut plan: Plan,
        attempt: u32,
        step: impl FnOnce(&mut Progress),
    ) -> Result<bool, SyncError> {
        let (next, checkpoint) = self.progress.after(&plan, &self.key, step);
        plan.changeset.checkpoints.push(checkpoint);
        if commit_plan(self.store, plan, attempt, self.hook)
            .await?
            .is_some()
        {
            self.progress = next;
            return Ok(true);
        }
        Ok(false)
    }

    /// The walk of a listing from the stored page token. A server that rejects a stored token
    /// (`invalid_argument`, e.g. it expired) restarts the listing from its first page, once:
    /// rows already marked stay marked, so the result is the same.
    async fn walk<Q: PageQuery>(
        &mut self,
        make: impl Fn(Option<String>) -> Q,
        mut each: impl AsyncFnMut(&mut Self, Q::Page) -> Result<(), SyncError>,
        phase: Phase,
    ) -> Result<(), SyncError> {
        let resumed = self.progress.page_token.is_some();
        // The loop below keeps one page ahead itself; the walker's own prefetch would add a
        // second request in flight.
        let mut walker =
            PageWalker::new(make(self.progress.page_token.clone()))?.with_prefetch(false);
        let mut first = true;
        // The next page, fetched while the current one was decided and committed.
        let mut ahead = None;
        while self.progress.phase == phase {
            let fetched = match ahead.take() {
                Some(fetched) => fetched,
                None => walker.next_page(self.client).await,
            };
            let page = match fetched {
                Err(e) if first && resumed && rejected_token(&e) => {
                    walker = PageWalker::new(make(None))?;
                    first = false;
                    continue;
                }
                Err(e) => return Err(e.into()),
                Ok(page) => page,
            };
            first = false;
            match page {
                // Exactly one page ahead: the request for the next page runs (the server works,
                // the body arrives and is read) while this one is decided and committed, instead
                // of after. After the last page the walker answers `None` without a request.
                Some(page) => {
                    let next = walker.next_page(self.client);
                    let (done, next) = both(each(self, page), next).await;
                    done?;
                    ahead = Some(next);
                }
                // Only when the listing ends without a last page (never from a fresh walk).
                None => return Err(ended_early()),
            }
        }
        Ok(())
    }

    async fn groups(&mut self) -> Result<(), SyncError> {
        let (org, dir) = (
            self.organization_id.to_owned(),
            self.directory_id.to_owned(),
        );
        let page_size = self.options.page_size;
        let make = move |page_token| GroupsQuery {
            organization_id: org.clone(),
            directory_id: dir.clone(),
            options: GroupListOptions {
                page_size: Some(page_size),
                page_token,
                include_detail: Some(true),
                ..GroupListOptions::default()
            },
        };
        self.walk(
            make,
            async |run: &mut Self, page: crate::directory::GroupsPage| {
                let next = page.next_page_token.clone();
                let ids = page.groups.iter().filter_map(|g| g.id.clone()).collect();
                for attempt in 0..=MAX_CONFLICT_RETRIES {
                    let stored = run.store.groups(Vec::clone(&ids)).await?;
                    let plan = decide_groups_page(run.scope(), &page.groups, stored)?;
                    let next = next.clone();
                    let step = |p: &mut Progress| match next {
                        Some(t) => p.page_token = Some(t),
                        None => {
                            p.page_token = None;
                            p.phase = Phase::Users;
                        }
                    };
                    if run.commit(plan, attempt, step).await? {
                        return Ok(());
                    }
                }
                Err(gave_up("no attempt left"))
            },
            Phase::Groups,
        )
        .await
    }

    async fn users(&mut self) -> Result<(), SyncError> {
        let (org, dir) = (
            self.organization_id.to_owned(),
            self.directory_id.to_owned(),
        );
        let page_size = self.options.page_size;
        let make = move |page_token| UsersQuery {
            organization_id: org.clone(),
            directory_id: dir.clone(),
            options: UserListOptions {
                page_size: Some(page_size),
                page_token,
                include_detail: Some(true),
                ..UserListOptions::default()
            },
        };
        self.walk(
            make,
            async |run: &mut Self, page: crate::directory::UsersPage| {
                let next = page.next_page_token.clone();
                let ids: Vec<String> = page.users.iter().filter_map(|u| u.id.clone()).collect();
                let named = groups_named(&page.users);
                for attempt in 0..=MAX_CONFLICT_RETRIES {
                    let read = UsersPageRead {
                        users: run.store.users(ids.clone()).await?,
                        memberships: run.store.user_groups(ids.clone()).await?,
                        groups: if named.is_empty() {
                            Vec::new()
                        } else {
                            run.store.groups(named.clone()).await?
                        },
                    };
                    let plan = decide_users_page(run.scope(), &page.users, read)?;
                    let next = next.clone();
                    let step = |p: &mut Progress| match next {
                        Some(t) => p.page_token = Some(t),
                        None => {
                            p.page_token = None;
                            p.phase = Phase::SweepGroups;
                        }
                    };
                    if run.commit(plan, attempt, step).await? {
                        return Ok(());
                    }
                }
                Err(gave_up("no attempt left"))
            },
            Phase::Users,
        )
        .await
    }

    fn unseen(&self) -> UnseenQuery {
        UnseenQuery {
            organization_id: self.organization_id.to_owned(),
            directory_id: self.directory_id.to_owned(),
            generation: self.progress.generation,
            include_unplaced: self.progress.include_unplaced,
            after_id: self.progress.after_id.clone(),
            limit: self.options.sweep_batch.max(1),
        }
    }

    async fn sweep_groups(&mut self) -> Result<(), SyncError> {
        for attempt in 0..=MAX_CONFLICT_RETRIES {
            let rows = self.store.unseen_groups(self.unseen()).await?;
            let mut plan = Plan::default();
            for row in &rows {
                let members = self.store.group_members(row.id.clone()).await?;
                let one = decide_missing_group(self.scope(), row, &members);
                merge(&mut plan, one);
            }
            let last = rows.last().map(|r| r.id.clone());
            let step = |p: &mut Progress| match last {
                Some(id) => p.after_id = Some(id),
                None => {
                    p.after_id = None;
                    p.phase = Phase::SweepUsers;
                }
            };
            if self.commit(plan, attempt, step).await? {
                return Ok(());
            }
        }
        Err(gave_up("no attempt left"))
    }

    async fn sweep_users(&mut self) -> Result<(), SyncError> {
        let delete = self.options.on_missing == OnMissing::Delete;
        for attempt in 0..=MAX_CONFLICT_RETRIES {
            let rows = self.store.unseen_users(self.unseen()).await?;
            let memberships = if delete && !rows.is_empty() {
                let ids = rows.iter().map(|r| r.id.clone()).collect();
                self.store.user_groups(ids).await?
            } else {
                Vec::new()
            };
            let plan = decide_missing_users(self.scope(), &rows, &memberships, delete);
            let last = rows.last().map(|r| r.id.clone());
            let step = |p: &mut Progress| match last {
                Some(id) => p.after_id = Some(id),
                None => {
                    p.after_id = None;
                    p.phase = Phase::Done;
                }
            };
            if self.commit(plan, attempt, step).await? {
                return Ok(());
            }
        }
        Err(gave_up("no attempt left"))
    }
}

/// Adds `other`'s writes and changes to `plan`.
fn merge(plan: &mut Plan, other: Plan) {
    let (cs, o) = (&mut plan.changeset, other.changeset);
    cs.guards.extend(o.guards);
    cs.put_users.extend(o.put_users);
    cs.put_groups.extend(o.put_groups);
    cs.add_members.extend(o.add_members);
    cs.remove_members.extend(o.remove_members);
    plan.changes.extend(other.changes);
    plan.unchanged += other.unchanged;
}

/// Runs two futures together on the current task (each polled when the task wakes, until both
/// are done): the store's work and a page request overlap.
async fn both<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut ra, mut rb) = (None, None);
    poll_fn(move |cx| {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        match (ra.take(), rb.take()) {
            (Some(x), Some(y)) => Poll::Ready((x, y)),
            (x, y) => {
                (ra, rb) = (x, y);
                Poll::Pending
            }
        }
    })
    .await
}

fn rejected_token(e: &DirectoryError) -> bool {
    e.kind == DirectoryErrorKind::InvalidArgument && e.status.is_some()
}

fn ended_early() -> SyncError {
    SyncError::Directory(DirectoryError::new(
        DirectoryErrorKind::InvalidResponse,
        "the listing ended without a last page",
    ))
}
