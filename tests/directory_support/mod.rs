//! Test doubles for the directory client: a virtual-time runtime with its own tiny executor,
//! a scripted transport and a fake Directory API server with fault injection.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use serde_json::{json, Value};

use scimkit::directory::{
    ClientConfig, DirectoryClient, HttpRequest, HttpResponse, LocalBoxFuture, Runtime, Transport,
    TransportError,
};

pub const SECRET: &str = "s3cr3t-client-secret-value";
pub const ENV: &str = "https://acme.example.test";
/// 2024-01-01T00:00:00Z
pub const T0: f64 = 1_704_067_200_000.0;

// ---------------------------------------------------------------------------------------------
// Virtual-time runtime

struct Timer {
    id: u64,
    deadline: f64,
    waker: Option<Waker>,
}

/// A runtime whose clock only moves when every task is blocked on a timer: then it jumps to the
/// earliest deadline. `random()` replays `randoms` cyclically (default 0.5).
pub struct FakeRuntime {
    now: Cell<f64>,
    timers: RefCell<Vec<Timer>>,
    next_id: Cell<u64>,
    /// Every completed sleep, in ms, in order.
    pub fired: RefCell<Vec<u64>>,
    randoms: RefCell<Vec<f64>>,
    random_calls: Cell<usize>,
}

impl FakeRuntime {
    pub fn new() -> Rc<Self> {
        Rc::new(Self {
            now: Cell::new(T0),
            timers: RefCell::new(Vec::new()),
            next_id: Cell::new(0),
            fired: RefCell::new(Vec::new()),
            randoms: RefCell::new(vec![0.5]),
            random_calls: Cell::new(0),
        })
    }

    pub fn set_randoms(&self, r: Vec<f64>) {
        *self.randoms.borrow_mut() = r;
    }

    pub fn now(&self) -> f64 {
        self.now.get()
    }

    /// Moves the clock forward by `ms` (as if the caller waited outside the client).
    pub fn advance_by(&self, ms: f64) {
        self.now.set(self.now.get() + ms);
    }

    /// How many sleeps were started (completed or not).
    pub fn sleeps_started(&self) -> u64 {
        self.next_id.get()
    }

    /// Sleeps that completed, excluding the per-request timeout races that lost.
    pub fn fired(&self) -> Vec<u64> {
        self.fired.borrow().clone()
    }

    /// Jumps to the earliest pending deadline and wakes the timers due. False if none.
    fn advance(&self) -> bool {
        let wakers: Vec<Waker> = {
            let mut timers = self.timers.borrow_mut();
            let Some(deadline) = timers
                .iter()
                .filter(|t| t.waker.is_some())
                .map(|t| t.deadline)
                .reduce(f64::min)
            else {
                return false;
            };
            if deadline > self.now.get() {
                self.now.set(deadline);
            }
            timers
                .iter_mut()
                .filter(|t| t.deadline <= deadline)
                .filter_map(|t| t.waker.take())
                .collect()
        };
        wakers.into_iter().for_each(Waker::wake);
        true
    }
}

struct Sleep<'a> {
    rt: &'a FakeRuntime,
    id: u64,
    ms: u64,
    deadline: f64,
}

impl Future for Sleep<'_> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let mut timers = this.rt.timers.borrow_mut();
        if this.rt.now.get() >= this.deadline {
            timers.retain(|t| t.id != this.id);
            this.rt.fired.borrow_mut().push(this.ms);
            this.deadline = f64::INFINITY; // fire once
            return Poll::Ready(());
        }
        match timers.iter_mut().find(|t| t.id == this.id) {
            Some(t) => t.waker = Some(cx.waker().clone()),
            None => timers.push(Timer {
                id: this.id,
                deadline: this.deadline,
                waker: Some(cx.waker().clone()),
            }),
        }
        Poll::Pending
    }
}

impl Drop for Sleep<'_> {
    fn drop(&mut self) {
        if let Ok(mut timers) = self.rt.timers.try_borrow_mut() {
            timers.retain(|t| t.id != self.id);
        }
    }
}

impl Runtime for FakeRuntime {
    fn now_ms(&self) -> f64 {
        self.now.get()
    }
    fn sleep(&self, ms: u64) -> LocalBoxFuture<'_, ()> {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        Box::pin(Sleep {
            rt: self,
            id,
            ms,
            deadline: self.now.get() + ms as f64,
        })
    }
    fn random(&self) -> f64 {
        let r = self.randoms.borrow();
        let i = self.random_calls.get();
        self.random_calls.set(i + 1);
        if r.is_empty() {
            0.5
        } else {
            r[i % r.len()]
        }
    }
}

