//! Full syncs against a fake Directory API: creation from scratch, nothing to do the second
//! time, missing users and groups, listings older than the store, resuming after a failure at
//! every commit and at a page, an expired page token, every organization.

mod directory_support;
mod sync_support;

use std::collections::BTreeSet;
use std::rc::Rc;

use serde_json::json;

use scimkit::directory::HttpResponse;
use scimkit::error::ErrorCode;
use scimkit::sync::{
    ChangeKind, FullSyncOptions, MemoryStore, OnMissing, Store, SyncEngine, SyncSummary,
};

use directory_support::FakeRuntime;
use sync_support::*;

fn options(page_size: u32, on_missing: OnMissing) -> FullSyncOptions {
    FullSyncOptions {
        on_missing,
        page_size,
        sweep_batch: 2,
    }
}

/// A directory of 3 groups and 8 users in them.
fn directory() -> Model {
    let mut m = Model::new();
    for (g, name) in [("g1", "Eng"), ("g2", "Ops"), ("g3", "Sales")] {
        m.create_group(g, name);
    }
    for i in 0..8 {
        let id = format!("u{i}");
        m.create_user(&id, "Given", &format!("Family{i}"));
        let groups: Vec<&str> = ["g1", "g2", "g3"]
            .into_iter()
            .filter(|g| (i + g.len()) % 2 == 0 || i % 3 == 0)
            .collect();
        m.set_groups(&id, &groups);
        if i == 5 {
            m.update_user(&id, |u| u.active = false, false);
        }
    }
    m
}

fn sync<S: Store>(
    engine: &SyncEngine<S>,
    server: &Rc<FakeDirectory>,
    rt: &Rc<FakeRuntime>,
    opts: &FullSyncOptions,
) -> Result<SyncSummary, scimkit::sync::SyncError> {
    let client = client_of(server, rt);
    let now = server.model.borrow().later();
    block(rt, engine.full_sync(&client, ORG, DIR, now, opts))
}

#[test]
fn a_first_full_sync_copies_the_directory_and_a_second_changes_nothing() {
    let m = directory();
    let memberships: u64 = m.users.values().map(|u| u.groups.len() as u64).sum();
    let server = FakeDirectory::new(m.clone());
    let rt = FakeRuntime::new();
    let store = Rc::new(MemoryStore::new());
    let seen = Seen::default();
    let engine = SyncEngine::new(store.clone()).with_on_change(seen.hook());
    let opts = options(3, OnMissing::Deactivate);
    let first = sync(&engine, &server, &rt, &opts).unwrap();
    assert_eq!(first.user_created, 8);
    assert_eq!(first.group_created, 3);
    assert_eq!(first.member_added, memberships);
    assert_eq!(first.total_changes(), 11 + memberships);
    assert_eq!(first.unchanged, 0);
    assert_eq!(seen.take().len() as u64, first.total_changes());
    assert_store_matches(&m, &store);
    // Listings ask for the raw resources and the most items a page holds.
    let reqs = server.requests_to("/users");
    assert!(reqs[0].url.contains("page_size=3") && reqs[0].url.contains("include_detail=true"));
    let second = sync(&engine, &server, &rt, &opts).unwrap();
    assert_eq!(second.total_changes(), 0, "{second:?}");
    assert_eq!(second.unchanged, 11);
    assert!(seen.take().is_empty());
    assert_store_matches(&m, &store);
    let cp: serde_json::Value =
        serde_json::from_str(&store.checkpoint_value("full:org_1:dir_1").unwrap()).unwrap();
    assert_eq!(cp["generation"], 2);
    assert_eq!(cp["phase"], "done");
}

