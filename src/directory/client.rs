//! The client: one method per Directory API endpoint, over a shared [`Session`].

use std::fmt;
use std::rc::Rc;

use serde_json::Value;

use super::config::ClientConfig;
use super::error::{DirectoryError, DirectoryErrorKind};
use super::pages::{
    groups_page_from_text, parse_directories, parse_directory, parse_groups_page,
    parse_organizations_page, parse_users_page, users_page_from_text, Directory, GroupListOptions,
    GroupsPage, ListOptions, OrganizationsPage, UserListOptions, UsersPage,
};
use super::session::{json_only, BodyHook, Call, Session};
use super::transport::{Runtime, Transport};
use super::url::{encode, validate_id, Query};

/// A Directory API client. All methods take `&self` and return futures that are not `Send`.
///
/// Cloning is cheap and the clones share one session (settings, transport, runtime and the token
/// cache). To use it from `'static` futures (wasm-bindgen promises), move a clone into each
/// `async move` block:
///
/// ```text
/// let client = self.client.clone();
/// future_to_promise(async move {
///     let page = client.list_directory_users(&org, &dir, &options).await?;
///     Ok(to_js(&page))
/// })
/// ```
///
/// [`crate::directory::PageWalker::next_page`] already returns a `'static` future.
#[derive(Clone)]
pub struct DirectoryClient {
    session: Rc<Session>,
}

impl fmt::Debug for DirectoryClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DirectoryClient")
            .field("config", self.session.config())
            .finish_non_exhaustive()
    }
}

impl DirectoryClient {
    /// The session every call of this client goes through (the events API sends its own
    /// `POST` with it).
    pub(super) fn session(&self) -> &Session {
        &self.session
    }

    /// A client; fails with `invalid_argument` when the URL or credentials are empty or the URL
    /// is not `http(s)://`.
    pub fn new(
        config: ClientConfig,
        transport: Rc<dyn Transport>,
        runtime: Rc<dyn Runtime>,
    ) -> Result<Self, DirectoryError> {
        Ok(Self {
            session: Rc::new(Session::new(config, transport, runtime)?),
        })
    }

    /// The configuration (its `Debug` redacts the secret).
    pub fn config(&self) -> &ClientConfig {
        self.session.config()
    }

    /// The injected runtime (walks use its [`Runtime::yield_now`]).
    pub(crate) fn runtime(&self) -> &dyn Runtime {
        self.session.runtime()
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
        options.validate()?;
        let mut q = Query::default();
        q.push_display("page_size", options.page_size);
        q.push_opt("page_token", non_empty(&options.page_token));
        let call = Call::get("/api/v1/organizations".to_owned(), q);
        let v = self.session.call(&call, json_only, on_body).await?;
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
        let v = self.get(path).await?;
        parse_directories(v)
    }

    /// `GET /api/v1/organizations/{organization_id}/directories/{directory_id}`.
    pub async fn get_directory(
        &self,
        organization_id: &str,
        directory_id: &str,
    ) -> Result<Directory, DirectoryError> {
        let path = dir_path(organization_id, directory_id, "")?;
        let v = self.get(path).await?;
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
        match self
            .session
            .call(&call, users_page_from_text, on_body)
            .await?
        {
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
            .session
            .call(&call, groups_page_from_text, on_body)
            .await?
        {
            Ok(page) => Ok(page),
            Err(v) => parse_groups_page(v),
        }
    }

    /// An authenticated `GET` whose 2xx body is read as JSON.
    async fn get(&self, path: String) -> Result<Value, DirectoryError> {
        let v = self
            .session
            .call(&Call::get(path, Query::default()), json_only, None)
            .await?;
        Ok(v.unwrap_or_else(|v| v))
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
