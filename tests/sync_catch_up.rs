//! Catch-up from the events API: the window (checkpoint minus lag, to now), oldest first,
//! deduplicated with webhooks, the late-visible event, bounds, events that do not read.

mod directory_support;
mod sync_support;

use std::rc::Rc;

use futures::executor::block_on;
use serde_json::{json, Value};

use scimkit::error::ErrorCode;
use scimkit::sync::{
    CatchUpOptions, MemoryStore, SyncEngine, SyncSummary, Version, DIRECTORY_EVENT_TYPES,
};

use directory_support::FakeRuntime;
use sync_support::*;

/// A directory with `n` users, 2 groups, memberships, updates and deletes.
fn history(n: usize) -> Model {
    let mut m = Model::new();
    m.create_group("g1", "Eng");
    m.create_group("g2", "Ops");
    for i in 0..n {
        let id = format!("u{i:03}");
        m.create_user(&id, "Given", &format!("F{i}"));
        if i % 2 == 0 {
            m.set_groups(&id, &["g1"]);
        }
        if i % 5 == 0 {
            m.update_user(&id, |u| u.active = false, false);
        }
        if i % 7 == 3 {
            m.delete_user(&id);
        }
    }
    m.rename_group("g1", "Engineering");
    m.delete_group("g2");
    m
}

fn last_event_time(m: &Model) -> Version {
    Version::parse(m.events.last().unwrap()["occurred_at"].as_str().unwrap()).unwrap()
}

fn plus_seconds(v: Version, s: i64) -> Version {
    Version::from_unix_millis((v.unix_millis() + s * 1000) as f64).unwrap()
}

fn catch_up(
    engine: &SyncEngine<Rc<MemoryStore>>,
    server: &Rc<FakeDirectory>,
    now: Version,
    options: &CatchUpOptions,
) -> Result<SyncSummary, scimkit::sync::SyncError> {
    let rt = FakeRuntime::new();
    let client = client_of(server, &rt);
    block(&rt, engine.catch_up(&client, now, options))
}

fn filter_of(req: &scimkit::directory::HttpRequest) -> Value {
    serde_json::from_str(req.body.as_deref().unwrap()).unwrap()
}

#[test]
fn a_first_catch_up_replays_everything_oldest_first() {
    let m = history(90);
    assert!(
        m.events.len() > 150,
        "several pages of 100: {}",
        m.events.len()
    );
    let server = FakeDirectory::new(m.clone());
    let store = Rc::new(MemoryStore::new());
    let engine = SyncEngine::new(store.clone());
    let now = plus_seconds(last_event_time(&m), 10);
    let s = catch_up(&engine, &server, now, &CatchUpOptions::default()).unwrap();
    assert_eq!(s.applied, m.events.len() as u64, "{s:?}");
    assert_eq!(s.duplicate + s.stale + s.ignored + s.rejected, 0);
    assert_store_matches(&m, &store);
    assert_eq!(store.checkpoint_value("events").unwrap(), now.to_string());
    let reqs = server.requests_to("/events/paginated");
    assert!(reqs.len() >= 2);
    let req = &reqs[0];
    assert_eq!(req.method, "POST");
    assert!(req.url.contains("page_size=100"));
    assert_eq!(req.header("content-type"), Some("application/json"));
    let f = filter_of(req);
    assert_eq!(f["end_time"], now.to_string());
    assert!(
        f.get("start_time").is_none(),
        "the first time: as far back as the API keeps"
    );
    assert_eq!(
        f["event_types"].as_array().unwrap().len(),
        DIRECTORY_EVENT_TYPES.len()
    );
}

#[test]
fn webhooks_then_catch_up_converge_and_each_event_applies_once() {
    let m = history(40);
    let store = Rc::new(MemoryStore::new());
    let seen = Seen::default();
    let engine = SyncEngine::new(store.clone()).with_on_change(seen.hook());
    // Deliveries: every third dropped, the rest in reverse pairs, some twice.
    let mut delivered = 0;
    for pair in m.events.chunks(2).enumerate() {
        for (j, e) in pair.1.iter().rev().enumerate() {
            if (pair.0 * 2 + j) % 3 == 0 {
                continue;
            }
            block_on(engine.apply_event_value(e.clone())).unwrap();
            if pair.0 % 4 == 0 {
                block_on(engine.apply_event_value(e.clone())).unwrap();
            }
            delivered += 1;
        }
    }
    let server = FakeDirectory::new(m.clone());
    let now = plus_seconds(last_event_time(&m), 10);
    let s = catch_up(&engine, &server, now, &CatchUpOptions::default()).unwrap();
    assert_eq!(s.duplicate, delivered, "{s:?}");
    assert_eq!(s.applied + s.stale + s.duplicate, m.events.len() as u64);
    assert_store_matches(&m, &store);
    // Every change reported once: creations, for instance, one per user created.
    let created = seen
        .kinds()
        .iter()
        .filter(|k| **k == scimkit::sync::ChangeKind::UserCreated)
        .count();
    let creates = m
        .events
        .iter()
        .filter(|e| e["type"].as_str().unwrap().ends_with("user_created"))
        .count();
    assert!(created <= creates);
    // A second catch-up reads back from the checkpoint minus the lag: all duplicates.
    let again = catch_up(
        &engine,
        &server,
        plus_seconds(now, 60),
        &CatchUpOptions::default(),
    )
    .unwrap();
    assert_eq!(again.applied, 0, "{again:?}");
    let f = filter_of(server.requests_to("/events/paginated").last().unwrap());
    assert_eq!(f["start_time"], now.minus_seconds(300).to_string());
}

