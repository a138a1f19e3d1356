//! The convergence property: a random history of directory changes (users created, updated,
//! deactivated, reactivated, deleted and created again; groups created, renamed, deleted;
//! memberships changed, with and without `groups` stated), its events delivered in any order
//! with duplicates, then a full sync — the store equals the history applied in order.
//! Without the full sync too, as long as no group id is deleted and created again (see
//! `apply.rs`: that one case needs the listing).

mod directory_support;
mod sync_support;

use std::rc::Rc;

use futures::executor::block_on;
use proptest::prelude::*;

use scimkit::sync::{FullSyncOptions, MemoryStore, OnMissing, SyncEngine};

use directory_support::FakeRuntime;
use sync_support::*;

const USERS: u8 = 4;
const GROUPS: u8 = 3;
const NAMES: [&str; 4] = ["Ada", "Grace", "Alan", "Edsger"];

#[derive(Debug, Clone)]
enum Op {
    CreateUser(u8),
    Rename(u8, u8, bool),
    Title(u8, Option<u8>, bool),
    Deactivate(u8),
    Reactivate(u8),
    DeleteUser(u8),
    SetGroups(u8, u8),
    CreateGroup(u8),
    RenameGroup(u8, u8),
    DeleteGroup(u8),
}

fn op() -> impl Strategy<Value = Op> {
    let u = 0..USERS;
    let g = 0..GROUPS;
    prop_oneof![
        2 => u.clone().prop_map(Op::CreateUser),
        2 => (u.clone(), 0..4u8, any::<bool>()).prop_map(|(u, n, s)| Op::Rename(u, n, s)),
        2 => (u.clone(), proptest::option::of(0..3u8), any::<bool>()).prop_map(|(u, t, s)| Op::Title(u, t, s)),
        1 => u.clone().prop_map(Op::Deactivate),
        1 => u.clone().prop_map(Op::Reactivate),
        1 => u.clone().prop_map(Op::DeleteUser),
        3 => (u, 0..(1u8 << GROUPS)).prop_map(|(u, mask)| Op::SetGroups(u, mask)),
        2 => g.clone().prop_map(Op::CreateGroup),
        1 => (g.clone(), 0..4u8).prop_map(|(g, n)| Op::RenameGroup(g, n)),
        1 => g.prop_map(Op::DeleteGroup),
    ]
}

fn uid(i: u8) -> String {
    format!("u{i}")
}

fn gid(i: u8) -> String {
    format!("g{i}")
}

/// Plays `ops` on a model. An op on a user or group that does not exist creates it instead;
/// with `reuse_groups` false a deleted group id is never created again.
fn play(ops: &[Op], reuse_groups: bool) -> Model {
    let mut m = Model::new();
    for op in ops {
        let user_op = match op {
            Op::CreateUser(u)
            | Op::Rename(u, ..)
            | Op::Title(u, ..)
            | Op::Deactivate(u)
            | Op::Reactivate(u)
            | Op::DeleteUser(u)
            | Op::SetGroups(u, _) => Some(uid(*u)),
            _ => None,
        };
        if let Some(id) = &user_op {
            if !m.users.contains_key(id) {
                m.create_user(id, "New", id);
                continue;
            }
        }
        match op {
            Op::CreateUser(_) => {}
            Op::Rename(u, n, stated) => {
                m.update_user(&uid(*u), |x| x.given = NAMES[*n as usize].into(), *stated);
            }
            Op::Title(u, t, stated) => {
                let title = t.map(|t| format!("Title {t}"));
                m.update_user(&uid(*u), |x| x.title = title, *stated);
            }
            Op::Deactivate(u) => {
                m.update_user(&uid(*u), |x| x.active = false, false);
            }
            Op::Reactivate(u) => {
                m.update_user(&uid(*u), |x| x.active = true, true);
            }
            Op::DeleteUser(u) => {
                m.delete_user(&uid(*u));
            }
            Op::SetGroups(u, mask) => {
                let groups: Vec<String> = (0..GROUPS)
                    .filter(|g| mask & (1 << g) != 0)
                    .map(gid)
                    .filter(|g| m.groups.contains_key(g))
                    .collect();
                let refs: Vec<&str> = groups.iter().map(String::as_str).collect();
                m.set_groups(&uid(*u), &refs);
            }
            Op::CreateGroup(g) | Op::RenameGroup(g, _) => {
                let id = gid(*g);
                let name = match op {
                    Op::RenameGroup(_, n) => format!("Team {n}"),
                    _ => format!("Group {g}"),
                };
                if m.groups.contains_key(&id) {
                    m.rename_group(&id, &name);
                } else if reuse_groups || !m.deleted_groups.contains(&id) {
                    m.create_group(&id, &name);
                }
            }
            Op::DeleteGroup(g) => {
                if m.groups.contains_key(&gid(*g)) {
                    m.delete_group(&gid(*g));
                }
            }
        }
    }
    m
}

/// Every event at least once, `extra` of them twice more, in an order drawn from `seed`.
fn deliveries(n: usize, extra: &[usize], seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    if n > 0 {
        order.extend(extra.iter().map(|i| i % n));
    }
    let mut state = seed | 1;
    for i in (1..order.len()).rev() {
        // xorshift64: a fixed, reproducible shuffle.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        order.swap(i, (state % (i as u64 + 1)) as usize);
    }
    order
}

fn deliver(m: &Model, order: &[usize]) -> Rc<MemoryStore> {
    let store = Rc::new(MemoryStore::new());
    let engine = SyncEngine::new(store.clone());
    for &i in order {
        block_on(engine.apply_event_value(m.events[i].clone())).unwrap();
    }
    assert_eq!(
        store.event_count(),
        m.events.len(),
        "each event recorded once"
    );
    store
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_interleaving_then_a_full_sync_ends_in_the_history_applied_in_order(
        ops in prop::collection::vec(op(), 1..40),
        extra in prop::collection::vec(any::<usize>(), 0..10),
        seed in any::<u64>(),
    ) {
        let m = play(&ops, true);
        let order = deliveries(m.events.len(), &extra, seed);
        let store = deliver(&m, &order);
        let server = FakeDirectory::new(m.clone());
        let rt = FakeRuntime::new();
        let client = client_of(&server, &rt);
        let engine = SyncEngine::new(store.clone());
        let opts = FullSyncOptions { page_size: 2, sweep_batch: 2, on_missing: OnMissing::Delete };
        block(&rt, engine.full_sync(&client, ORG, DIR, m.later(), &opts)).unwrap();
        assert_store_matches(&m, &store);
        // And the history in order, through the same path, ends there too.
        let in_order: Vec<usize> = (0..m.events.len()).collect();
        let ordered = deliver(&m, &in_order);
        let engine = SyncEngine::new(ordered.clone());
        block(&rt, engine.full_sync(&client, ORG, DIR, m.later(), &opts)).unwrap();
        assert_store_matches(&m, &ordered);
        // A second full sync finds nothing to do.
        let again = block(&rt, SyncEngine::new(store.clone()).full_sync(&client, ORG, DIR, m.later(), &opts)).unwrap();
        prop_assert_eq!(again.total_changes(), 0, "{:?}", again);
    }

    #[test]
    fn any_interleaving_alone_converges_when_group_ids_are_not_reused(
        ops in prop::collection::vec(op(), 1..40),
        extra in prop::collection::vec(any::<usize>(), 0..10),
        seed in any::<u64>(),
    ) {
        let m = play(&ops, false);
        let order = deliveries(m.events.len(), &extra, seed);
        let store = deliver(&m, &order);
        assert_store_matches(&m, &store);
    }
}
