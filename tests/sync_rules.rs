//! The event rules of the sync engine, one by one, through `SyncEngine::apply_event` over a
//! `MemoryStore`: exactly once, order, tombstones, re-provisioning, memberships (`null` vs
//! `[]`), activation, group deletes, partial events, errors.

mod directory_support;
mod sync_support;

use std::rc::Rc;

use futures::executor::block_on;
use serde_json::{json, Value};

use scimkit::error::ErrorCode;
use scimkit::sync::{ApplyStatus, ChangeKind, EventOutcome, MemoryStore, SyncEngine, SyncError};

use sync_support::*;

type Engine = SyncEngine<Rc<MemoryStore>>;

fn engine() -> (Engine, Rc<MemoryStore>, Seen) {
    let store = Rc::new(MemoryStore::new());
    let seen = Seen::default();
    let engine = SyncEngine::new(store.clone()).with_on_change(seen.hook());
    (engine, store, seen)
}

fn apply(engine: &Engine, event: &Value) -> EventOutcome {
    block_on(engine.apply_event(event.to_string().as_bytes())).unwrap()
}

fn kinds(o: &EventOutcome) -> Vec<ChangeKind> {
    o.changes.iter().map(|c| c.kind).collect()
}

#[test]
fn an_event_applies_once_whatever_the_route() {
    let (engine, store, seen) = engine();
    let mut m = Model::new();
    let created = m.create_user("u1", "Ada", "Lovelace");
    let first = apply(&engine, &created);
    assert_eq!(first.status, ApplyStatus::Applied);
    assert_eq!(kinds(&first), [ChangeKind::UserCreated]);
    let commits = store.commit_count();
    // The same event again, as bytes and as a parsed value.
    assert_eq!(apply(&engine, &created).status, ApplyStatus::Duplicate);
    let again = block_on(engine.apply_event_value(created.clone())).unwrap();
    assert_eq!(again.status, ApplyStatus::Duplicate);
    assert!(again.changes.is_empty());
    assert_eq!(store.commit_count(), commits, "a duplicate writes nothing");
    assert_eq!(store.event_count(), 1);
    assert_eq!(seen.kinds(), [ChangeKind::UserCreated], "reported once");
}

#[test]
fn an_older_event_never_overwrites_newer_state() {
    let (engine, store, _) = engine();
    let mut m = Model::new();
    let created = m.create_user("u1", "Ada", "Lovelace");
    let older = m.update_user("u1", |u| u.title = Some("Analyst".into()), false);
    let newer = m.update_user("u1", |u| u.title = Some("Countess".into()), false);
    apply(&engine, &created);
    let applied = apply(&engine, &newer);
    assert_eq!(kinds(&applied), [ChangeKind::UserUpdated]);
    let c = &applied.changes[0];
    assert_eq!(c.before.as_ref().unwrap().user().unwrap().title, None);
    assert_eq!(
        c.after.as_ref().unwrap().user().unwrap().title.as_deref(),
        Some("Countess")
    );
    let stale = apply(&engine, &older);
    assert_eq!(stale.status, ApplyStatus::Stale);
    assert!(stale.changes.is_empty());
    assert_eq!(
        store.user("u1").unwrap().data.title.as_deref(),
        Some("Countess")
    );
    // The stale event's id is recorded: a repeat is a duplicate.
    assert_eq!(apply(&engine, &older).status, ApplyStatus::Duplicate);
    // The same time as the stored state is stale too (only newer wins).
    let mut same = newer.clone();
    same["id"] = json!("evt_same_time");
    same["data"]["title"] = json!("Other");
    assert_eq!(apply(&engine, &same).status, ApplyStatus::Stale);
}

#[test]
fn a_delete_leaves_a_tombstone_that_older_events_cannot_undo() {
    let (engine, store, _) = engine();
    let mut m = Model::new();
    let created = m.create_user("u1", "Ada", "Lovelace");
    let updated = m.update_user("u1", |u| u.title = Some("Analyst".into()), false);
    let deleted = m.delete_user("u1");
    let d = apply(&engine, &deleted);
    assert_eq!(d.status, ApplyStatus::Applied);
    assert!(d.changes.is_empty(), "nothing was there to delete");
    let tomb = store.user("u1").unwrap();
    assert!(tomb.deleted && !tomb.active);
    assert_eq!(apply(&engine, &created).status, ApplyStatus::Stale);
    assert_eq!(apply(&engine, &updated).status, ApplyStatus::Stale);
    assert!(store.user("u1").unwrap().deleted);
    assert!(store.list_users(None, None).is_empty());
}

