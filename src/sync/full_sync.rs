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
//! other's checkpoint (their writes stay correct, their progress does not). Where many processes
//! may run one (a queue consumer, several servers), [`FullSyncStep::lease`] makes that a rule:
//! each step takes the directory's lease (`lease.rs`) and every commit it makes is guarded on it.
//!
//! **Bounded steps** ([`FullSyncStep::max_pages`]): a step commits at most that many pages (or
//! sweep batches) and returns [`StepStatus::More`]; the next step resumes from the checkpoint.
//! A step with [`FullSyncStep::generation`] only continues that generation: a duplicate of a
//! continuation delivered after its run ended does nothing ([`StepStatus::Skipped`]).

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

use serde::{Deserialize, Serialize};

use super::change::CommitHook;
use super::changeset::Checkpoint;
use super::commit::{commit_plan, gave_up};
use super::error::SyncError;
use super::lease::{acquire, lease_key, Acquired, Held, LeaseOptions};
use super::listing::{
    decide_groups_page, decide_missing_group, decide_missing_users, decide_users_page,
    groups_named, Scope,
};
use super::store::{Store, StoreError, UnseenQuery, UsersPageQuery, MAX_CONFLICT_RETRIES};

/// The pause before the second attempt at a page after a lost race is up to this long; it
/// doubles with each attempt up to [`CONFLICT_BACKOFF_CAP_MS`] (at most ~1.1 s in all).
const CONFLICT_BACKOFF_BASE_MS: u64 = 5;
/// The longest pause between two attempts at a page.
const CONFLICT_BACKOFF_CAP_MS: u64 = 500;
use super::summary::SyncSummary;
use super::transition::Plan;
use super::version::Version;
use crate::directory::{
    backoff_ms, DirectoryClient, DirectoryError, DirectoryErrorKind, GroupListOptions, GroupsQuery,
    PageQuery, PageWalker, UserListOptions, UsersQuery, MAX_MEMBER_PAGE_SIZE,
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

/// What one call of a full sync may do: how many commits, which run, under which lease.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FullSyncStep {
    /// Commit at most this many pages and sweep batches, then return [`StepStatus::More`]
    /// (`None`: run to the end; 0 is taken as 1).
    pub max_pages: Option<u32>,
    /// Continue this generation only. `None`: continue the run in progress, or start the next
    /// generation when the last one is done (or there was none) — unless the lease owner is the
    /// one that started that last run: then it is the same start delivered again ([`StepStatus::Skipped`]).
    pub generation: Option<u64>,
    /// Take the directory's lease first, and guard every commit on it.
    pub lease: Option<LeaseOptions>,
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// The run is done (its sweep too); the lease, if any, is released.
    Done,
    /// The page budget ran out: the checkpoint says where the next step resumes.
    More,
    /// Another owner holds the lease: nothing was done.
    Busy,
    /// The generation asked for is not the one in progress (it ended, or another began):
    /// nothing was done.
    Skipped,
}

/// What one step did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepOutcome {
    /// How it ended.
    pub status: StepStatus,
    /// Whether there is nothing left for this run to do (`Done` or `Skipped`).
    pub done: bool,
    /// The generation the step worked on (or found: 0 when there was none).
    pub generation: u64,
    /// Commits made by this step (pages and sweep batches).
    pub pages: u32,
    /// What this step did.
    pub summary: SyncSummary,
    /// What the run did so far, this step included.
    pub total: SyncSummary,
    /// Busy: who holds the lease.
    pub lease_owner: Option<String>,
    /// When the lease held (or, busy, the other owner's) lapses unless renewed.
    pub lease_expires_at: Option<Version>,
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
    /// The lease owner whose step started this generation (leased runs only): a later step of
    /// the same owner without a generation is that start delivered again, not a new run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    /// What the run did so far.
    counts: SyncSummary,
}

/// The checkpoint key of a directory's full sync.
pub(crate) fn checkpoint_key(organization_id: &str, directory_id: &str) -> String {
    format!("full:{organization_id}:{directory_id}")
}

