//! Endpoints, validation and page walking.

mod directory_support;

use std::cell::RefCell;
use std::rc::Rc;

use scimkit::directory::{
    DirectoryErrorKind, GroupListOptions, GroupsWalker, HttpRequest, ListOptions,
    OrganizationsWalker, PageWalker, UserListOptions, UsersWalker,
};
use scimkit::error::ErrorCode;
use serde_json::json;

use directory_support::*;

fn is_token(req: &HttpRequest) -> bool {
    req.url.ends_with("/oauth/token")
}

fn walk_all(
    rt: &FakeRuntime,
    c: &scimkit::directory::DirectoryClient,
    w: &UsersWalker,
) -> Vec<String> {
    let mut ids = Vec::new();
    run(rt, async {
        while let Some(page) = w.next_page(c).await.unwrap() {
            ids.extend(page.users.into_iter().map(|u| u.id.unwrap()));
        }
    });
    ids
}

#[test]
fn invalid_arguments_are_rejected_before_any_request() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|_, _| panic!("no request expected"));
    let c = client(t.clone(), &rt);
    let users = |org: &str, dir: &str, o: UserListOptions| {
        run(&rt, c.list_directory_users(org, dir, &o)).unwrap_err()
    };
    for size in [0, 31] {
        let e = users(
            "org_1",
            "dir_1",
            UserListOptions {
                page_size: Some(size),
                ..Default::default()
            },
        );
        assert_eq!(e.code(), "invalid_argument");
        assert!(e.message.contains("page_size"), "{}", e.message);
        let e = run(
            &rt,
            c.list_directory_groups(
                "org_1",
                "dir_1",
                &GroupListOptions {
                    page_size: Some(size),
                    ..Default::default()
                },
            ),
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_argument");
    }
    for size in [0, 101] {
        let e = run(
            &rt,
            c.list_organizations(&ListOptions {
                page_size: Some(size),
                page_token: None,
            }),
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_argument");
    }
    assert_eq!(
        users("", "dir_1", UserListOptions::default()).code(),
        "invalid_argument"
    );
    assert_eq!(
        users("org_1", "..", UserListOptions::default()).code(),
        "invalid_argument"
    );
    assert_eq!(
        users("org 1", "dir_1", UserListOptions::default()).code(),
        "invalid_argument"
    );
    let e = users(
        "org_1",
        "dir_1",
        UserListOptions {
            updated_after: Some("yesterday".into()),
            ..Default::default()
        },
    );
    assert_eq!(e.code(), "invalid_argument");
    assert!(e.message.contains("updated_after"));
    let e = users(
        "org_1",
        "dir_1",
        UserListOptions {
            directory_group_id: Some(String::new()),
            ..Default::default()
        },
    );
    assert_eq!(e.code(), "invalid_argument");
    assert_eq!(
        run(&rt, c.list_directories("")).unwrap_err().code(),
        "invalid_argument"
    );
    assert_eq!(
        run(&rt, c.get_directory("org_1", "")).unwrap_err().code(),
        "invalid_argument"
    );
    // Walker constructors validate too.
    assert!(PageWalker::users(
        "org_1",
        "dir_1",
        UserListOptions {
            page_size: Some(31),
            ..Default::default()
        }
    )
    .is_err());
    assert!(PageWalker::groups("", "dir_1", GroupListOptions::default()).is_err());
    assert!(PageWalker::organizations(ListOptions {
        page_size: Some(0),
        page_token: None
    })
    .is_err());
    assert_eq!(t.requests.borrow().len(), 0);
}

#[test]
fn boundary_page_sizes_are_accepted() {
    let rt = FakeRuntime::new();
    let server = FakeServer::new(3, 10);
    let c = client(server.clone(), &rt);
    for size in [1, 30] {
        let o = UserListOptions {
            page_size: Some(size),
            ..Default::default()
        };
        run(&rt, c.list_directory_users("org_1", "dir_1", &o)).unwrap();
    }
}

#[test]
fn query_and_path_are_percent_encoded() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, _| {
        if is_token(req) {
            ok(token_body("at", 3600))
        } else {
            ok(json!({"users": []}))
        }
    });
    let c = client(t.clone(), &rt);
    let o = UserListOptions {
        page_size: Some(5),
        page_token: Some("a+b/c=".into()),
        include_detail: Some(true),
        directory_group_id: Some("dirgroup_1".into()),
        updated_after: Some("2024-01-31T12:00:00+01:00".into()),
    };
    run(&rt, c.list_directory_users("org/1", "dir?1", &o)).unwrap();
    let g = GroupListOptions {
        page_size: Some(30),
        page_token: Some(String::new()),
        include_detail: Some(false),
        updated_after: None,
        include_external_groups: Some(true),
    };
    let t2 = t.clone();
    let _ = t2;
    let tg = ScriptTransport::new(|req, _| {
        if is_token(req) {
            ok(token_body("at", 3600))
        } else {
            ok(json!({"groups": [{"id": "dirgroup_1", "display_name": "Eng"}], "total_size": 1}))
        }
    });
    let cg = client(tg.clone(), &rt);
    let page = run(&rt, cg.list_directory_groups("org_1", "dir_1", &g)).unwrap();
    assert_eq!(page.groups[0].display_name.as_deref(), Some("Eng"));
    assert_eq!(
        t.requests.borrow()[1].url,
        format!(
            "{ENV}/api/v1/organizations/org%2F1/directories/dir%3F1/users?page_size=5\
             &page_token=a%2Bb%2Fc%3D&include_detail=true&directory_group_id=dirgroup_1\
             &updated_after=2024-01-31T12%3A00%3A00%2B01%3A00"
        )
    );
    assert_eq!(
        tg.requests.borrow()[1].url,
        format!(
            "{ENV}/api/v1/organizations/org_1/directories/dir_1/groups?page_size=30\
             &include_detail=false&include_external_groups=true"
        )
    );
}