struct Flag(AtomicBool);
impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Drives `fut` to completion on this thread, advancing `rt`'s virtual clock whenever the
/// future is blocked on timers only. Panics on a deadlock (nothing to wake).
pub fn run<F: Future>(rt: &FakeRuntime, fut: F) -> F::Output {
    let flag = Arc::new(Flag(AtomicBool::new(true)));
    let waker = Waker::from(Arc::clone(&flag));
    let mut cx = Context::from_waker(&waker);
    let mut fut = pin!(fut);
    for _ in 0..1_000_000 {
        if flag.0.swap(false, Ordering::SeqCst) {
            if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
                return v;
            }
        } else if !rt.advance() {
            panic!("deadlock: the future is pending and no timer is pending");
        }
    }
    panic!("did not finish in 1e6 polls");
}

// ---------------------------------------------------------------------------------------------
// Transport helpers

/// How a transport answers one request.
pub enum Reply {
    /// At once.
    Now(Result<HttpResponse, TransportError>),
    /// After yielding once (returns Pending and wakes itself), so concurrent calls interleave.
    Yield(Result<HttpResponse, TransportError>),
    /// Never (the client's timeout must fire).
    Never,
}

pub fn reply_future(reply: Reply) -> LocalBoxFuture<'static, Result<HttpResponse, TransportError>> {
    match reply {
        Reply::Now(r) => Box::pin(std::future::ready(r)),
        Reply::Yield(r) => {
            let mut yielded = false;
            let mut slot = Some(r);
            Box::pin(std::future::poll_fn(move |cx| {
                if !yielded {
                    yielded = true;
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                match slot.take() {
                    Some(r) => Poll::Ready(r),
                    None => Poll::Pending,
                }
            }))
        }
        Reply::Never => Box::pin(std::future::pending()),
    }
}

type Handler = dyn Fn(&HttpRequest, usize) -> Reply;

/// A transport answering with a closure; records every request.
pub struct ScriptTransport {
    pub requests: RefCell<Vec<HttpRequest>>,
    handler: Box<Handler>,
}

impl ScriptTransport {
    /// `handler(req, index)`; `index` counts all requests from 0.
    pub fn new(handler: impl Fn(&HttpRequest, usize) -> Reply + 'static) -> Rc<Self> {
        Rc::new(Self {
            requests: RefCell::new(Vec::new()),
            handler: Box::new(handler),
        })
    }

    pub fn count(&self, path_part: &str) -> usize {
        self.requests
            .borrow()
            .iter()
            .filter(|r| r.url.contains(path_part))
            .count()
    }

    pub fn token_requests(&self) -> usize {
        self.count("/oauth/token")
    }

    pub fn api_requests(&self) -> usize {
        self.count("/api/v1/")
    }
}

impl Transport for ScriptTransport {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let i = self.requests.borrow().len();
        let reply = (self.handler)(&req, i);
        self.requests.borrow_mut().push(req);
        reply_future(reply)
    }
}

pub fn ok(body: Value) -> Reply {
    Reply::Now(Ok(HttpResponse::new(200, body.to_string())))
}

pub fn status(code: u16, body: Value) -> Reply {
    Reply::Now(Ok(HttpResponse::new(code, body.to_string())))
}

pub fn token_body(token: &str, expires_in: u64) -> Value {
    json!({"access_token": token, "token_type": "Bearer", "expires_in": expires_in})
}

pub fn error_body(code: i64, message: &str, error_code: &str) -> Value {
    json!({"code": code, "message": message,
           "details": [{"@type": "type.googleapis.com/scalekit.v1.errdetails.ErrorInfo", "error_code": error_code}]})
}

pub fn config() -> ClientConfig {
    ClientConfig::new(ENV, "client_123", SECRET)
}

pub fn client(transport: Rc<dyn Transport>, rt: &Rc<FakeRuntime>) -> Rc<DirectoryClient> {
    client_with(config(), transport, rt)
}

pub fn client_with(
    cfg: ClientConfig,
    transport: Rc<dyn Transport>,
    rt: &Rc<FakeRuntime>,
) -> Rc<DirectoryClient> {
    let rt: Rc<dyn Runtime> = rt.clone();
    Rc::new(DirectoryClient::new(cfg, transport, rt).expect("valid config"))
}

// ---------------------------------------------------------------------------------------------
// Fake Directory API server

/// A fault the fake server injects instead of answering.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    Status(u16),
    StatusRetryAfter(u16, String),
    Network,
    TransportTimeout,
    Hang,
    Malformed,
    /// Revokes the current access token, so this request gets a 401.
    Revoke,
}

