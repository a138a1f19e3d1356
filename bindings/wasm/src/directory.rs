//! JS exports for the Directory API client. The core owns auth, retries, timeouts and paging;
//! this layer implements its transport with a JS function (the façade wraps the user's `fetch`),
//! its clock with `Date.now()`, its timers with `setTimeout` (cleared when dropped) and its
//! jitter with `Math.random()`, and translates arguments: JS option objects (camelCase JSON,
//! unknown names refused) into the core's option types. Pages cross the boundary as JSON text.

use scimkit::json::to_ascii_json;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use js_sys::{Array, Function, Object, Promise, Reflect};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::errors::{js_error, set, Family};
use scimkit::directory::{
    ClientConfig, DirectoryClient, DirectoryError, GroupListOptions, HttpRequest, HttpResponse,
    ListOptions, LocalBoxFuture, PageQuery, PageWalker, Runtime, Transport, TransportError,
    UserListOptions,
};
use scimkit::error::ErrorCode;

/// Calls `send(method, url, headers, body)`, which returns `[promise, abort]`: the promise
/// resolves to `[status, [name, value, …], body bytes]` or rejects with `{ name, message }`;
/// `abort()` cancels the fetch. The transport has no timer: the core races each request with its
/// own timeout and drops the future when the timer wins, which aborts the fetch.
struct JsTransport {
    send: Function,
}

/// Aborts the fetch when its future is dropped before the answer (the core's timeout fired, or
/// a walk was broken off with a request sent ahead).
struct AbortOnDrop(Option<Function>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(abort) = self.0.take() {
            let _ = abort.call0(&JsValue::NULL);
        }
    }
}

impl Transport for JsTransport {
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>> {
        let headers = Array::new();
        for (name, value) in &req.headers {
            headers.push(&JsValue::from_str(name));
            headers.push(&JsValue::from_str(value));
        }
        let args = Array::of5(
            &JsValue::from_str(&req.method),
            &JsValue::from_str(&req.url),
            &headers,
            &req.body
                .as_deref()
                .map(JsValue::from_str)
                .unwrap_or(JsValue::UNDEFINED),
            &JsValue::from_f64(req.max_response_bytes as f64),
        );
        // Called now, not on first poll: the fetch starts when the core sends.
        let called = self
            .send
            .apply(&JsValue::NULL, &args)
            .map(|v| Array::from(&v));
        let abort = AbortOnDrop(
            called
                .as_ref()
                .ok()
                .and_then(|pair| pair.get(1).dyn_into::<Function>().ok()),
        );
        Box::pin(async move {
            let mut abort = abort;
            let promise = called.map_err(transport_error)?.get(0);
            let value = JsFuture::from(Promise::resolve(&promise)).await;
            abort.0 = None;
            let value = value.map_err(transport_error)?;
            response(&value).ok_or_else(|| {
                TransportError::Network("the transport returned an unexpected value".into())
            })
        })
    }
}

fn response(value: &JsValue) -> Option<HttpResponse> {
    let parts = value.dyn_ref::<Array>()?;
    let status = parts.get(0).as_f64()?;
    let flat = Array::from(&parts.get(1));
    let mut headers = Vec::with_capacity(flat.length() as usize / 2);
    for i in (0..flat.length()).step_by(2) {
        headers.push((
            flat.get(i).as_string()?.to_ascii_lowercase(),
            flat.get(i + 1).as_string()?,
        ));
    }
    // The body arrives as bytes (one copy into wasm memory); invalid UTF-8 is replaced rather than
    // rejected here, so the core reports the body as malformed JSON under its usual retry policy.
    let body = parts.get(2).dyn_into::<js_sys::Uint8Array>().ok()?.to_vec();
    let body = String::from_utf8(body)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Some(HttpResponse {
        status: status as u16,
        headers,
        body,
    })
}

