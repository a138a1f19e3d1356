//! Optimistic commits: another writer changes what a decision read, the commit fails with a
//! conflict, and the engine reads and decides again (bounded).

mod directory_support;
mod sync_support;

use std::rc::Rc;

use futures::executor::block_on;
use serde_json::Value;

use scimkit::error::ErrorCode;
use scimkit::sync::{
    ApplyStatus, ChangeKind, Changeset, FullSyncOptions, GroupRecord, MembershipKey, MemoryStore,
    Store, StoreError, StoreResult, SyncEngine, UnseenQuery, UserRecord, MAX_CONFLICT_RETRIES,
};

use directory_support::FakeRuntime;
use sync_support::*;

fn apply_on(store: &MemoryStore, event: &Value) {
    // Another writer, run to completion inside our commit (not with `block_on`: no nesting).
    let other = SyncEngine::new(store);
    block(&FakeRuntime::new(), other.apply_event_value(event.clone())).unwrap();
}

#[test]
fn a_commit_that_loses_a_race_is_decided_again() {
    let mut m = Model::new();
    let created = m.create_user("u1", "Ada", "Lovelace");
    let older = m.update_user("u1", |u| u.title = Some("B".into()), false);
    let newer = m.update_user("u1", |u| u.title = Some("A".into()), false);
    let inner = Rc::new(MemoryStore::new());
    apply_on(&inner, &created);
    let faulty = Rc::new(Faulty::new(inner.clone()));
    // Between our read and our commit, another writer applies an older update.
    faulty
        .before
        .borrow_mut()
        .insert(0, Box::new(move |s: &MemoryStore| apply_on(s, &older)));
    let seen = Seen::default();
    let engine = SyncEngine::new(faulty.clone()).with_on_change(seen.hook());
    let o = block_on(engine.apply_event_value(newer)).unwrap();
    assert_eq!(o.status, ApplyStatus::Applied);
    assert_eq!(faulty.conflicts.get(), 1, "the first commit lost");
    assert_eq!(inner.user("u1").unwrap().data.title.as_deref(), Some("A"));
    // Decided from the state the other writer left: its before is "B".
    assert_eq!(o.changes.len(), 1);
    let before = o.changes[0].before.as_ref().unwrap().user().unwrap();
    assert_eq!(before.title.as_deref(), Some("B"));
    assert_eq!(
        seen.kinds(),
        [ChangeKind::UserUpdated],
        "reported once, after the commit that won"
    );
}

#[test]
fn the_same_event_delivered_twice_at_once_applies_once() {
    let mut m = Model::new();
    let created = m.create_user("u1", "Ada", "Lovelace");
    let inner = Rc::new(MemoryStore::new());
    let faulty = Rc::new(Faulty::new(inner.clone()));
    let again = created.clone();
    faulty
        .before
        .borrow_mut()
        .insert(0, Box::new(move |s: &MemoryStore| apply_on(s, &again)));
    let engine = SyncEngine::new(faulty.clone());
    let o = block_on(engine.apply_event_value(created)).unwrap();
    assert_eq!(o.status, ApplyStatus::Duplicate);
    assert!(o.changes.is_empty());
    assert_eq!(inner.event_count(), 1);
}

#[test]
fn a_full_sync_page_racing_a_webhook_keeps_the_newer_state() {
    let m = {
        let mut m = Model::new();
        m.create_group("g1", "Eng");
        for i in 0..4 {
            m.create_user(&format!("u{i}"), "A", &format!("F{i}"));
        }
        m
    };
    let mut newer = m.clone();
    newer.set_groups("u1", &["g1"]);
    let webhook = newer.events.last().unwrap().clone();
    let inner = Rc::new(MemoryStore::new());
    let faulty = Rc::new(Faulty::new(inner.clone()));
    // Commit 0 is the groups page, 1 the users page: the webhook lands just before it.
    faulty
        .before
        .borrow_mut()
        .insert(1, Box::new(move |s: &MemoryStore| apply_on(s, &webhook)));
    let engine = SyncEngine::new(faulty.clone());
    let server = FakeDirectory::new(m.clone());
    let rt = FakeRuntime::new();
    let client = client_of(&server, &rt);
    let s = block(
        &rt,
        engine.full_sync(&client, ORG, DIR, m.later(), &FullSyncOptions::default()),
    )
    .unwrap();
    assert_eq!(faulty.conflicts.get(), 1);
    // The listing (older than the webhook) did not undo the membership.
    assert_eq!(inner.list_user_groups("u1"), ["g1"]);
    assert_eq!(inner.user("u1").unwrap().generation, 1);
    assert_eq!(s.user_created, 3, "u1 came from the webhook");
    assert_eq!(s.member_added, 0);
}

