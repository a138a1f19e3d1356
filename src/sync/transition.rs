//! The steps every decision is made of — write a user or group and say what changed, tombstone
//! it, set memberships — collected in a [`Plan`]: the changeset to commit and the changes it
//! makes. Events, listings and sweeps differ only in how they pick the next state.

use std::collections::BTreeSet;

use super::change::{Change, ChangeKind, ChangeState};
use super::changeset::{Changeset, Membership, MembershipKey};
use super::record::{GroupRecord, UserRecord};
use super::version::Version;
use crate::model::{DirectoryGroup, DirectoryUser};

/// The revision a row is written at, after the one read (`None`: there was no row): every write
/// moves it on, so a guard never matches a read older than the last write.
pub(crate) fn revision_after(read: Option<u64>) -> u64 {
    read.map_or(1, |r| r.saturating_add(1))
}

/// A decision in the making: what to commit, and the changes that commit makes.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub(crate) changeset: Changeset,
    pub(crate) changes: Vec<Change>,
    /// Listed items that needed no change (full syncs).
    pub(crate) unchanged: u64,
}

/// Whether two users differ only in what is not reported: `updated_at` and `raw_attributes`
/// (the provider's resource, whose metadata moves with every write).
pub(crate) fn same_user(a: &DirectoryUser, b: &DirectoryUser) -> bool {
    // Destructured without `..`: a new model field must be placed here, reported or not.
    let DirectoryUser {
        id,
        dp_id,
        organization_id,
        directory_id,
        email,
        preferred_username,
        name,
        given_name,
        family_name,
        nickname,
        active,
        emails,
        groups,
        roles,
        phone_number,
        locale,
        language,
        zoneinfo,
        user_type,
        profile,
        picture,
        address,
        title,
        department,
        employee_id,
        cost_center,
        division,
        organization,
        manager,
        custom_attributes,
        raw_attributes: _,
        updated_at: _,
    } = a;
    *id == b.id
        && *dp_id == b.dp_id
        && *organization_id == b.organization_id
        && *directory_id == b.directory_id
        && *email == b.email
        && *preferred_username == b.preferred_username
        && *name == b.name
        && *given_name == b.given_name
        && *family_name == b.family_name
        && *nickname == b.nickname
        && *active == b.active
        && *emails == b.emails
        && *groups == b.groups
        && *roles == b.roles
        && *phone_number == b.phone_number
        && *locale == b.locale
        && *language == b.language
        && *zoneinfo == b.zoneinfo
        && *user_type == b.user_type
        && *profile == b.profile
        && *picture == b.picture
        && *address == b.address
        && *title == b.title
        && *department == b.department
        && *employee_id == b.employee_id
        && *cost_center == b.cost_center
        && *division == b.division
        && *organization == b.organization
        && *manager == b.manager
        && *custom_attributes == b.custom_attributes
}

/// [`same_user`] for groups.
pub(crate) fn same_group(a: &DirectoryGroup, b: &DirectoryGroup) -> bool {
    let DirectoryGroup {
        id,
        dp_id,
        organization_id,
        directory_id,
        display_name,
        name,
        external_id,
        email,
        description,
        members,
        members_added,
        members_removed,
        total_users,
        custom_attributes,
        raw_attributes: _,
        updated_at: _,
    } = a;
    *id == b.id
        && *dp_id == b.dp_id
        && *organization_id == b.organization_id
        && *directory_id == b.directory_id
        && *display_name == b.display_name
        && *name == b.name
        && *external_id == b.external_id
        && *email == b.email
        && *description == b.description
        && *members == b.members
        && *members_added == b.members_added
        && *members_removed == b.members_removed
        && *total_users == b.total_users
        && *custom_attributes == b.custom_attributes
}

impl Plan {
    fn change(
        &mut self,
        kind: ChangeKind,
        scope: (&str, &Option<String>, &str),
        group_id: Option<&str>,
        before_after: (Option<ChangeState>, Option<ChangeState>),
    ) {
        let (organization_id, directory_id, id) = scope;
        self.changes.push(Change {
            kind,
            organization_id: organization_id.to_owned(),
            directory_id: directory_id.clone(),
            id: id.to_owned(),
            group_id: group_id.map(str::to_owned),
            before: before_after.0,
            after: before_after.1,
        });
    }

    /// Writes `next` where `stored` was (`None`: no row) and reports what that changes for an
    /// app: created (no row, or a tombstone), deactivated / reactivated (`active` flipped),
    /// updated (another reported field changed), or nothing. Writes nothing if the row is
    /// already exactly `next`. Returns whether a change was reported.
    pub(crate) fn put_user(&mut self, stored: Option<&UserRecord>, mut next: UserRecord) -> bool {
        next.revision = revision_after(stored.map(|s| s.revision));
        if stored.is_some_and(|s| *s == next) {
            return false;
        }
        let alive = stored.filter(|s| !s.deleted);
        let kind = match alive {
            None if next.deleted => None,
            None => Some(ChangeKind::UserCreated),
            Some(_) if next.deleted => Some(ChangeKind::UserDeleted),
            Some(s) if s.active && !next.active => Some(ChangeKind::UserDeactivated),
            Some(s) if !s.active && next.active => Some(ChangeKind::UserReactivated),
            Some(s) if !same_user(&s.data, &next.data) => Some(ChangeKind::UserUpdated),
            Some(_) => None,
        };
        if let Some(kind) = kind {
            let before = alive.map(|s| ChangeState::User(Box::new(s.data.clone())));
            let after = (!next.deleted).then(|| ChangeState::User(Box::new(next.data.clone())));
            let scope = (
                next.organization_id.as_str(),
                &next.directory_id,
                next.id.as_str(),
            );
            self.change(kind, scope, None, (before, after));
        }
        self.changeset.put_users.push(next);
        kind.is_some()
    }

