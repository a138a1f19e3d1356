//! Directory API client core: auth, timeouts, retries, paging — behind a transport trait.
//!
//! The I/O is injected ([`Transport`], [`Runtime`]), as deno_graph injects its `Loader`: natively
//! the tests script both; the wasm layer implements them with `fetch`, `setTimeout`,
//! `Date.now()` and `Math.random()`. Futures are local (not `Send`).
//!
//! Policies (defaults in [`ClientConfig::new`]):
//! - **Auth**: client credentials, token fetched on first use and refreshed when less than
//!   `min(60 s, 10% of expires_in)` is left; at most one token request in flight, shared by
//!   every call that needs it. A 401 renews the token once (only if the rejected token is still
//!   the current one) and resends the call once; a second 401 is `unauthorized`.
//! - **Retries**: 429, 408, 502, 503, 504, network errors, timeouts and 2xx bodies that are not
//!   JSON are retried up to `max_retries` times, waiting `Retry-After` (seconds or HTTP date,
//!   capped at `max_retry_after_ms`) or else full-jitter backoff
//!   `random() * min(backoff_max_ms, backoff_base_ms * 2^retry)`. A 2xx body that is JSON but
//!   of the wrong shape is `invalid_response` at once (retrying would not change it).
//! - **Validation** before any request: ids non-empty without whitespace/control characters
//!   (percent-encoded into paths), `page_size` 1–30 (users, groups) or 1–100 (organizations),
//!   `updated_after` RFC 3339.
//! - **Timeout**: the one per-request timeout is the client's: each request is raced with
//!   `Runtime::sleep(timeout_ms)` and dropped when the timer wins (transports cancel on drop);
//!   it is retried like a network error.
//! - **Walks**: one entry point, [`PageWalker::next_page`]; with prefetch (the default) the next
//!   page is requested as soon as this one's body arrives.
//! - **Bounds**: a response body larger than `max_response_bytes` (default 16 MiB) is not read
//!   (`invalid_response`, not retried); a walk ends after `max_pages` pages (default 100,000:
//!   `too_many_pages`) or at a repeated page token (`pagination_loop`), each carrying the page
//!   token to resume from; `timeout_ms` is at most 2^31 − 1.
//!
//! Files, bottom up (each imports only from the ones above it; `scripts/check-layers.mjs`):
//! `transport` (the injected I/O), `error`, `retry` (policy), `url` (encoding, argument checks),
//! `config`, `pages` (options, their limits, page types, parsing), `auth` (token cache, fetch
//! injected), `session` (the one session type and the call loop), `client` (the endpoints),
//! `queries` and `walker` (the walks).

mod auth;
mod client;
mod config;
mod error;
mod events;
mod pages;
#[cfg(test)]
mod pages_fast_tests;
mod queries;
mod retry;
mod session;
mod transport;
mod url;
mod walker;

pub use auth::REFRESH_MARGIN_MS;
pub use client::DirectoryClient;
pub use config::ClientConfig;
pub use error::{DirectoryError, DirectoryErrorKind};
pub use events::{EventFilter, EventsPage, EventsQuery, MAX_EVENT_PAGE_SIZE, MAX_EVENT_TYPES};
#[cfg(fuzzing)]
#[doc(hidden)]
pub use pages::fuzzing as pages_fuzzing;
#[doc(hidden)]
pub use pages::parse_users_page_body;
pub use pages::{
    Directory, GroupListOptions, GroupsPage, ListOptions, Organization, OrganizationsPage,
    UserListOptions, UsersPage, MAX_MEMBER_PAGE_SIZE, MAX_ORGANIZATION_PAGE_SIZE,
};
pub use queries::{GroupsQuery, OrganizationsQuery, Page, PageQuery, UsersQuery};
/// Full-jitter backoff, for the sync engine's retries after a lost race too.
pub(crate) use retry::backoff_ms;
pub use transport::{
    HttpRequest, HttpResponse, LocalBoxFuture, Runtime, Transport, TransportError,
};
pub use walker::{GroupsWalker, OrganizationsWalker, PageWalker, UsersWalker, DEFAULT_MAX_PAGES};