/// A rejected fetch: a `TimeoutError` (a `fetch` the user gave its own `AbortSignal.timeout`) is
/// a timeout to the core, the façade's `ResponseTooLarge` (it stopped reading a body over
/// `max_response_bytes`) a body too large, anything else a network error.
fn transport_error(err: JsValue) -> TransportError {
    let field = |k: &str| {
        Reflect::get(&err, &JsValue::from_str(k))
            .ok()
            .and_then(|v| v.as_string())
    };
    match field("name").as_deref() {
        Some("TimeoutError") => TransportError::Timeout,
        Some("ResponseTooLarge") => TransportError::TooLarge {
            status: Reflect::get(&err, &JsValue::from_str("status"))
                .ok()
                .and_then(|v| v.as_f64())
                .map_or(0, |s| s as u16),
        },
        _ => TransportError::Network(
            field("message")
                .or_else(|| err.as_string())
                .unwrap_or_else(|| "fetch failed".into()),
        ),
    }
}

/// The core's clock, timers and jitter. Timers are JS timers without promises:
/// `set(callback, ms, id)` arms one (ms 0: the next turn of the event loop) and returns a handle
/// for `clear(handle)`; the callback wakes the sleep registered under `id`. No promise, no
/// `JsFuture` and no closure is made per timer — the core starts one for every request (its
/// timeout race), so this is on the hot path of a walk.
struct JsRuntime {
    set: Function,
    clear: Function,
}

/// A registered sleep: fired yet, and the task to wake when it fires.
#[derive(Default)]
struct Slot {
    fired: bool,
    waker: Option<Waker>,
}

thread_local! {
    /// Every pending sleep of every client, by id (wasm has one thread).
    static SLEEPS: RefCell<BTreeMap<u64, Slot>> = const { RefCell::new(BTreeMap::new()) };
    static NEXT_ID: Cell<u64> = const { Cell::new(0) };
    /// The one callback all timers call, owned by JS (made once, never freed): a timer that
    /// fires after its sleep was dropped finds no slot and does nothing.
    static FIRE: JsValue = Closure::<dyn Fn(f64)>::new(fire).into_js_value();
}

fn fire(id: f64) {
    let waker = SLEEPS.with(|s| {
        let mut s = s.try_borrow_mut().ok()?;
        let slot = s.get_mut(&(id as u64))?;
        slot.fired = true;
        slot.waker.take()
    });
    if let Some(w) = waker {
        w.wake();
    }
}

/// Longest delay a JS timer takes (larger ones fire at once in browsers and Node).
const MAX_TIMER_MS: u64 = 2_147_483_647;

struct Sleep<'a> {
    runtime: &'a JsRuntime,
    id: u64,
    handle: JsValue,
    done: bool,
}

impl Future for Sleep<'_> {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.done {
            return Poll::Ready(());
        }
        let fired = SLEEPS.with(|s| {
            let Ok(mut s) = s.try_borrow_mut() else {
                return true; // never: nothing holds the borrow across a call out
            };
            match s.get_mut(&self.id) {
                Some(slot) if !slot.fired => {
                    slot.waker = Some(cx.waker().clone());
                    false
                }
                _ => {
                    s.remove(&self.id);
                    true
                }
            }
        });
        if fired {
            self.done = true;
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Drop for Sleep<'_> {
    /// A sleep dropped before it fired (a timeout race the request won) clears its JS timer, so
    /// no timer keeps Node's event loop alive.
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let _ = self.runtime.clear.call1(&JsValue::NULL, &self.handle);
        SLEEPS.with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                s.remove(&self.id);
            }
        });
    }
}

impl Runtime for JsRuntime {
    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn sleep(&self, ms: u64) -> LocalBoxFuture<'_, ()> {
        let id = NEXT_ID.with(|n| {
            let id = n.get();
            n.set(id.wrapping_add(1));
            id
        });
        SLEEPS.with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                s.insert(id, Slot::default());
            }
        });
        let handle = FIRE.with(|fire| {
            self.set.call3(
                &JsValue::NULL,
                fire,
                &JsValue::from_f64(ms.min(MAX_TIMER_MS) as f64),
                &JsValue::from_f64(id as f64),
            )
        });
        let handle = handle.unwrap_or_else(|_| {
            fire(id as f64); // no timer could be set: do not wait forever
            JsValue::UNDEFINED
        });
        Box::pin(Sleep {
            runtime: self,
            id,
            handle,
            done: false,
        })
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }

    // `set(callback, 0, id)` runs on the next macrotask (not a 0 ms timer, which Node clamps
    // to 1 ms).
    fn yield_now(&self) -> LocalBoxFuture<'_, ()> {
        self.sleep(0)
    }
}