#[test]
fn directories_and_primary_directory() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, _| {
        if is_token(req) {
            return ok(token_body("at", 3600));
        }
        if req.url.contains("/organizations/org_empty/") {
            ok(json!({}))
        } else if req.url.ends_with("/directories") {
            ok(json!({"directories": [
                {"id": "dir_1", "name": "Okta", "directory_type": "SCIM", "stats": {"total_users": 3}, "future_field": [1]},
                {"id": "dir_2"}
            ]}))
        } else if req.url.ends_with("/directories/dir_1") {
            ok(json!({"directory": {"id": "dir_1", "enabled": true, "unknown": {"a": 1}}}))
        } else {
            status(
                404,
                error_body(5, "directory not found", "DIRECTORY_NOT_FOUND"),
            )
        }
    });
    let c = client(t.clone(), &rt);
    let dirs = run(&rt, c.list_directories("org_1")).unwrap();
    assert_eq!(dirs.len(), 2);
    assert_eq!(dirs[0].0["future_field"], json!([1]));
    let primary = run(&rt, c.get_primary_directory("org_1")).unwrap();
    assert_eq!(primary.id(), Some("dir_1"));
    assert_eq!(
        serde_json::to_value(&primary).unwrap(),
        json!({"id": "dir_1", "name": "Okta", "directory_type": "SCIM", "stats": {"total_users": 3}, "future_field": [1]})
    );
    let d = run(&rt, c.get_directory("org_1", "dir_1")).unwrap();
    assert_eq!(d.0["unknown"], json!({"a": 1}));
    let e = run(&rt, c.get_directory("org_1", "dir_9")).unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert_eq!(e.server_code.as_deref(), Some("DIRECTORY_NOT_FOUND"));
    let e = run(&rt, c.get_primary_directory("org_empty")).unwrap_err();
    assert_eq!(e.kind, DirectoryErrorKind::NotFound);
    assert_eq!(e.status, None);
    assert!(e.message.contains("org_empty"), "{}", e.message);
}

