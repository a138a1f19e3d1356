//! The injected I/O: an HTTP [`Transport`] and a [`Runtime`] (clock, timers, randomness).
//!
//! Natively the tests implement both with scripted fakes; the wasm layer implements them with
//! JS `fetch`, `setTimeout`, `Date.now()` and `Math.random()`. Futures are local (not `Send`),
//! because JS promises are `!Send`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A boxed future that need not be `Send` (the deno_graph `LocalBoxFuture`).
pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// One HTTP request, fully built by the client.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// The absolute URL, query included.
    pub url: String,
    /// Header names are lowercase.
    pub headers: Vec<(String, String)>,
    /// The body (the token request's form body), if any.
    pub body: Option<String>,
    /// The client's `max_response_bytes`: a transport should stop reading a body beyond this
    /// many bytes and fail with [`TransportError::TooLarge`] (the client checks the body it gets
    /// as well, so a transport that reads whole bodies is still bounded by what it reads).
    pub max_response_bytes: usize,
}

impl HttpRequest {
    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

impl fmt::Debug for HttpRequest {
    /// Redacts the `authorization` header and the body (which holds the client secret).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                if k.eq_ignore_ascii_case("authorization") {
                    (k.as_str(), "[redacted]")
                } else {
                    (k.as_str(), v.as_str())
                }
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("max_response_bytes", &self.max_response_bytes)
            .field(
                "body",
                &self
                    .body
                    .as_ref()
                    .map(|b| format!("[redacted, {} bytes]", b.len())),
            )
            .finish()
    }
}

/// One HTTP response as the transport received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Headers; names should be lowercase (lookups are case-insensitive anyway).
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub body: String,
}

impl HttpResponse {
    /// A response with no headers.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Adds a header (the name is lowercased).
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why the transport produced no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The request failed before a response arrived (DNS, connection reset, CORS, …).
    Network(String),
    /// A layer below the transport gave up waiting (e.g. a `fetch` passed an `AbortSignal`
    /// with a timeout); retried like the client's own timeout.
    Timeout,
    /// The response's body is larger than [`HttpRequest::max_response_bytes`] (from its
    /// `Content-Length`, or as soon as reading passed the limit): the transport stopped reading.
    /// The client fails the call with `invalid_response` and does not retry it.
    TooLarge {
        /// The response's status.
        status: u16,
    },
}

/// Sends HTTP requests. Implemented natively by test doubles and in wasm with `fetch`.
///
/// A transport has no timeout of its own: the client races each `send` with
/// [`Runtime::sleep`] and drops the future when the timer wins, so a transport that can cancel
/// (e.g. abort a fetch) should do so when its future is dropped.
pub trait Transport {
    /// Sends one request. Non-2xx statuses are responses, not errors.
    fn send(&self, req: HttpRequest) -> LocalBoxFuture<'_, Result<HttpResponse, TransportError>>;
}

/// Time and randomness; the core reads neither the clock nor a random source by itself.
pub trait Runtime {
    /// Milliseconds since the Unix epoch (`Date.now()`).
    fn now_ms(&self) -> f64;
    /// A future that completes after `ms` milliseconds (`setTimeout`).
    fn sleep(&self, ms: u64) -> LocalBoxFuture<'_, ()>;
    /// A number in `[0, 1)` (`Math.random()`); used only for backoff jitter.
    fn random(&self) -> f64;
    /// Lets the host run its pending work once before the core goes on — in JS a macrotask
    /// turn, because fetch implementations put a request on the wire only after the microtask
    /// queue drains. Walks call it after sending a request ahead. Default: nothing to wait for.
    fn yield_now(&self) -> LocalBoxFuture<'_, ()> {
        Box::pin(std::future::ready(()))
    }
}

/// The result of [`timeout`] when the timer fired first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Elapsed;

/// Races `fut` against `timer`; the first to complete wins and the other is dropped.
/// `fut` is polled first, so a response that is ready at the same time as the timer wins.
pub(crate) fn timeout<'a, T: 'a>(
    fut: LocalBoxFuture<'a, T>,
    timer: LocalBoxFuture<'a, ()>,
) -> Timeout<'a, T> {
    Timeout { fut, timer }
}

/// See [`timeout`].
pub(crate) struct Timeout<'a, T> {
    fut: LocalBoxFuture<'a, T>,
    timer: LocalBoxFuture<'a, ()>,
}

impl<T> Future for Timeout<'_, T> {
    type Output = Result<T, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Poll::Ready(v) = this.fut.as_mut().poll(cx) {
            return Poll::Ready(Ok(v));
        }
        if let Poll::Ready(()) = this.timer.as_mut().poll(cx) {
            return Poll::Ready(Err(Elapsed));
        }
        Poll::Pending
    }
}
