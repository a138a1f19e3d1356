//! The Directory API client's bounds: response bytes, pages per walk, the timeout's range — each
//! with its default, a setting that changes it, and a typed error carrying what is needed to
//! resume; and no secret or token in any of those errors.

mod directory_support;

use std::cell::Cell;
use std::rc::Rc;

use scimkit::directory::{
    ClientConfig, DirectoryClient, DirectoryError, HttpRequest, HttpResponse, LocalBoxFuture,
    PageWalker, Transport, TransportError, UserListOptions, UsersWalker, DEFAULT_MAX_PAGES,
};
use scimkit::error::ErrorCode;
use serde_json::json;

use directory_support::*;

/// A users page with one user and `next` as its next token.
fn page(i: u64, next: &str) -> String {
    json!({"users": [{"id": format!("diruser_{i}"), "email": format!("u{i}@example.com")}],
           "next_page_token": next, "prev_page_token": "", "total_size": 0})
    .to_string()
}

/// A server whose every users page names a fresh next token (`pt_<n+1>`): a walk never ends on
/// its own. Keeps only a counter, so it costs no memory per request.
struct EndlessServer {
    pages: Cell<u64>,
}

impl Transport for EndlessServer {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let reply = if req.url.ends_with("/oauth/token") {
            HttpResponse::new(200, token_body("at_ENDLESS_TOKEN_1", 3600).to_string())
        } else {
            let n = req
                .url
                .split("page_token=pt_")
                .nth(1)
                .and_then(|t| t.split('&').next())
                .and_then(|t| t.parse::<u64>().ok())
                .unwrap_or(0);
            self.pages.set(self.pages.get() + 1);
            HttpResponse::new(200, page(n, &format!("pt_{}", n + 1)))
        };
        Box::pin(std::future::ready(Ok(reply)))
    }
}

fn endless(rt: &Rc<FakeRuntime>) -> (Rc<EndlessServer>, Rc<DirectoryClient>) {
    let server = Rc::new(EndlessServer {
        pages: Cell::new(0),
    });
    let c = client(server.clone(), rt);
    (server, c)
}

fn walk(rt: &FakeRuntime, c: &DirectoryClient, w: &UsersWalker) -> (Vec<String>, DirectoryError) {
    let mut ids = Vec::new();
    loop {
        match run(rt, w.next_page(c)) {
            Ok(Some(p)) => ids.extend(p.users.into_iter().map(|u| u.id.unwrap())),
            Ok(None) => panic!("an endless walk ended"),
            Err(e) => return (ids, e),
        }
    }
}

fn from(token: Option<String>) -> UserListOptions {
    UserListOptions {
        page_token: token,
        ..Default::default()
    }
}

#[test]
fn a_walk_over_fresh_tokens_ends_at_max_pages_and_resumes_from_the_error() {
    for prefetch in [true, false] {
        let rt = FakeRuntime::new();
        let (server, c) = endless(&rt);
        let w = UsersWalker::users("org_1", "dir_1", from(None))
            .unwrap()
            .with_prefetch(prefetch)
            .with_max_pages(25);
        let (ids, err) = walk(&rt, &c, &w);
        assert_eq!(err.code(), "too_many_pages", "{err}");
        assert_eq!(ids.len(), 25);
        assert_eq!(
            err.page_token.as_deref(),
            Some("pt_25"),
            "the next page's token"
        );
        assert_eq!(w.resume_token().as_deref(), Some("pt_25"));
        assert!(err.message.contains("25 pages"), "{}", err.message);
        assert_eq!(
            server.pages.get(),
            25,
            "no request beyond the limit, not even ahead (prefetch {prefetch})"
        );
        // It stays there, without requests.
        assert_eq!(
            run(&rt, w.next_page(&c)).unwrap_err().code(),
            "too_many_pages"
        );
        assert_eq!(server.pages.get(), 25);

        // Resuming from the error's token continues exactly where it stopped.
        let resumed = UsersWalker::users("org_1", "dir_1", from(err.page_token.clone()))
            .unwrap()
            .with_prefetch(prefetch)
            .with_max_pages(5);
        let (more, err2) = walk(&rt, &c, &resumed);
        assert_eq!(
            more,
            (25..30).map(|i| format!("diruser_{i}")).collect::<Vec<_>>()
        );
        assert_eq!(err2.page_token.as_deref(), Some("pt_30"));
    }
}

