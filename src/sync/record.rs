//! What the store keeps of each user and group: [`UserRecord`], [`GroupRecord`].

use serde::{Deserialize, Serialize};

use super::version::Version;
use crate::model::{DirectoryGroup, DirectoryUser};

/// A stored user. Serialized as JSON with `data` nested; a store may keep `data` as JSON text
/// and the other fields as columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRecord {
    /// The directory's user id (`diruser_…`): the key.
    pub id: String,
    /// The organization (`org_…`).
    pub organization_id: String,
    /// The directory (`dir_…`); `None` while only webhooks that do not name it have been seen.
    pub directory_id: Option<String>,
    /// When the state held here was true: the event's `occurred_at`, or the listing's
    /// `updated_at`. An older event never overwrites it.
    pub version: Version,
    /// A tombstone: the user was deleted (then `active` is `false`). Kept so that an older
    /// create or update cannot bring the user back.
    pub deleted: bool,
    /// When the user's group list was last stated (an event with a `groups` array, a listing,
    /// a delete); `None`: never. Memberships have their own time because an event that does
    /// not state groups says nothing about them: an older event that does still counts.
    pub groups_version: Option<Version>,
    /// The full sync generation that last listed this user (0: never listed).
    pub generation: u64,
    /// Counts the writes of this row (1 for the first); guards compare it (see
    /// [`super::Guard`]).
    pub revision: u64,
    /// `data.active`, as a column.
    pub active: bool,
    /// The user in the normalized model. Its `groups` is always empty: memberships are kept
    /// apart (the store's membership rows are the truth).
    pub data: DirectoryUser,
}

/// A stored group; see [`UserRecord`] for the fields they share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRecord {
    /// The directory's group id (`dirgroup_…`): the key.
    pub id: String,
    /// The organization (`org_…`).
    pub organization_id: String,
    /// The directory (`dir_…`), when known.
    pub directory_id: Option<String>,
    /// When the state held here was true.
    pub version: Version,
    /// A tombstone: the group was deleted.
    pub deleted: bool,
    /// The full sync generation that last listed this group (0: never listed).
    pub generation: u64,
    /// Counts the writes of this row (1 for the first).
    pub revision: u64,
    /// The group in the normalized model, without `members`, `members_added`,
    /// `members_removed` and `total_users` (`null`): memberships are kept apart.
    pub data: DirectoryGroup,
}

/// What a users page needs of a group its users name: whether it is a tombstone and since
/// when, and the revision to guard (no `data`: a group may be named on every page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupHead {
    /// The group id.
    pub id: String,
    /// As [`GroupRecord::version`].
    pub version: Version,
    /// As [`GroupRecord::deleted`].
    pub deleted: bool,
    /// As [`GroupRecord::revision`].
    pub revision: u64,
}

impl From<GroupRecord> for GroupHead {
    fn from(g: GroupRecord) -> Self {
        Self {
            id: g.id,
            version: g.version,
            deleted: g.deleted,
            revision: g.revision,
        }
    }
}

/// `user` as stored: no groups (memberships are rows of their own).
pub(crate) fn stored_user(mut user: DirectoryUser) -> DirectoryUser {
    user.groups = Vec::new();
    user
}

/// `group` as stored: no member lists or counts (memberships are rows of their own).
pub(crate) fn stored_group(mut group: DirectoryGroup) -> DirectoryGroup {
    group.members = None;
    group.members_added = None;
    group.members_removed = None;
    group.total_users = None;
    group
}