/// A store whose every commit conflicts.
struct AlwaysConflicts(MemoryStore, std::cell::Cell<u32>);

impl Store for AlwaysConflicts {
    fn has_event(&self, id: String) -> StoreResult<'_, bool> {
        self.0.has_event(id)
    }
    fn users(&self, ids: Vec<String>) -> StoreResult<'_, Vec<UserRecord>> {
        self.0.users(ids)
    }
    fn groups(&self, ids: Vec<String>) -> StoreResult<'_, Vec<GroupRecord>> {
        self.0.groups(ids)
    }
    fn user_groups(&self, ids: Vec<String>) -> StoreResult<'_, Vec<MembershipKey>> {
        self.0.user_groups(ids)
    }
    fn group_members(&self, id: String) -> StoreResult<'_, Vec<String>> {
        self.0.group_members(id)
    }
    fn unseen_users(&self, q: UnseenQuery) -> StoreResult<'_, Vec<UserRecord>> {
        self.0.unseen_users(q)
    }
    fn unseen_groups(&self, q: UnseenQuery) -> StoreResult<'_, Vec<GroupRecord>> {
        self.0.unseen_groups(q)
    }
    fn checkpoint(&self, key: String) -> StoreResult<'_, Option<String>> {
        self.0.checkpoint(key)
    }
    fn commit(&self, _: Changeset) -> StoreResult<'_, ()> {
        self.1.set(self.1.get() + 1);
        Box::pin(std::future::ready(Err(StoreError::Conflict(
            "always".into(),
        ))))
    }
}

#[test]
fn endless_conflicts_give_up_with_store_conflict() {
    let mut m = Model::new();
    let created = m.create_user("u1", "Ada", "Lovelace");
    let store = AlwaysConflicts(MemoryStore::new(), std::cell::Cell::new(0));
    let engine = SyncEngine::new(store);
    let err = block_on(engine.apply_event_value(created)).unwrap_err();
    assert_eq!(err.code(), "store_conflict");
    assert!(
        err.to_string().contains("gave up after 9 attempts"),
        "{err}"
    );
    assert_eq!(engine.store().1.get(), MAX_CONFLICT_RETRIES + 1);
}

#[test]
fn a_full_sync_page_that_keeps_losing_pauses_longer_before_each_attempt() {
    let m = {
        let mut m = Model::new();
        m.create_group("g1", "Eng");
        for i in 0..4 {
            m.create_user(&format!("u{i}"), "A", &format!("F{i}"));
        }
        m
    };
    // A burst of webhooks for u1: one lands before each of the users page's first 3 commits.
    let mut newer = m.clone();
    let burst: Vec<Value> = ["T1", "T2", "T3"]
        .iter()
        .map(|t| newer.update_user("u1", |u| u.title = Some((*t).into()), false))
        .collect();
    let inner = Rc::new(MemoryStore::new());
    let faulty = Rc::new(Faulty::new(inner.clone()));
    for (i, webhook) in burst.into_iter().enumerate() {
        faulty.before.borrow_mut().insert(
            1 + i,
            Box::new(move |s: &MemoryStore| apply_on(s, &webhook)),
        );
    }
    let engine = SyncEngine::new(faulty.clone());
    let server = FakeDirectory::new(m.clone());
    let rt = FakeRuntime::new();
    rt.set_randoms(vec![0.5]);
    let client = client_of(&server, &rt);
    block(
        &rt,
        engine.full_sync(&client, ORG, DIR, m.later(), &FullSyncOptions::default()),
    )
    .unwrap();
    assert_eq!(faulty.conflicts.get(), 3);
    // Full jitter (random 0.5) of 5, 10, 20 ms: the pauses double, so a burst can pass.
    let fired = rt.fired();
    let pauses: Vec<u64> = fired.iter().copied().filter(|&ms| ms < 100).collect();
    assert_eq!(pauses, [2, 5, 10], "every sleep: {fired:?}");
    assert_eq!(
        inner.user("u1").unwrap().data.title.as_deref(),
        Some("T3"),
        "the newest webhook's state stays"
    );
}