#[test]
fn a_newer_create_provisions_a_deleted_user_again() {
    let (engine, store, _) = engine();
    let mut m = Model::new();
    let events = [
        m.create_user("u1", "Ada", "Lovelace"),
        m.delete_user("u1"),
        m.create_user("u1", "Ada", "King"),
    ];
    let outcomes: Vec<_> = events.iter().map(|e| apply(&engine, e)).collect();
    assert_eq!(kinds(&outcomes[1]), [ChangeKind::UserDeleted]);
    assert!(outcomes[1].changes[0].after.is_none());
    let before = outcomes[1].changes[0]
        .before
        .as_ref()
        .unwrap()
        .user()
        .unwrap();
    assert_eq!(before.family_name.as_deref(), Some("Lovelace"));
    let json = serde_json::to_value(&outcomes[1].changes[0]).unwrap();
    assert_eq!(
        json["before"]["family_name"], "Lovelace",
        "the bare user object"
    );
    assert_eq!(json["after"], Value::Null);
    assert_eq!(kinds(&outcomes[2]), [ChangeKind::UserCreated]);
    let u = store.user("u1").unwrap();
    assert!(!u.deleted && u.active);
    assert_eq!(u.data.family_name.as_deref(), Some("King"));
}

#[test]
fn memberships_change_only_when_the_event_states_groups() {
    let (engine, store, _) = engine();
    let mut m = Model::new();
    apply(&engine, &m.create_group("g1", "Eng"));
    apply(&engine, &m.create_group("g2", "Ops"));
    apply(&engine, &m.create_user("u1", "Ada", "Lovelace"));
    let joined = apply(&engine, &m.set_groups("u1", &["g1", "g2"]));
    assert_eq!(
        kinds(&joined),
        [ChangeKind::MemberAdded, ChangeKind::MemberAdded]
    );
    assert_eq!(joined.changes[0].id, "u1");
    assert_eq!(joined.changes[0].group_id.as_deref(), Some("g1"));
    // `groups: null` (what real deliveries send): memberships untouched, the field change is.
    let renamed = apply(
        &engine,
        &m.update_user("u1", |u| u.given = "Augusta".into(), false),
    );
    assert_eq!(kinds(&renamed), [ChangeKind::UserUpdated]);
    assert_eq!(store.list_user_groups("u1"), ["g1", "g2"]);
    // `groups: []`: the user is in no group any more.
    let left = apply(&engine, &m.set_groups("u1", &[]));
    assert_eq!(
        kinds(&left),
        [ChangeKind::MemberRemoved, ChangeKind::MemberRemoved]
    );
    assert!(store.list_user_groups("u1").is_empty());
    assert!(store.list_members("g1").is_empty());
    // Stored users never carry `groups`: the membership rows are the truth.
    assert!(store.user("u1").unwrap().data.groups.is_empty());
}

#[test]
fn activation_changes_are_their_own_kinds() {
    let (engine, store, _) = engine();
    let mut m = Model::new();
    apply(&engine, &m.create_user("u1", "Ada", "Lovelace"));
    let off = apply(&engine, &m.update_user("u1", |u| u.active = false, false));
    assert_eq!(kinds(&off), [ChangeKind::UserDeactivated]);
    assert!(!store.user("u1").unwrap().active);
    let on = apply(&engine, &m.update_user("u1", |u| u.active = true, false));
    assert_eq!(kinds(&on), [ChangeKind::UserReactivated]);
    // A newer event with the same fields: applied (the version moves), no change reported.
    let same_event = m.update_user("u1", |_| {}, false);
    let same = apply(&engine, &same_event);
    assert_eq!(same.status, ApplyStatus::Applied);
    assert!(same.changes.is_empty());
    let at = same_event["occurred_at"].as_str().unwrap();
    assert_eq!(store.user("u1").unwrap().version.to_string(), at);
}