#[test]
fn users_and_groups_missing_from_the_listings_are_deactivated_or_deleted() {
    for on_missing in [OnMissing::Deactivate, OnMissing::Delete] {
        let mut m = directory();
        let server = FakeDirectory::new(m.clone());
        let rt = FakeRuntime::new();
        let store = Rc::new(MemoryStore::new());
        let engine = SyncEngine::new(store.clone());
        let opts = options(4, on_missing);
        sync(&engine, &server, &rt, &opts).unwrap();
        // Deleted in the directory; their webhooks never arrive.
        let groups_of_u0 = m.users["u0"].groups.len() as u64;
        let members_of_g2 = m.users.values().filter(|u| u.groups.contains("g2")).count() as u64;
        m.delete_user("u0");
        m.delete_group("g2");
        m.delete_user("u5"); // already inactive
        *server.model.borrow_mut() = m.clone();
        let s = sync(&engine, &server, &rt, &opts).unwrap();
        assert_eq!(s.group_deleted, 1);
        match on_missing {
            OnMissing::Deactivate => {
                assert_eq!(s.user_deactivated, 1, "{s:?}");
                assert_eq!(s.user_deleted, 0);
                let before = directory();
                let listed_untouched = before
                    .users
                    .values()
                    .filter(|u| !["u0", "u5"].contains(&u.id.as_str()) && !u.groups.contains("g2"))
                    .count() as u64;
                assert_eq!(
                    s.unchanged,
                    listed_untouched + 2 + 1,
                    "listed as before, and u5 already inactive"
                );
                let u0 = store.user("u0").unwrap();
                assert!(!u0.deleted && !u0.active);
                assert!(!store.user("u5").unwrap().deleted);
                assert_eq!(s.member_removed, members_of_g2);
            }
            OnMissing::Delete => {
                assert_eq!(s.user_deleted, 2, "{s:?}");
                assert_eq!(s.user_deactivated, 0);
                assert_store_matches(&m, &store);
                // g2's members lose it with the group, u0 and u5 the rest of their groups.
                let u0_rest =
                    groups_of_u0 - u64::from(directory().users["u0"].groups.contains("g2"));
                let u5_rest = directory().users["u5"]
                    .groups
                    .iter()
                    .filter(|g| *g != "g2")
                    .count() as u64;
                assert_eq!(s.member_removed, members_of_g2 + u0_rest + u5_rest);
            }
        }
        assert!(store.group("g2").unwrap().deleted);
        assert!(store.list_members("g2").is_empty());
    }
}

#[test]
fn a_listing_older_than_the_stored_state_keeps_it_and_marks_it_seen() {
    let m = directory();
    let server = FakeDirectory::new(m.clone());
    let rt = FakeRuntime::new();
    let store = Rc::new(MemoryStore::new());
    let engine = SyncEngine::new(store.clone());
    // A webhook newer than what the listing will show.
    let mut newer = m.clone();
    newer.update_user("u1", |u| u.title = Some("Newer".into()), false);
    let event = newer.events.last().unwrap().clone();
    futures::executor::block_on(engine.apply_event_value(event)).unwrap();
    let s = sync(&engine, &server, &rt, &options(30, OnMissing::Deactivate)).unwrap();
    assert_eq!(s.user_deactivated + s.user_updated, 0, "{s:?}");
    let u1 = store.user("u1").unwrap();
    assert_eq!(u1.data.title.as_deref(), Some("Newer"));
    assert_eq!(u1.generation, 1, "seen by the sync, so not swept");
    assert!(u1.active);
}

#[test]
fn rows_changed_after_the_sync_started_are_not_missing() {
    let m = directory();
    let server = FakeDirectory::new(m.clone());
    let rt = FakeRuntime::new();
    let store = Rc::new(MemoryStore::new());
    let engine = SyncEngine::new(store.clone());
    sync(&engine, &server, &rt, &options(30, OnMissing::Delete)).unwrap();
    // A user created after the next sync starts, known only from its webhook.
    let mut later = m.clone();
    for _ in 0..3000 {
        later.tick(); // past the sync's start (an hour after the model's clock)
    }
    let event = later.create_user("u_new", "New", "Comer");
    futures::executor::block_on(engine.apply_event_value(event)).unwrap();
    assert_eq!(
        store.user("u_new").unwrap().directory_id,
        None,
        "webhooks do not name it"
    );
    let s = sync(&engine, &server, &rt, &options(30, OnMissing::Delete)).unwrap();
    assert_eq!(s.user_deleted, 0, "{s:?}");
    assert!(!store.user("u_new").unwrap().deleted);
}

/// Reference: the changes and summary of an uninterrupted full sync from `initial` (events
/// applied first) to `target`.
fn setup(initial: &Model, target: &Model) -> (Rc<MemoryStore>, Rc<FakeDirectory>) {
    let store = Rc::new(MemoryStore::new());
    let engine = SyncEngine::new(store.clone());
    for e in &initial.events {
        futures::executor::block_on(engine.apply_event_value(e.clone())).unwrap();
    }
    (store, FakeDirectory::new(target.clone()))
}

/// The directory before (events delivered) and after (nothing delivered): work in every phase.
fn before_and_after() -> (Model, Model) {
    let before = directory();
    let mut after = before.clone();
    after.delete_user("u0");
    after.delete_user("u6");
    after.delete_group("g3");
    after.rename_group("g1", "Engineering");
    after.create_group("g4", "Legal");
    after.create_user("u8", "Grace", "Hopper");
    after.set_groups("u8", &["g4", "g1"]);
    after.update_user("u2", |u| u.active = false, false);
    after.set_groups("u3", &["g4"]);
    (before, after)
}

