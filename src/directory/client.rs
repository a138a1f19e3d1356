//! The client: configuration and the endpoints (the request loop is in `call.rs`).

use std::fmt;
use std::rc::Rc;

use serde_json::Value;

use super::auth::{Grant, TokenCache};
use super::call::{BodyHook, Call, Endpoint};
use super::error::{DirectoryError, DirectoryErrorKind};
use super::pages::{
    groups_page_from_text, parse_directories, parse_directory, parse_groups_page,
    parse_organizations_page, parse_users_page, users_page_from_text, Directory, GroupListOptions,
    GroupsPage, ListOptions, OrganizationsPage, UserListOptions, UsersPage,
};
use super::transport::{Runtime, Transport};
use super::url::{encode, validate_id, Query};

/// Largest `page_size` for users and groups (the server's limit).
pub const MAX_MEMBER_PAGE_SIZE: u32 = 30;
/// Largest `page_size` accepted for organizations (scimkit's choice; the server documents none).
pub const MAX_ORGANIZATION_PAGE_SIZE: u32 = 100;

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
    /// Per-request timeout in milliseconds; 0 disables it. Default 30 000.
    pub timeout_ms: u64,
    /// Backoff base: the jitter ceiling before retry `n` (from 0) is `min(cap, base * 2^n)`.
    /// Default 500.
    pub backoff_base_ms: u64,
    /// Backoff cap. Default 30 000.
    pub backoff_max_ms: u64,
    /// Longest `Retry-After` honoured; longer values are cut to this. Default 60 000.
    pub max_retry_after_ms: u64,
}

impl ClientConfig {
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
        }
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
            .finish()
    }
}

/// A Directory API client. All methods take `&self` and return futures that are not `Send`.
///
/// To use it from `'static` futures (wasm-bindgen promises), keep it in an `Rc` and move a clone
/// into each `async move` block:
///
/// ```text
/// let client = Rc::clone(&self.client);
/// future_to_promise(async move {
///     let page = client.list_directory_users(&org, &dir, &options).await?;
///     Ok(to_js(&page))
/// })
/// ```
///
/// Walkers go in an `Rc<RefCell<…>>` next to it and are driven with
/// [`crate::directory::PageWalker::next_page_shared`].
pub struct DirectoryClient {
    pub(super) config: ClientConfig,
    pub(super) base_url: String,
    pub(super) transport: Rc<dyn Transport>,
    pub(super) runtime: Rc<dyn Runtime>,
    pub(super) tokens: TokenCache,
}

impl fmt::Debug for DirectoryClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DirectoryClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl DirectoryClient {
    /// A client; fails with `invalid_argument` when the URL or credentials are empty or the URL
    /// is not `http(s)://`.
    pub fn new(
        config: ClientConfig,
        transport: Rc<dyn Transport>,
        runtime: Rc<dyn Runtime>,
    ) -> Result<Self, DirectoryError> {
        let base_url = config
            .environment_url
            .trim()
            .trim_end_matches('/')
            .to_owned();
        let lower = base_url.to_ascii_lowercase();
        let host = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"));
        if !host.is_some_and(|h| !h.is_empty() && !h.contains(char::is_whitespace)) {
            return Err(DirectoryError::invalid_argument(
                "environment_url must be an http(s) URL",
            ));
        }
        if config.client_id.is_empty() {
            return Err(DirectoryError::invalid_argument(
                "client_id must not be empty",
            ));
        }
        if config.client_secret.is_empty() {
            return Err(DirectoryError::invalid_argument(
                "client_secret must not be empty",
            ));
        }
        Ok(Self {
            config,
            base_url,
            transport,
            runtime,
            tokens: TokenCache::default(),
        })
    }

    /// The configuration (its `Debug` redacts the secret).
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// [`Runtime::yield_now`].
    pub(crate) async fn yield_now(&self) {
        self.runtime.yield_now().await
    }

    pub(crate) fn now_ms(&self) -> f64 {
        self.runtime.now_ms()
    }

    /// `GET /api/v1/organizations`. `page_size` must be 1–100 when given.
    pub async fn list_organizations(
        &self,
        options: &ListOptions,
    ) -> Result<OrganizationsPage, DirectoryError> {
        self.organizations_page(options, None).await
    }

    /// [`Self::list_organizations`], showing each 2xx body to `on_body` before reading it.
    pub(crate) async fn organizations_page(
        &self,
        options: &ListOptions,
        on_body: Option<&BodyHook>,
    ) -> Result<OrganizationsPage, DirectoryError> {
        options.validate(MAX_ORGANIZATION_PAGE_SIZE)?;
        let mut q = Query::default();
        q.push_display("page_size", options.page_size);
        q.push_opt("page_token", non_empty(&options.page_token));
        let call = Call::get("/api/v1/organizations".to_owned(), q);
        let v = self.call_with(&call, |_| None::<Value>, on_body).await?;
        parse_organizations_page(v.unwrap_or_else(|v| v))
    }

    /// `GET /api/v1/organizations/{organization_id}/directories`.
    pub async fn list_directories(
        &self,
        organization_id: &str,
    ) -> Result<Vec<Directory>, DirectoryError> {
        validate_id("organization_id", organization_id)?;
        let path = format!(
            "/api/v1/organizations/{}/directories",
            encode(organization_id)
        );
        let v = self.get(path, Query::default()).await?;
        parse_directories(v)
    }