#[test]
fn deleting_a_group_removes_its_memberships() {
    let (engine, store, _) = engine();
    let mut m = Model::new();
    apply(&engine, &m.create_group("g1", "Eng"));
    for u in ["u1", "u2"] {
        apply(&engine, &m.create_user(u, "A", u));
        apply(&engine, &m.set_groups(u, &["g1"]));
    }
    let gone = apply(&engine, &m.delete_group("g1"));
    assert_eq!(
        kinds(&gone),
        [
            ChangeKind::GroupDeleted,
            ChangeKind::MemberRemoved,
            ChangeKind::MemberRemoved
        ]
    );
    assert!(store.group("g1").unwrap().deleted);
    assert!(store.memberships().is_empty());
}

#[test]
fn an_older_user_event_does_not_rejoin_a_group_deleted_after_it() {
    let (engine, store, _) = engine();
    let mut m = Model::new();
    let g = m.create_group("g1", "Eng");
    let u = m.create_user("u1", "Ada", "Lovelace");
    let joined = m.set_groups("u1", &["g1"]);
    let gone = m.delete_group("g1");
    // Delivered out of order: the group's delete first.
    for e in [&g, &u, &gone] {
        apply(&engine, e);
    }
    let late = apply(&engine, &joined);
    assert_eq!(late.status, ApplyStatus::Applied);
    assert!(late.changes.is_empty(), "{:?}", late.changes);
    assert!(store.memberships().is_empty());
}

#[test]
fn user_events_without_a_directory_keep_the_stored_one() {
    let (engine, store, _) = engine();
    let mut m = Model::new();
    let mut created = m.create_user("u1", "Ada", "Lovelace");
    created["data"]["directory_id"] = json!("dir_9");
    apply(&engine, &created);
    assert_eq!(
        store.user("u1").unwrap().directory_id.as_deref(),
        Some("dir_9")
    );
    apply(
        &engine,
        &m.update_user("u1", |u| u.title = Some("X".into()), false),
    );
    let u = store.user("u1").unwrap();
    assert_eq!(u.directory_id.as_deref(), Some("dir_9"));
    assert_eq!(u.data.directory_id.as_deref(), Some("dir_9"));
}

#[test]
fn other_events_are_ignored_and_recorded() {
    let (engine, store, _) = engine();
    let enabled = json!({"id": "evt_d1", "type": "organization.directory_enabled",
        "occurred_at": "2024-01-01T00:00:00Z", "organization_id": "org_1",
        "data": {"id": "dir_1", "organization_id": "org_1", "enabled": true}});
    assert_eq!(apply(&engine, &enabled).status, ApplyStatus::Ignored);
    assert_eq!(apply(&engine, &enabled).status, ApplyStatus::Duplicate);
    let unknown = json!({"id": "evt_x", "type": "organization.created", "data": {}});
    assert_eq!(apply(&engine, &unknown).status, ApplyStatus::Ignored);
    assert_eq!(store.event_count(), 2);
    assert!(store.list_users(None, None).is_empty());
}

#[test]
fn events_that_cannot_be_applied_are_errors_and_write_nothing() {
    let (engine, store, _) = engine();
    let mut m = Model::new();
    let good = m.create_user("u1", "Ada", "Lovelace");
    let cases: Vec<(Value, &str)> = vec![
        (
            {
                let mut e = good.clone();
                e.as_object_mut().unwrap().remove("occurred_at");
                e
            },
            "invalid_event",
        ),
        (
            {
                let mut e = good.clone();
                e["occurred_at"] = json!("last tuesday");
                e
            },
            "invalid_event",
        ),
        (
            {
                let mut e = good.clone();
                e["data"].as_object_mut().unwrap().remove("id");
                e
            },
            "invalid_event",
        ),
        (
            {
                let mut e = good.clone();
                e.as_object_mut().unwrap().remove("organization_id");
                e["data"].as_object_mut().unwrap().remove("organization_id");
                e
            },
            "invalid_event",
        ),
        (
            {
                let mut e = good.clone();
                e["data"]["active"] = json!([1]);
                e
            },
            "invalid_value",
        ),
    ];
    for (event, code) in cases {
        let err = block_on(engine.apply_event(event.to_string().as_bytes())).unwrap_err();
        assert_eq!(err.code(), code, "{err}");
        assert!(!err.to_string().is_empty());
    }
    let err = block_on(engine.apply_event(b"{not json")).unwrap_err();
    assert_eq!(err.code(), "invalid_json");
    assert!(matches!(err, SyncError::Event(_)));
    assert_eq!(store.commit_count(), 0);
}

