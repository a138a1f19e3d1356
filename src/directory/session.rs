//! The one session type: what a call needs — the settings, the transport, the runtime and the
//! token cache — and the call itself: the bearer token, the timeout, retries with backoff and
//! `Retry-After`, one renewal on a 401, and the classification of failures into typed errors.

use std::fmt;
use std::rc::Rc;

use serde_json::Value;

use super::auth::{Grant, Token, TokenCache};
use super::config::ClientConfig;
use super::error::{server_code, server_message, DirectoryError, DirectoryErrorKind};
use super::retry::{backoff_ms, classify_status, parse_retry_after};
use super::transport::{
    timeout, HttpRequest, HttpResponse, LocalBoxFuture, Runtime, Transport, TransportError,
};
use super::url::{encode, Query};

/// Which endpoint a request goes to: the token endpoint maps 400/401/403 to `unauthorized` and
/// sends no bearer token.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Endpoint {
    Token,
    Api,
}

/// One logical call, sent up to `1 + max_retries` times (plus one resend after a token renewal).
pub(super) struct Call {
    pub(super) method: &'static str,
    /// Encoded path, used in messages (it contains ids only, never secrets).
    pub(super) path: String,
    /// `""` or `?…`.
    pub(super) query: String,
    pub(super) body: Option<String>,
    pub(super) endpoint: Endpoint,
}

impl Call {
    /// An authenticated `GET` of the API.
    pub(super) fn get(path: String, query: Query) -> Self {
        Call {
            method: "GET",
            path,
            query: query.finish(),
            body: None,
            endpoint: Endpoint::Api,
        }
    }
}

/// The body reader of calls without a fast path: every 2xx body is parsed into a `Value`.
pub(crate) fn json_only(_: &str) -> Option<Value> {
    None
}

/// Sees a 2xx body before the client reads it (a walk uses it to request the next page early).
pub(crate) type BodyHook = dyn Fn(&str) -> LocalBoxFuture<'static, ()>;

/// A failed attempt: the error it would produce, whether it may be retried and after how long.
struct Failure {
    kind: DirectoryErrorKind,
    status: Option<u16>,
    server_code: Option<String>,
    detail: String,
    retryable: bool,
    retry_after_ms: Option<u64>,
}

/// What every call of one client shares: settings, I/O and the token cache.
pub(crate) struct Session {
    config: ClientConfig,
    base_url: String,
    transport: Rc<dyn Transport>,
    runtime: Rc<dyn Runtime>,
    tokens: TokenCache,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A session; `invalid_argument` when the settings are (see [`ClientConfig::base_url`]).
    pub(crate) fn new(
        config: ClientConfig,
        transport: Rc<dyn Transport>,
        runtime: Rc<dyn Runtime>,
    ) -> Result<Self, DirectoryError> {
        Ok(Self {
            base_url: config.base_url()?,
            config,
            transport,
            runtime,
            tokens: TokenCache::default(),
        })
    }

    pub(crate) fn config(&self) -> &ClientConfig {
        &self.config
    }

    pub(crate) fn runtime(&self) -> &dyn Runtime {
        &*self.runtime
    }