/// Client settings as the façade passes them: its options object (less `fetch`) as JSON.
#[derive(Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "an options object (DirectoryClientOptions)"
)]
struct Settings {
    environment_url: String,
    client_id: String,
    client_secret: String,
    max_retries: Option<u32>,
    timeout_ms: Option<u64>,
    backoff_base_ms: Option<u64>,
    backoff_max_ms: Option<u64>,
    max_retry_after_ms: Option<u64>,
    max_response_bytes: Option<usize>,
}

impl Settings {
    /// The core's configuration: its defaults where an option is absent.
    fn config(self) -> ClientConfig {
        let mut c = ClientConfig::new(self.environment_url, self.client_id, self.client_secret);
        c.max_retries = self.max_retries.unwrap_or(c.max_retries);
        c.timeout_ms = self.timeout_ms.unwrap_or(c.timeout_ms);
        c.backoff_base_ms = self.backoff_base_ms.unwrap_or(c.backoff_base_ms);
        c.backoff_max_ms = self.backoff_max_ms.unwrap_or(c.backoff_max_ms);
        c.max_retry_after_ms = self.max_retry_after_ms.unwrap_or(c.max_retry_after_ms);
        c.max_response_bytes = self.max_response_bytes.unwrap_or(c.max_response_bytes);
        c
    }
}

/// The JS options of a listing (camelCase, unknown names refused), converted into the core's
/// option type field by field: a field added there fails to compile here until it is translated.
#[derive(Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "an options object (PageOptions)"
)]
struct JsListOptions {
    page_size: Option<u32>,
    page_token: Option<String>,
}

impl From<JsListOptions> for ListOptions {
    fn from(o: JsListOptions) -> Self {
        Self {
            page_size: o.page_size,
            page_token: o.page_token,
        }
    }
}

/// `UserListOptions` of index.d.ts.
#[derive(Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "an options object (UserListOptions)"
)]
struct JsUserListOptions {
    page_size: Option<u32>,
    page_token: Option<String>,
    include_detail: Option<bool>,
    directory_group_id: Option<String>,
    updated_after: Option<String>,
}

impl From<JsUserListOptions> for UserListOptions {
    fn from(o: JsUserListOptions) -> Self {
        Self {
            page_size: o.page_size,
            page_token: o.page_token,
            include_detail: o.include_detail,
            directory_group_id: o.directory_group_id,
            updated_after: o.updated_after,
        }
    }
}

/// `GroupListOptions` of index.d.ts.
#[derive(Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    expecting = "an options object (GroupListOptions)"
)]
struct JsGroupListOptions {
    page_size: Option<u32>,
    page_token: Option<String>,
    include_detail: Option<bool>,
    updated_after: Option<String>,
    include_external_groups: Option<bool>,
}

impl From<JsGroupListOptions> for GroupListOptions {
    fn from(o: JsGroupListOptions) -> Self {
        Self {
            page_size: o.page_size,
            page_token: o.page_token,
            include_detail: o.include_detail,
            updated_after: o.updated_after,
            include_external_groups: o.include_external_groups,
        }
    }
}

/// The options of a one-page call.
fn page_options<J: DeserializeOwned + Into<C>, C>(json: &str) -> Result<C, JsValue> {
    Ok(parse::<J>(json, "options")?.into())
}

/// The walker's own options (not queries): `prefetch` and `maxPages`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct WalkSettings {
    prefetch: Option<bool>,
    max_pages: Option<u64>,
}