#[test]
fn the_default_page_limit_ends_an_endless_walk() {
    let rt = FakeRuntime::new();
    let (server, c) = endless(&rt);
    let w = UsersWalker::users("org_1", "dir_1", from(None)).unwrap();
    let mut pages = 0u64;
    let err = loop {
        match run(&rt, w.next_page(&c)) {
            Ok(Some(_)) => pages += 1,
            Ok(None) => panic!("an endless walk ended"),
            Err(e) => break e,
        }
    };
    assert_eq!(err.code(), "too_many_pages");
    assert_eq!(pages, DEFAULT_MAX_PAGES);
    assert_eq!(server.pages.get(), DEFAULT_MAX_PAGES);
    assert_eq!(
        err.page_token,
        Some(format!("pt_{DEFAULT_MAX_PAGES}")),
        "resumable"
    );
}

#[test]
fn max_pages_zero_is_one_and_a_short_walk_is_not_affected() {
    let rt = FakeRuntime::new();
    let server = FakeServer::new(30, 10);
    let c = client(server.clone(), &rt);
    // Exactly as many pages as the limit: the walk ends normally.
    let w = UsersWalker::users("org_1", "dir_1", from(None))
        .unwrap()
        .with_max_pages(3);
    let mut n = 0;
    while run(&rt, w.next_page(&c)).unwrap().is_some() {
        n += 1;
    }
    assert_eq!(n, 3);
    let w = UsersWalker::users("org_1", "dir_1", from(None))
        .unwrap()
        .with_max_pages(0);
    assert!(run(&rt, w.next_page(&c)).unwrap().is_some());
    assert_eq!(
        run(&rt, w.next_page(&c)).unwrap_err().code(),
        "too_many_pages"
    );
}

fn sized_config(max: usize) -> ClientConfig {
    let mut cfg = config();
    cfg.max_response_bytes = max;
    cfg
}

#[test]
fn a_body_over_max_response_bytes_is_invalid_response_and_not_retried() {
    let body = page(1, "");
    for (limit, fits) in [(body.len(), true), (body.len() - 1, false)] {
        let rt = FakeRuntime::new();
        let body2 = body.clone();
        let t = ScriptTransport::new(move |req, _| {
            if req.url.ends_with("/oauth/token") {
                return ok(token_body("at_SIZED_TOKEN", 3600));
            }
            Reply::Now(Ok(HttpResponse::new(200, body2.clone())))
        });
        let c = client_with(sized_config(limit), t.clone(), &rt);
        let result = run(
            &rt,
            c.list_directory_users("org_1", "dir_1", &Default::default()),
        );
        assert!(
            t.requests
                .borrow()
                .iter()
                .all(|r| r.max_response_bytes == limit),
            "the transport is told the limit"
        );
        if fits {
            assert_eq!(
                result.unwrap().users.len(),
                1,
                "exactly at the limit is read"
            );
            continue;
        }
        let err = result.unwrap_err();
        assert_eq!(err.code(), "invalid_response");
        assert_eq!(err.status, Some(200));
        assert_eq!(err.attempts, 1, "not retried");
        assert_eq!(t.api_requests(), 1);
        assert!(
            err.message.contains("max_response_bytes") && err.message.contains(&limit.to_string()),
            "{}",
            err.message
        );
    }
}

#[test]
fn a_transport_that_stopped_reading_fails_the_call_the_same_way() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|req, _| {
        if req.url.ends_with("/oauth/token") {
            return ok(token_body("at_SIZED_TOKEN", 3600));
        }
        Reply::Now(Err(TransportError::TooLarge { status: 503 }))
    });
    let c = client(t.clone(), &rt);
    let w = UsersWalker::users("org_1", "dir_1", from(Some("pt_7".into()))).unwrap();
    let err = run(&rt, w.next_page(&c)).unwrap_err();
    assert_eq!(err.code(), "invalid_response");
    assert_eq!(err.status, Some(503));
    assert_eq!(err.attempts, 1);
    assert_eq!(err.page_token.as_deref(), Some("pt_7"), "a walk can resume");
    assert_eq!(
        ClientConfig::new(ENV, "c", "s").max_response_bytes,
        ClientConfig::DEFAULT_MAX_RESPONSE_BYTES
    );
    assert_eq!(ClientConfig::DEFAULT_MAX_RESPONSE_BYTES, 16 * 1024 * 1024);
}