    /// Sends `call` with auth, timeout and retries. A 2xx body is read with `fast` first:
    /// `Ok(t)` when it gives `Some(t)`, else the body parsed into a `Value` as `Err` (or the
    /// not-JSON failure, retried as usual). `on_body` sees each 2xx body before it is read (a
    /// walk requests the next page then).
    pub(crate) async fn call<T>(
        &self,
        call: &Call,
        fast: fn(&str) -> Option<T>,
        on_body: Option<&BodyHook>,
    ) -> Result<Result<T, Value>, DirectoryError> {
        let max_retries = self.config.max_retries;
        let mut retries: u32 = 0;
        let mut sent: u32 = 0;
        let mut rejected: Option<u64> = None;
        let mut renewed = false;
        let mut last_token: Option<Token> = None;
        // Bounded: each pass either returns, uses up one retry, or uses up the one renewal.
        loop {
            let token = match call.endpoint {
                Endpoint::Api => match self
                    .tokens
                    .get(&*self.runtime, rejected, || self.fetch_grant())
                    .await
                {
                    Ok(t) => Some(t),
                    Err(e) => return Err(self.redacted(e, last_token.as_ref())),
                },
                Endpoint::Token => None,
            };
            let req = self.request(call, token.as_ref());
            sent = sent.saturating_add(1);
            let sending = self.transport.send(req);
            // The one timeout: the transport's future is dropped when the timer wins.
            let outcome = if self.config.timeout_ms == 0 {
                Ok(sending.await)
            } else {
                timeout(sending, self.runtime.sleep(self.config.timeout_ms)).await
            };
            let failure = match outcome {
                Err(_) | Ok(Err(TransportError::Timeout)) => Failure::retry(
                    DirectoryErrorKind::Timeout,
                    None,
                    format!("timed out after {} ms", self.config.timeout_ms),
                ),
                Ok(Err(TransportError::Network(m))) => Failure::retry(
                    DirectoryErrorKind::Network,
                    None,
                    format!("network error: {}", m.chars().take(200).collect::<String>()),
                ),
                Ok(Err(TransportError::TooLarge { status })) => self.too_large(status),
                Ok(Ok(resp)) if resp.body.len() > self.config.max_response_bytes => {
                    self.too_large(resp.status)
                }
                Ok(Ok(resp)) if (200..300).contains(&resp.status) => {
                    if let Some(hook) = on_body {
                        hook(&resp.body).await;
                    }
                    // `fast` only answers for bodies that are JSON, so it never hides a retry.
                    if let Some(t) = fast(&resp.body) {
                        return Ok(Ok(t));
                    }
                    match serde_json::from_slice::<Value>(resp.body.as_bytes()) {
                        Ok(v) => return Ok(Err(v)),
                        Err(_) => Failure::retry(
                            DirectoryErrorKind::InvalidResponse,
                            Some(resp.status),
                            format!("HTTP {} with a body that is not JSON", resp.status),
                        ),
                    }
                }
                Ok(Ok(resp))
                    if resp.status == 401 && call.endpoint == Endpoint::Api && !renewed =>
                {
                    renewed = true;
                    rejected = token.as_ref().map(|t| t.generation);
                    last_token = token;
                    continue;
                }
                Ok(Ok(resp)) => self.classify(call.endpoint, &resp),
            };
            last_token = token.or(last_token);
            if !failure.retryable || retries >= max_retries {
                let err = failure.into_error(call, sent);
                return Err(self.redacted(err, last_token.as_ref()));
            }
            let delay = match failure.retry_after_ms {
                Some(ms) => ms.min(self.config.max_retry_after_ms),
                None => backoff_ms(
                    retries,
                    self.config.backoff_base_ms,
                    self.config.backoff_max_ms,
                    self.runtime.random(),
                ),
            };
            retries += 1;
            if delay > 0 {
                self.runtime.sleep(delay).await;
            }
        }
    }

    fn request(&self, call: &Call, token: Option<&Token>) -> HttpRequest {
        let mut headers = vec![("accept".to_owned(), "application/json".to_owned())];
        if let Some(t) = token {
            headers.push((
                "authorization".to_owned(),
                format!("Bearer {}", t.access_token),
            ));
        }
        if call.body.is_some() {
            // The token endpoint takes a form; API calls with a body (the events filter) JSON.
            let kind = match call.endpoint {
                Endpoint::Token => "application/x-www-form-urlencoded",
                Endpoint::Api => "application/json",
            };
            headers.push(("content-type".to_owned(), kind.to_owned()));
        }
        HttpRequest {
            method: call.method.to_owned(),
            url: format!("{}{}{}", self.base_url, call.path, call.query),
            headers,
            body: call.body.clone(),
            max_response_bytes: self.config.max_response_bytes,
        }
    }