#[test]
fn a_full_sync_stopped_at_any_commit_resumes_to_the_same_result_reporting_each_change_once() {
    let (before, after) = before_and_after();
    let opts = options(3, OnMissing::Delete);
    let rt = FakeRuntime::new();
    // Uninterrupted.
    let (store, server) = setup(&before, &after);
    let faulty = Rc::new(Faulty::new(store.clone()));
    let seen = Seen::default();
    let engine = SyncEngine::new(faulty.clone()).with_on_change(seen.hook());
    let reference = sync(&engine, &server, &rt, &opts).unwrap();
    let mut want: Vec<String> = seen.take().iter().map(line).collect();
    want.sort();
    assert_store_matches(&after, &store);
    let commits = faulty.commits.get();
    assert!(commits >= 8, "pages and sweep batches: {commits}");
    assert!(reference.total_changes() > 10);
    for k in 0..commits {
        let (store, server) = setup(&before, &after);
        let faulty = Rc::new(Faulty::new(store.clone()));
        faulty.fail.borrow_mut().insert(k);
        let seen = Seen::default();
        let engine = SyncEngine::new(faulty.clone()).with_on_change(seen.hook());
        let err = sync(&engine, &server, &rt, &opts).unwrap_err();
        assert_eq!(err.code(), "store_failed", "{err}");
        faulty.fail.borrow_mut().clear();
        let resumed = sync(&engine, &server, &rt, &opts).unwrap();
        assert_eq!(
            resumed, reference,
            "stopped at commit {k}: the summary covers the whole run"
        );
        let mut got: Vec<String> = seen.take().iter().map(line).collect();
        got.sort();
        assert_eq!(got, want, "stopped at commit {k}: every change once");
        assert_store_matches(&after, &store);
        let cp: serde_json::Value =
            serde_json::from_str(&store.checkpoint_value("full:org_1:dir_1").unwrap()).unwrap();
        assert_eq!(cp["generation"], 1, "the resumed run kept its generation");
    }
}

#[test]
fn a_full_sync_resumes_from_the_page_that_failed() {
    let (before, after) = before_and_after();
    let opts = options(3, OnMissing::Delete);
    let rt = FakeRuntime::new();
    let (store, server) = setup(&before, &after);
    let engine = SyncEngine::new(store.clone());
    // The third users page fails (a non-retryable 500).
    server.set_fault(|req, _| {
        (req.url.contains("/users") && req.url.contains("page_token=o6"))
            .then(|| HttpResponse::new(500, json!({"code": 13, "message": "boom"}).to_string()))
    });
    let err = sync(&engine, &server, &rt, &opts).unwrap_err();
    assert_eq!(err.code(), "server_error");
    let fetched_before = server.requests_to("/users").len();
    let groups_before = server.requests_to("/groups").len();
    server.clear_fault();
    sync(&engine, &server, &rt, &opts).unwrap();
    let users_requests = server.requests_to("/users");
    assert!(
        users_requests[fetched_before].url.contains("page_token=o6"),
        "resumed at the failed page"
    );
    assert_eq!(
        server.requests_to("/groups").len(),
        groups_before,
        "groups were not listed again"
    );
    assert_store_matches(&after, &store);
}

#[test]
fn a_rejected_page_token_restarts_the_listing_from_its_first_page() {
    let (before, after) = before_and_after();
    let opts = options(3, OnMissing::Delete);
    let rt = FakeRuntime::new();
    let (store, server) = setup(&before, &after);
    let engine = SyncEngine::new(store.clone());
    server.set_fault(|req, _| {
        (req.url.contains("/users") && req.url.contains("page_token=o3"))
            .then(|| HttpResponse::new(503, "{}"))
    });
    sync(&engine, &server, &rt, &opts).unwrap_err();
    // The stored token has expired by the time the sync resumes.
    let once = std::cell::Cell::new(true);
    server.set_fault(move |req, _| {
        (req.url.contains("/users") && req.url.contains("page_token=o3") && once.replace(false))
            .then(|| {
                HttpResponse::new(
                    400,
                    json!({"code": 3, "message": "page token expired"}).to_string(),
                )
            })
    });
    let s = sync(&engine, &server, &rt, &opts);
    server.clear_fault();
    let s = s.unwrap_or_else(|e| panic!("{e}"));
    assert!(s.total_changes() > 0);
    let last_users: Vec<String> = server
        .requests_to("/users")
        .iter()
        .map(|r| r.url.clone())
        .collect();
    let restarts = last_users
        .iter()
        .filter(|u| !u.contains("page_token"))
        .count();
    assert_eq!(
        restarts, 2,
        "the first page, then again after the rejected token"
    );
    assert_store_matches(&after, &store);
}

