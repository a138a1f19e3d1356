//! Memory stays bounded under each bound, measured with a counting global allocator: an input
//! over a limit is refused without allocating anything in proportion to it, a walk that never
//! ends on its own stops at its page limit with its memory capped, and a catch-up holds its
//! window of events as their text.
//!
//! One test in this binary (the allocator counts the whole process, so nothing else may run
//! beside it).

mod directory_support;
mod sync_support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

use scimkit::directory::{
    ClientConfig, HttpRequest, HttpResponse, LocalBoxFuture, Transport, TransportError,
    UserListOptions, UsersWalker, DEFAULT_MAX_PAGES,
};
use scimkit::error::ErrorCode;
use scimkit::json::limits::{check_input_bytes, DEFAULT_MAX_INPUT_BYTES};
use scimkit::sync::{CatchUpOptions, MemoryStore, SyncEngine};
use scimkit::webhook::{VerifyOptions, Webhook, WebhookHeaders};
use serde_json::json;

use directory_support::*;
use sync_support::Model;

/// The system allocator, counting live bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to `System` unchanged; only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let now = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its result with the most bytes it had allocated at once beyond what was
/// live when it started.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

const MIB: usize = 1024 * 1024;

/// A server whose every users page names a fresh next token: a walk never ends on its own. Its
/// pages are built per request and dropped with the response, so it holds no memory per page.
struct EndlessServer {
    pages: Cell<u64>,
}

impl Transport for EndlessServer {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let body = if req.url.ends_with("/oauth/token") {
            token_body("at_MEMORY_TOKEN", 3600).to_string()
        } else {
            let n = self.pages.get();
            self.pages.set(n + 1);
            json!({"users": [{"id": format!("diruser_{n}"), "email": "u@example.com"}],
                   "next_page_token": format!("pt_{}", n + 1), "prev_page_token": "", "total_size": 0})
            .to_string()
        };
        Box::pin(std::future::ready(Ok(HttpResponse::new(200, body))))
    }
}

/// A server answering its first API call with one prepared (large) body, moved into the
/// response (never copied here), and later ones with `{}`.
struct BigBodyServer {
    body: RefCell<Option<String>>,
}

impl Transport for BigBodyServer {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let resp = if req.url.ends_with("/oauth/token") {
            HttpResponse::new(200, token_body("at_MEMORY_TOKEN", 3600).to_string())
        } else {
            HttpResponse::new(200, self.body.take().unwrap_or_else(|| "{}".to_owned()))
        };
        Box::pin(std::future::ready(Ok(resp)))
    }
}

#[test]
fn memory_stays_bounded_under_every_bound() {
    // Webhook headers: a 16 MiB signature header and one with a million tiny entries are refused
    // without allocating (the body is not hashed, nothing is copied).
    let wh = Webhook::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let opts = VerifyOptions::default();
    let long = "v".repeat(16 * MIB);
    let many = "v1,x ".repeat(1_000_000);
    let body = vec![b'{'; 1024];
    for (sig, opts) in [
        (long.as_str(), opts),
        (
            many.as_str(),
            VerifyOptions {
                max_header_bytes: usize::MAX,
                ..opts
            },
        ),
    ] {
        let h = WebhookHeaders {
            id: Some("msg_1"),
            timestamp: Some("1700000000"),
            signature: Some(sig),
        };
        let (err, peak) = peak_of(|| wh.verify(&h, &body, 1_700_000_000, &opts).unwrap_err());
        assert_eq!(err.code(), "header_too_large", "{err}");
        assert_eq!(peak, 0, "refusing a header allocates nothing");
    }
    // A webhook body over the limit: refused before hashing, nothing allocated.
    let big = vec![b' '; 4 * MIB];
    let h = WebhookHeaders {
        id: Some("msg_1"),
        timestamp: Some("1700000000"),
        signature: Some("v1,x"),
    };
    let (err, peak) = peak_of(|| wh.verify(&h, &big, 1_700_000_000, &opts).unwrap_err());
    assert_eq!(err.code(), "payload_too_large");
    assert_eq!(peak, 0);

    // Input bytes: the check the binding makes before parsing allocates only its message.
    let (err, peak) = peak_of(|| {
        check_input_bytes(
            "payload",
            "",
            big.len(),
            DEFAULT_MAX_INPUT_BYTES,
            "maxInputBytes",
        )
        .unwrap_err()
    });
    assert_eq!(err.code(), "payload_too_large");
    assert!(peak < 1024, "{peak} bytes to refuse a 4 MiB input");

    // Response bytes: a 64 MiB body from the transport is refused without a copy or a parse.
    let rt = FakeRuntime::new();
    let server = Rc::new(BigBodyServer {
        body: RefCell::new(Some(format!(
            "{{\"users\":[],\"pad\":\"{}\"}}",
            "x".repeat(64 * MIB)
        ))),
    });
    let c = client(server.clone(), &rt);
    let (err, peak) = peak_of(|| {
        run(
            &rt,
            c.list_directory_users("org_1", "dir_1", &UserListOptions::default()),
        )
        .unwrap_err()
    });
    assert_eq!(err.code(), "invalid_response", "{err}");
    assert!(
        peak < MIB,
        "{peak} bytes beyond the 64 MiB body the transport held (default limit {} bytes)",
        ClientConfig::DEFAULT_MAX_RESPONSE_BYTES
    );

    // Pages per walk: a server that never stops handing out fresh tokens. The walk stops at the
    // default limit; what it holds (loop detection: 8 bytes a token in a B-tree) stays small.
    let rt = FakeRuntime::new();
    let server = Rc::new(EndlessServer {
        pages: Cell::new(0),
    });
    let c = client(server.clone(), &rt);
    let w = UsersWalker::users("org_1", "dir_1", UserListOptions::default()).unwrap();
    let base = LIVE.load(Ordering::Relaxed);
    let mut pages = 0u64;
    let mut at_half = 0;
    let err = loop {
        match run(&rt, w.next_page(&c)) {
            Ok(Some(_)) => pages += 1,
            Ok(None) => panic!("an endless walk ended"),
            Err(e) => break e,
        }
        if pages == DEFAULT_MAX_PAGES / 2 {
            at_half = LIVE.load(Ordering::Relaxed).saturating_sub(base);
        }
    };
    let held = LIVE.load(Ordering::Relaxed).saturating_sub(base);
    assert_eq!(err.code(), "too_many_pages");
    assert_eq!(pages, DEFAULT_MAX_PAGES);
    // Measured: about 1.6 MiB at 100,000 pages (0.8 at 50,000): linear in pages, and capped by
    // max_pages. The bound leaves room for allocator and B-tree layout differences.
    assert!(held < 4 * MIB, "{held} bytes held after {pages} pages");
    assert!(
        at_half < 2 * MIB && at_half <= held,
        "{at_half} at half, {held} at the end"
    );
    eprintln!(
        "walk state: {at_half} bytes at {} pages, {held} at {pages}",
        pages / 2
    );
    drop(w);
    assert!(
        LIVE.load(Ordering::Relaxed).saturating_sub(base) < 64 * 1024,
        "the walk's memory goes with the walker"
    );

    // A catch-up window: 3,000 events of about 1.4 KB (SCIM raw attributes, as providers send
    // them), all updates of one user, so the store stays small and the window is what grows.
    let (server, text_bytes) = EventsServer::new(catch_up_history(3_000));
    let server = Rc::new(server);
    let store = Rc::new(MemoryStore::new());
    let engine = SyncEngine::new(store.clone());
    let rt = FakeRuntime::new();
    let c = client(server.clone(), &rt);
    let now = scimkit::sync::Version::parse("2030-01-01T00:00:00Z").unwrap();
    let (summary, peak) =
        peak_of(|| run(&rt, engine.catch_up(&c, now, &CatchUpOptions::default())).unwrap());
    assert_eq!(summary.applied, 3_001, "{summary:?}");
    // Measured: 1.6× the events' text (6.7 MB for 4.3 MB) with the window held as text; 7.1×
    // (30.5 MB) when it held normalized events.
    eprintln!("catch-up window: peak {peak} bytes for {text_bytes} bytes of events");
    assert!(
        peak < 2 * text_bytes,
        "{peak} bytes at the peak of a catch-up over {text_bytes} bytes of events"
    );
}

