//! A lease on one directory's full sync, kept as the checkpoint `lease:{organization}:{directory}`
//! so it needs nothing of a store but the port: taking it is a commit guarded on the value read,
//! and every page a leased run commits is guarded on the value it holds and renews it. A run
//! whose lease was taken over can therefore not write another page: its commit conflicts, and
//! it stops with `lease_lost`.
//!
//! The owner names a run, not a process: a continuation of a bounded step carries the owner of
//! the step that sent it and takes the lease again at once, even if it is another process (the
//! one that held it may have died after sending). Two deliveries of one continuation both take
//! it, one after the other; the later one wins and the earlier stops at its next commit. Another
//! owner waits until the lease expires.

use serde::{Deserialize, Serialize};

use super::changeset::{Changeset, Checkpoint, Guard};
use super::error::SyncError;
use super::store::{Store, StoreError};
use super::version::Version;

/// How long a lease lasts without a commit renewing it, by default (seconds).
pub const DEFAULT_LEASE_TTL_SECONDS: u64 = 60;

/// Who takes a directory's full-sync lease, and for how long each commit renews it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseOptions {
    /// The run's name: steps with the same owner take the lease over at once.
    pub owner: String,
    /// Seconds the lease lasts after a commit (default [`DEFAULT_LEASE_TTL_SECONDS`]; 0 is 1).
    pub ttl_seconds: u64,
}

impl LeaseOptions {
    /// A lease for `owner` with the default time to live.
    pub fn new(owner: impl Into<String>) -> Self {
        Self {
            owner: owner.into(),
            ttl_seconds: DEFAULT_LEASE_TTL_SECONDS,
        }
    }
}

/// The checkpoint's value (JSON). `seq` moves with every write, so two writes of one owner in
/// the same millisecond still differ and a guard on the older one fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct LeaseValue {
    owner: String,
    expires_at: Version,
    seq: u64,
}

impl LeaseValue {
    fn text(&self) -> String {
        // Strings and numbers only: serializing cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The checkpoint key of a directory's full-sync lease.
pub(crate) fn lease_key(organization_id: &str, directory_id: &str) -> String {
    format!("lease:{organization_id}:{directory_id}")
}

/// A lease this run holds: each commit carries [`Held::renewal`].
pub(crate) struct Held<'a> {
    key: String,
    options: LeaseOptions,
    current: LeaseValue,
    /// The value as stored (what the next commit's guard names).
    stored: String,
    clock: &'a dyn Fn() -> Version,
}

/// What taking the lease found.
pub(crate) enum Acquired<'a> {
    /// It is this run's now.
    Held(Held<'a>),
    /// Another owner holds it until `expires_at`.
    Busy {
        /// Who holds it.
        owner: String,
        /// When it lapses unless renewed.
        expires_at: Version,
    },
}

/// Takes the lease `key` for `options.owner` when it is free, expired or already this owner's.
pub(crate) async fn acquire<'a, S: Store + ?Sized>(
    store: &S,
    key: String,
    options: &LeaseOptions,
    clock: &'a dyn Fn() -> Version,
) -> Result<Acquired<'a>, SyncError> {
    let read = store.checkpoint(key.clone()).await?;
    let now = clock();
    let previous = match &read {
        None => None,
        Some(text) => Some(serde_json::from_str::<LeaseValue>(text).map_err(|e| {
            SyncError::InvalidCheckpoint(format!("lease `{key}` does not read: {e}"))
        })?),
    };
    if let Some(p) = &previous {
        if p.owner != options.owner && p.expires_at > now {
            return Ok(Acquired::Busy {
                owner: p.owner.clone(),
                expires_at: p.expires_at,
            });
        }
    }
    let current = LeaseValue {
        owner: options.owner.clone(),
        expires_at: now.plus_seconds(options.ttl_seconds.max(1)),
        seq: previous.as_ref().map_or(1, |p| p.seq.saturating_add(1)),
    };
    let stored = current.text();
    let take = Changeset {
        guards: vec![Guard::Checkpoint {
            key: key.clone(),
            value: read,
        }],
        checkpoints: vec![Checkpoint {
            key: key.clone(),
            value: stored.clone(),
        }],
        ..Changeset::default()
    };
    match store.commit(take).await {
        Ok(()) => Ok(Acquired::Held(Held {
            key,
            options: options.clone(),
            current,
            stored,
            clock,
        })),
        // Another step took it between the read and the commit.
        Err(StoreError::Conflict(_)) => {
            let now_held = store.checkpoint(key.clone()).await?;
            let by = now_held
                .and_then(|t| serde_json::from_str::<LeaseValue>(&t).ok())
                .map_or((String::new(), now), |v| (v.owner, v.expires_at));
            Ok(Acquired::Busy {
                owner: by.0,
                expires_at: by.1,
            })
        }
        Err(e) => Err(e.into()),
    }
}

impl Held<'_> {
    /// The guard ("the lease is still the value I hold") and the renewed value a commit
    /// carries; `release` writes it expired now instead (the run is over). Call
    /// [`Held::renewed`] once that commit succeeded.
    pub(crate) fn renewal(&self, release: bool) -> (Guard, Checkpoint, LeaseValueNext) {
        let now = (self.clock)();
        let next = LeaseValue {
            owner: self.options.owner.clone(),
            expires_at: if release {
                now
            } else {
                now.plus_seconds(self.options.ttl_seconds.max(1))
            },
            seq: self.current.seq.saturating_add(1),
        };
        let text = next.text();
        let guard = Guard::Checkpoint {
            key: self.key.clone(),
            value: Some(self.stored.clone()),
        };
        let checkpoint = Checkpoint {
            key: self.key.clone(),
            value: text.clone(),
        };
        (guard, checkpoint, LeaseValueNext(next, text))
    }

    /// The renewal committed: the lease is now that value.
    pub(crate) fn renewed(&mut self, next: LeaseValueNext) {
        self.current = next.0;
        self.stored = next.1;
    }

    /// When the lease held lapses unless renewed.
    pub(crate) fn expires_at(&self) -> Version {
        self.current.expires_at
    }

    /// After a conflict: whether the lease is still the value held (if not, another step took
    /// it over and this one must stop).
    pub(crate) async fn still_held<S: Store + ?Sized>(&self, store: &S) -> Result<bool, SyncError> {
        Ok(store.checkpoint(self.key.clone()).await?.as_deref() == Some(self.stored.as_str()))
    }

    /// The error of a run that lost its lease.
    pub(crate) fn lost(&self) -> SyncError {
        SyncError::LeaseLost(format!(
            "the full-sync lease `{}` of owner `{}` was taken over by another step; this step stopped, and the page it was on was not written",
            self.key, self.options.owner
        ))
    }
}

/// A renewed lease value, to hand back to [`Held::renewed`] after its commit.
pub(crate) struct LeaseValueNext(LeaseValue, String);