#[test]
fn a_token_response_over_the_limit_is_refused_too() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|_, _| {
        let padding = " ".repeat(64);
        Reply::Now(Ok(HttpResponse::new(
            200,
            format!("{{\"access_token\":\"at_BIG_TOKEN_VALUE\",\"expires_in\":60}}{padding}"),
        )))
    });
    let c = client_with(sized_config(48), t.clone(), &rt);
    let err = run(
        &rt,
        c.list_directory_users("org_1", "dir_1", &Default::default()),
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid_response");
    assert_eq!(t.api_requests(), 0);
    assert!(!err.message.contains("at_BIG_TOKEN_VALUE"));
}

#[test]
fn timeout_and_response_limits_are_checked_when_the_client_is_made() {
    let rt = FakeRuntime::new();
    let t = ScriptTransport::new(|_, _| panic!("no request expected"));
    let make = |cfg: ClientConfig| DirectoryClient::new(cfg, t.clone(), rt.clone());
    let mut cfg = config();
    cfg.timeout_ms = ClientConfig::MAX_TIMEOUT_MS;
    assert!(
        make(cfg.clone()).is_ok(),
        "2^31 - 1 ms is a JS timer's longest"
    );
    cfg.timeout_ms = ClientConfig::MAX_TIMEOUT_MS + 1;
    let err = make(cfg).unwrap_err();
    assert_eq!(err.code(), "invalid_argument");
    assert!(err.message.contains("timeout_ms"), "{}", err.message);
    let mut cfg = config();
    cfg.timeout_ms = 0;
    assert!(make(cfg).is_ok(), "0 disables the timeout");
    let err = make(sized_config(0)).unwrap_err();
    assert_eq!(err.code(), "invalid_argument");
    assert!(
        err.message.contains("max_response_bytes"),
        "{}",
        err.message
    );
    assert!(!format!("{err:?}").contains(SECRET));
}

/// Every error these bounds produce, rendered every way, holds neither the client secret nor an
/// access token.
#[test]
fn bound_errors_leak_no_secret_or_token() {
    let rt = FakeRuntime::new();
    let token = "at_LEAKCHECK_TOKEN_VALUE";
    let calls = Rc::new(Cell::new(0));
    let calls2 = calls.clone();
    let t = ScriptTransport::new(move |req, _| {
        if req.url.ends_with("/oauth/token") {
            return ok(token_body(token, 3600));
        }
        calls2.set(calls2.get() + 1);
        // A body echoing the secret and the token (a hostile or buggy server), over the limit.
        Reply::Now(Ok(HttpResponse::new(
            200,
            format!(
                "{{\"users\":[],\"echo\":\"{SECRET} {token}\",\"pad\":\"{}\"}}",
                "x".repeat(200)
            ),
        )))
    });
    let c = client_with(sized_config(100), t.clone(), &rt);
    let mut errors = vec![run(
        &rt,
        c.list_directory_users("org_1", "dir_1", &Default::default()),
    )
    .unwrap_err()];
    let (_, c2) = endless(&rt);
    let w = UsersWalker::users("org_1", "dir_1", from(None))
        .unwrap()
        .with_max_pages(2);
    errors.push(walk(&rt, &c2, &w).1);
    let looping = FakeServer::new(40, 10);
    looping
        .next_token_override
        .borrow_mut()
        .insert(10, "pt_10".into());
    let c3 = client(looping.clone(), &rt);
    let w = PageWalker::users("org_1", "dir_1", from(None)).unwrap();
    errors.push(walk(&rt, &c3, &w).1);
    let mut cfg = config();
    cfg.timeout_ms = u64::MAX;
    errors.push(DirectoryClient::new(cfg, t.clone(), rt.clone()).unwrap_err());
    let codes: Vec<&str> = errors.iter().map(|e| e.code()).collect();
    assert_eq!(
        codes,
        [
            "invalid_response",
            "too_many_pages",
            "pagination_loop",
            "invalid_argument"
        ]
    );
    for e in &errors {
        for text in [e.to_string(), format!("{e:?}"), e.message.clone()] {
            for secret in [SECRET, token, "at_1_SECRETTOKEN"] {
                assert!(!text.contains(secret), "{text}");
            }
        }
    }
}