#[test]
fn full_sync_all_walks_every_organization_and_directory() {
    let m = directory();
    let server = FakeDirectory::new(m.clone());
    let rt = FakeRuntime::new();
    let store = Rc::new(MemoryStore::new());
    let engine = SyncEngine::new(store.clone());
    let client = client_of(&server, &rt);
    let s = block(
        &rt,
        engine.full_sync_all(&client, m.later(), &FullSyncOptions::default()),
    )
    .unwrap();
    assert_eq!(s.user_created, 8);
    assert_store_matches(&m, &store);
    let kinds: BTreeSet<ChangeKind> = ChangeKind::ALL
        .into_iter()
        .filter(|k| s.changes_of(*k) > 0)
        .collect();
    assert_eq!(
        kinds,
        BTreeSet::from([
            ChangeKind::UserCreated,
            ChangeKind::GroupCreated,
            ChangeKind::MemberAdded
        ])
    );
}

#[test]
fn full_sync_organization_walks_each_directory_of_one_organization() {
    let m = directory();
    let server = FakeDirectory::new(m.clone());
    let rt = FakeRuntime::new();
    let store = Rc::new(MemoryStore::new());
    let engine = SyncEngine::new(store.clone());
    let client = client_of(&server, &rt);
    let s = block(
        &rt,
        engine.full_sync_organization(&client, ORG, m.later(), &FullSyncOptions::default()),
    )
    .unwrap();
    assert_eq!(s.user_created, 8);
    assert_store_matches(&m, &store);
    let again = block(
        &rt,
        engine.full_sync_organization(&client, ORG, m.later(), &FullSyncOptions::default()),
    )
    .unwrap();
    assert_eq!(again.total_changes(), 0, "{again:?}");
}

#[test]
fn users_known_only_from_webhooks_are_swept_when_the_organization_has_one_directory() {
    for directories in [1, 2] {
        let mut m = directory();
        let store = Rc::new(MemoryStore::new());
        let engine = SyncEngine::new(store.clone());
        for e in &m.events {
            futures::executor::block_on(engine.apply_event_value(e.clone())).unwrap();
        }
        assert_eq!(store.user("u0").unwrap().directory_id, None);
        m.delete_user("u0"); // its webhook is lost
        let server = FakeDirectory::new(m.clone());
        if directories == 2 {
            server.set_fault(|req, _| {
                req.url.ends_with("/directories").then(|| {
                    let body = json!({"directories": [{"id": DIR}, {"id": "dir_2"}]});
                    HttpResponse::new(200, body.to_string())
                })
            });
        }
        let rt = FakeRuntime::new();
        let s = sync(&engine, &server, &rt, &options(30, OnMissing::Delete)).unwrap();
        let u0 = store.user("u0").unwrap();
        if directories == 1 {
            assert_eq!(s.user_deleted, 1);
            assert!(u0.deleted);
            assert_store_matches(&m, &store);
        } else {
            // It may be a user of the other directory: left for that one's listing to show.
            assert_eq!(s.user_deleted, 0);
            assert!(!u0.deleted && u0.directory_id.is_none());
        }
    }
}

/// A store whose commits take a while (each yields once before writing), noting how many
/// listing requests the client sent while each was pending.
struct SlowCommits {
    inner: Rc<MemoryStore>,
    server: Rc<FakeDirectory>,
    /// Requests sent to the listings while a commit was pending, per commit.
    sent_during: std::cell::RefCell<Vec<usize>>,
}

impl SlowCommits {
    fn listing_requests(&self) -> usize {
        self.server.requests_to("/users").len() + self.server.requests_to("/groups").len()
    }
}