/// The options of a walk: the listing's, plus the walker's own ([`WalkSettings`]).
fn walk_options<J: DeserializeOwned + Into<C>, C>(
    json: &str,
) -> Result<(C, WalkSettings), JsValue> {
    let mut value: serde_json::Value = parse(json, "options")?;
    let mut own = serde_json::Map::new();
    if let Some(o) = value.as_object_mut() {
        for key in ["prefetch", "maxPages"] {
            if let Some(v) = o.remove(key) {
                own.insert(key.to_owned(), v);
            }
        }
    }
    let settings: WalkSettings = named(serde_json::Value::Object(own), "options")?;
    if settings.max_pages == Some(0) {
        return Err(argument_error(
            "options.maxPages",
            "must be at least 1, got 0",
        ));
    }
    let options = named::<J>(value, "options")?;
    Ok((options.into(), settings))
}

/// Deserializes `value`, naming the option at fault in the error (`options.timeoutMs: …`).
/// serde names an unknown or missing field itself, but not the field whose value has the wrong
/// type or range; that one is found on the error path only, by taking each member out in turn:
/// the member without which the error goes away (or changes) is the one at fault. (Measured on
/// the built .wasm: this adds about 2 KB; serde_path_to_error, which tracks the path as it reads,
/// added 19 KB.)
fn named<T: DeserializeOwned>(value: serde_json::Value, what: &str) -> Result<T, JsValue> {
    // Cloned only to be probed on failure: options objects have a handful of members.
    match serde_json::from_value::<T>(value.clone()) {
        Ok(t) => Ok(t),
        Err(e) => {
            let fails = |v| serde_json::from_value::<T>(v).err().map(|e| e.to_string());
            Err(argument_error(
                &culprit(&value, &e.to_string(), what, &fails),
                e,
            ))
        }
    }
}

/// `what.member` for the member of `value` without which `fails` gives no error or another one
/// (just `what` when none is, or the error is a missing field, which names itself). Not generic,
/// so it is compiled once.
fn culprit(
    value: &serde_json::Value,
    err: &str,
    what: &str,
    fails: &dyn Fn(serde_json::Value) -> Option<String>,
) -> String {
    let members = value
        .as_object()
        .filter(|_| !err.starts_with("missing field"));
    let key = members.and_then(|members| {
        members.keys().find(|key| {
            let mut without = members.clone();
            without.remove(key.as_str());
            fails(serde_json::Value::Object(without)).as_deref() != Some(err)
        })
    });
    key.map_or_else(|| what.to_owned(), |key| format!("{what}.{key}"))
}

fn argument_error(what: &str, err: impl std::fmt::Display) -> JsValue {
    invalid_argument(&format!("{what}: {err}"))
}

/// A `DirectoryApiError` `invalid_argument` made before any request (`attempts: 0`, as the
/// core's own argument errors have).
fn invalid_argument(message: &str) -> JsValue {
    let details = Object::new();
    set(&details, "attempts", 0.0);
    js_error(
        Family::Directory,
        "invalid_argument",
        message,
        Some(details),
    )
}

/// Reads the façade's options JSON, naming the option at fault in any error.
fn parse<T: DeserializeOwned>(json: &str, what: &str) -> Result<T, JsValue> {
    let value: serde_json::Value =
        serde_json::from_slice(json.as_bytes()).map_err(|e| argument_error(what, e))?;
    named(value, what)
}

/// A string argument, or `invalid_argument` naming it and what it got instead.
fn string_arg(value: &JsValue, name: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| {
        let got = if value.is_null() {
            "null".to_owned()
        } else {
            value.js_typeof().as_string().unwrap_or_default()
        };
        invalid_argument(&format!("{name} must be a string, got {got}"))
    })
}

pub(crate) fn to_js(err: &DirectoryError) -> JsValue {
    let details = Object::new();
    set(
        &details,
        "status",
        err.status
            .map(|s| JsValue::from(s as f64))
            .unwrap_or(JsValue::UNDEFINED),
    );
    set(
        &details,
        "serverCode",
        err.server_code
            .as_deref()
            .map(JsValue::from_str)
            .unwrap_or(JsValue::UNDEFINED),
    );
    set(
        &details,
        "pageToken",
        err.page_token
            .as_deref()
            .map(JsValue::from_str)
            .unwrap_or(JsValue::UNDEFINED),
    );
    set(&details, "attempts", err.attempts as f64);
    js_error(Family::Directory, err.code(), &err.message, Some(details))
}

