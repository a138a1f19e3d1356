//! Bounded, leased full-sync steps (what a queue consumer runs): steps of a few pages resume
//! from the checkpoint to the same result as one run, a continuation delivered twice neither
//! starts a new generation nor applies a change twice, a lease keeps a second owner out until it
//! expires, and a step whose lease was taken over stops without writing.

mod directory_support;
mod sync_support;

use std::cell::Cell;
use std::rc::Rc;

use scimkit::error::ErrorCode;
use scimkit::sync::{
    Changeset, Checkpoint, FullSyncOptions, FullSyncStep, Guard, LeaseOptions, MemoryStore,
    OnMissing, StepOutcome, StepStatus, Store, SyncEngine, SyncError, Version,
};

use directory_support::FakeRuntime;
use sync_support::*;

const LEASE: &str = "lease:org_1:dir_1";

fn options() -> FullSyncOptions {
    FullSyncOptions {
        on_missing: OnMissing::Delete,
        page_size: 3,
        sweep_batch: 2,
    }
}

/// 4 groups and 14 users: 2 group pages, 5 user pages, then sweeps.
fn directory() -> Model {
    let mut m = Model::new();
    for (g, name) in [
        ("g1", "Eng"),
        ("g2", "Ops"),
        ("g3", "Sales"),
        ("g4", "Legal"),
    ] {
        m.create_group(g, name);
    }
    for i in 0..14 {
        let id = format!("u{i:02}");
        m.create_user(&id, "Given", &format!("Family{i}"));
        let groups: Vec<&str> = ["g1", "g2", "g3", "g4"]
            .into_iter()
            .enumerate()
            .filter(|(k, _)| (i + k) % 3 == 0)
            .map(|(_, g)| g)
            .collect();
        m.set_groups(&id, &groups);
    }
    m
}

/// The store after the events of `before`, and a directory that now holds `after`.
fn before_and_after() -> (Model, Model) {
    let before = directory();
    let mut after = before.clone();
    after.delete_user("u00");
    after.delete_user("u07");
    after.delete_group("g3");
    after.rename_group("g1", "Engineering");
    after.create_user("u99", "Grace", "Hopper");
    after.set_groups("u99", &["g4", "g1"]);
    after.update_user("u02", |u| u.active = false, false);
    (before, after)
}

struct Fixture {
    store: Rc<MemoryStore>,
    server: Rc<FakeDirectory>,
    rt: Rc<FakeRuntime>,
    seen: Seen,
    engine: SyncEngine<Rc<MemoryStore>>,
    /// Milliseconds since the epoch the steps' clock says.
    now_ms: Rc<Cell<f64>>,
}

fn fixture() -> (Fixture, Model) {
    let (before, after) = before_and_after();
    let store = Rc::new(MemoryStore::new());
    let setup = SyncEngine::new(store.clone());
    for e in &before.events {
        futures::executor::block_on(setup.apply_event_value(e.clone())).unwrap();
    }
    let seen = Seen::default();
    let engine = SyncEngine::new(store.clone()).with_on_change(seen.hook());
    let start = after.later().unix_millis() as f64;
    let f = Fixture {
        store,
        server: FakeDirectory::new(after.clone()),
        rt: FakeRuntime::new(),
        seen,
        engine,
        now_ms: Rc::new(Cell::new(start)),
    };
    (f, after)
}

impl Fixture {
    fn step(&self, step: &FullSyncStep) -> Result<StepOutcome, SyncError> {
        let client = client_of(&self.server, &self.rt);
        let now = self.now_ms.clone();
        let clock = move || Version::from_unix_millis(now.get()).unwrap();
        block(
            &self.rt,
            self.engine
                .full_sync_step(&client, (ORG, DIR), &clock, &options(), step),
        )
    }

    fn advance(&self, seconds: f64) {
        self.now_ms.set(self.now_ms.get() + seconds * 1000.0);
    }

    fn generation(&self) -> u64 {
        let cp: serde_json::Value =
            serde_json::from_str(&self.store.checkpoint_value("full:org_1:dir_1").unwrap())
                .unwrap();
        cp["generation"].as_u64().unwrap()
    }

    fn changes(&self) -> Vec<String> {
        let mut v: Vec<String> = self.seen.take().iter().map(line).collect();
        v.sort();
        v
    }
}

