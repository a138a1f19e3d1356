//! [`Changeset`]: everything one decision writes, committed atomically by the store.

use serde::{Deserialize, Serialize};

use super::record::{GroupRecord, UserRecord};
use super::version::Version;

/// The event a changeset applies: its id must not be in the store yet (a unique key), and is
/// in it after the commit — that is what makes each event apply exactly once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedEvent {
    /// The event id (`evt_…`).
    pub id: String,
    /// When it occurred (`None` only for events that change nothing and do not say).
    pub occurred_at: Option<Version>,
}

/// "The row I decided from is still what I read": the commit fails with a conflict otherwise.
///
/// A row is compared on its `revision`, which every write of it moves on (`None`: there was no
/// row, and there must still be none). The version alone would not do: a full sync marks rows
/// as seen and memberships get stated without the version moving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Guard {
    /// The user row `id`.
    User {
        /// The user id.
        id: String,
        /// The revision read; `None`: there was no row.
        revision: Option<u64>,
    },
    /// The group row `id`.
    Group {
        /// The group id.
        id: String,
        /// The revision read; `None`: there was no row.
        revision: Option<u64>,
    },
    /// The checkpoint `key` (a full sync's lease, its progress): its stored value is exactly
    /// `value` (`None`: there is no such checkpoint).
    Checkpoint {
        /// The checkpoint key.
        key: String,
        /// The value read; `None`: there was none.
        value: Option<String>,
    },
}

impl Guard {
    /// The guard of what was read for user `id`.
    pub(crate) fn user(id: &str, read: Option<&UserRecord>) -> Self {
        Guard::User {
            id: id.to_owned(),
            revision: read.map(|r| r.revision),
        }
    }

    /// The guard of what was read for group `id`.
    pub(crate) fn group(id: &str, read: Option<&GroupRecord>) -> Self {
        Guard::Group {
            id: id.to_owned(),
            revision: read.map(|r| r.revision),
        }
    }
}

/// A user's membership in a group, as stored.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Membership {
    /// The group.
    pub group_id: String,
    /// The user.
    pub user_id: String,
    /// The organization of the user.
    pub organization_id: String,
    /// The directory of the user, when known.
    pub directory_id: Option<String>,
}

/// Which membership: a group and a user.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MembershipKey {
    /// The group.
    pub group_id: String,
    /// The user.
    pub user_id: String,
}

/// A named sync position (`events`, `full:{organization}:{directory}`) and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The key.
    pub key: String,
    /// The value (text; JSON for full syncs).
    pub value: String,
}

/// What one commit writes, all or nothing. The store checks, in the same transaction: the
/// event id is new, and every guard holds; if not, nothing is written and the commit fails
/// with [`super::StoreError::Conflict`]. Then it writes: the event id, the users and groups
/// (insert or replace by id), the memberships added (insert or ignore) and removed (delete if
/// there), and the checkpoints (insert or replace by key).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Changeset {
    /// The event applied, when the changeset comes from one.
    pub event: Option<AppliedEvent>,
    /// What must still hold.
    pub guards: Vec<Guard>,
    /// Users to write (whole rows).
    pub put_users: Vec<UserRecord>,
    /// Groups to write (whole rows).
    pub put_groups: Vec<GroupRecord>,
    /// Memberships to add.
    pub add_members: Vec<Membership>,
    /// Memberships to remove.
    pub remove_members: Vec<MembershipKey>,
    /// Checkpoints to write.
    pub checkpoints: Vec<Checkpoint>,
}

impl Changeset {
    /// Whether committing it would write nothing.
    pub fn is_empty(&self) -> bool {
        self.event.is_none()
            && self.put_users.is_empty()
            && self.put_groups.is_empty()
            && self.add_members.is_empty()
            && self.remove_members.is_empty()
            && self.checkpoints.is_empty()
    }
}
