//! What a sync reports: one [`Change`] per user, group or membership it changed.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::directory::LocalBoxFuture;
use crate::model::{DirectoryGroup, DirectoryUser};

/// The kind of a [`Change`]; serialized in snake_case (`user_created`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A user appeared (first seen, or re-provisioned after a delete).
    UserCreated,
    /// A user's fields changed (other than `active`, `updated_at` and `raw_attributes`).
    UserUpdated,
    /// A user went from active to inactive (other fields may have changed too).
    UserDeactivated,
    /// A user went from inactive to active (other fields may have changed too).
    UserReactivated,
    /// A user was deleted.
    UserDeleted,
    /// A group appeared (first seen, or re-created after a delete).
    GroupCreated,
    /// A group's fields changed (other than `updated_at` and `raw_attributes`).
    GroupUpdated,
    /// A group was deleted.
    GroupDeleted,
    /// A user joined a group.
    MemberAdded,
    /// A user left a group (or the group or the user was deleted).
    MemberRemoved,
}

impl ChangeKind {
    /// Every kind, in the order above.
    pub const ALL: [ChangeKind; 10] = [
        Self::UserCreated,
        Self::UserUpdated,
        Self::UserDeactivated,
        Self::UserReactivated,
        Self::UserDeleted,
        Self::GroupCreated,
        Self::GroupUpdated,
        Self::GroupDeleted,
        Self::MemberAdded,
        Self::MemberRemoved,
    ];

    /// The snake_case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UserCreated => "user_created",
            Self::UserUpdated => "user_updated",
            Self::UserDeactivated => "user_deactivated",
            Self::UserReactivated => "user_reactivated",
            Self::UserDeleted => "user_deleted",
            Self::GroupCreated => "group_created",
            Self::GroupUpdated => "group_updated",
            Self::GroupDeleted => "group_deleted",
            Self::MemberAdded => "member_added",
            Self::MemberRemoved => "member_removed",
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change to the local copy, reported after the commit that made it.
///
/// `before` and `after` are the whole user or group in the normalized model (as stored, so
/// without `groups` / `members`): `before` is `null` for a creation, `after` for a deletion;
/// both are `null` for memberships, where `id` is the user's and `group_id` names the group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// What happened.
    pub kind: ChangeKind,
    /// The organization of the user or group.
    pub organization_id: String,
    /// Its directory, when known.
    pub directory_id: Option<String>,
    /// The user's id (user kinds and memberships) or the group's (group kinds).
    pub id: String,
    /// For memberships: the group.
    pub group_id: Option<String>,
    /// The state before; `null` for creations and memberships.
    pub before: Option<ChangeState>,
    /// The state after; `null` for deletions and memberships.
    pub after: Option<ChangeState>,
}

/// A user or a group as a [`Change`] shows it; serialized as the bare object (the model's).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ChangeState {
    /// A user's state.
    User(Box<DirectoryUser>),
    /// A group's state.
    Group(Box<DirectoryGroup>),
}

impl ChangeState {
    /// The user, when it is one.
    pub fn user(&self) -> Option<&DirectoryUser> {
        match self {
            Self::User(u) => Some(u),
            Self::Group(_) => None,
        }
    }

    /// The group, when it is one.
    pub fn group(&self) -> Option<&DirectoryGroup> {
        match self {
            Self::Group(g) => Some(g),
            Self::User(_) => None,
        }
    }
}

/// Called with each change after the commit that made it (so at most once per change: a
/// process that dies between the commit and the call does not report it again).
pub type ChangeHook = dyn Fn(Change) -> LocalBoxFuture<'static, ()>;

/// Called once after each commit that made changes, with all of them in order (so at most once
/// per change, as [`ChangeHook`]). One call per commit rather than per change: where each call
/// crosses a boundary (wasm to JS), a full sync page's changes cross once.
pub type CommitHook = dyn Fn(Vec<Change>) -> LocalBoxFuture<'static, ()>;