fn leased(owner: &str, max_pages: u32, generation: Option<u64>) -> FullSyncStep {
    FullSyncStep {
        max_pages: Some(max_pages),
        generation,
        lease: Some(LeaseOptions {
            owner: owner.into(),
            ttl_seconds: 30,
        }),
    }
}

/// The changes and summary of one uninterrupted run.
fn reference() -> (Vec<String>, scimkit::sync::SyncSummary) {
    let (f, after) = fixture();
    let out = f.step(&FullSyncStep::default()).unwrap();
    assert_eq!(out.status, StepStatus::Done);
    assert_store_matches(&after, &f.store);
    (f.changes(), out.total)
}

#[test]
fn bounded_steps_resume_to_the_result_of_one_run() {
    let (want, total) = reference();
    assert!(total.total_changes() > 10, "{total:?}");
    for max_pages in [1, 2, 5] {
        let (f, after) = fixture();
        let first = f.step(&leased("run-a", max_pages, None)).unwrap();
        assert_eq!(first.status, StepStatus::More);
        assert_eq!(first.pages, max_pages);
        let mut steps = 1;
        let mut summed = first.summary.clone();
        let mut last = first;
        while !last.done {
            last = f
                .step(&leased("run-a", max_pages, Some(last.generation)))
                .unwrap();
            assert!(last.pages <= max_pages);
            summed.add(last.summary.clone());
            steps += 1;
            assert!(steps < 100, "bounded");
        }
        assert_eq!(last.status, StepStatus::Done);
        assert_eq!(last.total, total, "max_pages {max_pages}: the run's total");
        assert_eq!(summed, total, "max_pages {max_pages}: the steps add up");
        assert_eq!(
            f.changes(),
            want,
            "max_pages {max_pages}: every change once"
        );
        assert_store_matches(&after, &f.store);
        assert_eq!(f.generation(), 1);
        // The lease is free at the end: another owner takes it at once.
        let other = f.step(&leased("run-b", 1, Some(1))).unwrap();
        assert_eq!(other.status, StepStatus::Skipped, "generation 1 is over");
    }
}

#[test]
fn a_continuation_delivered_twice_changes_nothing_twice() {
    let (want, _) = reference();
    let (f, after) = fixture();
    let first = f.step(&leased("run-a", 3, None)).unwrap();
    let g = first.generation;
    // The same continuation twice, one after the other: the second resumes from the
    // checkpoint the first left (no page applied twice), then a third after the end.
    let mut out = f.step(&leased("run-a", 3, Some(g))).unwrap();
    let again = f.step(&leased("run-a", 3, Some(g))).unwrap();
    assert_eq!(again.generation, g);
    out = if again.done { again } else { out };
    while !out.done {
        out = f.step(&leased("run-a", 3, Some(g))).unwrap();
    }
    let commits = f.store.commit_count();
    for _ in 0..2 {
        let late = f.step(&leased("run-a", 3, Some(g))).unwrap();
        assert_eq!(late.status, StepStatus::Skipped);
        assert!(late.done);
        assert_eq!(late.pages, 0);
        assert_eq!(late.summary.total_changes(), 0);
    }
    assert_eq!(f.generation(), g, "no new generation started");
    // Taking and freeing the lease: two commits per late duplicate, no row written.
    assert_eq!(f.store.commit_count(), commits + 4);
    assert_eq!(f.changes(), want);
    assert_store_matches(&after, &f.store);
    // The start that began the run, delivered again after its end: not a new run.
    let restart = f.step(&leased("run-a", 3, None)).unwrap();
    assert_eq!(restart.status, StepStatus::Skipped);
    assert_eq!(f.generation(), g);
    // A start of another owner (the next cron tick) after the end begins the next one, and
    // finds nothing to change.
    let next = f.step(&leased("run-b", 100, None)).unwrap();
    assert_eq!(next.status, StepStatus::Done);
    assert_eq!(next.generation, g + 1);
    assert_eq!(next.summary.total_changes(), 0, "{:?}", next.summary);
}

