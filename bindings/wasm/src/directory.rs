//! JS exports for the Directory API client. The core owns auth, retries and paging; this layer
//! implements its transport with a JS function (the façade wraps the user's `fetch`), its clock
//! with `Date.now()`, its timers with `setTimeout` (cancelled when dropped) and its jitter with
//! `Math.random()`. Pages cross the boundary as JSON text.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

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

/// Calls `send(method, url, headers, body, timeoutMs)`, which returns `[promise, abort]`: the
/// promise resolves to `[status, [name, value, …], body bytes]` or rejects with
/// `{ name: "TimeoutError" | other, message }`; `abort()` cancels the fetch.
struct JsTransport {
    send: Function,
}

/// Aborts the fetch when its future is dropped before the answer (a walk broken off with a
/// request sent ahead).
struct AbortOnDrop(Option<Function>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(abort) = self.0.take() {
            let _ = abort.call0(&JsValue::NULL);
        }
    }
}

impl Transport for JsTransport {
    // The façade's fetch adapter aborts the request after `timeoutMs` and rejects with a
    // TimeoutError, so the core need not race a timer as well.
    fn enforces_timeout(&self) -> bool {
        true
    }

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
            &JsValue::from_f64(req.timeout_ms as f64),
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

fn transport_error(err: JsValue) -> TransportError {
    let field = |k: &str| {
        Reflect::get(&err, &JsValue::from_str(k))
            .ok()
            .and_then(|v| v.as_string())
    };
    match field("name").as_deref() {
        Some("TimeoutError") => TransportError::Timeout,
        _ => TransportError::Network(
            field("message")
                .or_else(|| err.as_string())
                .unwrap_or_else(|| "fetch failed".into()),
        ),
    }
}

/// `sleep(ms)` returns `[promise, cancel]`; dropping the future cancels the timer, so a timeout
/// race that the request won leaves no timer keeping Node's event loop alive.
struct JsRuntime {
    sleep: Function,
}

struct Sleep {
    inner: Option<JsFuture>,
    cancel: Option<Function>,
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.inner.as_mut() {
            None => Poll::Ready(()),
            Some(f) => match Pin::new(f).poll(cx) {
                Poll::Ready(_) => {
                    self.cancel = None;
                    Poll::Ready(())
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some(cancel) = self.cancel.take() {
            let _ = cancel.call0(&JsValue::NULL);
        }
    }
}

impl Runtime for JsRuntime {
    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn sleep(&self, ms: u64) -> LocalBoxFuture<'_, ()> {
        let pair = self
            .sleep
            .call1(&JsValue::NULL, &JsValue::from_f64(ms as f64))
            .ok()
            .and_then(|v| v.dyn_into::<Array>().ok());
        let sleep = match pair {
            Some(pair) => Sleep {
                inner: pair.get(0).dyn_into::<Promise>().ok().map(JsFuture::from),
                cancel: pair.get(1).dyn_into::<Function>().ok(),
            },
            None => Sleep {
                inner: None,
                cancel: None,
            },
        };
        Box::pin(sleep)
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }

    // The façade's `sleep(0)` resolves on the next macrotask (not a 0 ms timer, which Node
    // clamps to 1 ms).
    fn yield_now(&self) -> LocalBoxFuture<'_, ()> {
        self.sleep(0)
    }
}

/// Client settings as the façade passes them (snake_case JSON).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    environment_url: String,
    client_id: String,
    client_secret: String,
    max_retries: Option<u32>,
    timeout_ms: Option<u64>,
    backoff_base_ms: Option<u64>,
    backoff_max_ms: Option<u64>,
    max_retry_after_ms: Option<u64>,
}

fn argument_error(what: &str, err: impl std::fmt::Display) -> JsValue {
    js_error(
        Family::Directory,
        "invalid_argument",
        &format!("{what}: {err}"),
        None,
    )
}

fn parse<T: DeserializeOwned>(json: &str, what: &str) -> Result<T, JsValue> {
    serde_json::from_slice(json.as_bytes()).map_err(|e| argument_error(what, e))
}

fn to_js(err: &DirectoryError) -> JsValue {
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
        serde_json::to_string(&value)
            .map(JsValue::from)
            .map_err(|e| argument_error("serializing the page", e))
    })
}

/// The Directory API client (wrapped by the façade's `DirectoryClient`).
#[wasm_bindgen(js_name = DirectoryCore)]
pub struct DirectoryCore {
    client: Rc<DirectoryClient>,
}

#[wasm_bindgen(js_class = DirectoryCore)]
impl DirectoryCore {
    /// `settings` is JSON; `send` and `sleep` are the façade's fetch and timer adapters.
    #[wasm_bindgen(constructor)]
    pub fn new(settings: &str, send: Function, sleep: Function) -> Result<DirectoryCore, JsValue> {
        let s: Settings = parse(settings, "client options")?;
        let mut config = ClientConfig::new(s.environment_url, s.client_id, s.client_secret);
        config.max_retries = s.max_retries.unwrap_or(config.max_retries);
        config.timeout_ms = s.timeout_ms.unwrap_or(config.timeout_ms);
        config.backoff_base_ms = s.backoff_base_ms.unwrap_or(config.backoff_base_ms);
        config.backoff_max_ms = s.backoff_max_ms.unwrap_or(config.backoff_max_ms);
        config.max_retry_after_ms = s.max_retry_after_ms.unwrap_or(config.max_retry_after_ms);
        let client = DirectoryClient::new(
            config,
            Rc::new(JsTransport { send }),
            Rc::new(JsRuntime { sleep }),
        )
        .map_err(|e| to_js(&e))?;
        Ok(DirectoryCore {
            client: Rc::new(client),
        })
    }

