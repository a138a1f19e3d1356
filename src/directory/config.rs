//! Client settings, their defaults, and the checks made before any request.

use std::fmt;

use super::error::DirectoryError;

/// Client settings. `Debug` redacts the client secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// The environment's base URL, e.g. `https://acme.scalekit.dev` (a trailing `/` is ignored).
    pub environment_url: String,
    /// OAuth client id.
    pub client_id: String,
    /// OAuth client secret; never appears in `Debug`, errors or messages.
    pub client_secret: String,
    /// Retries after the first attempt for retryable failures (429, 408, 502, 503, 504, network
    /// errors, timeouts, malformed JSON in a 2xx). Default 4 (so at most 5 attempts).
    pub max_retries: u32,
    /// Per-request timeout in milliseconds; 0 disables it. Default 30 000. The client enforces it
    /// by racing each request with [`super::Runtime::sleep`] and dropping the request when the
    /// timer wins (a fetch-based transport aborts on drop).
    pub timeout_ms: u64,
    /// Backoff base: the jitter ceiling before retry `n` (from 0) is `min(cap, base * 2^n)`.
    /// Default 500.
    pub backoff_base_ms: u64,
    /// Backoff cap. Default 30 000.
    pub backoff_max_ms: u64,
    /// Longest `Retry-After` honoured; longer values are cut to this. Default 60 000.
    pub max_retry_after_ms: u64,
    /// Largest response body read, in bytes. Default 16 MiB ([`Self::DEFAULT_MAX_RESPONSE_BYTES`]).
    /// Handed to the transport with each request ([`super::HttpRequest::max_response_bytes`]) so
    /// it stops reading there; a larger body fails the call with `invalid_response`, not retried.
    pub max_response_bytes: usize,
}

impl ClientConfig {
    /// The default [`Self::max_response_bytes`]: 16 MiB. A page of 30 users with their raw SCIM
    /// detail is about 100 KiB, a page of 100 events a few hundred.
    pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1_048_576;
    /// The longest `timeout_ms` accepted: 2^31 − 1 ms (about 24.8 days), the longest delay a
    /// JavaScript timer takes (longer ones fire at once in Node and browsers).
    pub const MAX_TIMEOUT_MS: u64 = 2_147_483_647;

    /// A configuration with the defaults documented on each field.
    pub fn new(
        environment_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        Self {
            environment_url: environment_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            max_retries: 4,
            timeout_ms: 30_000,
            backoff_base_ms: 500,
            backoff_max_ms: 30_000,
            max_retry_after_ms: 60_000,
            max_response_bytes: Self::DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// The base URL requests are made against (trimmed, no trailing `/`), or `invalid_argument`
    /// when the URL is not `http(s)://host…`, a credential is empty, `timeout_ms` is above
    /// [`Self::MAX_TIMEOUT_MS`] or `max_response_bytes` is 0.
    pub(crate) fn base_url(&self) -> Result<String, DirectoryError> {
        let base_url = self.environment_url.trim().trim_end_matches('/').to_owned();
        let lower = base_url.to_ascii_lowercase();
        let host = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"));
        if !host.is_some_and(|h| !h.is_empty() && !h.contains(char::is_whitespace)) {
            return Err(DirectoryError::invalid_argument(
                "environment_url must be an http(s) URL",
            ));
        }
        if self.client_id.is_empty() {
            return Err(DirectoryError::invalid_argument(
                "client_id must not be empty",
            ));
        }
        if self.client_secret.is_empty() {
            return Err(DirectoryError::invalid_argument(
                "client_secret must not be empty",
            ));
        }
        if self.timeout_ms > Self::MAX_TIMEOUT_MS {
            return Err(DirectoryError::invalid_argument(format!(
                "timeout_ms must be at most {} (about 24.8 days, the longest timer JavaScript \
                 runtimes take; 0 disables the timeout), got {}",
                Self::MAX_TIMEOUT_MS,
                self.timeout_ms
            )));
        }
        if self.max_response_bytes == 0 {
            return Err(DirectoryError::invalid_argument(
                "max_response_bytes must be at least 1",
            ));
        }
        Ok(base_url)
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("environment_url", &self.environment_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("max_retries", &self.max_retries)
            .field("timeout_ms", &self.timeout_ms)
            .field("backoff_base_ms", &self.backoff_base_ms)
            .field("backoff_max_ms", &self.backoff_max_ms)
            .field("max_retry_after_ms", &self.max_retry_after_ms)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}