#[test]
fn an_event_visible_only_after_a_newer_one_was_read_is_applied_by_the_next_catch_up() {
    let mut m = history(5);
    let t0 = plus_seconds(last_event_time(&m), 1);
    let _ = t0;
    m.update_user("u001", |u| u.title = Some("Late".into()), false);
    let late_id = m.events.last().unwrap()["id"].as_str().unwrap().to_owned();
    m.update_user("u002", |u| u.title = Some("On time".into()), false);
    let server = FakeDirectory::new(m.clone());
    server.hidden.borrow_mut().insert(late_id);
    let store = Rc::new(MemoryStore::new());
    let engine = SyncEngine::new(store.clone());
    let now1 = plus_seconds(last_event_time(&m), 2);
    catch_up(&engine, &server, now1, &CatchUpOptions::default()).unwrap();
    assert_eq!(
        store.user("u002").unwrap().data.title.as_deref(),
        Some("On time")
    );
    assert_eq!(
        store.user("u001").unwrap().data.title,
        None,
        "not visible yet"
    );
    // It shows up; the next catch-up's window starts before the checkpoint.
    server.hidden.borrow_mut().clear();
    let s = catch_up(
        &engine,
        &server,
        plus_seconds(now1, 30),
        &CatchUpOptions::default(),
    )
    .unwrap();
    assert_eq!(s.applied, 1, "{s:?}");
    assert_eq!(
        store.user("u001").unwrap().data.title.as_deref(),
        Some("Late")
    );
    assert_store_matches(&m, &store);
}

#[test]
fn since_bounds_the_first_window_and_max_events_bounds_any() {
    let m = history(10);
    let server = FakeDirectory::new(m.clone());
    let store = Rc::new(MemoryStore::new());
    let engine = SyncEngine::new(store.clone());
    let now = plus_seconds(last_event_time(&m), 10);
    let too_few = CatchUpOptions {
        max_events: 5,
        ..CatchUpOptions::default()
    };
    let err = catch_up(&engine, &server, now, &too_few).unwrap_err();
    assert_eq!(err.code(), "too_many_events");
    assert!(err.to_string().contains("max_events"), "{err}");
    assert_eq!(
        store.checkpoint_value("events"),
        None,
        "nothing read, nothing moved"
    );
    let since = Version::parse(m.events[10]["occurred_at"].as_str().unwrap()).unwrap();
    let opts = CatchUpOptions {
        since: Some(since),
        ..CatchUpOptions::default()
    };
    let s = catch_up(&engine, &server, now, &opts).unwrap();
    assert_eq!(s.applied, (m.events.len() - 10) as u64);
    let f = filter_of(server.requests_to("/events/paginated").last().unwrap());
    assert_eq!(f["start_time"], since.to_string());
}

#[test]
fn events_that_do_not_read_are_counted_and_listed_not_fatal() {
    let mut m = history(3);
    let mut bad = m.events[3].clone();
    bad["id"] = json!("evt_bad");
    bad["data"].as_object_mut().unwrap().remove("id");
    let mut worse = m.events[4].clone();
    worse["id"] = json!("evt_worse");
    worse["data"]["emails"] = json!({"not": "a list"});
    m.events.push(bad);
    m.events.push(worse);
    let server = FakeDirectory::new(m.clone());
    let store = Rc::new(MemoryStore::new());
    let engine = SyncEngine::new(store.clone());
    let now = plus_seconds(last_event_time(&m), 10);
    let s = catch_up(&engine, &server, now, &CatchUpOptions::default()).unwrap();
    assert_eq!(s.rejected, 2);
    let codes: Vec<(&str, &str)> = s
        .rejected_events
        .iter()
        .map(|r| (r.id.as_deref().unwrap(), r.code.as_str()))
        .collect();
    assert!(codes.contains(&("evt_bad", "invalid_event")), "{codes:?}");
    assert!(codes.contains(&("evt_worse", "invalid_value")), "{codes:?}");
    assert_eq!(s.applied, (m.events.len() - 2) as u64);
    assert_eq!(store.checkpoint_value("events").unwrap(), now.to_string());
}