    /// Resolves to an organizations page as JSON text.
    #[wasm_bindgen(js_name = listOrganizations)]
    pub fn list_organizations(&self, options: &str) -> Result<Promise, JsValue> {
        let o: ListOptions = parse(options, "options")?;
        let c = self.client.clone();
        Ok(json_promise(async move { c.list_organizations(&o).await }))
    }

    /// Resolves to the organization's directories as JSON text.
    #[wasm_bindgen(js_name = listDirectories)]
    pub fn list_directories(&self, organization_id: String) -> Promise {
        let c = self.client.clone();
        json_promise(async move { c.list_directories(&organization_id).await })
    }

    /// Resolves to one directory as JSON text.
    #[wasm_bindgen(js_name = getDirectory)]
    pub fn get_directory(&self, organization_id: String, directory_id: String) -> Promise {
        let c = self.client.clone();
        json_promise(async move { c.get_directory(&organization_id, &directory_id).await })
    }

    /// Resolves to the organization's first directory as JSON text (`not_found` when none).
    #[wasm_bindgen(js_name = getPrimaryDirectory)]
    pub fn get_primary_directory(&self, organization_id: String) -> Promise {
        let c = self.client.clone();
        json_promise(async move { c.get_primary_directory(&organization_id).await })
    }

    /// Resolves to a users page as JSON text.
    #[wasm_bindgen(js_name = listDirectoryUsers)]
    pub fn list_directory_users(
        &self,
        organization_id: String,
        directory_id: String,
        options: &str,
    ) -> Result<Promise, JsValue> {
        let o: UserListOptions = parse(options, "options")?;
        let c = self.client.clone();
        Ok(json_promise(async move {
            c.list_directory_users(&organization_id, &directory_id, &o)
                .await
        }))
    }

    /// Resolves to a groups page as JSON text.
    #[wasm_bindgen(js_name = listDirectoryGroups)]
    pub fn list_directory_groups(
        &self,
        organization_id: String,
        directory_id: String,
        options: &str,
    ) -> Result<Promise, JsValue> {
        let o: GroupListOptions = parse(options, "options")?;
        let c = self.client.clone();
        Ok(json_promise(async move {
            c.list_directory_groups(&organization_id, &directory_id, &o)
                .await
        }))
    }

    /// A walk over a directory's users (validated now; no request yet). `prefetch`: see
    /// [`PageWalker::with_prefetch`] (absent: the core's default).
    #[wasm_bindgen(js_name = walkUsers)]
    pub fn walk_users(
        &self,
        organization_id: String,
        directory_id: String,
        options: &str,
        prefetch: Option<bool>,
    ) -> Result<Walker, JsValue> {
        let o: UserListOptions = parse(options, "options")?;
        self.walker(
            PageWalker::users(organization_id, directory_id, o),
            prefetch,
        )
    }

    /// A walk over a directory's groups.
    #[wasm_bindgen(js_name = walkGroups)]
    pub fn walk_groups(
        &self,
        organization_id: String,
        directory_id: String,
        options: &str,
        prefetch: Option<bool>,
    ) -> Result<Walker, JsValue> {
        let o: GroupListOptions = parse(options, "options")?;
        self.walker(
            PageWalker::groups(organization_id, directory_id, o),
            prefetch,
        )
    }

    /// A walk over the environment's organizations.
    #[wasm_bindgen(js_name = walkOrganizations)]
    pub fn walk_organizations(
        &self,
        options: &str,
        prefetch: Option<bool>,
    ) -> Result<Walker, JsValue> {
        let o: ListOptions = parse(options, "options")?;
        self.walker(PageWalker::organizations(o), prefetch)
    }
}

impl DirectoryCore {
    /// A validated walker as a JS `Walker`; `prefetch` absent keeps the core's default.
    fn walker<Q: PageQuery>(
        &self,
        walker: Result<PageWalker<Q>, DirectoryError>,
        prefetch: Option<bool>,
    ) -> Result<Walker, JsValue>
    where
        Q::Page: Serialize,
    {
        let mut w = walker.map_err(|e| to_js(&e))?;
        if let Some(p) = prefetch {
            w = w.with_prefetch(p);
        }
        Ok(Walker {
            client: self.client.clone(),
            walk: Box::new(Rc::new(RefCell::new(w))),
        })
    }
}

/// A walk over any listing; the page type only matters for serialization.
trait Walk {
    fn next_page(&self, client: &Rc<DirectoryClient>) -> Promise;
}

impl<Q: PageQuery> Walk for Rc<RefCell<PageWalker<Q>>>
where
    Q::Page: Serialize,
{
    fn next_page(&self, client: &Rc<DirectoryClient>) -> Promise {
        let fut = PageWalker::next_page_shared(self, client);
        future_to_promise(async move {
            match fut.await.map_err(|e| to_js(&e))? {
                None => Ok(JsValue::NULL),
                Some(page) => serde_json::to_string(&page)
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
    client: Rc<DirectoryClient>,
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
