//! [`MemoryStore`]: the [`Store`] in ordered maps, for tests and for apps that keep the copy in
//! memory. Its commit checks event ids and guards exactly as a SQL adapter's transaction must.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use super::changeset::{Changeset, Guard, Membership, MembershipKey};
use super::record::{GroupRecord, UserRecord};
use super::store::{Store, StoreError, StoreResult, UnseenQuery};
use crate::model::{DirectoryGroup, DirectoryUser};

/// A store in memory. Single-threaded (`RefCell` inside), like the futures of the port.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: RefCell<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    events: BTreeSet<String>,
    users: BTreeMap<String, UserRecord>,
    groups: BTreeMap<String, GroupRecord>,
    /// (group, user) → (organization, directory).
    members: BTreeMap<(String, String), (String, Option<String>)>,
    /// (user, group): the same memberships, by user.
    by_user: BTreeSet<(String, String)>,
    checkpoints: BTreeMap<String, String>,
    commits: u64,
}

fn ready<'a, T: 'a>(v: Result<T, StoreError>) -> StoreResult<'a, T> {
    Box::pin(std::future::ready(v))
}

fn busy() -> StoreError {
    StoreError::Failed("the memory store is in use by another call".to_owned())
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn read<T>(&self, f: impl FnOnce(&Inner) -> T) -> Result<T, StoreError> {
        self.inner.try_borrow().map(|i| f(&i)).map_err(|_| busy())
    }

    /// The user row `id`, tombstone included.
    pub fn user(&self, id: &str) -> Option<UserRecord> {
        self.read(|i| i.users.get(id).cloned()).ok().flatten()
    }

    /// The group row `id`, tombstone included.
    pub fn group(&self, id: &str) -> Option<GroupRecord> {
        self.read(|i| i.groups.get(id).cloned()).ok().flatten()
    }

    /// The user `id` as an app reads it: `None` when there is no row or it is a tombstone.
    pub fn get_user(&self, id: &str) -> Option<DirectoryUser> {
        self.user(id).filter(|r| !r.deleted).map(|r| r.data)
    }

    /// The group `id` as an app reads it: `None` when there is no row or it is a tombstone.
    pub fn get_group(&self, id: &str) -> Option<DirectoryGroup> {
        self.group(id).filter(|r| !r.deleted).map(|r| r.data)
    }

    /// Users that are not deleted, of one organization and/or directory when given, by id.
    pub fn list_users(
        &self,
        organization_id: Option<&str>,
        directory_id: Option<&str>,
    ) -> Vec<UserRecord> {
        self.read(|i| {
            i.users
                .values()
                .filter(|r| !r.deleted && in_scope(r, organization_id, directory_id))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
    }

    /// Groups that are not deleted, of one organization and/or directory when given, by id.
    pub fn list_groups(
        &self,
        organization_id: Option<&str>,
        directory_id: Option<&str>,
    ) -> Vec<GroupRecord> {
        self.read(|i| {
            i.groups
                .values()
                .filter(|r| !r.deleted && group_in_scope(r, organization_id, directory_id))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
    }

    /// Every row, tombstones included: users then groups, by id.
    pub fn all_records(&self) -> (Vec<UserRecord>, Vec<GroupRecord>) {
        self.read(|i| {
            (
                i.users.values().cloned().collect(),
                i.groups.values().cloned().collect(),
            )
        })
        .unwrap_or_default()
    }

    /// The ids of the users in a group.
    pub fn list_members(&self, group_id: &str) -> Vec<String> {
        self.read(|i| members_of(i, group_id)).unwrap_or_default()
    }

    /// The ids of the groups a user is in.
    pub fn list_user_groups(&self, user_id: &str) -> Vec<String> {
        self.read(|i| {
            i.by_user
                .range(range_of(user_id))
                .map(|(_, g)| g.clone())
                .collect()
        })
        .unwrap_or_default()
    }

    /// Every membership, by group then user.
    pub fn memberships(&self) -> Vec<Membership> {
        self.read(|i| {
            i.members
                .iter()
                .map(|((g, u), (o, d))| Membership {
                    group_id: g.clone(),
                    user_id: u.clone(),
                    organization_id: o.clone(),
                    directory_id: d.clone(),
                })
                .collect()
        })
        .unwrap_or_default()
    }

    /// The value of a checkpoint.
    pub fn checkpoint_value(&self, key: &str) -> Option<String> {
        self.read(|i| i.checkpoints.get(key).cloned())
            .ok()
            .flatten()
    }

    /// How many event ids are stored.
    pub fn event_count(&self) -> usize {
        self.read(|i| i.events.len()).unwrap_or(0)
    }

    /// How many commits succeeded.
    pub fn commit_count(&self) -> u64 {
        self.read(|i| i.commits).unwrap_or(0)
    }
}

fn in_scope(r: &UserRecord, org: Option<&str>, dir: Option<&str>) -> bool {
    org.is_none_or(|o| r.organization_id == o)
        && dir.is_none_or(|d| r.directory_id.as_deref() == Some(d))
}

fn group_in_scope(r: &GroupRecord, org: Option<&str>, dir: Option<&str>) -> bool {
    org.is_none_or(|o| r.organization_id == o)
        && dir.is_none_or(|d| r.directory_id.as_deref() == Some(d))
}

type PairRange = (Bound<(String, String)>, Bound<(String, String)>);

/// The range of `(first, _)` pairs whose first element is `first`.
fn range_of(first: &str) -> PairRange {
    (
        Bound::Included((first.to_owned(), String::new())),
        Bound::Excluded((format!("{first}\0"), String::new())),
    )
}

fn members_of(i: &Inner, group_id: &str) -> Vec<String> {
    i.members
        .range(range_of(group_id))
        .map(|((_, u), _)| u.clone())
        .collect()
}

fn after(after_id: &Option<String>) -> (Bound<&str>, Bound<&str>) {
    match after_id {
        Some(a) => (Bound::Excluded(a.as_str()), Bound::Unbounded),
        None => (Bound::Unbounded, Bound::Unbounded),
    }
}

/// Whether a row's directory is the query's (or unknown, when the query takes those).
fn placed(directory_id: &Option<String>, q: &UnseenQuery) -> bool {
    match directory_id {
        Some(d) => *d == q.directory_id,
        None => q.include_unplaced,
    }
}

impl Inner {
    fn check(&self, cs: &Changeset) -> Result<(), StoreError> {
        if let Some(e) = &cs.event {
            if self.events.contains(&e.id) {
                return Err(StoreError::Conflict(format!(
                    "event {} is already applied",
                    e.id
                )));
            }
        }
        for guard in &cs.guards {
            let (what, id, revision, current) = match guard {
                Guard::Checkpoint { key, value } => {
                    if self.checkpoints.get(key) != value.as_ref() {
                        return Err(StoreError::Conflict(format!(
                            "checkpoint {key} changed since it was read"
                        )));
                    }
                    continue;
                }
                Guard::User { id, revision } => {
                    ("user", id, revision, self.users.get(id).map(|r| r.revision))
                }
                Guard::Group { id, revision } => (
                    "group",
                    id,
                    revision,
                    self.groups.get(id).map(|r| r.revision),
                ),
            };
            if current != *revision {
                return Err(StoreError::Conflict(format!(
                    "{what} {id} changed since it was read"
                )));
            }
        }
        Ok(())
    }

    fn apply(&mut self, cs: Changeset) {
        if let Some(e) = cs.event {
            self.events.insert(e.id);
        }
        for u in cs.put_users {
            self.users.insert(u.id.clone(), u);
        }
        for g in cs.put_groups {
            self.groups.insert(g.id.clone(), g);
        }
        for k in cs.remove_members {
            self.members
                .remove(&(k.group_id.clone(), k.user_id.clone()));
            self.by_user.remove(&(k.user_id, k.group_id));
        }
        for m in cs.add_members {
            self.by_user.insert((m.user_id.clone(), m.group_id.clone()));
            self.members
                .entry((m.group_id, m.user_id))
                .or_insert((m.organization_id, m.directory_id));
        }
        for c in cs.checkpoints {
            self.checkpoints.insert(c.key, c.value);
        }
        self.commits += 1;
    }
}

impl Store for MemoryStore {
    fn has_event(&self, id: String) -> StoreResult<'_, bool> {
        ready(self.read(|i| i.events.contains(&id)))
    }

    fn users(&self, ids: Vec<String>) -> StoreResult<'_, Vec<UserRecord>> {
        ready(self.read(|i| {
            ids.iter()
                .filter_map(|id| i.users.get(id).cloned())
                .collect()
        }))
    }

    fn groups(&self, ids: Vec<String>) -> StoreResult<'_, Vec<GroupRecord>> {
        ready(self.read(|i| {
            ids.iter()
                .filter_map(|id| i.groups.get(id).cloned())
                .collect()
        }))
    }

    fn user_groups(&self, user_ids: Vec<String>) -> StoreResult<'_, Vec<MembershipKey>> {
        ready(self.read(|i| {
            user_ids
                .iter()
                .flat_map(|u| {
                    i.by_user.range(range_of(u)).map(|(u, g)| MembershipKey {
                        group_id: g.clone(),
                        user_id: u.clone(),
                    })
                })
                .collect()
        }))
    }

    fn group_members(&self, group_id: String) -> StoreResult<'_, Vec<String>> {
        ready(self.read(|i| members_of(i, &group_id)))
    }

    fn unseen_users(&self, q: UnseenQuery) -> StoreResult<'_, Vec<UserRecord>> {
        ready(self.read(|i| {
            i.users
                .range::<str, _>(after(&q.after_id))
                .map(|(_, r)| r)
                .filter(|r| {
                    !r.deleted
                        && r.generation < q.generation
                        && r.organization_id == q.organization_id
                        && placed(&r.directory_id, &q)
                })
                .take(usize::try_from(q.limit).unwrap_or(usize::MAX))
                .cloned()
                .collect()
        }))
    }

    fn unseen_groups(&self, q: UnseenQuery) -> StoreResult<'_, Vec<GroupRecord>> {
        ready(self.read(|i| {
            i.groups
                .range::<str, _>(after(&q.after_id))
                .map(|(_, r)| r)
                .filter(|r| {
                    !r.deleted
                        && r.generation < q.generation
                        && r.organization_id == q.organization_id
                        && placed(&r.directory_id, &q)
                })
                .take(usize::try_from(q.limit).unwrap_or(usize::MAX))
                .cloned()
                .collect()
        }))
    }

    fn checkpoint(&self, key: String) -> StoreResult<'_, Option<String>> {
        ready(self.read(|i| i.checkpoints.get(&key).cloned()))
    }

    fn commit(&self, changeset: Changeset) -> StoreResult<'_, ()> {
        let result = match self.inner.try_borrow_mut() {
            Err(_) => Err(busy()),
            Ok(mut i) => i.check(&changeset).map(|()| i.apply(changeset)),
        };
        ready(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::changeset::{AppliedEvent, Checkpoint};
    use crate::sync::version::Version;
    use futures::executor::block_on;

    fn user(id: &str, dir: Option<&str>, revision: u64) -> UserRecord {
        UserRecord {
            id: id.into(),
            organization_id: "org_1".into(),
            directory_id: dir.map(str::to_owned),
            version: Version::MIN,
            deleted: false,
            groups_version: None,
            generation: 0,
            revision,
            active: true,
            data: DirectoryUser::default(),
        }
    }

    fn event(id: &str) -> Option<AppliedEvent> {
        Some(AppliedEvent {
            id: id.into(),
            occurred_at: None,
        })
    }

    #[test]
    fn commits_are_all_or_nothing_on_event_ids_and_guards() {
        let s = MemoryStore::new();
        let first = Changeset {
            event: event("evt_1"),
            guards: vec![Guard::User {
                id: "u1".into(),
                revision: None,
            }],
            put_users: vec![user("u1", Some("dir_1"), 1)],
            add_members: vec![Membership {
                group_id: "g1".into(),
                user_id: "u1".into(),
                organization_id: "org_1".into(),
                directory_id: None,
            }],
            checkpoints: vec![Checkpoint {
                key: "k".into(),
                value: "1".into(),
            }],
            ..Changeset::default()
        };
        block_on(s.commit(first.clone())).unwrap();
        // The same event id again: a conflict, nothing written.
        let mut again = first.clone();
        again.guards.clear();
        again.checkpoints[0].value = "2".into();
        let err = block_on(s.commit(again)).unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err}");
        assert_eq!(s.checkpoint_value("k").as_deref(), Some("1"));
        // A guard that no longer holds (the row exists now; or another revision).
        for revision in [None, Some(7)] {
            let cs = Changeset {
                guards: vec![Guard::User {
                    id: "u1".into(),
                    revision,
                }],
                remove_members: vec![MembershipKey {
                    group_id: "g1".into(),
                    user_id: "u1".into(),
                }],
                ..Changeset::default()
            };
            assert!(matches!(
                block_on(s.commit(cs)),
                Err(StoreError::Conflict(_))
            ));
            assert_eq!(s.list_members("g1"), ["u1"]);
        }
        // The revision read: it holds.
        let cs = Changeset {
            guards: vec![Guard::User {
                id: "u1".into(),
                revision: Some(1),
            }],
            remove_members: vec![MembershipKey {
                group_id: "g1".into(),
                user_id: "u1".into(),
            }],
            ..Changeset::default()
        };
        block_on(s.commit(cs)).unwrap();
        assert!(s.list_user_groups("u1").is_empty());
        assert_eq!(s.commit_count(), 2);
    }

    #[test]
    fn a_checkpoint_guard_holds_on_exactly_the_value_read() {
        let s = MemoryStore::new();
        let put = |value: Option<&str>, next: &str| Changeset {
            guards: vec![Guard::Checkpoint {
                key: "lease".into(),
                value: value.map(str::to_owned),
            }],
            checkpoints: vec![Checkpoint {
                key: "lease".into(),
                value: next.into(),
            }],
            ..Changeset::default()
        };
        block_on(s.commit(put(None, "a"))).unwrap();
        // No row any more is not what it read; nor is another value.
        for read in [None, Some("b"), Some("")] {
            let err = block_on(s.commit(put(read, "c"))).unwrap_err();
            assert!(matches!(err, StoreError::Conflict(_)), "{err}");
        }
        assert_eq!(s.checkpoint_value("lease").as_deref(), Some("a"));
        block_on(s.commit(put(Some("a"), "b"))).unwrap();
        assert_eq!(s.checkpoint_value("lease").as_deref(), Some("b"));
    }

    #[test]
    fn app_reads_leave_tombstones_out() {
        let s = MemoryStore::new();
        let mut gone = user("b", Some("dir_1"), 1);
        gone.deleted = true;
        gone.active = false;
        let cs = Changeset {
            put_users: vec![user("a", Some("dir_1"), 1), gone],
            ..Changeset::default()
        };
        block_on(s.commit(cs)).unwrap();
        assert!(s.get_user("a").is_some());
        assert!(s.get_user("b").is_none(), "a tombstone is not a user");
        assert!(s.user("b").is_some(), "but the engine still reads it");
        assert!(s.get_user("c").is_none());
        let listed: Vec<String> = s
            .list_users(Some("org_1"), None)
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(listed, ["a"]);
    }

    #[test]
    fn unseen_rows_come_in_id_order_after_the_cursor() {
        let s = MemoryStore::new();
        let mut rows = vec![
            user("a", Some("dir_1"), 1),
            user("b", Some("dir_2"), 1),
            user("c", None, 1),
            user("d", Some("dir_1"), 1),
            user("e", Some("dir_1"), 1),
        ];
        rows[4].generation = 3;
        let mut deleted = user("f", Some("dir_1"), 1);
        deleted.deleted = true;
        rows.push(deleted);
        let cs = Changeset {
            put_users: rows,
            ..Changeset::default()
        };
        block_on(s.commit(cs)).unwrap();
        let q = |after: Option<&str>, unplaced: bool, limit: u32| UnseenQuery {
            organization_id: "org_1".into(),
            directory_id: "dir_1".into(),
            generation: 3,
            after_id: after.map(str::to_owned),
            include_unplaced: unplaced,
            limit,
        };
        let ids = |q: UnseenQuery| -> Vec<String> {
            block_on(s.unseen_users(q))
                .unwrap()
                .into_iter()
                .map(|r| r.id)
                .collect()
        };
        assert_eq!(ids(q(None, false, 10)), ["a", "d"]);
        assert_eq!(ids(q(None, true, 10)), ["a", "c", "d"]);
        assert_eq!(ids(q(None, true, 2)), ["a", "c"]);
        assert_eq!(ids(q(Some("c"), true, 2)), ["d"]);
        assert!(ids(q(Some("d"), true, 2)).is_empty());
    }
}