impl Store for SlowCommits {
    fn has_event(&self, id: String) -> scimkit::sync::StoreResult<'_, bool> {
        self.inner.has_event(id)
    }
    fn users(
        &self,
        ids: Vec<String>,
    ) -> scimkit::sync::StoreResult<'_, Vec<scimkit::sync::UserRecord>> {
        self.inner.users(ids)
    }
    fn groups(
        &self,
        ids: Vec<String>,
    ) -> scimkit::sync::StoreResult<'_, Vec<scimkit::sync::GroupRecord>> {
        self.inner.groups(ids)
    }
    fn user_groups(
        &self,
        ids: Vec<String>,
    ) -> scimkit::sync::StoreResult<'_, Vec<scimkit::sync::MembershipKey>> {
        self.inner.user_groups(ids)
    }
    fn group_members(&self, id: String) -> scimkit::sync::StoreResult<'_, Vec<String>> {
        self.inner.group_members(id)
    }
    fn unseen_users(
        &self,
        q: scimkit::sync::UnseenQuery,
    ) -> scimkit::sync::StoreResult<'_, Vec<scimkit::sync::UserRecord>> {
        self.inner.unseen_users(q)
    }
    fn unseen_groups(
        &self,
        q: scimkit::sync::UnseenQuery,
    ) -> scimkit::sync::StoreResult<'_, Vec<scimkit::sync::GroupRecord>> {
        self.inner.unseen_groups(q)
    }
    fn checkpoint(&self, key: String) -> scimkit::sync::StoreResult<'_, Option<String>> {
        self.inner.checkpoint(key)
    }
    fn commit(&self, changeset: scimkit::sync::Changeset) -> scimkit::sync::StoreResult<'_, ()> {
        Box::pin(async move {
            let before = self.listing_requests();
            let mut yielded = false;
            std::future::poll_fn(|cx| {
                if yielded {
                    return std::task::Poll::Ready(());
                }
                yielded = true;
                cx.waker().wake_by_ref();
                std::task::Poll::Pending
            })
            .await;
            let r = self.inner.commit(changeset).await;
            self.sent_during
                .borrow_mut()
                .push(self.listing_requests() - before);
            r
        })
    }
}

#[test]
fn the_next_listing_page_is_requested_while_the_current_one_commits_one_page_ahead() {
    let rt = FakeRuntime::new();
    let model = directory();
    let server = FakeDirectory::new(model.clone());
    let store = SlowCommits {
        inner: Rc::new(MemoryStore::new()),
        server: server.clone(),
        sent_during: Default::default(),
    };
    let engine = SyncEngine::new(store);
    // 3 groups and 8 users, 2 a page: 2 group pages, 4 user pages.
    let summary = sync(&engine, &server, &rt, &options(2, OnMissing::Deactivate)).unwrap();
    assert_eq!(summary.user_created, 8);
    let during = engine.store().sent_during.borrow().clone();
    // The commits of the listing pages, in order: while each page but the last of a listing
    // commits, exactly the request for the next page goes out — never more than one ahead.
    assert_eq!(
        &during[..6],
        &[1, 0, 1, 1, 1, 0],
        "requests sent during each page's commit: {during:?}"
    );
    assert_eq!(
        engine.store().listing_requests(),
        6,
        "each page requested once"
    );
    assert_store_matches(&model, &engine.store().inner);
}

/// A full sync of [`directory`] (already in the store) in which the second page of the `what`
/// listing ("users" or "groups", 2 items a page) names its first item twice — the listing
/// shifted while it was read (an item created before the cursor) — and the last page is
/// `next`. The revision of that item before and after.
fn revision_around_a_repeat(what: &'static str, next: &'static str) -> (u64, u64) {
    let model = directory();
    let (store, server) = setup(&model, &model);
    let items: Vec<serde_json::Value> = {
        let m = server.model.borrow();
        match what {
            "users" => m.users.values().map(|u| m.listed_user(u)).collect(),
            _ => m.groups.values().map(|g| m.listed_group(g)).collect(),
        }
    };
    let id = items[1]["id"].as_str().unwrap().to_owned();
    let revision = || {
        let ids = vec![id.clone()];
        match what {
            "users" => futures::executor::block_on(store.users(ids)).unwrap()[0].revision,
            _ => futures::executor::block_on(store.groups(ids)).unwrap()[0].revision,
        }
    };
    let before = revision();
    server.set_fault(move |req, _| {
        let path = format!("/{what}");
        (req.url.contains(&path) && req.url.contains("page_token=o2")).then(|| {
            let page = [items[1].clone(), items[1].clone(), items[2].clone()];
            let body = json!({what: page, "next_page_token": next,
                              "prev_page_token": "", "total_size": items.len()});
            HttpResponse::new(200, body.to_string())
        })
    });
    let rt = FakeRuntime::new();
    let engine = SyncEngine::new(store.clone());
    sync(&engine, &server, &rt, &options(2, OnMissing::Deactivate)).unwrap();
    assert_store_matches(&model, &store);
    (before, revision())
}

#[test]
fn an_item_listed_twice_in_one_page_is_written_with_its_revision_moving_on() {
    // Every write moves the revision on (guards compare it): never back to an older value.
    for (what, next) in [("users", "o3"), ("groups", "")] {
        let (before, after) = revision_around_a_repeat(what, next);
        assert!(
            after > before,
            "{what}: the revision went from {before} to {after}"
        );
    }
}