    /// A body over `max_response_bytes`: not retried (a server that sent one will send it again),
    /// and never read further (the transport stopped, or the body is dropped unread).
    fn too_large(&self, status: u16) -> Failure {
        Failure {
            kind: DirectoryErrorKind::InvalidResponse,
            status: Some(status),
            server_code: None,
            detail: format!(
                "HTTP {status} with a body larger than the {}-byte limit (max_response_bytes)",
                self.config.max_response_bytes
            ),
            retryable: false,
            retry_after_ms: None,
        }
    }

    /// Maps a non-2xx response (other than the renewable 401) to a failure.
    fn classify(&self, endpoint: Endpoint, resp: &HttpResponse) -> Failure {
        let status = resp.status;
        let body: Value = serde_json::from_slice(resp.body.as_bytes()).unwrap_or(Value::Null);
        let (kind, retryable) = classify_status(status, endpoint == Endpoint::Token);
        let code = server_code(&body);
        let mut detail = format!("HTTP {status}");
        if let Some(c) = &code {
            detail.push_str(&format!(" ({c})"));
        }
        if let Some(m) = server_message(&body) {
            detail.push_str(&format!(": {m}"));
        }
        let retry_after_ms = if retryable {
            resp.header("retry-after")
                .and_then(|v| parse_retry_after(v, self.runtime.now_ms()))
        } else {
            None
        };
        Failure {
            kind,
            status: Some(status),
            server_code: code,
            detail,
            retryable,
            retry_after_ms,
        }
    }

    /// `POST /oauth/token` (client credentials), with the same retry policy as API calls.
    fn fetch_grant(&self) -> LocalBoxFuture<'_, Result<Grant, DirectoryError>> {
        // Boxed: `call` awaits the token cache, which awaits this (async recursion).
        Box::pin(async move {
            let body = format!(
                "grant_type=client_credentials&client_id={}&client_secret={}",
                encode(&self.config.client_id),
                encode(&self.config.client_secret)
            );
            let call = Call {
                method: "POST",
                path: "/oauth/token".to_owned(),
                query: String::new(),
                body: Some(body),
                endpoint: Endpoint::Token,
            };
            let v = self.call(&call, json_only, None).await?;
            Grant::from_response(&v.unwrap_or_else(|v| v))
        })
    }

    /// Removes the client secret (raw and encoded) and the access token from a message.
    fn redacted(&self, mut err: DirectoryError, token: Option<&Token>) -> DirectoryError {
        let secret = &self.config.client_secret;
        let mut secrets = vec![secret.clone(), encode(secret)];
        if let Some(t) = token {
            secrets.push(t.access_token.clone());
        }
        for s in secrets.iter().filter(|s| !s.is_empty()) {
            if err.message.contains(s.as_str()) {
                err.message = err.message.replace(s.as_str(), "[redacted]");
            }
            if let Some(code) = err.server_code.as_mut().filter(|c| c.contains(s.as_str())) {
                *code = code.replace(s.as_str(), "[redacted]");
            }
        }
        err
    }
}

impl Failure {
    fn retry(kind: DirectoryErrorKind, status: Option<u16>, detail: String) -> Self {
        Self {
            kind,
            status,
            server_code: None,
            detail,
            retryable: true,
            retry_after_ms: None,
        }
    }

    fn into_error(self, call: &Call, attempts: u32) -> DirectoryError {
        let plural = if attempts == 1 { "" } else { "s" };
        DirectoryError {
            kind: self.kind,
            status: self.status,
            server_code: self.server_code,
            page_token: None,
            attempts,
            message: format!(
                "{} {} failed: {} (after {attempts} attempt{plural})",
                call.method, call.path, self.detail
            ),
        }
    }
}