#[test]
fn another_owner_waits_for_the_lease_to_expire_then_takes_the_run_over() {
    let (want, total) = reference();
    let (f, after) = fixture();
    // Owner A makes one step and dies holding the lease (30 s).
    let a = f.step(&leased("run-a", 2, None)).unwrap();
    assert_eq!(a.status, StepStatus::More);
    f.advance(10.0);
    let b = f.step(&leased("run-b", 2, None)).unwrap();
    assert_eq!(b.status, StepStatus::Busy);
    assert_eq!(b.lease_owner.as_deref(), Some("run-a"));
    assert_eq!(b.pages, 0);
    assert!(!b.done);
    f.advance(25.0);
    // Expired: B continues A's generation from its checkpoint.
    let mut out = f.step(&leased("run-b", 2, None)).unwrap();
    assert_eq!(
        out.generation, a.generation,
        "the run in progress, not a new one"
    );
    while !out.done {
        out = f.step(&leased("run-b", 2, Some(out.generation))).unwrap();
    }
    assert_eq!(out.total, total);
    assert_eq!(f.changes(), want);
    assert_store_matches(&after, &f.store);
    // A's own continuation, late: the run it continued is over.
    let late = f.step(&leased("run-a", 2, Some(a.generation))).unwrap();
    assert_eq!(late.status, StepStatus::Skipped);
}

#[test]
fn a_step_whose_lease_is_taken_over_stops_without_writing() {
    let (want, _) = reference();
    let (f, after) = fixture();
    let first = f.step(&leased("run-a", 2, None)).unwrap();
    // While A's next step runs, B takes the lease over (A was slow past its expiry): written
    // straight to the store after A took it, as another process would.
    let store = f.store.clone();
    let value = r#"{"owner":"run-b","expires_at":"9999-01-01T00:00:00.000000000Z","seq":99}"#;
    let faulty = Rc::new(Faulty::new(store.clone()));
    faulty.before.borrow_mut().insert(
        2, // A's take of the lease is commit 0, its first page commit 1, the second 2
        Box::new(move |s: &MemoryStore| {
            let held = s.checkpoint_value(LEASE);
            let take = Changeset {
                guards: vec![Guard::Checkpoint {
                    key: LEASE.into(),
                    value: held,
                }],
                checkpoints: vec![Checkpoint {
                    key: LEASE.into(),
                    value: value.into(),
                }],
                ..Changeset::default()
            };
            futures::executor::block_on(s.commit(take)).unwrap();
        }),
    );
    let seen = Seen::default();
    let engine = SyncEngine::new(faulty.clone()).with_on_change(seen.hook());
    let client = client_of(&f.server, &f.rt);
    let now = f.now_ms.get();
    let clock = move || Version::from_unix_millis(now).unwrap();
    let progress_before = store.checkpoint_value("full:org_1:dir_1");
    let step = leased("run-a", 5, Some(first.generation));
    let err = block(
        &f.rt,
        engine.full_sync_step(&client, (ORG, DIR), &clock, &options(), &step),
    )
    .unwrap_err();
    assert_eq!(err.code(), "lease_lost", "{err}");
    assert_eq!(faulty.commits.get(), 3, "it stopped at the conflict");
    let progress_after_one = store.checkpoint_value("full:org_1:dir_1");
    assert_ne!(
        progress_before, progress_after_one,
        "its first page committed"
    );
    // B holds the lease now; the next A step is busy.
    let busy = f.step(&leased("run-a", 5, Some(first.generation))).unwrap();
    assert_eq!(busy.status, StepStatus::Busy);
    assert_eq!(
        store.checkpoint_value("full:org_1:dir_1"),
        progress_after_one,
        "A wrote nothing after it lost the lease"
    );
    // B (same owner name as the lease) finishes the run: every change once in all.
    let mut out = f.step(&leased("run-b", 5, Some(first.generation))).unwrap();
    while !out.done {
        out = f.step(&leased("run-b", 5, Some(out.generation))).unwrap();
    }
    let mut got: Vec<String> = f
        .seen
        .take()
        .iter()
        .chain(seen.take().iter())
        .map(line)
        .collect();
    got.sort();
    assert_eq!(got, want);
    assert_store_matches(&after, &f.store);
}

#[test]
fn a_step_without_a_lease_or_bound_is_the_plain_full_sync() {
    let (f, after) = fixture();
    let out = f.step(&FullSyncStep::default()).unwrap();
    assert_eq!(out.status, StepStatus::Done);
    assert!(out.done);
    assert!(out.pages >= 7, "{}", out.pages);
    assert_eq!(out.summary, out.total);
    assert!(f.store.checkpoint_value(LEASE).is_none(), "no lease taken");
    assert_store_matches(&after, &f.store);
}
