//! [`SyncSummary`]: what a full sync or a catch-up did, in counts.

use serde::{Deserialize, Serialize};

use super::change::ChangeKind;

/// Status of one event: what applying it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplyStatus {
    /// It was applied (its id is now stored), possibly with no visible change.
    Applied,
    /// Its id was applied before: nothing changed.
    Duplicate,
    /// The store holds a newer state of its user or group: nothing changed but its id, which
    /// is recorded, so a repeat is [`ApplyStatus::Duplicate`].
    Stale,
    /// Not a user or group event (directory enabled/disabled, unknown types): nothing changed
    /// but its id, which is recorded.
    Ignored,
}

/// An event a catch-up could not apply (it does not read, or lacks what applying needs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedEvent {
    /// The event id, when it has one.
    pub id: Option<String>,
    /// The error code (`invalid_event`, `invalid_value`, …).
    pub code: String,
    /// What was wrong.
    pub message: String,
}

/// Most [`RejectedEvent`]s a summary lists (the count goes on).
pub const MAX_REJECTED_LISTED: usize = 100;

/// Counts of a full sync or a catch-up: one per kind of change, the listed items that needed
/// none, and for catch-ups the status of each event read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncSummary {
    /// Users created.
    pub user_created: u64,
    /// Users updated.
    pub user_updated: u64,
    /// Users deactivated.
    pub user_deactivated: u64,
    /// Users reactivated.
    pub user_reactivated: u64,
    /// Users deleted.
    pub user_deleted: u64,
    /// Groups created.
    pub group_created: u64,
    /// Groups updated.
    pub group_updated: u64,
    /// Groups deleted.
    pub group_deleted: u64,
    /// Memberships added.
    pub member_added: u64,
    /// Memberships removed.
    pub member_removed: u64,
    /// Full sync: listed users and groups that needed no change, and missing users already
    /// inactive.
    pub unchanged: u64,
    /// Events applied.
    pub applied: u64,
    /// Events already applied before.
    pub duplicate: u64,
    /// Events older than the stored state.
    pub stale: u64,
    /// Events of other kinds.
    pub ignored: u64,
    /// Events that could not be applied; the first ones are in `rejected_events`.
    pub rejected: u64,
    /// The first [`MAX_REJECTED_LISTED`] rejected events.
    pub rejected_events: Vec<RejectedEvent>,
}

impl SyncSummary {
    /// Counts one change.
    pub(crate) fn count_change(&mut self, kind: ChangeKind) {
        *self.count_of(kind) += 1;
    }

    /// The count of one kind of change.
    pub fn changes_of(&self, kind: ChangeKind) -> u64 {
        match kind {
            ChangeKind::UserCreated => self.user_created,
            ChangeKind::UserUpdated => self.user_updated,
            ChangeKind::UserDeactivated => self.user_deactivated,
            ChangeKind::UserReactivated => self.user_reactivated,
            ChangeKind::UserDeleted => self.user_deleted,
            ChangeKind::GroupCreated => self.group_created,
            ChangeKind::GroupUpdated => self.group_updated,
            ChangeKind::GroupDeleted => self.group_deleted,
            ChangeKind::MemberAdded => self.member_added,
            ChangeKind::MemberRemoved => self.member_removed,
        }
    }

    /// All changes counted.
    pub fn total_changes(&self) -> u64 {
        ChangeKind::ALL.iter().map(|k| self.changes_of(*k)).sum()
    }

    fn count_of(&mut self, kind: ChangeKind) -> &mut u64 {
        match kind {
            ChangeKind::UserCreated => &mut self.user_created,
            ChangeKind::UserUpdated => &mut self.user_updated,
            ChangeKind::UserDeactivated => &mut self.user_deactivated,
            ChangeKind::UserReactivated => &mut self.user_reactivated,
            ChangeKind::UserDeleted => &mut self.user_deleted,
            ChangeKind::GroupCreated => &mut self.group_created,
            ChangeKind::GroupUpdated => &mut self.group_updated,
            ChangeKind::GroupDeleted => &mut self.group_deleted,
            ChangeKind::MemberAdded => &mut self.member_added,
            ChangeKind::MemberRemoved => &mut self.member_removed,
        }
    }

    /// Counts one event's status.
    pub(crate) fn count_status(&mut self, status: ApplyStatus) {
        match status {
            ApplyStatus::Applied => self.applied += 1,
            ApplyStatus::Duplicate => self.duplicate += 1,
            ApplyStatus::Stale => self.stale += 1,
            ApplyStatus::Ignored => self.ignored += 1,
        }
    }

    /// Counts one rejected event, listing it while there is room.
    pub(crate) fn reject(&mut self, event: RejectedEvent) {
        self.rejected += 1;
        if self.rejected_events.len() < MAX_REJECTED_LISTED {
            self.rejected_events.push(event);
        }
    }

    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: SyncSummary) {
        for kind in ChangeKind::ALL {
            *self.count_of(kind) += other.changes_of(kind);
        }
        self.unchanged += other.unchanged;
        self.applied += other.applied;
        self.duplicate += other.duplicate;
        self.stale += other.stale;
        self.ignored += other.ignored;
        self.rejected += other.rejected;
        for e in other.rejected_events {
            if self.rejected_events.len() < MAX_REJECTED_LISTED {
                self.rejected_events.push(e);
            }
        }
    }
}