#[test]
fn events_without_an_id_are_ordered_but_not_deduplicated() {
    let (engine, store, _) = engine();
    let mut m = Model::new();
    let mut created = m.create_user("u1", "Ada", "Lovelace");
    created.as_object_mut().unwrap().remove("id");
    assert_eq!(apply(&engine, &created).status, ApplyStatus::Applied);
    // No id to remember: the repeat is judged by time alone.
    assert_eq!(apply(&engine, &created).status, ApplyStatus::Stale);
    assert_eq!(store.event_count(), 0);
}

#[test]
fn partial_events_change_only_what_they_state() {
    let (engine, store, _) = engine();
    let mut m = Model::new();
    apply(&engine, &m.create_group("g1", "Eng"));
    apply(&engine, &m.create_user("u1", "Ada", "Lovelace"));
    apply(
        &engine,
        &m.update_user("u1", |u| u.title = Some("Analyst".into()), false),
    );
    let at = m.tick();
    let partial = json!({"id": "evt_p1", "type": "organization.directory.user_updated",
        "occurred_at": at.to_string(), "organization_id": ORG, "partial": true,
        "data": {"id": "u1", "nickname": "ada", "active": false,
                 "cleared_attributes": ["title"], "groups": [{"id": "g1"}]}});
    let o = apply(&engine, &partial);
    assert_eq!(
        kinds(&o),
        [ChangeKind::UserDeactivated, ChangeKind::MemberAdded]
    );
    let u = store.user("u1").unwrap().data;
    assert_eq!(u.nickname.as_deref(), Some("ada"));
    assert_eq!(u.title, None, "cleared");
    assert_eq!(u.given_name.as_deref(), Some("Ada"), "kept");
    assert!(!u.active);
}

#[test]
fn group_events_with_members_set_and_edit_memberships() {
    let (engine, store, _) = engine();
    let mut m = Model::new();
    for u in ["u1", "u2", "u3"] {
        apply(&engine, &m.create_user(u, "A", u));
    }
    let mut created = m.create_group("g1", "Eng");
    created["data"]["members"] = json!([{"value": "u1"}, {"value": "u2", "type": "User"},
                                        {"value": "g9", "type": "Group"}]);
    let o = apply(&engine, &created);
    assert_eq!(
        kinds(&o),
        [
            ChangeKind::GroupCreated,
            ChangeKind::MemberAdded,
            ChangeKind::MemberAdded
        ]
    );
    assert_eq!(store.list_members("g1"), ["u1", "u2"]);
    let at = m.tick();
    let patch = json!({"id": "evt_gp", "type": "organization.directory.group_updated",
        "occurred_at": at.to_string(), "organization_id": ORG, "partial": true,
        "data": {"id": "g1", "members_added": [{"value": "u3"}], "members_removed": [{"value": "u1"}]}});
    let o = apply(&engine, &patch);
    assert_eq!(
        kinds(&o),
        [ChangeKind::MemberRemoved, ChangeKind::MemberAdded]
    );
    assert_eq!(store.list_members("g1"), ["u2", "u3"]);
    assert_eq!(
        store.group("g1").unwrap().data.display_name.as_deref(),
        Some("Eng"),
        "partial keeps the name"
    );
}

#[test]
fn changes_reach_the_hook_after_their_commit() {
    let (engine, store, seen) = engine();
    let mut m = Model::new();
    apply(&engine, &m.create_group("g1", "Eng"));
    apply(&engine, &m.create_user("u1", "Ada", "Lovelace"));
    apply(&engine, &m.set_groups("u1", &["g1"]));
    apply(&engine, &m.delete_user("u1"));
    assert_eq!(
        seen.kinds(),
        [
            ChangeKind::GroupCreated,
            ChangeKind::UserCreated,
            ChangeKind::MemberAdded,
            ChangeKind::UserDeleted,
            ChangeKind::MemberRemoved
        ]
    );
    let json = serde_json::to_value(&seen.take()[2]).unwrap();
    assert_eq!(
        json,
        json!({"kind": "member_added", "organization_id": ORG, "directory_id": null,
        "id": "u1", "group_id": "g1", "before": null, "after": null})
    );
    assert!(store.memberships().is_empty());
}

