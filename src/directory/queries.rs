//! What a walk walks: a listing without its page token ([`PageQuery`]) — directory users,
//! groups, organizations — and how each fetches one page ([`Page`]).

use super::client::DirectoryClient;
use super::error::DirectoryError;
use super::pages::{
    GroupListOptions, GroupsPage, ListOptions, OrganizationsPage, UserListOptions, UsersPage,
};
use super::session::BodyHook;
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

/// `Page` for a page type whose items are in the field `$items`.
macro_rules! page {
    ($page:ty, $items:ident) => {
        impl Page for $page {
            fn next_page_token(&self) -> Option<&str> {
                self.next_page_token.as_deref()
            }
            fn len(&self) -> usize {
                self.$items.len()
            }
        }
    };
}

page!(UsersPage, users);
page!(GroupsPage, groups);
page!(OrganizationsPage, organizations);

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

/// `PageQuery` for a listing inside one directory, fetched by the client's method `$fetch`.
macro_rules! directory_query {
    ($query:ty, $page:ty, $fetch:ident) => {
        impl PageQuery for $query {
            type Page = $page;
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
            ) -> LocalBoxFuture<'a, Result<$page, DirectoryError>> {
                let mut options = self.options.clone();
                options.page_token = token.map(str::to_owned);
                Box::pin(async move {
                    let (org, dir) = (&self.organization_id, &self.directory_id);
                    client.$fetch(org, dir, &options, on_body).await
                })
            }
        }
    };
}

directory_query!(UsersQuery, UsersPage, users_page);
directory_query!(GroupsQuery, GroupsPage, groups_page);

impl PageQuery for OrganizationsQuery {
    type Page = OrganizationsPage;
    fn validate(&self) -> Result<(), DirectoryError> {
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
    ) -> LocalBoxFuture<'a, Result<OrganizationsPage, DirectoryError>> {
        let options = ListOptions {
            page_size: self.options.page_size,
            page_token: token.map(str::to_owned),
        };
        Box::pin(async move { client.organizations_page(&options, on_body).await })
    }
}