/// An events API serving prepared pages of 100 (newest first; tokens `e<page>`), each body
/// copied per request and dropped with the response: it allocates nothing that lasts.
struct EventsServer {
    pages: Vec<String>,
}

impl EventsServer {
    /// The server of `events` (oldest first), and their bytes as JSON text.
    fn new(events: Vec<serde_json::Value>) -> (Self, usize) {
        let text_bytes = events.iter().map(|e| e.to_string().len()).sum();
        let newest_first: Vec<_> = events.into_iter().rev().collect();
        let count = newest_first.len().div_ceil(100);
        let pages = newest_first
            .chunks(100)
            .enumerate()
            .map(|(i, chunk)| {
                let next = if i + 1 < count {
                    format!("e{}", i + 1)
                } else {
                    String::new()
                };
                json!({"events": chunk, "next_page_token": next, "prev_page_token": ""}).to_string()
            })
            .collect();
        (Self { pages }, text_bytes)
    }
}

impl Transport for EventsServer {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let resp = if req.url.ends_with("/oauth/token") {
            HttpResponse::new(200, token_body("at_MEMORY_TOKEN", 3600).to_string())
        } else {
            let page = req
                .url
                .split_once("page_token=e")
                .and_then(|(_, n)| n.split('&').next()?.parse::<usize>().ok())
                .unwrap_or(0);
            HttpResponse::new(200, self.pages[page].clone())
        };
        Box::pin(std::future::ready(Ok(resp)))
    }
}

/// One user's creation and then `updates` updates of it, as webhook envelopes (oldest first),
/// each with SCIM raw attributes.
fn catch_up_history(updates: usize) -> Vec<serde_json::Value> {
    let mut m = Model::new();
    m.create_user("u1", "Ada", "Lovelace");
    for i in 0..updates {
        m.update_user("u1", |u| u.title = Some(format!("Title {i}")), false);
    }
    for (i, e) in m.events.iter_mut().enumerate() {
        e["data"]["raw_attributes"] = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
            "id": format!("a20e2835-{i:07}"),
            "externalId": "00ukJhaIZ4O6mgNfCWqp",
            "userName": "ada.lovelace@example.com",
            "name": {"givenName": "Ada", "familyName": "Lovelace", "formatted": "Ada Lovelace"},
            "displayName": "Ada Lovelace",
            "title": format!("Title {i}"),
            "active": true,
            "locale": "en-GB",
            "emails": [{"value": "ada.lovelace@example.com", "type": "work", "primary": true},
                       {"value": "ada@mail.example.com", "type": "other", "primary": false}],
            "phoneNumbers": [{"value": "+44 20 7946 0018", "type": "work"}],
            "groups": [{"value": "50cfd8cd-g000007", "display": "Analytical Engines"}],
            "meta": {"resourceType": "User", "created": "2024-01-21T09:02:57.382Z",
                     "lastModified": "2024-09-02T03:10:03.039Z"},
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
                {"department": "Mathematics", "employeeNumber": format!("{i:07}"),
                 "manager": {"value": "00ukBabbage000000000"}}
        });
    }
    m.events
}