#[test]
fn an_older_event_still_states_groups_that_newer_ones_left_unsaid() {
    let (engine, store, _) = engine();
    let mut m = Model::new();
    apply(&engine, &m.create_group("g1", "Eng"));
    apply(&engine, &m.create_user("u1", "Ada", "Lovelace"));
    let joined = m.set_groups("u1", &["g1"]);
    let renamed = m.update_user("u1", |u| u.title = Some("Countess".into()), false);
    let left = m.set_groups("u1", &[]);
    // The rename (groups: null) first: the join is older for fields, not for groups.
    apply(&engine, &renamed);
    let o = apply(&engine, &joined);
    assert_eq!(o.status, ApplyStatus::Applied);
    assert_eq!(kinds(&o), [ChangeKind::MemberAdded]);
    assert_eq!(
        store.user("u1").unwrap().data.title.as_deref(),
        Some("Countess"),
        "fields kept"
    );
    apply(&engine, &left);
    // Once a newer event stated the groups, the older one is stale for them too.
    let mut replay = joined.clone();
    replay["id"] = json!("evt_replay");
    assert_eq!(apply(&engine, &replay).status, ApplyStatus::Stale);
    assert!(store.list_user_groups("u1").is_empty());
}

#[test]
fn provisioning_a_deleted_user_again_takes_the_groups_it_states() {
    let (engine, store, _) = engine();
    let mut m = Model::new();
    apply(&engine, &m.create_group("g1", "Eng"));
    apply(&engine, &m.create_user("u1", "Ada", "Lovelace"));
    apply(&engine, &m.delete_user("u1"));
    m.create_user("u1", "Ada", "King");
    let o = apply(&engine, &m.set_groups("u1", &["g1"]));
    assert_eq!(
        kinds(&o),
        [ChangeKind::UserCreated, ChangeKind::MemberAdded]
    );
    assert_eq!(store.list_user_groups("u1"), ["g1"]);
}

#[test]
fn a_listed_state_is_dated_just_before_its_updated_at() {
    // A listing states fewer fields than events (no title, department): a full sync that
    // stores the user first must not make the event that produced that state stale.
    use scimkit::sync::Version;
    let listed_at = Version::parse("2024-05-01T10:00:00.5Z").unwrap();
    assert!(listed_at.just_before() < listed_at);
    assert_eq!(
        Version::parse("2024-05-01T10:00:00Z")
            .unwrap()
            .just_before(),
        Version::parse("2024-05-01T09:59:59.999999999Z").unwrap()
    );
}

#[test]
fn an_on_commit_hook_gets_each_commits_changes_in_one_call_and_nothing_for_a_duplicate() {
    let store = Rc::new(MemoryStore::new());
    let calls = Rc::new(std::cell::RefCell::new(Vec::<Vec<ChangeKind>>::new()));
    let log = calls.clone();
    let engine = SyncEngine::new(store.clone()).with_on_commit(move |changes| {
        log.borrow_mut()
            .push(changes.iter().map(|c| c.kind).collect());
        Box::pin(async {})
    });
    let mut m = Model::new();
    let mut created = m.create_user("u1", "Ada", "Lovelace");
    created["data"]["groups"] =
        json!([{ "id": "g1", "name": "Eng" }, { "id": "g2", "name": "Ops" }]);
    let outcome = apply(&engine, &created);
    assert_eq!(
        kinds(&outcome),
        [
            ChangeKind::UserCreated,
            ChangeKind::MemberAdded,
            ChangeKind::MemberAdded
        ]
    );
    assert_eq!(apply(&engine, &created).status, ApplyStatus::Duplicate);
    assert_eq!(
        *calls.borrow(),
        [kinds(&outcome)],
        "one call with the commit's changes in order; none for the duplicate"
    );
}
