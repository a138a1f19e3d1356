//! What a walk walks: a listing without its page token ([`PageQuery`]) — directory users,
//! groups, organizations — and how each fetches one page ([`Page`]).

use super::call::BodyHook;
use super::client::{DirectoryClient, MAX_ORGANIZATION_PAGE_SIZE};
use super::error::DirectoryError;
use super::pages::{
    GroupListOptions, GroupsPage, ListOptions, OrganizationsPage, UserListOptions, UsersPage,
};
use super::transport::LocalBoxFuture;
use super::url::validate_id;

/// A page of a listing.
pub trait Page {
    /// The token of the next page; `None` on the last page.
    fn next_page_token(&self) -> Option<&str>;
    /// Number of items on this page.
    fn len(&self) -> usize;
    /// Whether this page has no items.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Page for UsersPage {
    fn next_page_token(&self) -> Option<&str> {
        self.next_page_token.as_deref()
    }
    fn len(&self) -> usize {
        self.users.len()
    }
}

impl Page for GroupsPage {
    fn next_page_token(&self) -> Option<&str> {
        self.next_page_token.as_deref()
    }
    fn len(&self) -> usize {
        self.groups.len()
    }
}

impl Page for OrganizationsPage {
    fn next_page_token(&self) -> Option<&str> {
        self.next_page_token.as_deref()
    }
    fn len(&self) -> usize {
        self.organizations.len()
    }
}

/// A listing that can be walked page by page: the query without its page token.
pub trait PageQuery: Clone + 'static {
    /// The page type.
    type Page: Page + 'static;
    /// Checks the arguments (no request is made).
    fn validate(&self) -> Result<(), DirectoryError>;
    /// The token to start from (resume), if any.
    fn start_token(&self) -> Option<&str>;
    /// Fetches the page at `token` (`None`: the first page), showing each 2xx body to `on_body`
    /// before reading it.
    fn fetch<'a>(
        &'a self,
        client: &'a DirectoryClient,
        token: Option<&'a str>,
        on_body: Option<&'a BodyHook>,
    ) -> LocalBoxFuture<'a, Result<Self::Page, DirectoryError>>;
}

/// Walks the users of a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsersQuery {
    /// The organization (`org_…`).
    pub organization_id: String,
    /// The directory (`dir_…`).
    pub directory_id: String,
    /// Filters and page size; `page_token` is where the walk starts.
    pub options: UserListOptions,
}

/// Walks the groups of a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupsQuery {
    /// The organization (`org_…`).
    pub organization_id: String,
    /// The directory (`dir_…`).
    pub directory_id: String,
    /// Filters and page size; `page_token` is where the walk starts.
    pub options: GroupListOptions,
}

/// Walks the organizations of the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationsQuery {
    /// Page size; `page_token` is where the walk starts.
    pub options: ListOptions,
}

impl PageQuery for UsersQuery {
    type Page = UsersPage;
    fn validate(&self) -> Result<(), DirectoryError> {
        validate_id("organization_id", &self.organization_id)?;
        validate_id("directory_id", &self.directory_id)?;
        self.options.validate()
    }
    fn start_token(&self) -> Option<&str> {
        self.options.page_token.as_deref()
    }
    fn fetch<'a>(
        &'a self,
        client: &'a DirectoryClient,
        token: Option<&'a str>,
        on_body: Option<&'a BodyHook>,
    ) -> LocalBoxFuture<'a, Result<UsersPage, DirectoryError>> {
        let mut options = self.options.clone();
        options.page_token = token.map(str::to_owned);
        Box::pin(async move {
            let (org, dir) = (&self.organization_id, &self.directory_id);
            client.users_page(org, dir, &options, on_body).await
        })
    }
}

impl PageQuery for GroupsQuery {
    type Page = GroupsPage;
    fn validate(&self) -> Result<(), DirectoryError> {
        validate_id("organization_id", &self.organization_id)?;
        validate_id("directory_id", &self.directory_id)?;
        self.options.validate()
    }
    fn start_token(&self) -> Option<&str> {
        self.options.page_token.as_deref()
    }
    fn fetch<'a>(
        &'a self,
        client: &'a DirectoryClient,
        token: Option<&'a str>,
        on_body: Option<&'a BodyHook>,
    ) -> LocalBoxFuture<'a, Result<GroupsPage, DirectoryError>> {
        let mut options = self.options.clone();
        options.page_token = token.map(str::to_owned);
        Box::pin(async move {
            let (org, dir) = (&self.organization_id, &self.directory_id);
            client.groups_page(org, dir, &options, on_body).await
        })
    }
}

impl PageQuery for OrganizationsQuery {
    type Page = OrganizationsPage;
    fn validate(&self) -> Result<(), DirectoryError> {
        self.options.validate(MAX_ORGANIZATION_PAGE_SIZE)
    }
    fn start_token(&self) -> Option<&str> {
        self.options.page_token.as_deref()
    }
    fn fetch<'a>(
        &'a self,
        client: &'a DirectoryClient,
        token: Option<&'a str>,
        on_body: Option<&'a BodyHook>,
    ) -> LocalBoxFuture<'a, Result<OrganizationsPage, DirectoryError>> {
        let options = ListOptions {
            page_size: self.options.page_size,
            page_token: token.map(str::to_owned),
        };
        Box::pin(async move { client.organizations_page(&options, on_body).await })
    }
}