fn json_promise<T: Serialize + 'static>(
    fut: impl Future<Output = Result<T, DirectoryError>> + 'static,
) -> Promise {
    future_to_promise(async move {
        let value = fut.await.map_err(|e| to_js(&e))?;
        to_ascii_json(&value)
            .map(JsValue::from)
            .map_err(|e| argument_error("serializing the page", e))
    })
}

/// The Directory API client (wrapped by the façade's `DirectoryClient`).
#[wasm_bindgen(js_name = DirectoryCore)]
pub struct DirectoryCore {
    client: DirectoryClient,
}

#[wasm_bindgen(js_class = DirectoryCore)]
impl DirectoryCore {
    /// `settings` is the options object (less `fetch`) as JSON; `send` is the façade's fetch
    /// adapter, `set_timer` and `clear_timer` its timer adapters (see `JsRuntime`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        settings: &str,
        send: Function,
        set_timer: Function,
        clear_timer: Function,
    ) -> Result<DirectoryCore, JsValue> {
        let config = parse::<Settings>(settings, "options")?.config();
        let client = DirectoryClient::new(
            config,
            Rc::new(JsTransport { send }),
            Rc::new(JsRuntime {
                set: set_timer,
                clear: clear_timer,
            }),
        )
        .map_err(|e| to_js(&e))?;
        Ok(DirectoryCore { client })
    }

    /// Resolves to an organizations page as JSON text.
    #[wasm_bindgen(js_name = listOrganizations)]
    pub fn list_organizations(&self, options: &str) -> Result<Promise, JsValue> {
        let o = page_options::<JsListOptions, _>(options)?;
        let c = self.client.clone();
        Ok(json_promise(async move { c.list_organizations(&o).await }))
    }

    /// Resolves to the organization's directories as JSON text.
    #[wasm_bindgen(js_name = listDirectories)]
    pub fn list_directories(&self, organization_id: JsValue) -> Result<Promise, JsValue> {
        let org = string_arg(&organization_id, "organizationId")?;
        let c = self.client.clone();
        Ok(json_promise(async move { c.list_directories(&org).await }))
    }

    /// Resolves to one directory as JSON text.
    #[wasm_bindgen(js_name = getDirectory)]
    pub fn get_directory(
        &self,
        organization_id: JsValue,
        directory_id: JsValue,
    ) -> Result<Promise, JsValue> {
        let org = string_arg(&organization_id, "organizationId")?;
        let dir = string_arg(&directory_id, "directoryId")?;
        let c = self.client.clone();
        Ok(json_promise(
            async move { c.get_directory(&org, &dir).await },
        ))
    }

    /// Resolves to the organization's first directory as JSON text (`not_found` when none).
    #[wasm_bindgen(js_name = getPrimaryDirectory)]
    pub fn get_primary_directory(&self, organization_id: JsValue) -> Result<Promise, JsValue> {
        let org = string_arg(&organization_id, "organizationId")?;
        let c = self.client.clone();
        Ok(json_promise(
            async move { c.get_primary_directory(&org).await },
        ))
    }

    /// Resolves to a users page as JSON text.
    #[wasm_bindgen(js_name = listDirectoryUsers)]
    pub fn list_directory_users(
        &self,
        organization_id: JsValue,
        directory_id: JsValue,
        options: &str,
    ) -> Result<Promise, JsValue> {
        let org = string_arg(&organization_id, "organizationId")?;
        let dir = string_arg(&directory_id, "directoryId")?;
        let o = page_options::<JsUserListOptions, _>(options)?;
        let c = self.client.clone();
        Ok(json_promise(async move {
            c.list_directory_users(&org, &dir, &o).await
        }))
    }

    /// Resolves to a groups page as JSON text.
    #[wasm_bindgen(js_name = listDirectoryGroups)]
    pub fn list_directory_groups(
        &self,
        organization_id: JsValue,
        directory_id: JsValue,
        options: &str,
    ) -> Result<Promise, JsValue> {
        let org = string_arg(&organization_id, "organizationId")?;
        let dir = string_arg(&directory_id, "directoryId")?;
        let o = page_options::<JsGroupListOptions, _>(options)?;
        let c = self.client.clone();
        Ok(json_promise(async move {
            c.list_directory_groups(&org, &dir, &o).await
        }))
    }

    /// A walk over a directory's users (validated now; no request yet). `options` may carry
    /// `prefetch` ([`PageWalker::with_prefetch`]) and `maxPages` ([`PageWalker::with_max_pages`]);
    /// absent: the core's defaults.
    #[wasm_bindgen(js_name = walkUsers)]
    pub fn walk_users(
        &self,
        organization_id: JsValue,
        directory_id: JsValue,
        options: &str,
    ) -> Result<Walker, JsValue> {
        let org = string_arg(&organization_id, "organizationId")?;
        let dir = string_arg(&directory_id, "directoryId")?;
        let (o, settings) = walk_options::<JsUserListOptions, _>(options)?;
        self.walker(PageWalker::users(org, dir, o), settings)
    }

    /// A walk over a directory's groups.
    #[wasm_bindgen(js_name = walkGroups)]
    pub fn walk_groups(
        &self,
        organization_id: JsValue,
        directory_id: JsValue,
        options: &str,
    ) -> Result<Walker, JsValue> {
        let org = string_arg(&organization_id, "organizationId")?;
        let dir = string_arg(&directory_id, "directoryId")?;
        let (o, settings) = walk_options::<JsGroupListOptions, _>(options)?;
        self.walker(PageWalker::groups(org, dir, o), settings)
    }

    /// A walk over the environment's organizations.
    #[wasm_bindgen(js_name = walkOrganizations)]
    pub fn walk_organizations(&self, options: &str) -> Result<Walker, JsValue> {
        let (o, settings) = walk_options::<JsListOptions, _>(options)?;
        self.walker(PageWalker::organizations(o), settings)
    }
}