impl Progress {
    fn start(generation: u64, now: Version, owner: Option<&LeaseOptions>) -> Self {
        Self {
            generation,
            phase: Phase::Groups,
            page_token: None,
            after_id: None,
            started_at: now,
            include_unplaced: false,
            owner: owner.map(|l| l.owner.clone()),
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
    hook: Option<&'a CommitHook>,
    options: &'a FullSyncOptions,
    organization_id: &'a str,
    directory_id: &'a str,
    key: String,
    progress: Progress,
    lease: Option<Held<'a>>,
    /// Commits left in this step (`None`: no bound).
    budget: Option<u32>,
    pages: u32,
    /// What this step did.
    step_counts: SyncSummary,
}

/// Runs (or resumes) the full sync of one directory to its end.
pub(crate) async fn full_sync<S: Store + ?Sized>(
    store: &S,
    client: &DirectoryClient,
    scope: (&str, &str),
    now: Version,
    options: &FullSyncOptions,
    hook: Option<&CommitHook>,
) -> Result<SyncSummary, SyncError> {
    let clock = move || now;
    let step = FullSyncStep::default();
    let outcome = full_sync_step(store, client, scope, (now, &clock), options, &step, hook).await?;
    Ok(outcome.total)
}

/// Runs one step of the full sync of one directory (see [`FullSyncStep`]). A leased start (no
/// generation) whose owner started the run stored, now done, is that start delivered again:
/// it is skipped rather than starting another generation. `now` is when the
/// step starts (a new generation's start time), `clock` reads the time for lease renewals.
pub(crate) async fn full_sync_step<S: Store + ?Sized>(
    store: &S,
    client: &DirectoryClient,
    (organization_id, directory_id): (&str, &str),
    (now, clock): (Version, &dyn Fn() -> Version),
    options: &FullSyncOptions,
    step: &FullSyncStep,
    hook: Option<&CommitHook>,
) -> Result<StepOutcome, SyncError> {
    let key = checkpoint_key(organization_id, directory_id);
    let mut outcome = StepOutcome {
        status: StepStatus::Skipped,
        done: true,
        generation: 0,
        pages: 0,
        summary: SyncSummary::default(),
        total: SyncSummary::default(),
        lease_owner: None,
        lease_expires_at: None,
    };
    // The lease first, the progress after: whatever step held the lease before can no longer
    // commit, so the progress read is the last one written.
    let lease = match &step.lease {
        None => None,
        Some(lease) => match acquire(
            store,
            lease_key(organization_id, directory_id),
            lease,
            clock,
        )
        .await?
        {
            Acquired::Held(held) => Some(held),
            Acquired::Busy { owner, expires_at } => {
                outcome.status = StepStatus::Busy;
                outcome.done = false;
                outcome.lease_owner = Some(owner);
                outcome.lease_expires_at = Some(expires_at);
                return Ok(outcome);
            }
        },
    };
    let stored = match store.checkpoint(key.clone()).await? {
        None => None,
        Some(text) => Some(serde_json::from_str::<Progress>(&text).map_err(|e| {
            SyncError::InvalidCheckpoint(format!("checkpoint `{key}` does not read: {e}"))
        })?),
    };
    let owner = step.lease.as_ref();
    // A start (no generation) whose own run is over: the same start delivered again.
    let restart = |p: &Progress| {
        p.phase == Phase::Done && owner.is_some_and(|l| p.owner.as_deref() == Some(&l.owner))
    };
    let mut progress = match (stored, step.generation) {
        (Some(p), Some(g)) if p.generation == g && p.phase != Phase::Done => p,
        (Some(p), None) if restart(&p) => {
            outcome.generation = p.generation;
            if let Some(held) = &lease {
                release(store, held).await?;
            }
            return Ok(outcome);
        }
        (stored, Some(_)) => {
            // Not the run this step continues: leave everything as it is (the lease freed).
            outcome.generation = stored.map_or(0, |p| p.generation);
            if let Some(held) = &lease {
                release(store, held).await?;
            }
            return Ok(outcome);
        }
        (None, None) => Progress::start(1, now, owner),
        (Some(p), None) if p.phase == Phase::Done => {
            Progress::start(p.generation.saturating_add(1), now, owner)
        }
        (Some(p), None) => p,
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
        lease,
        budget: step.max_pages.map(|n| n.max(1)),
        pages: 0,
        step_counts: SyncSummary::default(),
    };
    loop {
        if run.progress.phase != Phase::Done && !run.has_budget() {
            break;
        }
        match run.progress.phase {
            Phase::Groups => run.groups().await?,
            Phase::Users => run.users().await?,
            Phase::SweepGroups => run.sweep_groups().await?,
            Phase::SweepUsers => run.sweep_users().await?,
            Phase::Done => break,
        }
    }
    let done = run.progress.phase == Phase::Done;
    outcome.status = if done {
        StepStatus::Done
    } else {
        StepStatus::More
    };
    outcome.done = done;
    outcome.generation = run.progress.generation;
    outcome.pages = run.pages;
    outcome.summary = run.step_counts;
    outcome.total = run.progress.counts;
    outcome.lease_expires_at = run.lease.as_ref().map(Held::expires_at);
    Ok(outcome)
}

/// Frees a lease held (it expires now), guarded like any leased commit.
async fn release<S: Store + ?Sized>(store: &S, held: &Held<'_>) -> Result<(), SyncError> {
    let (guard, checkpoint, _) = held.renewal(true);
    let cs = super::changeset::Changeset {
        guards: vec![guard],
        checkpoints: vec![checkpoint],
        ..Default::default()
    };
    match store.commit(cs).await {
        Ok(()) => Ok(()),
        // Taken over meanwhile: it is the other step's now, nothing to free.
        Err(StoreError::Conflict(_)) => Ok(()),
        Err(e) => Err(e.into()),
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

    /// Whether this step may commit another page.
    fn has_budget(&self) -> bool {
        self.budget.is_none_or(|b| self.pages < b)
    }

    /// Commits `plan` with the checkpoint `step` makes of the progress (and, leased, the guard
    /// on the lease and its renewal; freed when the run ends); `false`: a conflict, decide
    /// again. A conflict because another step took the lease over stops the run (`lease_lost`).
    async fn commit(
        &mut self,
        mut plan: Plan,
        attempt: u32,
        step: impl FnOnce(&mut Progress),
    ) -> Result<bool, SyncError> {
        let (next, checkpoint) = self.progress.after(&plan, &self.key, step);
        plan.changeset.checkpoints.push(checkpoint);
        let renewal = self.lease.as_ref().map(|held| {
            let (guard, checkpoint, value) = held.renewal(next.phase == Phase::Done);
            plan.changeset.guards.push(guard);
            plan.changeset.checkpoints.push(checkpoint);
            value
        });
        let unchanged = plan.unchanged;
        let changes = match commit_plan(self.store, plan, attempt, self.hook).await {
            Ok(Some(changes)) => changes,
            Ok(None) => {
                self.check_lease().await?;
                self.back_off(attempt).await;
                return Ok(false);
            }
            Err(SyncError::Store(StoreError::Conflict(m))) => {
                self.check_lease().await?;
                return Err(SyncError::Store(StoreError::Conflict(m)));
            }
            Err(e) => return Err(e),
        };
        if let (Some(held), Some(value)) = (self.lease.as_mut(), renewal) {
            held.renewed(value);
        }
        for c in &changes {
            self.step_counts.count_change(c.kind);
        }
        self.step_counts.unchanged += unchanged;
        self.pages = self.pages.saturating_add(1);
        self.progress = next;
        Ok(true)
    }

    /// After a conflict, before reading again: a full-jitter pause that grows with the attempts
    /// (up to [`CONFLICT_BACKOFF_CAP_MS`]). Retrying at once keeps a page in step with a burst of
    /// webhooks for its users (several processes applying them), so every attempt loses the race
    /// again; a random pause lets the burst pass.
    async fn back_off(&self, attempt: u32) {
        let runtime = self.client.runtime();
        let ms = backoff_ms(
            attempt,
            CONFLICT_BACKOFF_BASE_MS,
            CONFLICT_BACKOFF_CAP_MS,
            runtime.random(),
        );
        if ms > 0 {
            runtime.sleep(ms).await;
        }
    }

    /// After a conflict: an error when the lease held was taken over.
    async fn check_lease(&self) -> Result<(), SyncError> {
        match &self.lease {
            Some(held) if !held.still_held(self.store).await? => Err(held.lost()),
            _ => Ok(()),
        }
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
        while self.progress.phase == phase && self.has_budget() {
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
                // A bounded step fetches ahead only while its budget has room for that page: it
                // makes no request it will not use (in a Worker each one is a subrequest).
                Some(page) if self.budget.is_none_or(|b| self.pages.saturating_add(1) < b) => {
                    let next = walker.next_page(self.client);
                    let (done, next) = both(each(self, page), next).await;
                    done?;
                    ahead = Some(next);
                }
                Some(page) => each(self, page).await?,
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
                    let query = UsersPageQuery {
                        users: ids.clone(),
                        groups: named.clone(),
                    };
                    let read = run.store.read_users_page(query).await?;
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