/// A paging server for `/users` of one directory, plus the token endpoint. Page tokens are
/// `pt_<offset>`; faults are keyed by page offset and consumed one per request.
pub struct FakeServer {
    pub user_ids: Vec<String>,
    pub page_size: usize,
    pub expires_in: u64,
    pub faults: RefCell<HashMap<usize, VecDeque<Fault>>>,
    pub issued: Cell<u64>,
    pub valid_token: RefCell<Option<String>>,
    pub requests: RefCell<Vec<HttpRequest>>,
    /// Overrides the next token the server hands out for a page offset (to make loops).
    pub next_token_override: RefCell<HashMap<usize, String>>,
    pub yield_replies: bool,
}

impl FakeServer {
    pub fn new(n_users: usize, page_size: usize) -> Rc<Self> {
        Rc::new(Self {
            user_ids: (0..n_users).map(|i| format!("diruser_{i:05}")).collect(),
            page_size,
            expires_in: 3600,
            faults: RefCell::new(HashMap::new()),
            issued: Cell::new(0),
            valid_token: RefCell::new(None),
            requests: RefCell::new(Vec::new()),
            next_token_override: RefCell::new(HashMap::new()),
            yield_replies: false,
        })
    }

    pub fn add_faults(&self, offset: usize, faults: Vec<Fault>) {
        self.faults
            .borrow_mut()
            .entry(offset)
            .or_default()
            .extend(faults);
    }

    pub fn token_requests(&self) -> usize {
        self.requests
            .borrow()
            .iter()
            .filter(|r| r.url.ends_with("/oauth/token"))
            .count()
    }

    fn handle(&self, req: &HttpRequest) -> Reply {
        if req.url.ends_with("/oauth/token") {
            let n = self.issued.get() + 1;
            self.issued.set(n);
            let tok = format!("at_{n}_SECRETTOKEN");
            *self.valid_token.borrow_mut() = Some(tok.clone());
            return ok(token_body(&tok, self.expires_in));
        }
        let (path, query) = req.url.split_once('?').unwrap_or((&req.url, ""));
        let params: HashMap<&str, &str> = query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .collect();
        let offset = match params.get("page_token") {
            None => 0,
            Some(t) => match t.strip_prefix("pt_").and_then(|n| n.parse().ok()) {
                Some(o) => o,
                None => {
                    return status(
                        400,
                        error_body(3, "invalid page token", "INVALID_PAGE_TOKEN"),
                    )
                }
            },
        };
        let fault = self
            .faults
            .borrow_mut()
            .get_mut(&offset)
            .and_then(VecDeque::pop_front);
        match fault {
            Some(Fault::Status(s)) => {
                return status(s, error_body(14, "unavailable", "UNAVAILABLE"))
            }
            Some(Fault::StatusRetryAfter(s, ra)) => {
                return Reply::Now(Ok(HttpResponse::new(s, "{}").with_header("Retry-After", ra)))
            }
            Some(Fault::Network) => {
                return Reply::Now(Err(TransportError::Network("connection reset".into())))
            }
            Some(Fault::TransportTimeout) => return Reply::Now(Err(TransportError::Timeout)),
            Some(Fault::Hang) => return Reply::Never,
            Some(Fault::Malformed) => {
                return Reply::Now(Ok(HttpResponse::new(200, "{\"users\": [{\"id\": ")))
            }
            Some(Fault::Revoke) => *self.valid_token.borrow_mut() = None,
            None => {}
        }
        let auth_ok = match (req.header("authorization"), &*self.valid_token.borrow()) {
            (Some(h), Some(t)) => h == format!("Bearer {t}"),
            _ => false,
        };
        if !auth_ok {
            return status(401, error_body(16, "token expired", "TOKEN_EXPIRED"));
        }
        if !path.ends_with("/users") {
            return status(404, error_body(5, "not found", "NOT_FOUND"));
        }
        let size: usize = params
            .get("page_size")
            .and_then(|s| s.parse().ok())
            .unwrap_or(self.page_size);
        let end = (offset + size).min(self.user_ids.len());
        let users: Vec<Value> = self.user_ids[offset.min(end)..end]
            .iter()
            .map(|id| json!({"id": id, "email": format!("{id}@example.com")}))
            .collect();
        let next = match self.next_token_override.borrow().get(&offset) {
            Some(t) => t.clone(),
            None if end < self.user_ids.len() => format!("pt_{end}"),
            None => String::new(),
        };
        let prev = if offset == 0 {
            String::new()
        } else {
            format!("pt_{}", offset.saturating_sub(size))
        };
        let body = json!({"users": users, "next_page_token": next, "prev_page_token": prev,
                          "total_size": self.user_ids.len()});
        if self.yield_replies {
            Reply::Yield(Ok(HttpResponse::new(200, body.to_string())))
        } else {
            ok(body)
        }
    }
}

impl Transport for FakeServer {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let reply = self.handle(&req);
        self.requests.borrow_mut().push(req);
        reply_future(reply)
    }
}