impl DirectoryCore {
    /// The core client (shared: clones use the same token cache and transport).
    pub(crate) fn client(&self) -> &DirectoryClient {
        &self.client
    }

    /// A validated walker as a JS `Walker`; `prefetch` absent keeps the core's default.
    fn walker<Q: PageQuery>(
        &self,
        walker: Result<PageWalker<Q>, DirectoryError>,
        settings: WalkSettings,
    ) -> Result<Walker, JsValue>
    where
        Q::Page: Serialize,
    {
        let mut w = walker.map_err(|e| to_js(&e))?;
        if let Some(p) = settings.prefetch {
            w = w.with_prefetch(p);
        }
        if let Some(n) = settings.max_pages {
            w = w.with_max_pages(n);
        }
        Ok(Walker {
            client: self.client.clone(),
            walk: Box::new(w),
        })
    }
}

/// A walk over any listing; the page type only matters for serialization.
trait Walk {
    fn next_page(&self, client: &DirectoryClient) -> Promise;
}

impl<Q: PageQuery> Walk for PageWalker<Q>
where
    Q::Page: Serialize,
{
    fn next_page(&self, client: &DirectoryClient) -> Promise {
        let fut = PageWalker::next_page(self, client);
        future_to_promise(async move {
            match fut.await.map_err(|e| to_js(&e))? {
                None => Ok(JsValue::NULL),
                Some(page) => to_ascii_json(&page)
                    .map(JsValue::from)
                    .map_err(|e| argument_error("serializing the page", e)),
            }
        })
    }
}

/// A page walk in progress: the page being read, and at most one requested ahead. The façade
/// resumes walks from page tokens (`next_page_token`, or an error's `pageToken`), so nothing
/// else is exposed. Freeing it cancels the request ahead.
#[wasm_bindgen]
pub struct Walker {
    client: DirectoryClient,
    walk: Box<dyn Walk>,
}

#[wasm_bindgen]
impl Walker {
    /// Resolves to the next page as JSON text, or `null` after the last page.
    #[wasm_bindgen(js_name = nextPage)]
    pub fn next_page(&self) -> Promise {
        self.walk.next_page(&self.client)
    }
}