    /// `GET /api/v1/organizations/{organization_id}/directories/{directory_id}`.
    pub async fn get_directory(
        &self,
        organization_id: &str,
        directory_id: &str,
    ) -> Result<Directory, DirectoryError> {
        let path = dir_path(organization_id, directory_id, "")?;
        let v = self.get(path, Query::default()).await?;
        parse_directory(v)
    }

    /// The first directory of an organization, or `not_found` when it has none.
    pub async fn get_primary_directory(
        &self,
        organization_id: &str,
    ) -> Result<Directory, DirectoryError> {
        let dirs = self.list_directories(organization_id).await?;
        dirs.into_iter().next().ok_or_else(|| {
            DirectoryError::new(
                DirectoryErrorKind::NotFound,
                format!(
                    "organization {} has no directories, so no primary directory",
                    encode(organization_id)
                ),
            )
        })
    }

    /// `GET …/directories/{directory_id}/users`, items normalized with
    /// [`crate::normalize::reference::user_from_reference`]. `page_size` must be 1–30.
    pub async fn list_directory_users(
        &self,
        organization_id: &str,
        directory_id: &str,
        options: &UserListOptions,
    ) -> Result<UsersPage, DirectoryError> {
        self.users_page(organization_id, directory_id, options, None)
            .await
    }

    /// [`Self::list_directory_users`], showing each 2xx body to `on_body` before reading it.
    pub(crate) async fn users_page(
        &self,
        organization_id: &str,
        directory_id: &str,
        options: &UserListOptions,
        on_body: Option<&BodyHook>,
    ) -> Result<UsersPage, DirectoryError> {
        let path = dir_path(organization_id, directory_id, "/users")?;
        options.validate()?;
        let mut q = Query::default();
        q.push_display("page_size", options.page_size);
        q.push_opt("page_token", non_empty(&options.page_token));
        q.push_display("include_detail", options.include_detail);
        q.push_opt("directory_group_id", options.directory_group_id.as_deref());
        q.push_opt("updated_after", options.updated_after.as_deref());
        let call = Call::get(path, q);
        // The body is read straight into the page when it has the usual shape; anything else
        // (errors included) is parsed into a `Value` and decided by `parse_users_page`.
        match self.call_with(&call, users_page_from_text, on_body).await? {
            Ok(page) => Ok(page),
            Err(v) => parse_users_page(v),
        }
    }

    /// `GET …/directories/{directory_id}/groups`, items normalized with
    /// [`crate::normalize::reference::group_from_reference`]. `page_size` must be 1–30.
    pub async fn list_directory_groups(
        &self,
        organization_id: &str,
        directory_id: &str,
        options: &GroupListOptions,
    ) -> Result<GroupsPage, DirectoryError> {
        self.groups_page(organization_id, directory_id, options, None)
            .await
    }

    /// [`Self::list_directory_groups`], showing each 2xx body to `on_body` before reading it.
    pub(crate) async fn groups_page(
        &self,
        organization_id: &str,
        directory_id: &str,
        options: &GroupListOptions,
        on_body: Option<&BodyHook>,
    ) -> Result<GroupsPage, DirectoryError> {
        let path = dir_path(organization_id, directory_id, "/groups")?;
        options.validate()?;
        let mut q = Query::default();
        q.push_display("page_size", options.page_size);
        q.push_opt("page_token", non_empty(&options.page_token));
        q.push_display("include_detail", options.include_detail);
        q.push_opt("updated_after", options.updated_after.as_deref());
        q.push_display("include_external_groups", options.include_external_groups);
        let call = Call::get(path, q);
        // As for users: the body straight into the page, or `parse_groups_page` decides.
        match self
            .call_with(&call, groups_page_from_text, on_body)
            .await?
        {
            Ok(page) => Ok(page),
            Err(v) => parse_groups_page(v),
        }
    }

    async fn get(&self, path: String, query: Query) -> Result<Value, DirectoryError> {
        self.call(&Call::get(path, query)).await
    }

    /// `POST /oauth/token` (client credentials), with the same retry policy as API calls.
    pub(crate) fn fetch_grant(
        &self,
    ) -> super::transport::LocalBoxFuture<'_, Result<Grant, DirectoryError>> {
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
            let v = self.call(&call).await?;
            let bad =
                |what: &str| DirectoryError::invalid_response(format!("POST /oauth/token: {what}"));
            let access_token = v
                .get("access_token")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| bad("response has no access_token"))?
                .to_owned();
            let expires_in_s = match v.get("expires_in") {
                None | Some(Value::Null) => None,
                Some(Value::Number(n)) => n.as_f64(),
                Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
                Some(_) => return Err(bad("expires_in is not a number")),
            };
            Ok(Grant {
                access_token,
                expires_in_s,
            })
        })
    }
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

fn dir_path(org: &str, dir: &str, suffix: &str) -> Result<String, DirectoryError> {
    validate_id("organization_id", org)?;
    validate_id("directory_id", dir)?;
    Ok(format!(
        "/api/v1/organizations/{}/directories/{}{suffix}",
        encode(org),
        encode(dir)
    ))
}