    /// [`Plan::put_user`] for groups: created, updated, deleted or nothing.
    pub(crate) fn put_group(
        &mut self,
        stored: Option<&GroupRecord>,
        mut next: GroupRecord,
    ) -> bool {
        next.revision = revision_after(stored.map(|s| s.revision));
        if stored.is_some_and(|s| *s == next) {
            return false;
        }
        let alive = stored.filter(|s| !s.deleted);
        let kind = match alive {
            None if next.deleted => None,
            None => Some(ChangeKind::GroupCreated),
            Some(_) if next.deleted => Some(ChangeKind::GroupDeleted),
            Some(s) if !same_group(&s.data, &next.data) => Some(ChangeKind::GroupUpdated),
            Some(_) => None,
        };
        if let Some(kind) = kind {
            let before = alive.map(|s| ChangeState::Group(Box::new(s.data.clone())));
            let after = (!next.deleted).then(|| ChangeState::Group(Box::new(next.data.clone())));
            let scope = (
                next.organization_id.as_str(),
                &next.directory_id,
                next.id.as_str(),
            );
            self.change(kind, scope, None, (before, after));
        }
        self.changeset.put_groups.push(next);
        kind.is_some()
    }

    /// Adds the membership of `user_id` in `group_id` (reported as `member_added`).
    pub(crate) fn add_member(
        &mut self,
        group_id: &str,
        user_id: &str,
        scope: (&str, &Option<String>),
    ) {
        let (org, dir) = scope;
        self.changeset.add_members.push(Membership {
            group_id: group_id.to_owned(),
            user_id: user_id.to_owned(),
            organization_id: org.to_owned(),
            directory_id: dir.clone(),
        });
        let scope = (org, dir, user_id);
        self.change(ChangeKind::MemberAdded, scope, Some(group_id), (None, None));
    }

    /// Removes the membership of `user_id` in `group_id` (reported as `member_removed`).
    pub(crate) fn remove_member(
        &mut self,
        group_id: &str,
        user_id: &str,
        scope: (&str, &Option<String>),
    ) {
        let (org, dir) = scope;
        self.changeset.remove_members.push(MembershipKey {
            group_id: group_id.to_owned(),
            user_id: user_id.to_owned(),
        });
        let scope = (org, dir, user_id);
        self.change(
            ChangeKind::MemberRemoved,
            scope,
            Some(group_id),
            (None, None),
        );
    }

    /// Makes `user`'s groups exactly `wanted`, given its `current` ones; returns whether
    /// anything changed. `deleted_groups` are groups whose stored row is a tombstone, with its
    /// version: a group deleted at or after `at` (the time of the state that names it) is left
    /// out — the delete is newer — while one deleted before `at` is kept (it was created again,
    /// and its create is still on its way).
    pub(crate) fn set_user_groups(
        &mut self,
        user: &UserRecord,
        current: &BTreeSet<String>,
        wanted: BTreeSet<String>,
        at: Version,
        deleted_groups: &dyn Fn(&str) -> Option<Version>,
    ) -> bool {
        let wanted: BTreeSet<String> = wanted
            .into_iter()
            .filter(|g| deleted_groups(g).is_none_or(|d| d < at))
            .collect();
        let scope = (user.organization_id.as_str(), &user.directory_id);
        let before = self.changes.len();
        for g in current.difference(&wanted) {
            self.remove_member(g, &user.id, scope);
        }
        for g in wanted.difference(current) {
            self.add_member(g, &user.id, scope);
        }
        self.changes.len() != before
    }

    /// Makes `group`'s users exactly `wanted` (see [`Plan::set_user_groups`], with users).
    pub(crate) fn set_group_members(
        &mut self,
        group: &GroupRecord,
        current: &BTreeSet<String>,
        wanted: BTreeSet<String>,
        at: Version,
        deleted_users: &dyn Fn(&str) -> Option<Version>,
    ) {
        let wanted: BTreeSet<String> = wanted
            .into_iter()
            .filter(|u| deleted_users(u).is_none_or(|d| d < at))
            .collect();
        let scope = (group.organization_id.as_str(), &group.directory_id);
        for u in current.difference(&wanted) {
            self.remove_member(&group.id, u, scope);
        }
        for u in wanted.difference(current) {
            self.add_member(&group.id, u, scope);
        }
    }
}