#[test]
fn organizations_page_and_walk() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, _| {
        if is_token(req) {
            return ok(token_body("at", 3600));
        }
        if req.url.contains("page_token=o2") {
            ok(
                json!({"organizations": [{"id": "org_3"}], "next_page_token": "", "prev_page_token": "o1", "total_size": "3"}),
            )
        } else {
            ok(
                json!({"organizations": [{"id": "org_1", "display_name": "A", "metadata": {"k": "v"}}, {"id": "org_2"}],
                      "next_page_token": "o2", "total_size": 3}),
            )
        }
    });
    let c = client(t.clone(), &rt);
    let page = run(
        &rt,
        c.list_organizations(&ListOptions {
            page_size: Some(100),
            page_token: None,
        }),
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&page).unwrap(),
        json!({"organizations": [{"id": "org_1", "display_name": "A", "metadata": {"k": "v"}}, {"id": "org_2"}],
               "next_page_token": "o2", "prev_page_token": null, "total_size": 3})
    );
    let w = OrganizationsWalker::organizations(ListOptions {
        page_size: Some(2),
        page_token: None,
    })
    .unwrap();
    let ids = run(&rt, async {
        let mut ids = Vec::new();
        while let Some(p) = w.next_page(&c).await.unwrap() {
            ids.extend(p.organizations.iter().map(|o| o.id().unwrap().to_owned()));
        }
        ids
    });
    assert_eq!(ids, ["org_1", "org_2", "org_3"]);
    assert!(w.is_done());
}

#[test]
fn walker_yields_every_user_exactly_once() {
    let rt = FakeRuntime::new();
    let server = FakeServer::new(95, 10);
    let c = client(server.clone(), &rt);
    let w = UsersWalker::users(
        "org_1",
        "dir_1",
        UserListOptions {
            page_size: Some(7),
            ..Default::default()
        },
    )
    .unwrap();
    let ids = walk_all(&rt, &c, &w);
    assert_eq!(ids, server.user_ids);
    assert_eq!(w.pages_fetched(), 14);
    assert!(w.is_done());
    assert_eq!(w.resume_token(), None);
    // After the end: None again, and no request.
    let before = server.requests.borrow().len();
    assert!(run(&rt, w.next_page(&c)).unwrap().is_none());
    assert_eq!(server.requests.borrow().len(), before);
    assert_eq!(server.token_requests(), 1);
}

#[test]
fn empty_directory_yields_one_empty_page() {
    let rt = FakeRuntime::new();
    let server = FakeServer::new(0, 10);
    let c = client(server.clone(), &rt);
    let w = UsersWalker::users("org_1", "dir_1", UserListOptions::default()).unwrap();
    let first = run(&rt, w.next_page(&c)).unwrap().unwrap();
    assert!(first.users.is_empty());
    assert!(run(&rt, w.next_page(&c)).unwrap().is_none());
}

