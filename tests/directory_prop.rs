//! Property: whatever the page size, item count and (bounded) injected faults, a walk yields
//! exactly the seeded ids, in order, once each — driven as Rust callers drive it (one task for
//! the whole walk) and as the wasm layer does (one task per page, with and without prefetch, so
//! a request sent ahead is finished by a later task).

mod directory_support;

use std::rc::Rc;

use proptest::prelude::*;
use scimkit::directory::{
    DirectoryClient, DirectoryError, UserListOptions, UsersPage, UsersWalker,
};

use directory_support::*;

#[derive(Debug, Clone, Copy)]
enum Drive {
    OneTask,
    TaskPerPage { prefetch: bool },
}

fn drive() -> impl Strategy<Value = Drive> {
    prop_oneof![
        Just(Drive::OneTask),
        any::<bool>().prop_map(|prefetch| Drive::TaskPerPage { prefetch }),
    ]
}

/// Calls `next_page` up to `max` times as `how` says, handing each result to `each` (which
/// returns false to stop).
fn walk(
    rt: &FakeRuntime,
    c: &Rc<DirectoryClient>,
    w: UsersWalker,
    how: Drive,
    max: usize,
    mut each: impl FnMut(Result<Option<UsersPage>, DirectoryError>, Option<&str>) -> bool,
) -> UsersWalker {
    match how {
        Drive::OneTask => {
            run(rt, async {
                for _ in 0..max {
                    let r = w.next_page(c).await;
                    if !each(r, w.resume_token().as_deref()) {
                        break;
                    }
                }
            });
            w
        }
        Drive::TaskPerPage { prefetch } => {
            let w = w.with_prefetch(prefetch);
            for _ in 0..max {
                let r = run(rt, w.next_page(c));
                if !each(r, w.resume_token().as_deref()) {
                    break;
                }
            }
            w
        }
    }
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        Just(Fault::Status(502)),
        Just(Fault::Status(503)),
        Just(Fault::Status(504)),
        (0u32..5).prop_map(|s| Fault::StatusRetryAfter(429, s.to_string())),
        Just(Fault::StatusRetryAfter(
            503,
            "Mon, 01 Jan 2024 00:00:03 GMT".into()
        )),
        Just(Fault::Network),
        Just(Fault::TransportTimeout),
        Just(Fault::Hang),
        Just(Fault::Malformed),
        Just(Fault::Revoke),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Faults per page stay within what the retry policy absorbs: no error surfaces.
    #[test]
    fn walk_absorbs_bounded_faults(
        n_users in 0usize..120,
        page_size in 1u32..=30,
        faults in prop::collection::vec(
            prop::collection::vec(fault(), 0..=4), 0..10),
        expires_in in prop_oneof![Just(2u64), Just(60), Just(3600)],
        randoms in prop::collection::vec(0.0f64..1.0, 1..5),
        how in drive(),
    ) {
        let rt = FakeRuntime::new();
        rt.set_randoms(randoms);
        let mut server = FakeServer::new(n_users, 10);
        std::rc::Rc::get_mut(&mut server).unwrap().expires_in = expires_in;
        for (page, fs) in faults.into_iter().enumerate() {
            // At most one revocation per page (a second 401 in one call is `unauthorized`)
            // and at most 4 retryable faults (max_retries).
            let mut revoked = false;
            let fs: Vec<Fault> = fs
                .into_iter()
                .filter(|f| !(*f == Fault::Revoke && std::mem::replace(&mut revoked, true)))
                .collect();
            server.add_faults(page * page_size as usize, fs);
        }
        let c = client(server.clone(), &rt);
        let w = UsersWalker::users(
            "org_1", "dir_1",
            UserListOptions { page_size: Some(page_size), ..Default::default() },
        ).unwrap();
        let mut ids = Ok(Vec::new());
        walk(&rt, &c, w, how, 1000, |r, _| match r {
            Ok(Some(p)) => {
                if let Ok(ids) = ids.as_mut() {
                    ids.extend(p.users.into_iter().map(|u| u.id.unwrap_or_default()));
                }
                true
            }
            Ok(None) => false,
            Err(e) => {
                ids = Err(e.to_string());
                false
            }
        });
        prop_assert_eq!(ids.as_ref(), Ok(&server.user_ids));
    }

    /// More faults than retries: errors surface (typed, with the page token) and calling
    /// `next_page` again resumes at the failed page, so the walk still yields each id once.
    #[test]
    fn walk_resumes_after_surfaced_errors(
        n_users in 0usize..90,
        page_size in 1u32..=30,
        faults in prop::collection::vec(
            prop::collection::vec(fault(), 0..=9), 0..8),
        how in drive(),
    ) {
        let rt = FakeRuntime::new();
        let server = FakeServer::new(n_users, 10);
        let mut total_faults = 0;
        for (page, fs) in faults.into_iter().enumerate() {
            total_faults += fs.len();
            server.add_faults(page * page_size as usize, fs);
        }
        let c = client(server.clone(), &rt);
        let w = UsersWalker::users(
            "org_1", "dir_1",
            UserListOptions { page_size: Some(page_size), ..Default::default() },
        ).unwrap();
        let mut ids = Vec::new();
        let mut errors = Vec::new();
        let w = walk(&rt, &c, w, how, 200, |r, resume| match r {
            Ok(Some(p)) => {
                ids.extend(p.users.into_iter().map(|u| u.id.unwrap_or_default()));
                true
            }
            Ok(None) => false,
            Err(e) => {
                assert_eq!(e.page_token.as_deref(), resume);
                errors.push(e.kind);
                true
            }
        });
        prop_assert!(w.is_done());
        prop_assert_eq!(&ids, &server.user_ids);
        prop_assert!(errors.len() <= total_faults);
    }
}