#[test]
fn walker_resumes_from_a_token() {
    let rt = FakeRuntime::new();
    let server = FakeServer::new(50, 10);
    let c = client(server.clone(), &rt);
    let w = UsersWalker::users("org_1", "dir_1", UserListOptions::default()).unwrap();
    assert_eq!(w.resume_token(), None);
    let first = run(&rt, w.next_page(&c)).unwrap().unwrap();
    assert_eq!(first.users.len(), 10);
    let token = w.resume_token().unwrap().to_owned();
    assert_eq!(token, "pt_10");
    drop(w);
    let w2 = UsersWalker::users(
        "org_1",
        "dir_1",
        UserListOptions {
            page_token: Some(token.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(w2.resume_token().as_deref(), Some(token.as_str()));
    let rest = walk_all(&rt, &c, &w2);
    assert_eq!(rest, server.user_ids[10..]);
}

/// 40 users in pages of 10, where the page at offset 20 points back to offset 10.
fn looping_server() -> Rc<FakeServer> {
    let server = FakeServer::new(40, 10);
    server
        .next_token_override
        .borrow_mut()
        .insert(20, "pt_10".into());
    server
}

#[test]
fn repeating_token_is_a_pagination_loop() {
    let rt = FakeRuntime::new();
    let server = looping_server();
    let c = client(server.clone(), &rt);
    let w = UsersWalker::users("org_1", "dir_1", UserListOptions::default()).unwrap();
    let (ids, err) = run(&rt, async {
        let mut ids = Vec::new();
        loop {
            match w.next_page(&c).await {
                Ok(Some(p)) => ids.extend(p.users.into_iter().map(|u| u.id.unwrap())),
                Ok(None) => return (ids, None),
                Err(e) => return (ids, Some(e)),
            }
        }
    });
    let err = err.expect("a loop error, not a silent end");
    assert_eq!(err.code(), "pagination_loop");
    // The page that carried the repeated token (offset 20) is not handed back: the error's token
    // re-requests it, so a resumed walk delivers each user exactly once.
    assert_eq!(err.page_token.as_deref(), Some("pt_20"));
    assert_eq!(w.resume_token().as_deref(), Some("pt_20"));
    assert_eq!(
        ids,
        server.user_ids[..20],
        "each page once, the looping page withheld, the repeated token not fetched"
    );
    assert!(w.is_done());
    // Stays failed, without requests.
    let before = server.requests.borrow().len();
    assert_eq!(
        run(&rt, w.next_page(&c)).unwrap_err().code(),
        "pagination_loop"
    );
    assert_eq!(server.requests.borrow().len(), before);
}

#[test]
fn token_pointing_to_itself_is_a_loop() {
    let rt = FakeRuntime::new();
    let server = FakeServer::new(40, 10);
    server
        .next_token_override
        .borrow_mut()
        .insert(10, "pt_10".into());
    let c = client(server.clone(), &rt);
    let w = UsersWalker::users(
        "org_1",
        "dir_1",
        UserListOptions {
            page_token: Some("pt_10".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let err = run(&rt, w.next_page(&c)).unwrap_err();
    assert_eq!(err.code(), "pagination_loop");
    assert_eq!(
        err.page_token.as_deref(),
        Some("pt_10"),
        "resume re-requests it"
    );
    assert_eq!(
        run(&rt, w.next_page(&c)).unwrap_err().code(),
        "pagination_loop"
    );
}

/// A repeat that goes away (a transient server fault): resuming from the loop error's token
/// completes the walk, every user exactly once overall.
#[test]
fn resuming_after_a_loop_delivers_each_user_once() {
    let rt = FakeRuntime::new();
    let server = looping_server();
    let c = client(server.clone(), &rt);
    let w = UsersWalker::users("org_1", "dir_1", UserListOptions::default()).unwrap();
    let mut ids = Vec::new();
    let err = loop {
        match run(&rt, w.next_page(&c)) {
            Ok(Some(p)) => ids.extend(p.users.into_iter().map(|u| u.id.unwrap())),
            Ok(None) => panic!("a loop error, not a silent end"),
            Err(e) => break e,
        }
    };
    server.next_token_override.borrow_mut().clear();
    let resumed = UsersWalker::users(
        "org_1",
        "dir_1",
        UserListOptions {
            page_token: err.page_token.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    while let Some(p) = run(&rt, resumed.next_page(&c)).unwrap() {
        ids.extend(p.users.into_iter().map(|u| u.id.unwrap()));
    }
    assert_eq!(ids, server.user_ids);
}

#[test]
fn failing_page_carries_the_token_to_resume_from() {
    let rt = FakeRuntime::new();
    let server = FakeServer::new(30, 10);
    server.add_faults(20, vec![Fault::Status(503); 5]);
    let c = client(server.clone(), &rt);
    let w = UsersWalker::users("org_1", "dir_1", UserListOptions::default()).unwrap();
    let mut ids = Vec::new();
    let err = run(&rt, async {
        loop {
            match w.next_page(&c).await {
                Ok(Some(p)) => ids.extend(p.users.into_iter().map(|u| u.id.unwrap())),
                Ok(None) => panic!("must not end silently"),
                Err(e) => return e,
            }
        }
    });
    assert_eq!(err.code(), "server_error");
    assert_eq!(err.status, Some(503));
    assert_eq!(err.page_token.as_deref(), Some("pt_20"));
    assert_eq!(w.resume_token().as_deref(), Some("pt_20"));
    assert!(!w.is_done());
    // The fault is gone now; calling again retries the same page.
    ids.extend(walk_all(&rt, &c, &w));
    assert_eq!(ids, server.user_ids);
}

#[test]
fn first_page_failure_has_no_token() {
    let rt = FakeRuntime::new();
    let server = FakeServer::new(30, 10);
    server.add_faults(0, vec![Fault::Status(404)]);
    let c = client(server.clone(), &rt);
    let w = UsersWalker::users("org_1", "dir_1", UserListOptions::default()).unwrap();
    let e = run(&rt, w.next_page(&c)).unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert_eq!(e.page_token, None);
}

#[test]
fn groups_walker() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, _| {
        if is_token(req) {
            return ok(token_body("at", 3600));
        }
        if req.url.contains("page_token=g2") {
            ok(json!({"groups": [{"id": "dirgroup_3"}], "next_page_token": ""}))
        } else {
            ok(
                json!({"groups": [{"id": "dirgroup_1"}, {"id": "dirgroup_2"}], "next_page_token": "g2"}),
            )
        }
    });
    let c = client(t.clone(), &rt);
    let w = GroupsWalker::groups("org_1", "dir_1", GroupListOptions::default()).unwrap();
    let ids = run(&rt, async {
        let mut ids = Vec::new();
        while let Some(p) = w.next_page(&c).await.unwrap() {
            ids.extend(p.groups.into_iter().map(|g| g.id.unwrap()));
        }
        ids
    });
    assert_eq!(ids, ["dirgroup_1", "dirgroup_2", "dirgroup_3"]);
}

/// The wasm layer's usage: `next_page` futures are `'static` and keep no borrow of the walker
/// across the request, so a second call while one is pending is refused, not a panic.
#[test]
fn shared_walker_from_static_futures() {
    let rt = FakeRuntime::new();
    let mut server = FakeServer::new(25, 10);
    Rc::get_mut(&mut server).unwrap().yield_replies = true;
    let c = client(server.clone(), &rt);
    // Without prefetch, so that every call below finds the walker idle or busy, never a page
    // already answered (prefetch has its own tests).
    let w = UsersWalker::users("org_1", "dir_1", UserListOptions::default())
        .unwrap()
        .with_prefetch(false);
    fn assert_static<T: 'static>(t: T) -> T {
        t
    }
    let mut ids = Vec::new();
    loop {
        let fut = assert_static(w.next_page(&c));
        // The walker can be inspected while a request is pending.
        let second = w.next_page(&c);
        let (page, busy) = run(&rt, futures::future::join(fut, second));
        match page.unwrap() {
            Some(p) => ids.extend(p.users.into_iter().map(|u| u.id.unwrap())),
            None => break,
        }
        assert_eq!(busy.unwrap_err().code(), "invalid_argument");
        let _ = w.resume_token();
    }
    assert_eq!(ids, server.user_ids);

    // One-off calls: clone the Rc into an `async move` block.
    let c2 = Rc::clone(&c);
    let one = assert_static(async move {
        c2.list_directory_users("org_1", "dir_1", &UserListOptions::default())
            .await
    });
    assert_eq!(run(&rt, one).unwrap().users.len(), 10);
}

/// A server of `n_users` in pages of 10 whose replies yield once, its client, and a walker over
/// it (prefetch on), as the wasm layer holds them.
fn shared_walk(
    n_users: usize,
) -> (
    Rc<FakeRuntime>,
    Rc<FakeServer>,
    Rc<scimkit::directory::DirectoryClient>,
    UsersWalker,
) {
    let rt = FakeRuntime::new();
    let mut server = FakeServer::new(n_users, 10);
    Rc::get_mut(&mut server).unwrap().yield_replies = true;
    let c = client(server.clone(), &rt);
    let w = UsersWalker::users("org_1", "dir_1", UserListOptions::default()).unwrap();
    (rt, server, c, w)
}

#[test]
fn dropped_shared_future_does_not_wedge_the_walker() {
    let (rt, _server, c, w) = shared_walk(5);
    {
        let mut fut = w.next_page(&c);
        let waker = futures::task::noop_waker();
        let mut cx = std::task::Context::from_waker(&waker);
        // The page request is pending (it yields once); drop the future then.
        assert!(fut.as_mut().poll(&mut cx).is_pending());
        assert_eq!(
            w.next_page(&c)
                .as_mut()
                .poll(&mut cx)
                .map(|r| r.unwrap_err().code()),
            std::task::Poll::Ready("invalid_argument")
        );
    }
    let page = run(&rt, w.next_page(&c)).unwrap().unwrap();
    assert_eq!(page.users.len(), 5);
}

/// What a test transport's `send` returns.
type Sent<'a> = scimkit::directory::LocalBoxFuture<
    'a,
    Result<scimkit::directory::HttpResponse, scimkit::directory::TransportError>,
>;

fn page_requests(server: &FakeServer) -> usize {
    server
        .requests
        .borrow()
        .iter()
        .filter(|r| r.url.contains("/users"))
        .count()
}

/// With prefetch (the default), the request for page n+1 has been sent when page n is handed
/// back; the last page sends nothing more, and every user still comes once, in order.
#[test]
fn prefetch_sends_the_next_request_before_handing_back_a_page() {
    let (rt, server, c, w) = shared_walk(25);
    let mut ids = Vec::new();
    let mut sent_after_each = Vec::new();
    for _ in 0..10 {
        match run(&rt, w.next_page(&c)).unwrap() {
            Some(p) => ids.extend(p.users.into_iter().map(|u| u.id.unwrap())),
            None => break,
        }
        sent_after_each.push(page_requests(&server));
    }
    assert_eq!(ids, server.user_ids);
    assert_eq!(
        sent_after_each,
        [2, 3, 3],
        "one request ahead, none after the last page"
    );
    assert_eq!(page_requests(&server), 3);
}

#[test]
fn prefetch_off_sends_one_request_per_page_returned() {
    let rt = FakeRuntime::new();
    let server = FakeServer::new(25, 10);
    let c = client(server.clone(), &rt);
    let w = UsersWalker::users("org_1", "dir_1", UserListOptions::default())
        .unwrap()
        .with_prefetch(false);
    let mut sent_after_each = Vec::new();
    while let Some(_page) = run(&rt, w.next_page(&c)).unwrap() {
        sent_after_each.push(page_requests(&server));
    }
    assert_eq!(sent_after_each, [1, 2, 3]);
}

/// A transport whose second page never answers, and which records when that request's future
/// is dropped (the JS transport aborts the fetch then).
struct HangingSecondPage {
    pages_sent: std::cell::Cell<usize>,
    dropped: Rc<std::cell::Cell<bool>>,
}

struct DropFlag(Rc<std::cell::Cell<bool>>);
impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

impl scimkit::directory::Transport for HangingSecondPage {
    fn send(&self, req: HttpRequest) -> Sent<'_> {
        let reply = if is_token(&req) {
            token_body("at_1", 3600)
        } else {
            self.pages_sent.set(self.pages_sent.get() + 1);
            if self.pages_sent.get() > 1 {
                let flag = DropFlag(Rc::clone(&self.dropped));
                return Box::pin(async move {
                    let _flag = flag;
                    std::future::pending().await
                });
            }
            json!({"users": [{"id": "diruser_1"}], "next_page_token": "p2"})
        };
        Box::pin(async move {
            Ok(scimkit::directory::HttpResponse::new(
                200,
                reply.to_string(),
            ))
        })
    }
}

/// Breaking off a walk (dropping the walker) drops the request sent ahead, so a fetch-based
/// transport cancels it; nothing else is sent.
#[test]
fn dropping_the_walker_drops_the_request_ahead() {
    let rt = FakeRuntime::new();
    let dropped = Rc::new(std::cell::Cell::new(false));
    let t = Rc::new(HangingSecondPage {
        pages_sent: std::cell::Cell::new(0),
        dropped: Rc::clone(&dropped),
    });
    let c = client(t.clone(), &rt);
    let w = UsersWalker::users("org_1", "dir_1", UserListOptions::default()).unwrap();
    let page = run(&rt, w.next_page(&c)).unwrap().unwrap();
    assert_eq!(page.users.len(), 1);
    assert_eq!(t.pages_sent.get(), 2, "page 2 requested ahead");
    assert!(!dropped.get());
    assert_eq!(
        w.resume_token().as_deref(),
        Some("p2"),
        "resume from page 2"
    );
    drop(w);
    assert!(
        dropped.get(),
        "the request ahead is dropped with the walker"
    );
    assert_eq!(t.pages_sent.get(), 2);
}

/// The loop rule holds with prefetch: the repeated token is never requested, early or late.
#[test]
fn prefetch_never_requests_a_repeated_token() {
    let rt = FakeRuntime::new();
    let server = looping_server();
    let c = client(server.clone(), &rt);
    let w = UsersWalker::users("org_1", "dir_1", UserListOptions::default()).unwrap();
    let mut ids = Vec::new();
    let err = loop {
        match run(&rt, w.next_page(&c)) {
            Ok(Some(p)) => ids.extend(p.users.into_iter().map(|u| u.id.unwrap())),
            Ok(None) => panic!("a loop error, not a silent end"),
            Err(e) => break e,
        }
    };
    assert_eq!(err.code(), "pagination_loop");
    assert_eq!(ids, server.user_ids[..20]);
    let tokens: Vec<String> = server
        .requests
        .borrow()
        .iter()
        .filter(|r| r.url.contains("/users"))
        .map(|r| r.url.split("page_token=").nth(1).unwrap_or("").to_owned())
        .collect();
    assert_eq!(tokens, ["", "pt_10", "pt_20"], "pt_10 requested once");
}

/// A transport whose pages carry, after the real `next_page_token`, a nested member of the same
/// name: the early request follows that wrong hint, and once the page is read the walk drops it
/// (cancelled) and requests the page the page really names.
struct MisleadingPages {
    sent: RefCell<Vec<String>>,
    dropped: Rc<RefCell<Vec<String>>>,
}

struct DropNote(String, Rc<RefCell<Vec<String>>>);
impl Drop for DropNote {
    fn drop(&mut self) {
        self.1.borrow_mut().push(self.0.clone());
    }
}

impl scimkit::directory::Transport for MisleadingPages {
    fn send(&self, req: HttpRequest) -> Sent<'_> {
        let token = req.url.split("page_token=").nth(1).unwrap_or("").to_owned();
        let body = if is_token(&req) {
            token_body("at_1", 3600).to_string()
        } else {
            self.sent.borrow_mut().push(token.clone());
            match token.as_str() {
                "" => r#"{"next_page_token":"p2","users":[{"id":"u1","raw_attributes":{"next_page_token":"bogus"}}]}"#.to_owned(),
                "p2" => r#"{"users":[{"id":"u2"}],"next_page_token":""}"#.to_owned(),
                _ => r#"{"users":[],"next_page_token":""}"#.to_owned(),
            }
        };
        let note = DropNote(token, Rc::clone(&self.dropped));
        Box::pin(async move {
            // Answers after one yield, so a request sent early is still pending when checked.
            let mut yielded = false;
            std::future::poll_fn(|cx| {
                if yielded {
                    std::task::Poll::Ready(())
                } else {
                    yielded = true;
                    cx.waker().wake_by_ref();
                    std::task::Poll::Pending
                }
            })
            .await;
            let resp = scimkit::directory::HttpResponse::new(200, body);
            std::mem::forget(note); // answered: not a cancellation
            Ok(resp)
        })
    }
}

#[test]
fn a_wrong_early_hint_is_dropped_and_the_right_page_requested() {
    let rt = FakeRuntime::new();
    let dropped = Rc::new(RefCell::new(Vec::new()));
    let t = Rc::new(MisleadingPages {
        sent: RefCell::new(Vec::new()),
        dropped: Rc::clone(&dropped),
    });
    let c = client(t.clone(), &rt);
    let w = UsersWalker::users("org_1", "dir_1", UserListOptions::default()).unwrap();
    let mut ids = Vec::new();
    while let Some(p) = run(&rt, w.next_page(&c)).unwrap() {
        ids.extend(p.users.into_iter().map(|u| u.id.unwrap()));
    }
    assert_eq!(ids, ["u1", "u2"]);
    assert_eq!(*t.sent.borrow(), ["", "bogus", "p2"]);
    assert_eq!(
        *dropped.borrow(),
        ["bogus"],
        "the wrong early request was cancelled"
    );
}
